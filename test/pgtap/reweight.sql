-- pgTAP: re-weighting (issue 29). A change of a supplier's risk alone (an assessment, a
-- designation, its clearing, a controller's designation, a member state's own assessment) is
-- refreshed without reading the supply of the rows it touches: the member-state function rows
-- are re-weighted from their supplier mixes, the rows above them summed again, the entity rows
-- of the pairs the supplier supplies recomputed. After each case the rollups equal the full
-- computation: counts exactly, floats within 1e-9 relative; and a member state's own change
-- leaves every other member state's rows as they were, bit for bit.
BEGIN;
SET search_path = supplyrisk, public;
SELECT plan(40);
SET client_min_messages = warning;

-- supply_mix_risk_sums against a hand computation, and its refusals
SELECT is(supply_mix_risk_sums(supply_mix_agg(k, w), ARRAY[1, 2, 3]::bigint[], ARRAY[true, false, true], ARRAY[10, NULL, 50]::float8[],
                               ARRAY[false, true, false]),
          ARRAY[0.5 + 0.25, 0.5 * 10 + 0.25 * 50, 0.25]::float8[], 'risk sums: high-risk weight, weight x score (a NULL score adds nothing), unassessed weight')
FROM (VALUES (1::bigint, 0.25::float8), (1, 0.25), (2, 0.25), (3, 0.25)) x(k, w);
SELECT is(supply_mix_risk_sums('{}'::supply_mix, '{}', '{}', '{}', '{}'), ARRAY[0, 0, 0]::float8[], 'risk sums of an empty mix are zero');
SELECT throws_ok($$SELECT supply_mix_risk_sums(supply_mix_agg(k, 1), ARRAY[2, 1]::bigint[], ARRAY[true, true], ARRAY[1, 1]::float8[], ARRAY[false, false])
                   FROM (VALUES (1::bigint), (2)) x(k)$$, '22023', 'supply_mix_risk_sums: supplier_ids must be strictly increasing, not "1" after "2"',
                 'supplier ids out of order are refused');
SELECT throws_ok($$SELECT supply_mix_risk_sums(supply_mix_agg(1::bigint, 1), ARRAY[1]::bigint[], ARRAY[true, true], ARRAY[1]::float8[], ARRAY[false])$$,
                 '2202E', 'supply_mix_risk_sums: supplier_ids, high_risk, risk_score and unassessed must have the same length 1',
                 'arrays of different lengths are refused');
SELECT throws_ok($$SELECT supply_mix_risk_sums(supply_mix_agg(1::bigint, 1), ARRAY[1]::bigint[], ARRAY[NULL]::boolean[], ARRAY[1]::float8[], ARRAY[false])$$,
                 '22004', 'supply_mix_risk_sums: high_risk has a NULL at position 1', 'a NULL high-risk flag is refused');
SELECT throws_ok($$SELECT supply_mix_risk_sums(supply_mix_agg(5::bigint, 1), ARRAY[1]::bigint[], ARRAY[true], ARRAY[1]::float8[], ARRAY[false])$$,
                 '22023', 'supply_mix_risk_sums: supplier "5" of the mix is not among supplier_ids', 'a supplier without its risk is refused');
SELECT throws_ok($$SELECT supply_mix_risk_sums(supply_mix_agg(1::bigint, 1), ARRAY[[1]]::bigint[], ARRAY[true], ARRAY[1]::float8[], ARRAY[false])$$,
                 '2202E', 'supply_mix_risk_sums: supplier_ids must be a one-dimensional array', 'a two-dimensional array is refused');
SELECT throws_ok($$SELECT supply_mix_risk_sums(supply_mix_agg('FR'::text, 1), ARRAY[1]::bigint[], ARRAY[true], ARRAY[1]::float8[], ARRAY[false])$$,
                 '22023', 'supply_mix_risk_sums: the mix has text keys', 'a mix keyed by text is refused');

\set scale 0.05
\ir ../../data/generate.sql
SET search_path = supplyrisk, public;
CALL refresh(full => true);

