-- pgTAP: supplier risk scoring properties.
BEGIN;
SET search_path = supplyrisk, public;
SELECT plan(21);
\ir lib/plan.sql

-- 300 random profiles: every factor assessed (70%) or unknown, scores 0..4
SELECT setseed(0.17);
CREATE TEMP TABLE prof AS
SELECT p AS profile_id, f.code, f.dimension, (random() * 4)::int::float8 AS score
FROM generate_series(1, 300) p, risk_factor f
WHERE random() < 0.7;
-- the same profiles with one factor raised by 1 (where below 4)
CREATE TEMP TABLE raised AS
SELECT p.profile_id, p.code, p.dimension,
       CASE WHEN p.code = (SELECT code FROM risk_factor ORDER BY md5(p.profile_id::text || code) LIMIT 1)
            THEN least(p.score + 1, 4) ELSE p.score END AS score
FROM prof p;
CREATE TEMP TABLE a AS SELECT profile_id, (risk_profile_agg('default', code, score, '2026-01-01', NULL, NULL)).* FROM prof GROUP BY 1;
CREATE TEMP TABLE b AS SELECT profile_id, (risk_profile_agg('default', code, score, '2026-01-01', NULL, NULL)).* FROM raised GROUP BY 1;
SELECT is((SELECT count(*)::int FROM a JOIN b USING (profile_id)
           WHERE b.technical_score < a.technical_score - 1e-12 OR b.non_technical_score < a.non_technical_score - 1e-12
              OR b.risk_score < a.risk_score - 1e-12), 0, 'monotone: raising a factor never lowers any score (300 random profiles)');
SELECT ok((SELECT count(*) FROM a JOIN b USING (profile_id) WHERE b.risk_score > a.risk_score) > 100, 'raising a factor does raise the risk score in most profiles');
-- assessing an unknown factor at 4 never lowers scores either
CREATE TEMP TABLE added AS SELECT profile_id, code, score FROM prof;
INSERT INTO added
SELECT DISTINCT ON (i.profile_id) i.profile_id, f.code, 4
FROM (SELECT DISTINCT profile_id FROM prof) i CROSS JOIN risk_factor f
WHERE NOT EXISTS (SELECT 1 FROM prof q WHERE q.profile_id = i.profile_id AND q.code = f.code)
ORDER BY i.profile_id, f.code;
CREATE TEMP TABLE c AS SELECT profile_id, (risk_profile_agg('default', code, score, '2026-01-01', NULL, NULL)).* FROM added GROUP BY 1;
SELECT is((SELECT count(*)::int FROM a JOIN c USING (profile_id) WHERE c.risk_score < a.risk_score - 1e-12), 0,
          'assessing an unknown factor at 4 never lowers the risk score');
-- independent computation of the default power mean in SQL
SELECT is((SELECT count(*)::int FROM a JOIN (
             SELECT profile_id,
                    100 * sqrt(avg((coalesce(p.score, 2) / 4) ^ 2) FILTER (WHERE f.dimension = 'technical')) AS t,
                    100 * sqrt(avg((coalesce(p.score, 2) / 4) ^ 2) FILTER (WHERE f.dimension = 'non_technical')) AS n
             FROM (SELECT DISTINCT profile_id FROM prof) ids CROSS JOIN risk_factor f
             LEFT JOIN prof p USING (profile_id, code) GROUP BY profile_id) r USING (profile_id)
           WHERE abs(a.technical_score - r.t) > 1e-9 OR abs(a.non_technical_score - r.n) > 1e-9
              OR abs(a.risk_score - 100 * sqrt(((r.t / 100) ^ 2 + (r.n / 100) ^ 2) / 2)) > 1e-9), 0,
          'scores equal an independent SQL power mean (1e-9)');
SELECT is((SELECT count(*)::int FROM a WHERE risk_level <> CASE WHEN coverage < 0.5 - 1e-12 THEN 'unassessed'
                                                                 WHEN risk_score < 37.5 THEN 'low' WHEN risk_score < 62.5 THEN 'medium'
                                                                 WHEN risk_score < 87.5 THEN 'high' ELSE 'critical' END), 0,
          'levels follow the 37.5/62.5/87.5 bands, unassessed below coverage 0.5');
SELECT ok((SELECT count(*) FILTER (WHERE risk_level = 'unassessed') BETWEEN 1 AND 299 FROM a),
          'the random profiles have both unassessed and assessed suppliers');
SELECT is((SELECT count(*)::int FROM a JOIN (SELECT profile_id, count(*) FILTER (WHERE dimension = 'technical') AS t,
                                                  count(*) FILTER (WHERE dimension = 'non_technical') AS n FROM prof GROUP BY 1) k USING (profile_id)
           WHERE abs(a.coverage - (0.5 * k.t / 8 + 0.5 * k.n / 7)) > 1e-12), 0,
          'coverage = assessed share of the effective weights (1/2 * 1/8 per technical, 1/2 * 1/7 per non-technical factor)');
SELECT is((SELECT count(*)::int FROM a WHERE cardinality(top_factors) > 3), 0, 'at most top_factor_count factors listed');

-- all unknown, all zero, zero weights
SELECT is((SELECT risk_score FROM (SELECT (risk_profile_agg('default', NULL, NULL, NULL, NULL, NULL)).*) x), 50::float8, 'all unknown: 50 (unknown score 2 of 4)');
SELECT is((SELECT ROW(risk_score, risk_level, coverage) FROM (SELECT (risk_profile_agg('default', code, 0, '2026-01-01', NULL, NULL)).* FROM risk_factor) x),
          ROW(0::float8, 'low'::text, 1::float8), 'all assessed at 0: score 0, low, full coverage');
