-- pgTAP: every view reconciled with an independent plain-SQL computation on generated data.
BEGIN;
SET search_path = supplyrisk, public;
\set scale 0.1
\ir ../../data/generate.sql
SET search_path = supplyrisk, public;
SELECT plan(22);

CREATE TEMP TABLE v AS  -- supply valid today with group, group country, risk
SELECT s.entity_id, e.sector_code, e.member_state, s.function_code, f.criticality, s.weight, s.supplier_id,
       gm.group_id, c.eu_member AS group_eu, g.hq_country AS group_country, r.high_risk, r.risk_score
FROM supply s JOIN entity e USING (entity_id) JOIN ict_function f ON f.code = s.function_code
JOIN supplier_group_map gm USING (supplier_id) JOIN supplier g ON g.supplier_id = gm.group_id
JOIN country c ON c.code = g.hq_country JOIN supplier_risk r ON r.supplier_id = s.supplier_id
WHERE s.valid_from <= current_date AND (s.valid_to IS NULL OR s.valid_to > current_date);
SELECT ok((SELECT count(*) FROM v) > 1000, 'generated supply to reconcile');
CREATE TEMP TABLE so AS SELECT * FROM sector_overview;

-- sector_overview
SELECT is((SELECT count(*)::int FROM so o JOIN (
             SELECT sector_code, 10000 * sum(w * w) / (sum(w) ^ 2) AS hhi FROM (SELECT sector_code, group_id, sum(weight) w FROM v GROUP BY 1, 2) g GROUP BY 1
           ) h USING (sector_code) WHERE o.member_state IS NULL AND abs(o.hhi - h.hhi) > 1e-9 * h.hhi), 0, 'EU-wide sector hhi = hhi over supplier groups from the supply rows');
SELECT is((SELECT count(*)::int FROM so o JOIN (
             SELECT sector_code, member_state, 10000 * sum(w * w) / (sum(w) ^ 2) AS hhi, count(*) AS n
             FROM (SELECT sector_code, member_state, group_id, sum(weight) w FROM v GROUP BY 1, 2, 3) g GROUP BY 1, 2
           ) h USING (sector_code, member_state) WHERE abs(o.hhi - h.hhi) > 1e-9 * h.hhi OR o.suppliers <> h.n), 0, 'member-state sector hhi and supplier count');
SELECT is((SELECT count(*)::int FROM so WHERE member_state IS NOT NULL), (SELECT count(DISTINCT (sector_code, member_state))::int FROM v), 'one row per sector and member state with supply');
SELECT is((SELECT count(*)::int FROM so o JOIN (
             SELECT sector_code, sum(weight) FILTER (WHERE high_risk) / sum(weight) AS hrv,
                    sum(weight) FILTER (WHERE high_risk AND criticality <> 'standard') / sum(weight) FILTER (WHERE criticality <> 'standard') AS hrvc,
                    sum(weight) FILTER (WHERE NOT group_eu) / sum(weight) AS noneu, sum(weight * risk_score) / sum(weight) AS mr
             FROM v GROUP BY 1) x USING (sector_code)
           WHERE o.member_state IS NULL AND (abs(o.hrv_share - COALESCE(x.hrv, 0)) > 1e-9 OR abs(o.hrv_share_critical - COALESCE(x.hrvc, 0)) > 1e-9
                                              OR abs(o.non_eu_share - COALESCE(x.noneu, 0)) > 1e-9 OR abs(o.mean_risk - x.mr) > 1e-9)), 0,
          'hrv_share, hrv_share_critical, non_eu_share, mean_risk');
SELECT is((SELECT count(*)::int FROM so o JOIN (
             SELECT sector_code, 10000 * sum(w * w) / (sum(w) ^ 2) AS chhi FROM (SELECT sector_code, group_country, sum(weight) w FROM v GROUP BY 1, 2) g GROUP BY 1
           ) h USING (sector_code) WHERE o.member_state IS NULL AND abs(o.country_hhi - h.chhi) > 1e-9 * h.chhi), 0, 'country_hhi over group HQ countries');
SELECT is((SELECT count(*)::int FROM so o JOIN (
             SELECT sector_code, count(*) FILTER (WHERE n = 1) AS single
             FROM (SELECT sector_code, entity_id, function_code, count(DISTINCT group_id) n FROM v WHERE criticality <> 'standard' GROUP BY 1, 2, 3) x GROUP BY 1
           ) s USING (sector_code) WHERE o.member_state IS NULL AND o.single_supplier_critical <> s.single), 0, 'single_supplier_critical');