-- every rollup row (sector, function, entity) against the live computation: rows on one side
-- only, counts that differ, floats beyond 1e-9 relative (NULL on one side counts)
CREATE FUNCTION pg_temp.diff() RETURNS text LANGUAGE sql AS $f$
  WITH sec AS (
    SELECT count(*) FILTER (WHERE r.sector_code IS NULL OR l.sector_code IS NULL) AS one,
           count(*) FILTER (WHERE r.entities IS DISTINCT FROM l.entities OR r.single_sourced IS DISTINCT FROM l.single_sourced
                              OR r.suppliers IS DISTINCT FROM l.suppliers OR r.group_mix IS DISTINCT FROM l.group_mix
                              OR r.top_suppliers IS DISTINCT FROM l.top_suppliers) AS counts,
           count(*) FILTER (WHERE x.bad) AS floats
    FROM supplyrisk.sector_rollup r
    FULL JOIN supplyrisk.sector_stats_at() l
      ON l.sector_code = r.sector_code AND l.member_state IS NOT DISTINCT FROM r.member_state AND l.function_code IS NOT DISTINCT FROM r.function_code
    LEFT JOIN LATERAL (
      SELECT bool_or(abs(a - b) > 1e-9 * greatest(abs(a), abs(b)) OR (a IS NULL) <> (b IS NULL)) AS bad
      FROM unnest(ARRAY[r.weight, r.hrv_weight, r.hrv_weight_critical, r.risk_weight, r.hrv_share, r.hrv_share_critical, r.mean_risk,
                        r.unassessed_weight, r.unassessed_share, r.hhi],
                  ARRAY[l.weight, l.hrv_weight, l.hrv_weight_critical, l.risk_weight, l.hrv_share, l.hrv_share_critical, l.mean_risk,
                        l.unassessed_weight, l.unassessed_share, l.hhi]) u(a, b)) x ON true),
  fun AS (
    SELECT count(*) FILTER (WHERE r.function_code IS NULL OR l.function_code IS NULL) AS one,
           count(*) FILTER (WHERE r.entities IS DISTINCT FROM l.entities OR r.suppliers IS DISTINCT FROM l.suppliers) AS counts,
           count(*) FILTER (WHERE x.bad) AS floats
    FROM supplyrisk.function_rollup r
    FULL JOIN supplyrisk.function_stats_at() l ON l.function_code = r.function_code AND l.member_state IS NOT DISTINCT FROM r.member_state
    LEFT JOIN LATERAL (
      SELECT bool_or(abs(a - b) > 1e-9 * greatest(abs(a), abs(b)) OR (a IS NULL) <> (b IS NULL)) AS bad
      FROM unnest(ARRAY[r.hrv_weight, r.hrv_weight_critical, r.risk_weight, r.hrv_share, r.mean_risk, r.unassessed_share],
                  ARRAY[l.hrv_weight, l.hrv_weight_critical, l.risk_weight, l.hrv_share, l.mean_risk, l.unassessed_share]) u(a, b)) x ON true),
  ent AS (
    SELECT count(*) FILTER (WHERE r.entity_id IS NULL OR l.entity_id IS NULL) AS one,
           count(*) FILTER (WHERE r.supplier_count IS DISTINCT FROM l.supplier_count OR r.gaps IS DISTINCT FROM l.gaps) AS counts,
           count(*) FILTER (WHERE x.bad) AS floats
    FROM supplyrisk.entity_rollup r
    FULL JOIN supplyrisk.entity_exposure_compute(CURRENT_DATE, NULL) l ON l.entity_id = r.entity_id AND l.function_code = r.function_code
    LEFT JOIN LATERAL (
      SELECT bool_or(abs(a - b) > 1e-9 * greatest(abs(a), abs(b)) OR (a IS NULL) <> (b IS NULL)) AS bad
      FROM unnest(ARRAY[r.hrv_share, r.exposure_score, r.hhi], ARRAY[l.hrv_share, l.exposure_score, l.hhi]) u(a, b)) x ON true)
  SELECT format('sector %s|%s|%s function %s|%s|%s entity %s|%s|%s', s.one, s.counts, s.floats, f.one, f.counts, f.floats, e.one, e.counts, e.floats)
  FROM sec s, fun f, ent e
