-- Printed by `make demo`: what was loaded, and the EU dashboard.
\pset footer off
\echo
\echo '== Demo dataset'
SELECT (SELECT count(*) FROM supplyrisk.entity) AS entities,
       (SELECT count(*) FROM supplyrisk.supplier) AS suppliers,
       (SELECT count(*) FROM supplyrisk.supplier WHERE parent_supplier_id IS NULL) AS supplier_groups,
       (SELECT count(*) FROM supplyrisk.supply) AS supply_rows,
       (SELECT count(*) FROM supplyrisk.supplier_dependency) AS dependencies,
       (SELECT count(*) FROM supplyrisk.assessment) AS assessments,
       (SELECT count(*) FROM supplyrisk.designation) AS designations;
\echo '== Supply by sector (valid today)'
SELECT e.sector_code AS sector, count(DISTINCT e.member_state) AS member_states, count(DISTINCT e.entity_id) AS entities,
       count(DISTINCT g.group_id) AS supplier_groups, count(*) AS supply_rows
FROM supplyrisk.supply s
JOIN supplyrisk.entity e USING (entity_id)
JOIN supplyrisk.supplier_group_map g USING (supplier_id)
WHERE s.valid_from <= current_date AND (s.valid_to IS NULL OR s.valid_to > current_date)
GROUP BY e.sector_code ORDER BY e.sector_code;
\echo '== Supplier risk (methodology: default)'
SELECT risk_level, count(*) AS suppliers, count(*) FILTER (WHERE high_risk) AS high_risk,
       count(*) FILTER (WHERE high_risk_basis = 'designation') AS by_designation,
       count(*) FILTER (WHERE high_risk_basis = 'score') AS by_score,
       count(*) FILTER (WHERE high_risk_basis = 'group') AS by_group,
       round(avg(coverage)::numeric, 2) AS mean_coverage
FROM supplyrisk.supplier_risk
GROUP BY risk_level ORDER BY min(risk_score);