SELECT is((SELECT count(*)::int FROM so eu JOIN (SELECT sector_code, sum(entities) AS e, sum(single_supplier_critical) AS s FROM so WHERE member_state IS NOT NULL GROUP BY 1) ms USING (sector_code)
           WHERE eu.member_state IS NULL AND (eu.single_supplier_critical <> ms.s)), 0, 'EU-wide counts = sum of the member-state rows');
SELECT is((SELECT count(*)::int FROM so o JOIN (SELECT sector_code, member_state, count(*) n FROM entity GROUP BY 1, 2) e USING (sector_code, member_state)
           WHERE o.entities <> e.n), 0, 'entities per sector and member state');
SELECT is((SELECT count(*)::int FROM so WHERE concentration_level IS DISTINCT FROM concentration_level(hhi)), 0, 'concentration_level is the eu2004 band of hhi');

-- the 18 sector views
SELECT is((SELECT count(DISTINCT cols)::int FROM (SELECT c.relname, string_agg(a.attname || ':' || format_type(a.atttypid, a.atttypmod), ',' ORDER BY a.attnum) cols
           FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0
           WHERE n.nspname = 'supplyrisk' AND c.relkind = 'v' AND c.relname LIKE 'sector\_%' AND c.relname <> 'sector_overview' GROUP BY 1) x), 1, 'the sector views have identical columns');
SELECT is((SELECT count(*)::int FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace JOIN sector s ON c.relname = 'sector_' || s.code
           WHERE n.nspname = 'supplyrisk' AND c.relkind = 'v' AND s.shipped), 18, 'one view per NIS2 sector');
CREATE TEMP TABLE sv AS
SELECT s.code AS sector_code, o.* FROM sector s, LATERAL sector_function_overview(s.code) o WHERE s.shipped;
SELECT is((SELECT count(*)::int FROM sv o JOIN (
             SELECT sector_code, function_code, 10000 * sum(w * w) / (sum(w) ^ 2) AS hhi, max(w) / sum(w) AS cr1, count(*) AS n
             FROM (SELECT sector_code, function_code, group_id, sum(weight) w FROM v GROUP BY 1, 2, 3) g GROUP BY 1, 2
           ) h USING (sector_code, function_code) WHERE o.member_state IS NULL AND (abs(o.hhi - h.hhi) > 1e-9 * h.hhi OR abs(o.cr1 - h.cr1) > 1e-12 OR o.suppliers <> h.n)), 0,
          'sector views, EU-wide rows: hhi, cr1, suppliers per function');
SELECT is((SELECT count(*)::int FROM sv o JOIN (
             SELECT sector_code, member_state, function_code, count(*) AS ents, count(*) FILTER (WHERE n = 1) AS single
             FROM (SELECT sector_code, member_state, function_code, entity_id, count(DISTINCT group_id) n FROM v GROUP BY 1, 2, 3, 4) x GROUP BY 1, 2, 3
           ) h USING (sector_code, member_state, function_code) WHERE o.entities <> h.ents OR o.single_supplier_entities <> h.single), 0,
          'sector views, member-state rows: entities and single-supplier entities');
SELECT is((SELECT count(*)::int FROM sector_energy), (SELECT count(*)::int FROM sv WHERE sector_code = 'energy'), 'sector_energy view = sector_function_overview(energy)');

-- entity_exposure and multi_vendor_gaps
CREATE TEMP TABLE ee AS SELECT * FROM entity_exposure;
CREATE TEMP TABLE eref AS
SELECT entity_id, function_code, criticality, 10000 * sum(w * w) / (sum(w) ^ 2) AS hhi, max(w) / sum(w) AS cr1, count(*) AS n,
       sum(hw) / sum(w) AS hrv, sum(rw) / sum(w) / 100 * CASE criticality WHEN 'critical' THEN 1.0 WHEN 'sensitive' THEN 0.6 ELSE 0.3 END AS exposure
FROM (SELECT entity_id, function_code, criticality, group_id, sum(weight) w, sum(weight) FILTER (WHERE high_risk) hw, sum(weight * risk_score) rw
      FROM v GROUP BY 1, 2, 3, 4) g GROUP BY 1, 2, 3;
SELECT is((SELECT count(*)::int FROM ee JOIN eref r USING (entity_id, function_code)
           WHERE abs(ee.hhi - r.hhi) > 1e-9 * r.hhi OR abs(ee.cr1 - r.cr1) > 1e-12 OR ee.supplier_count <> r.n
              OR abs(ee.hrv_share - COALESCE(r.hrv, 0)) > 1e-9 OR abs(ee.exposure_score - r.exposure) > 1e-9), 0,
          'entity_exposure: hhi, cr1, supplier_count, hrv_share, exposure_score');