$f$;
CREATE TEMP TABLE ok_diff AS SELECT 'sector 0|0|0 function 0|0|0 entity 0|0|0'::text AS v;
-- the most-used supplier (in the most member states and sectors), a controller, a member state
CREATE TEMP TABLE pick AS
SELECT (SELECT s.supplier_id FROM supply s GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1) AS top,
       (SELECT p.supplier_id FROM supplier p WHERE EXISTS (SELECT 1 FROM supplier c JOIN supply y ON y.supplier_id = c.supplier_id
                                                          WHERE c.parent_supplier_id = p.supplier_id) ORDER BY 1 LIMIT 1) AS parent,
       (SELECT e.member_state FROM entity e GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1) AS ms;
CREATE TEMP TABLE before AS SELECT * FROM sector_rollup;
CREATE TEMP TABLE before_e AS SELECT * FROM entity_rollup;

-- 1. a new assessment of the most-used supplier, EU-wide
INSERT INTO assessment (supplier_id, factor_code, score) SELECT (SELECT top FROM pick), code, 4 FROM risk_factor;
CALL refresh();
SELECT is((SELECT mode || ' ' || recomputed FROM rollup_status), 'reweight 0', 'an assessment: re-weighted, nothing recomputed from the supply');
SELECT cmp_ok((SELECT reweighted FROM rollup_status), '>=',
              (SELECT count(DISTINCT (e.sector_code, e.member_state, s.function_code))::int FROM supply_valid_at() s JOIN entity e USING (entity_id)
               WHERE s.supplier_id = (SELECT top FROM pick)),
              'every member-state function row the supplier is in is re-weighted');
SELECT is(pg_temp.diff(), (SELECT v FROM ok_diff), 'after an assessment the rollups equal the full computation');
SELECT ok((SELECT count(*) FROM sector_rollup r JOIN before b USING (sector_code, member_state, function_code)
           WHERE r.member_state IS NOT NULL AND r.function_code IS NOT NULL AND r.mean_risk IS DISTINCT FROM b.mean_risk) > 0,
          'the assessment moved the mean risk of rows (the test can fail)');
SELECT is((SELECT count(*)::int FROM sector_rollup r JOIN before b USING (sector_code, member_state, function_code)
           WHERE r.group_mix IS DISTINCT FROM b.group_mix OR r.country_mix IS DISTINCT FROM b.country_mix OR r.supplier_mix IS DISTINCT FROM b.supplier_mix
              OR r.hhi IS DISTINCT FROM b.hhi OR r.top_suppliers IS DISTINCT FROM b.top_suppliers OR r.weight IS DISTINCT FROM b.weight), 0,
          'concentration is not touched by a change of risk');

