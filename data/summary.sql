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
\echo '== EU dashboard: the 18 NIS2 sectors (supply valid today; EU-wide rows of sector_overview)'
SELECT sector_code AS sector, entities, suppliers AS supplier_groups, round(hhi) AS hhi, concentration_level AS level,
       round(cr4::numeric, 2) AS cr4, round(country_hhi) AS country_hhi, round(100 * hrv_share::numeric, 1) AS "hrv %",
       round(100 * hrv_share_critical::numeric, 1) AS "hrv crit %", round(100 * non_eu_share::numeric, 1) AS "non-EU %",
       single_supplier_critical AS single_src_crit, round(mean_risk::numeric, 1) AS mean_risk,
       (SELECT (m.metrics->>'gaps')::int FROM supplyrisk.metric_snapshot m  -- from the latest snapshot
        WHERE m.snapshot_id = (SELECT max(snapshot_id) FROM supplyrisk.snapshot) AND m.sector_code = o.sector_code
          AND m.member_state IS NULL AND m.function_code IS NULL) AS gaps
FROM supplyrisk.sector_overview o WHERE member_state IS NULL ORDER BY hhi DESC NULLS LAST;
\echo '== Most concentrated critical functions EU-wide (sector views)'
SELECT x.sector, x.function_code, x.suppliers, round(x.hhi) AS hhi, round(100 * x.hrv_share::numeric, 1) AS "hrv %", x.top_suppliers
FROM (SELECT s.code AS sector, o.* FROM supplyrisk.sector s, LATERAL supplyrisk.sector_function_rows(s.code, false) o
      WHERE s.shipped AND o.member_state IS NULL AND o.criticality = 'critical') x
ORDER BY x.hhi DESC, x.sector LIMIT 8;
\echo '== Top hidden tier-n dependencies (entity_deep_exposure: reliance beyond direct purchases)'
SELECT top_hidden_group AS supplier_group, count(*) AS entities_relying,
       round(100 * avg(top_hidden_share)::numeric, 1) AS "mean hidden share %",
       round(avg(direct_hhi)) AS mean_direct_hhi, round(avg(deep_hhi)) AS mean_deep_hhi
FROM supplyrisk.entity_deep_exposure WHERE top_hidden_group IS NOT NULL
GROUP BY 1 ORDER BY 2 DESC LIMIT 5;