INSERT INTO methodology (name, power_mean_p) VALUES ('zero_t_product', 2);
INSERT INTO methodology_weight (methodology, factor_code, weight) SELECT 'zero_t_product', code, CASE WHEN code = 't.product_quality' THEN 0 ELSE 1 END FROM risk_factor;
SET CONSTRAINTS ALL IMMEDIATE;
SELECT is((SELECT technical_score FROM (SELECT (risk_profile_agg('zero_t_product', 't.product_quality', 4, '2026-01-01', NULL, NULL)).*) x), 50::float8,
          'a factor of weight 0 does not count');
SELECT throws_ok($$UPDATE methodology_weight SET weight = 0 WHERE methodology = 'zero_t_product' AND factor_code LIKE 't.%'$$, '23514', NULL,
                 'all technical weights zero while the dimension weighs: refused');
SELECT throws_ok($$SELECT risk_profile_agg('default', 't.product_quality', 'NaN', '2026-01-01', NULL, NULL)$$, '22023', NULL, 'NaN score refused');
SELECT throws_ok($$SELECT risk_profile_agg('default', 't.product_quality', -0.5, '2026-01-01', NULL, NULL)$$, '22023', NULL, 'negative score refused');

-- parallel = serial over many suppliers
CREATE TABLE public.risk_rows AS
SELECT s AS supplier_id, f.code, (random() * 4)::int::float8 AS score, date '2024-01-01' + (random() * 700)::int AS assessed_on, g AS id
FROM generate_series(1, 20000) s, risk_factor f, generate_series(1, 2) g;
ANALYZE public.risk_rows;
CREATE TEMP TABLE rs AS SELECT supplier_id, (risk_profile_agg('default', code, score, assessed_on, NULL, id)).* FROM public.risk_rows GROUP BY 1;
SET LOCAL max_parallel_workers_per_gather = 2;
SET LOCAL parallel_setup_cost = 0;
SET LOCAL parallel_tuple_cost = 0;
SET LOCAL min_parallel_table_scan_size = 0;
-- force_parallel_mode is debug_parallel_query from PostgreSQL 16 on
SELECT CASE WHEN current_setting('server_version_num')::int >= 160000 THEN 'debug_parallel_query' ELSE 'force_parallel_mode' END AS parallel_guc \gset
SET LOCAL :parallel_guc = on;
SET LOCAL enable_hashagg = off;
SELECT ok(EXISTS (SELECT 1 FROM pg_temp.plan_of('SELECT risk_profile_agg(''default'', code, score, assessed_on, NULL, id) FROM public.risk_rows') l
                  WHERE l LIKE '%Partial Aggregate%'), 'risk_profile_agg runs as a partial aggregate');
CREATE TEMP TABLE rp AS SELECT (risk_profile_agg('default', code, score, assessed_on, NULL, id)).* FROM public.risk_rows WHERE supplier_id = 7;
SELECT ok((SELECT rp.risk_score = rs.risk_score AND rp.top_factors = rs.top_factors FROM rp, rs WHERE rs.supplier_id = 7),
          'parallel partial aggregation gives the serial profile');
RESET :parallel_guc;
SELECT throws_ok($$SELECT risk_profile_agg('no such', 'nt.state_link', 1, '2026-01-01', NULL, NULL)$$, '22023', 'unknown methodology "no such"', 'unknown methodology');

-- the levels say what the scores say (issue 28.2): scored k on every factor, the level k names
SELECT is((SELECT string_agg(k || ':' || x.lvl, ' ' ORDER BY k) FROM (
             SELECT k, (risk_profile_agg('default', f.code, k, '2026-01-01', NULL, NULL)).risk_level AS lvl
             FROM generate_series(0, 4) k CROSS JOIN risk_factor f GROUP BY k) x),
          '0:low 1:low 2:medium 3:high 4:critical', 'a supplier scored k on every factor gets the level k names (0 and 1 low, 2 medium, 3 high, 4 critical)');
SELECT is((SELECT format('%s/%s/%s', band_medium, band_high, band_critical) FROM methodology WHERE name = 'default'), '37.5/62.5/87.5',
          'the shipped default''s bands are the midpoints of the scale');
INSERT INTO methodology (name, description) VALUES ('mine', 'a new one');
SELECT is((SELECT format('%s/%s/%s', band_medium, band_high, band_critical) FROM methodology WHERE name = 'mine'), '37.5/62.5/87.5',
          'a new methodology gets the midpoint bands by default');
-- group_risk against plain SQL over supplier_risk (the load with the planner's costs as they are:
-- with parallel plans made free, every row's default would start workers)
RESET max_parallel_workers_per_gather; RESET parallel_setup_cost; RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size; RESET enable_hashagg;
\set scale 0.02
\ir ../../data/generate.sql
SET search_path = supplyrisk, public;
SELECT is((SELECT count(*)::int FROM group_risk g
           FULL JOIN (SELECT group_id, count(*) AS members, count(*) FILTER (WHERE high_risk) AS hr, max(risk_score) AS top,
                             (array_agg(risk_level ORDER BY array_position(ARRAY['low', 'medium', 'high', 'critical'], risk_level) DESC NULLS LAST))[1] AS lvl
                      FROM supplier_risk WHERE member_state IS NULL GROUP BY group_id) p USING (group_id)
           WHERE g.members IS DISTINCT FROM p.members::int OR g.high_risk_members IS DISTINCT FROM p.hr::int
              OR g.highest_risk_score IS DISTINCT FROM p.top OR g.highest_risk_level IS DISTINCT FROM p.lvl
              OR g.high_risk IS DISTINCT FROM (p.hr > 0)), 0,
          'group_risk: one row per group, members, high-risk members, highest score and level = plain SQL over supplier_risk');

SELECT * FROM finish();
ROLLBACK;