-- 2. a high-risk designation of it (yesterday's decision), then its clearing today
INSERT INTO designation (supplier_id, status, decided_on) VALUES ((SELECT top FROM pick), 'high_risk', CURRENT_DATE - 1);
CALL refresh();
SELECT is((SELECT mode FROM rollup_status), 'reweight', 'a designation: re-weighted');
SELECT is(pg_temp.diff(), (SELECT v FROM ok_diff), 'after a designation the rollups equal the full computation');
SELECT ok((SELECT bool_and(hrv_weight > 0) FROM sector_rollup r
           WHERE r.member_state IS NOT NULL AND r.function_code IS NOT NULL AND share(r.supplier_mix, (SELECT top FROM pick)) > 0),
          'every row the designated supplier is in has high-risk weight');
SELECT ok((SELECT bool_and(r.hrv_share > 0) AND count(*) > 0 FROM entity_rollup r
           WHERE (r.entity_id, r.function_code) IN (SELECT entity_id, function_code FROM supply_valid_at() WHERE supplier_id = (SELECT top FROM pick))),
          'every entity row the designated supplier is in has a high-risk share');
INSERT INTO designation (supplier_id, status, decided_on) VALUES ((SELECT top FROM pick), 'cleared', CURRENT_DATE);
CALL refresh();
SELECT is((SELECT mode FROM rollup_status), 'reweight', 'a clearing: re-weighted');
SELECT is(pg_temp.diff(), (SELECT v FROM ok_diff), 'after the clearing the rollups equal the full computation');
SELECT is((SELECT count(*)::int FROM sector_rollup r JOIN before b USING (sector_code, member_state, function_code)
           WHERE (r.hrv_weight = 0) <> (b.hrv_weight = 0)), 0, 'cleared: the rows without high-risk weight before are without it again (exactly zero)');

-- 3. a member state's own assessment: only its rows change, bit for bit elsewhere
DROP TABLE before;
CREATE TEMP TABLE before AS SELECT * FROM sector_rollup;
CREATE TEMP TABLE before_e2 AS SELECT * FROM entity_rollup;
INSERT INTO assessment (supplier_id, factor_code, score, member_state) SELECT (SELECT top FROM pick), code, 0, (SELECT ms FROM pick) FROM risk_factor;
CALL refresh();
SELECT is((SELECT mode FROM rollup_status), 'reweight', 'a member state''s own assessment: re-weighted');
SELECT is(pg_temp.diff(), (SELECT v FROM ok_diff), 'after a member state''s own assessment the rollups equal the full computation');
SELECT is((SELECT count(*)::int FROM sector_rollup r JOIN before b USING (sector_code, member_state, function_code)
           WHERE r.member_state <> (SELECT ms FROM pick)
             AND (r.mean_risk, r.risk_weight, r.hrv_weight, r.unassessed_weight) IS DISTINCT FROM (b.mean_risk, b.risk_weight, b.hrv_weight, b.unassessed_weight)), 0,
          'no other member state''s row changed');
SELECT ok((SELECT count(*) FROM sector_rollup r JOIN before b USING (sector_code, member_state, function_code)
           WHERE r.member_state = (SELECT ms FROM pick) AND r.mean_risk IS DISTINCT FROM b.mean_risk) > 0, 'the owner''s rows changed');
SELECT ok((SELECT count(*) FROM sector_rollup r JOIN before b ON b.sector_code = r.sector_code AND b.member_state IS NULL
                                                              AND b.function_code IS NOT DISTINCT FROM r.function_code
           WHERE r.member_state IS NULL AND r.mean_risk IS DISTINCT FROM b.mean_risk) > 0, 'the EU-wide rows merged from them changed');
SELECT is((SELECT count(*)::int FROM entity_rollup r JOIN before_e2 b USING (entity_id, function_code)
           WHERE r.member_state <> (SELECT ms FROM pick) AND (r.exposure_score, r.hrv_share) IS DISTINCT FROM (b.exposure_score, b.hrv_share)), 0,
          'no other member state''s entity row changed');

-- 4. a controller designated: the suppliers it controls follow
INSERT INTO designation (supplier_id, status, decided_on) VALUES ((SELECT parent FROM pick), 'high_risk', CURRENT_DATE)
ON CONFLICT DO NOTHING;
CALL refresh();
SELECT is((SELECT mode FROM rollup_status), 'reweight', 'a controller''s designation: re-weighted');
SELECT is(pg_temp.diff(), (SELECT v FROM ok_diff), 'after a controller''s designation the rollups equal the full computation');

-- 5. supply rows and a change of risk in one refresh: the rows of the one recomputed, the
-- others re-weighted
UPDATE supply SET weight = weight * 2 WHERE supply_id IN (SELECT s.supply_id FROM supply s JOIN entity e USING (entity_id)
                                                        WHERE e.member_state = (SELECT ms FROM pick) ORDER BY 1 LIMIT 20);
INSERT INTO assessment (supplier_id, factor_code, score) SELECT (SELECT top FROM pick), code, 1 FROM risk_factor;
CALL refresh();
SELECT ok((SELECT mode = 'incremental' AND recomputed > 0 AND reweighted > 0 FROM rollup_status), 'supply and risk changed: recomputed and re-weighted');
SELECT is(pg_temp.diff(), (SELECT v FROM ok_diff), 'after both the rollups equal the full computation');

-- 6. a scoped role sees no refresh sizes (they span every member state)
SELECT is((SELECT reweighted FROM rollup_status), (SELECT reweighted FROM rollup_refresh ORDER BY refresh_id DESC LIMIT 1),
          'rollup_status shows the rows re-weighted to an unscoped role');

-- 7. a scoped role reads incremental where only risk changed: the change may be another member
-- state's, which it must not learn of (found by a hostile-role review)
INSERT INTO assessment (supplier_id, factor_code, score, member_state) SELECT (SELECT top FROM pick), code, 2, 'DE' FROM risk_factor;
CALL refresh();
CREATE ROLE sr_reweight_fr NOLOGIN;
SELECT grant_access('sr_reweight_fr', 'read', ARRAY['FR']);
SET ROLE sr_reweight_fr;
SELECT is((SELECT mode || ' ' || coalesce(reweighted::text, 'hidden') FROM supplyrisk.rollup_status), 'incremental hidden',
          'a scoped role reads incremental, and no sizes, after a re-weighting');
RESET ROLE;
SELECT is((SELECT mode FROM rollup_status), 'reweight', 'an unscoped role reads reweight');

-- 8. the methodology in use changed (a factor's weight, then the cap): every supplier scored
-- again, every row re-weighted, nothing recomputed; a change of another methodology: nothing
INSERT INTO methodology (name, description) VALUES ('mine', 'a copy of the defaults');
INSERT INTO methodology_weight (methodology, factor_code, weight) SELECT 'mine', factor_code, weight FROM methodology_weight WHERE methodology = 'default';
SET supplyrisk.methodology = 'mine';
CALL refresh();
SELECT is((SELECT mode || ' ' || methodology FROM rollup_status), 'full mine', 'another methodology in use: full');
DROP TABLE before;
CREATE TEMP TABLE before AS SELECT * FROM sector_rollup;
CREATE TEMP TABLE before_e3 AS SELECT * FROM entity_rollup;
UPDATE methodology_weight SET weight = 5 WHERE methodology = 'mine' AND factor_code = (SELECT min(code) FROM risk_factor WHERE dimension = 'non_technical');
CALL refresh();
SELECT is((SELECT mode || ' ' || recomputed FROM rollup_status), 'reweight 0', 'a weight of the methodology in use: re-weighted, nothing recomputed');
SELECT is(pg_temp.diff(), (SELECT v FROM ok_diff), 'after a weight of the methodology in use changed the rollups equal the full computation');
SELECT ok((SELECT count(*) FROM sector_rollup r JOIN before b USING (sector_code, member_state, function_code) WHERE r.mean_risk IS DISTINCT FROM b.mean_risk) > 100,
          'the weight moved the mean risk of many rows');
UPDATE methodology SET multi_vendor_cap = 0.2 WHERE name = 'mine';
CALL refresh();
SELECT is(pg_temp.diff(), (SELECT v FROM ok_diff), 'after the cap of the methodology in use changed the rollups equal the full computation');
SELECT ok((SELECT count(*) FROM entity_rollup WHERE 'above_cap' = ANY (gaps)) > (SELECT count(*) FROM before_e3 WHERE 'above_cap' = ANY (gaps)),
          'a lower cap shows more above-cap gaps');
INSERT INTO methodology (name, description) VALUES ('draft', 'not in use');
CALL refresh();
SELECT is((SELECT mode || ' ' || recomputed || ' ' || reweighted FROM rollup_status), 'incremental 0 0', 'a methodology not in use: nothing stale');
RESET supplyrisk.methodology;
SELECT * FROM finish();
ROLLBACK;
