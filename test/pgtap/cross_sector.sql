-- pgTAP: cross-sector concentration (issue 18). A hand-computed fixture over two sectors and
-- two member states: function_overview pools every sector (HHI exact), assessment_overview
-- merges a scope's functions, the rollups equal the live rows, snapshots and function_trend
-- carry the function rows; then, on generated data, parallel plans equal serial ones.
BEGIN;
SET search_path = supplyrisk, public;
SELECT plan(46);
SET client_min_messages = warning;

CREATE FUNCTION pg_temp.error_detail(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE d text;
BEGIN
  EXECUTE q;
  RETURN NULL;
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS d = PG_EXCEPTION_DETAIL;
  RETURN d;
END $$;
\ir lib/plan.sql
SELECT is((SELECT count(*)::int FROM function_overview), 0, 'no supply: function_overview is empty');

-- suppliers: groups A (Alpha Cloud, DE, with a subsidiary in IE), B (Beta Systems, US, high risk),
-- C (Gamma Telecom, FR); entities 811 to 814 (the same fixture as test/sql/cross_sector.sql)
\ir ../fixtures/cross_sector.sql

CREATE TEMP TABLE live AS SELECT * FROM function_overview;  -- before any refresh: computed live
CREATE FUNCTION pg_temp.f(fn text, ms text) RETURNS live LANGUAGE sql AS
  $$ SELECT * FROM live WHERE function_code = fn AND member_state IS NOT DISTINCT FROM ms $$;

-- cloud.iaas, EU-wide: groups A 30+40+10 = 80, B 30, C 10 of 120: 10000 * (64 + 9 + 1) / 144
SELECT is(round((pg_temp.f('cloud.iaas', NULL)).hhi::numeric, 9), round(10000 * 74 / 144.0, 9), 'cloud.iaas EU-wide: HHI pooled over both sectors and member states');
SELECT is((pg_temp.f('cloud.iaas', NULL)).sectors, 2, 'cloud.iaas EU-wide: supplied in 2 sectors');
SELECT is((pg_temp.f('cloud.iaas', NULL)).entities, 4::bigint, 'cloud.iaas EU-wide: 4 entities (the sectors'' counts added)');
SELECT is((pg_temp.f('cloud.iaas', NULL)).suppliers, 3, 'cloud.iaas EU-wide: 3 supplier groups (a subsidiary counts in its group)');
SELECT is((pg_temp.f('cloud.iaas', NULL)).single_supplier_entities, 2::bigint, 'cloud.iaas EU-wide: 2 single-sourced entities');
SELECT is((pg_temp.f('cloud.iaas', NULL)).cr1, 80 / 120.0::float8, 'cloud.iaas EU-wide: cr1 = 2/3');
SELECT is((pg_temp.f('cloud.iaas', NULL)).hrv_share, 0.25::float8, 'cloud.iaas EU-wide: hrv_share = 30/120 (the designated group)');
SELECT is((pg_temp.f('cloud.iaas', NULL)).non_eu_share, 0.25::float8, 'cloud.iaas EU-wide: non_eu_share = 30/120 (by the group''s headquarters)');
SELECT is((pg_temp.f('cloud.iaas', NULL)).top_suppliers, 'Alpha Cloud 67%, Beta Systems 25%, Gamma Telecom 8%', 'cloud.iaas EU-wide: top suppliers by group');
SELECT is((pg_temp.f('cloud.iaas', 'DE')).hhi, 7812.5::float8, 'cloud.iaas DE: A 70, B 10 of 80: HHI 7812.5 exactly');
SELECT is((pg_temp.f('cloud.iaas', 'FR')).hhi, 3750::float8, 'cloud.iaas FR: B 20, C 10, A 10 of 40: HHI 3750 exactly');
SELECT is(((pg_temp.f('cloud.iaas', 'DE')).single_supplier_entities, (pg_temp.f('cloud.iaas', 'FR')).single_supplier_entities),
          (1::bigint, 1::bigint), 'cloud.iaas: one single-sourced entity per member state');
SELECT is((pg_temp.f('telecom.ran', NULL)).hhi, 6250::float8, 'telecom.ran EU-wide: B 5, C 15 across two sectors: HHI 6250');
SELECT is((SELECT count(*)::int FROM live WHERE function_code = 'telecom.ran'), 2, 'telecom.ran: an EU-wide row and one for DE (no FR supply, no FR row)');
SELECT is((SELECT count(*)::int FROM live), 7, 'function_overview rows: 3 for cloud.iaas, 2 each for telecom.ran and telecom.core_network');
SELECT is((SELECT sum(entities)::int FROM sector_energy WHERE function_code = 'cloud.iaas' AND member_state IS NULL)
          + (SELECT sum(entities)::int FROM sector_health WHERE function_code = 'cloud.iaas' AND member_state IS NULL),
          (pg_temp.f('cloud.iaas', NULL)).entities::int, 'the function row''s entities = the sector views'' entities added');

-- the scope of a coordinated assessment: the whole-scope rows merge the functions' states
CREATE TEMP TABLE g5 AS SELECT * FROM assessment_overview('5g-2019');
SELECT is((SELECT round(hhi::numeric, 9) FROM g5 WHERE function_code IS NULL AND member_state IS NULL), round(10000 * 5 / 9.0, 9),
          '5g-2019 whole scope EU-wide: B 10, C 20 of 30: HHI 5555.6 (the two telecom functions merged)');
SELECT is((SELECT hhi FROM g5 WHERE function_code IS NULL AND member_state = 'DE'), 6250::float8, '5g-2019 whole scope DE: HHI 6250');
SELECT is((SELECT hhi FROM g5 WHERE function_code IS NULL AND member_state = 'FR'), 5000::float8, '5g-2019 whole scope FR: HHI 5000');
SELECT is((SELECT (sectors, entities, hrv_share) FROM g5 WHERE function_code IS NULL AND member_state IS NULL),
          (2, NULL::bigint, 10 / 30.0::float8), '5g-2019 whole scope: 2 sectors, entities not added across functions (NULL), hrv_share 1/3');
SELECT is((SELECT count(*)::int FROM (SELECT function_code, member_state, hhi, entities, sectors FROM g5 WHERE function_code IS NOT NULL
                                      INTERSECT SELECT function_code, member_state, hhi, entities, sectors FROM live) x), 4,
          '5g-2019 function rows are the function_overview rows of its functions');
SELECT is((SELECT count(*)::int FROM assessment_overview('cav-2026')), 0, 'a scope with no supply: no rows');
SELECT throws_ok($$SELECT * FROM assessment_overview('6g-2030')$$, '22023', 'unknown coordinated assessment "6g-2030"',
                 'an unknown assessment code is refused');
SELECT is(pg_temp.error_detail($$SELECT * FROM assessment_overview('6g-2030')$$),
          'The coordinated assessments are: 5g-2019, border-detection-2026, cav-2026.', 'the error names the known assessments');

-- the shipped scopes, their sources, read-only; users add their own
SELECT is((SELECT string_agg(a.code || ':' || (SELECT count(*) FROM coordinated_assessment_function f WHERE f.assessment_code = a.code), ' ' ORDER BY a.code)
           FROM coordinated_assessment a WHERE a.shipped), '5g-2019:5 border-detection-2026:3 cav-2026:4', 'three shipped scopes: telecom, border and CAV functions');
SELECT is((SELECT count(*)::int FROM coordinated_assessment WHERE shipped AND source <> '' AND adopted_on IS NOT NULL), 3, 'each shipped scope names its source and date');
SELECT throws_ok($$UPDATE coordinated_assessment SET name = 'x' WHERE code = 'cav-2026'$$, '23001', NULL, 'a shipped scope is read-only');
SELECT throws_ok($$DELETE FROM coordinated_assessment_function WHERE assessment_code = '5g-2019' AND function_code = 'telecom.ran'$$, '23001', NULL,
                 'a shipped scope''s function is read-only');
SELECT throws_ok($$SELECT * FROM assessment_overview(NULL)$$, '22023', 'unknown coordinated assessment "<NULL>"', 'a NULL assessment code is refused');
SELECT throws_ok($$INSERT INTO coordinated_assessment (code, name, source) VALUES ('Cloud 2027', 'x', 'y')$$, '23514',
                 'coordinated assessment code "Cloud 2027" is not allowed', 'an assessment code that is not lower-case letters, digits, dots and hyphens');
SELECT throws_ok($$INSERT INTO coordinated_assessment (code, name, source) VALUES ('cloud-2027', 'x', '')$$, '23514',
                 'source "" is not allowed', 'an assessment without its source');
SELECT throws_ok($$INSERT INTO coordinated_assessment (code, name, source, shipped) VALUES ('cloud-2027', 'x', 'y', true)$$, '23001', NULL,
                 'a user row marked shipped');
INSERT INTO coordinated_assessment (code, name, source) VALUES ('cloud-2027', 'National cloud review', 'Ministry note 3/2027');
SELECT throws_ok($$INSERT INTO coordinated_assessment_function (assessment_code, function_code) VALUES ('cloud-2027', 'cloud.quantum')$$, '23503', NULL,
                 'a scope function that does not exist: foreign-key error');
INSERT INTO coordinated_assessment_function (assessment_code, function_code) VALUES ('cloud-2027', 'cloud.iaas'), ('cloud-2027', 'telecom.ran');
SELECT is((SELECT round(hhi::numeric, 9) FROM assessment_overview('cloud-2027') WHERE function_code IS NULL AND member_state IS NULL),
          round((10000 * (80^2 + 35^2 + 25^2) / 140.0^2)::numeric, 9), 'a user scope: cloud.iaas and telecom.ran merged (A 80, B 35, C 25 of 140)');

-- refresh: the function rows come from the same pass and equal the live ones
CALL refresh();
SELECT is((SELECT count(*)::int FROM function_rollup), 7, 'refresh() stores the function rows');
SELECT is((SELECT count(*)::int FROM ((SELECT to_jsonb(v) - 'computed_at' - 'stale' FROM function_overview v EXCEPT ALL SELECT to_jsonb(v) - 'computed_at' - 'stale' FROM live v)
                                      UNION ALL (SELECT to_jsonb(v) - 'computed_at' - 'stale' FROM live v EXCEPT ALL SELECT to_jsonb(v) - 'computed_at' - 'stale' FROM function_overview v)) d), 0,
          'function_overview from the rollups = the live rows');
-- an incremental refresh after a change in one sector and member state
INSERT INTO supply (entity_id, supplier_id, function_code, weight) VALUES (812, 803, 'cloud.iaas', 20);
CALL refresh();
SELECT is((SELECT mode FROM rollup_status), 'incremental', 'the change refreshes incrementally');
SELECT is((SELECT round(hhi::numeric, 9) FROM function_overview WHERE function_code = 'cloud.iaas' AND member_state = 'FR'),
          round((10000 * (20.0^2 + 30^2 + 10^2) / 60^2)::numeric, 9), 'cloud.iaas FR after the change: B 20, C 30, A 10 of 60');
SELECT is((SELECT count(*)::int FROM function_rollup r FULL JOIN function_stats_at() l ON l.function_code = r.function_code AND l.member_state IS NOT DISTINCT FROM r.member_state
           WHERE r.sectors IS DISTINCT FROM l.sectors OR r.entities IS DISTINCT FROM l.entities
              OR abs(r.hhi - l.hhi) > 1e-12 * l.hhi OR r.hhi IS NULL OR l.hhi IS NULL), 0, 'incremental function rows = a full computation');

-- snapshots and function_trend
SELECT take_snapshot('before') \gset
DELETE FROM supply WHERE entity_id = 812 AND supplier_id = 803;
SELECT take_snapshot('after') \gset
SELECT is((SELECT count(*)::int FROM function_snapshot), 14, 'each snapshot stores the 7 function rows');
SELECT is((SELECT round(hhi_delta::numeric, 9) FROM function_trend WHERE function_code = 'cloud.iaas' AND member_state = 'FR'),
          round((3750 - 10000 * (20.0^2 + 30^2 + 10^2) / 60^2)::numeric, 9), 'function_trend: the change of the FR cloud.iaas HHI between the snapshots');
SELECT is((SELECT (sectors_from, sectors_to) FROM function_trend WHERE function_code = 'cloud.iaas' AND member_state IS NULL), (2, 2), 'function_trend carries the sectors');
SELECT throws_ok($$SELECT * FROM function_trend_between(1, 999999)$$, '22023', 'snapshot 999999 does not exist', 'function_trend_between of an unknown snapshot');


-- parallel plans = serial plans, on generated data (the generator loads into empty tables)
DELETE FROM supply; DELETE FROM designation; DELETE FROM entity; DELETE FROM supplier;
\set scale 0.05
\ir ../../data/generate.sql
SET search_path = supplyrisk, public;
ANALYZE;
SET max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE serial AS SELECT * FROM function_stats_at();
SET max_parallel_workers_per_gather = 2; SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0; SET min_parallel_index_scan_size = 0;
SELECT ok((SELECT string_agg(p, ' ') FROM (SELECT x AS p FROM pg_temp.plan_of('SELECT * FROM supplyrisk.function_stats_at()') x) y) ~ 'Gather',
          'the forced plan is parallel');
CREATE TEMP TABLE par AS SELECT * FROM function_stats_at();
SELECT is((SELECT count(*)::int FROM serial s FULL JOIN par p ON p.function_code = s.function_code AND p.member_state IS NOT DISTINCT FROM s.member_state
           WHERE s.sectors IS DISTINCT FROM p.sectors OR s.entities IS DISTINCT FROM p.entities OR s.single_sourced IS DISTINCT FROM p.single_sourced
              OR s.suppliers IS DISTINCT FROM p.suppliers OR s.top_suppliers IS DISTINCT FROM p.top_suppliers
              OR abs(s.hhi - p.hhi) > 1e-12 * s.hhi OR abs(s.weight - p.weight) > 1e-12 * s.weight
              OR abs(s.country_hhi - p.country_hhi) > 1e-12 * s.country_hhi OR s.hhi IS NULL OR p.hhi IS NULL), 0,
          'function rows: parallel = serial (counts exact, floats within 1e-12)');
SELECT * FROM finish();
ROLLBACK;