SELECT is((SELECT count(*)::int FROM ee), (SELECT count(*)::int FROM eref), 'entity_exposure: one row per entity and function');
SELECT is((SELECT array_agg(gap || ':' || n ORDER BY gap) FROM (SELECT gap, count(*) n FROM multi_vendor_gaps GROUP BY 1) x),
          (SELECT array_agg(gap || ':' || n ORDER BY gap) FROM (
             SELECT 'above_cap' gap, count(*) n FROM eref WHERE criticality <> 'standard' AND n > 1 AND cr1 > 0.35
             UNION ALL SELECT 'high_risk_supplier', count(*) FROM eref WHERE criticality = 'critical' AND hrv > 0
             UNION ALL SELECT 'single_supplier', count(*) FROM eref WHERE criticality <> 'standard' AND n = 1) y WHERE n > 0),
          'multi_vendor_gaps: counts per reason');

-- as of a past date
SELECT is((SELECT count(*)::int FROM sector_overview_at('2024-06-01') o JOIN (
             SELECT e.sector_code, 10000 * sum(w * w) / (sum(w) ^ 2) AS hhi
             FROM (SELECT e.sector_code, gm.group_id, sum(s.weight) w FROM supply s JOIN entity e USING (entity_id) JOIN supplier_group_map gm USING (supplier_id)
                   WHERE s.valid_from <= '2024-06-01' AND (s.valid_to IS NULL OR s.valid_to > '2024-06-01') GROUP BY 1, 2) e GROUP BY 1
           ) h USING (sector_code) WHERE o.member_state IS NULL AND abs(o.hhi - h.hhi) > 1e-9 * h.hhi), 0, 'sector_overview_at(2024-06-01) uses the supply valid then');

-- deep_mix against an independent recursive CTE (simple paths, pruning, cap per origin)
CREATE TEMP TABLE dm AS SELECT entity_id, supply_mix_agg(supplier_id, weight) m FROM v GROUP BY 1 ORDER BY 1 LIMIT 40;
CREATE TEMP TABLE cte_deep AS
WITH RECURSIVE o AS (SELECT d.entity_id, t.key::bigint AS origin, t.weight AS w FROM dm d, each(d.m) t),
p (entity_id, origin, node, mass, depth, path) AS (
  SELECT entity_id, origin, origin, 1::float8, 0, ARRAY[origin] FROM o
  UNION ALL
  SELECT p.entity_id, p.origin, x.t, p.mass * x.share, p.depth + 1, p.path || x.t
  FROM p JOIN (SELECT supplier_id s, depends_on_supplier_id t, max(share) share FROM supplier_dependency GROUP BY 1, 2) x ON x.s = p.node
  WHERE p.depth < 6 AND NOT x.t = ANY (p.path) AND p.mass * x.share >= 0.001
),
rel AS (SELECT entity_id, origin, node, least(1, sum(mass)) r FROM p WHERE depth > 0 GROUP BY 1, 2, 3)
SELECT entity_id, node, sum(w) AS weight FROM (
  SELECT entity_id, origin AS node, w FROM o
  UNION ALL SELECT rel.entity_id, rel.node, o.w * rel.r FROM rel JOIN o USING (entity_id, origin)) z
GROUP BY 1, 2;
CREATE TEMP TABLE c_deep AS SELECT dm.entity_id, t.key::bigint AS node, t.weight FROM dm, each(deep_mix(dm.m)) t;
SELECT is((SELECT count(*)::int FROM c_deep c FULL JOIN cte_deep r USING (entity_id, node) WHERE c.weight IS NULL OR r.weight IS NULL), 0,
          'deep_mix reaches exactly the suppliers the recursive CTE reaches');
SELECT is((SELECT count(*)::int FROM c_deep c JOIN cte_deep r USING (entity_id, node) WHERE abs(c.weight - r.weight) > 1e-9 * r.weight), 0,
          'deep_mix weights = recursive CTE (40 entities of the demo graph)');
SELECT ok((SELECT bool_and(total(deep_mix(m)) >= total(m) AND (SELECT max(weight) FROM each(deep_mix(m))) <= total(m) * (1 + 1e-12)) FROM dm),
          'no deep weight exceeds the entity total; deep total >= direct total');

SELECT * FROM finish();
ROLLBACK;
