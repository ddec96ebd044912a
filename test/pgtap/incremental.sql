-- pgTAP: incremental refresh (issue 17). A sequence of changes of every kind that feeds the
-- rollups, each followed by refresh(): it recomputes only the stale member-state rows (and
-- re-merges their sectors' EU rows and the function rows) and must equal the full computation
-- — every sector and function row and (issue 28.6) every per-entity row, counts exact, floats
-- within 1e-12 relative. Methodology and
-- contract-tracking changes go full. Then a random sequence of the same kinds of change.
BEGIN;
SET search_path = supplyrisk, public;
SELECT plan(34);
SET client_min_messages = warning;
\set scale 0.05
\ir ../../data/generate.sql
SET search_path = supplyrisk, public;
CALL refresh(full => true);

CREATE TEMP TABLE steps (step text, mode text, recomputed integer, only_one integer, counts integer, floats integer, maxrel float8);
-- the rollups against the live computation of every row (what a full refresh writes)
CREATE FUNCTION pg_temp.step(label text) RETURNS void LANGUAGE plpgsql AS $f$
BEGIN
  INSERT INTO steps
  SELECT label, (SELECT mode FROM supplyrisk.rollup_status), (SELECT recomputed FROM supplyrisk.rollup_status),
         count(*) FILTER (WHERE r.sector_code IS NULL OR l.sector_code IS NULL),
         count(*) FILTER (WHERE r.entities IS DISTINCT FROM l.entities OR r.single_sourced IS DISTINCT FROM l.single_sourced
                            OR r.single_sourced_critical IS DISTINCT FROM l.single_sourced_critical OR r.suppliers IS DISTINCT FROM l.suppliers
                            OR r.contract_gap_edges IS DISTINCT FROM l.contract_gap_edges OR r.concentration_level IS DISTINCT FROM l.concentration_level
                            OR r.top_suppliers IS DISTINCT FROM l.top_suppliers),
         count(*) FILTER (WHERE x.rel > 1e-12 OR x.nulls),
         COALESCE(max(x.rel), 0)
  FROM supplyrisk.sector_rollup r
  FULL JOIN supplyrisk.sector_stats_at() l
    ON l.sector_code = r.sector_code AND l.member_state IS NOT DISTINCT FROM r.member_state AND l.function_code IS NOT DISTINCT FROM r.function_code
  LEFT JOIN LATERAL (
    SELECT max(abs(a - b) / greatest(abs(a), abs(b))) FILTER (WHERE a <> b) AS rel, bool_or((a IS NULL) <> (b IS NULL)) AS nulls
    FROM unnest(ARRAY[r.weight, r.hrv_weight, r.weight_critical, r.hrv_weight_critical, r.risk_weight, r.hhi, r.cr1, r.cr4,
                      r.effective_suppliers, r.country_hhi, r.hrv_share, r.hrv_share_critical, r.non_eu_share, r.mean_risk,
                      r.unassessed_weight, r.unassessed_share],
                ARRAY[l.weight, l.hrv_weight, l.weight_critical, l.hrv_weight_critical, l.risk_weight, l.hhi, l.cr1, l.cr4,
                      l.effective_suppliers, l.country_hhi, l.hrv_share, l.hrv_share_critical, l.non_eu_share, l.mean_risk,
                      l.unassessed_weight, l.unassessed_share]) u(a, b)) x ON true;
  -- the function rows (every sector pooled, issue 18) likewise: added to the same counts
  UPDATE steps t SET only_one = t.only_one + f.only_one, counts = t.counts + f.counts, floats = t.floats + f.floats,
                     maxrel = greatest(t.maxrel, f.maxrel)
  FROM (SELECT count(*) FILTER (WHERE r.function_code IS NULL OR l.function_code IS NULL) AS only_one,
               count(*) FILTER (WHERE r.entities IS DISTINCT FROM l.entities OR r.single_sourced IS DISTINCT FROM l.single_sourced
                                  OR r.suppliers IS DISTINCT FROM l.suppliers OR r.sectors IS DISTINCT FROM l.sectors
                                  OR r.contract_gap_edges IS DISTINCT FROM l.contract_gap_edges
                                  OR r.top_suppliers IS DISTINCT FROM l.top_suppliers) AS counts,
               count(*) FILTER (WHERE x.rel > 1e-12 OR x.nulls) AS floats, COALESCE(max(x.rel), 0) AS maxrel
        FROM supplyrisk.function_rollup r
        FULL JOIN supplyrisk.function_stats_at() l
          ON l.function_code = r.function_code AND l.member_state IS NOT DISTINCT FROM r.member_state
        LEFT JOIN LATERAL (
          SELECT max(abs(a - b) / greatest(abs(a), abs(b))) FILTER (WHERE a <> b) AS rel, bool_or((a IS NULL) <> (b IS NULL)) AS nulls
          FROM unnest(ARRAY[r.weight, r.hrv_weight, r.risk_weight, r.hhi, r.cr1, r.cr4, r.country_hhi, r.hrv_share,
                            r.non_eu_share, r.mean_risk, r.unassessed_share],
                      ARRAY[l.weight, l.hrv_weight, l.risk_weight, l.hhi, l.cr1, l.cr4, l.country_hhi, l.hrv_share,
                            l.non_eu_share, l.mean_risk, l.unassessed_share]) u(a, b)) x ON true) f
  WHERE t.step = label;
  -- the per-entity rollups (issue 28.6) likewise: entity_rollup and entity_deep_rollup against
  -- the live computation of every entity
  UPDATE steps t SET only_one = t.only_one + f.only_one, counts = t.counts + f.counts, floats = t.floats + f.floats,
                     maxrel = greatest(t.maxrel, f.maxrel)
  FROM (SELECT count(*) FILTER (WHERE r.entity_id IS NULL OR l.entity_id IS NULL) AS only_one,
               count(*) FILTER (WHERE r.supplier_count IS DISTINCT FROM l.supplier_count OR r.member_state IS DISTINCT FROM l.member_state
                                  OR r.sector_code IS DISTINCT FROM l.sector_code OR r.top_group_id IS DISTINCT FROM l.top_group_id
                                  OR r.gaps IS DISTINCT FROM l.gaps) AS counts,
               count(*) FILTER (WHERE x.rel > 1e-12 OR x.nulls) AS floats, COALESCE(max(x.rel), 0) AS maxrel
        FROM supplyrisk.entity_rollup r
        FULL JOIN supplyrisk.entity_exposure_compute(CURRENT_DATE, NULL) l ON l.entity_id = r.entity_id AND l.function_code = r.function_code
        LEFT JOIN LATERAL (
          SELECT max(abs(a - b) / greatest(abs(a), abs(b))) FILTER (WHERE a <> b) AS rel, bool_or((a IS NULL) <> (b IS NULL)) AS nulls
          FROM unnest(ARRAY[r.hhi, r.cr1, r.effective_suppliers, r.hrv_share, r.non_eu_share, r.exposure_score, supplyrisk.total(r.mix)],
                      ARRAY[l.hhi, l.cr1, l.effective_suppliers, l.hrv_share, l.non_eu_share, l.exposure_score, supplyrisk.total(l.mix)]) u(a, b)) x ON true) f
  WHERE t.step = label;
  UPDATE steps t SET only_one = t.only_one + f.only_one, counts = t.counts + f.counts, floats = t.floats + f.floats,
                     maxrel = greatest(t.maxrel, f.maxrel)
  FROM (SELECT count(*) FILTER (WHERE r.entity_id IS NULL OR l.entity_id IS NULL) AS only_one,
               count(*) FILTER (WHERE r.direct_suppliers IS DISTINCT FROM l.direct_suppliers OR r.deep_suppliers IS DISTINCT FROM l.deep_suppliers
                                  OR r.member_state IS DISTINCT FROM l.member_state OR r.hidden_group_ids IS DISTINCT FROM l.hidden_group_ids
                                  OR r.top_hidden_group IS DISTINCT FROM l.top_hidden_group OR r.hidden_suppliers IS DISTINCT FROM l.hidden_suppliers) AS counts,
               count(*) FILTER (WHERE x.rel > 1e-12 OR x.nulls) AS floats, COALESCE(max(x.rel), 0) AS maxrel
        FROM supplyrisk.entity_deep_rollup r
        FULL JOIN supplyrisk.entity_deep_compute(CURRENT_DATE, 6) l ON l.entity_id = r.entity_id
        LEFT JOIN LATERAL (
          SELECT max(abs(a - b) / greatest(abs(a), abs(b))) FILTER (WHERE a <> b) AS rel, bool_or((a IS NULL) <> (b IS NULL)) AS nulls
          FROM unnest(ARRAY[r.direct_hhi, r.deep_hhi, r.hidden_shares[1]], ARRAY[l.direct_hhi, l.deep_hhi, l.hidden_shares[1]]) u(a, b)) x ON true) f
  WHERE t.step = label;
END
$f$;
CREATE TEMP TABLE pick AS  -- a member state and entities of it, suppliers, all fixed by the generated data
SELECT x.ms, x.sc,
       (SELECT min(supplier_id) FROM supplier WHERE parent_supplier_id IS NULL) AS s1,
       (SELECT max(supplier_id) FROM supplier WHERE parent_supplier_id IS NULL) AS s2
FROM (SELECT member_state AS ms, sector_code AS sc FROM entity GROUP BY 1, 2 ORDER BY count(*) DESC, 1, 2 LIMIT 1) x;

CALL refresh();
SELECT pg_temp.step('nothing changed');
INSERT INTO supply (entity_id, supplier_id, function_code, weight, valid_from)
SELECT e.entity_id, (SELECT s2 FROM pick), 'cloud.iaas', 10 + g, '2020-01-01'
FROM (SELECT entity_id FROM entity WHERE member_state = (SELECT ms FROM pick) AND sector_code = (SELECT sc FROM pick) ORDER BY entity_id LIMIT 25) e,
     generate_series(1, 2) g;
CALL refresh();
SELECT pg_temp.step('supply rows inserted in one sector and member state');
UPDATE supply SET weight = weight * 3 WHERE supply_id % 17 = 0;
CALL refresh();
SELECT pg_temp.step('weights updated across member states');
DELETE FROM supply WHERE supply_id % 23 = 0;
CALL refresh();
SELECT pg_temp.step('supply rows deleted');
UPDATE entity SET member_state = CASE WHEN member_state = 'AT' THEN 'BE' ELSE 'AT' END
WHERE entity_id = (SELECT min(entity_id) FROM supply);
CALL refresh();
SELECT pg_temp.step('an entity moved to another member state');
INSERT INTO assessment (supplier_id, factor_code, score) SELECT (SELECT s1 FROM pick), code, 4 FROM risk_factor;
CALL refresh();
SELECT pg_temp.step('a supplier assessed (its risk changes wherever it supplies)');
INSERT INTO designation (supplier_id, status, decided_on) VALUES ((SELECT s2 FROM pick), 'high_risk', CURRENT_DATE) ON CONFLICT DO NOTHING;
CALL refresh();
SELECT pg_temp.step('a supplier designated high-risk');
UPDATE supplier SET parent_supplier_id = (SELECT s1 FROM pick) WHERE supplier_id = (SELECT s2 FROM pick);
CALL refresh();
SELECT pg_temp.step('a supplier group bought another (ownership)');
INSERT INTO supplier_dependency (supplier_id, depends_on_supplier_id, share)
SELECT (SELECT s1 FROM pick), (SELECT min(supplier_id) FROM supplier WHERE parent_supplier_id IS NULL AND supplier_id > (SELECT s1 FROM pick)), 0.6
ON CONFLICT DO NOTHING;
CALL refresh();
SELECT pg_temp.step('a tier-2 dependency recorded (the deep rows of the entities relying on it)');
UPDATE supplier SET name = name || ' (renamed)'
WHERE supplier_id = (SELECT hidden_group_ids[1] FROM entity_deep_rollup WHERE cardinality(hidden_group_ids) > 0 ORDER BY entity_id DESC LIMIT 1);
CALL refresh();
SELECT pg_temp.step('a supplier named as a hidden reliance renamed');
INSERT INTO contract_control (entity_id, supplier_id, clause, in_place)
SELECT DISTINCT entity_id, supplier_id, '5.1.4a', true FROM (SELECT entity_id, supplier_id FROM supply ORDER BY supply_id LIMIT 5) s;
CALL refresh();
SELECT pg_temp.step('the first contract checks (tracking starts: full)');
INSERT INTO contract_control (entity_id, supplier_id, clause, in_place)
SELECT s.entity_id, s.supplier_id, c.clause, true FROM (SELECT DISTINCT entity_id, supplier_id FROM supply ORDER BY 1, 2 LIMIT 3) s, contract_clause c
ON CONFLICT DO NOTHING;
CALL refresh();
SELECT pg_temp.step('contracts completed');
-- validity windows: rows that became valid (or stopped being) since the rollups' date are stale
-- too. Simulated: the rollups are said to be of five days ago, and rows valid from three days
-- ago are loaded without tracking (as if loaded before, waiting for their date).
UPDATE rollup_refresh SET as_of = as_of - 5 WHERE refresh_id = (SELECT max(refresh_id) FROM rollup_refresh);
ALTER TABLE supply DISABLE TRIGGER supply_track_insert;
INSERT INTO supply (entity_id, supplier_id, function_code, weight, valid_from)
SELECT e.entity_id, (SELECT s1 FROM pick), 'it.backup', 77, CURRENT_DATE - 3
FROM (SELECT entity_id FROM entity WHERE sector_code = 'health' ORDER BY entity_id LIMIT 3) e;
ALTER TABLE supply ENABLE TRIGGER supply_track_insert;
CALL refresh();
SELECT pg_temp.step('supply that became valid since the rollups'' date');
INSERT INTO methodology (name, description) VALUES ('other', 'a copy');
CALL refresh();
SELECT pg_temp.step('a methodology added (not the one in use: nothing stale)');

SELECT results_eq($$SELECT step, mode FROM steps ORDER BY ctid$$,
  $$VALUES ('nothing changed', 'incremental'), ('supply rows inserted in one sector and member state', 'incremental'),
           ('weights updated across member states', 'incremental'), ('supply rows deleted', 'incremental'),
           ('an entity moved to another member state', 'incremental'), ('a supplier assessed (its risk changes wherever it supplies)', 'reweight'),
           ('a supplier designated high-risk', 'reweight'), ('a supplier group bought another (ownership)', 'incremental'),
           ('a tier-2 dependency recorded (the deep rows of the entities relying on it)', 'incremental'),
           ('a supplier named as a hidden reliance renamed', 'incremental'),
           ('the first contract checks (tracking starts: full)', 'full'), ('contracts completed', 'incremental'),
           ('supply that became valid since the rollups'' date', 'incremental'),
           ('a methodology added (not the one in use: nothing stale)', 'incremental')$$,
  'each refresh is incremental unless contract tracking starts; a change of risk alone re-weights');
SELECT is((SELECT recomputed FROM steps WHERE step = 'nothing changed'), 0, 'nothing changed: nothing recomputed');
SELECT is((SELECT recomputed FROM steps WHERE step = 'supply rows inserted in one sector and member state'), 1,
  'an insert in one member state and sector recomputes that one row set');
SELECT is((SELECT recomputed FROM steps WHERE step = 'a supplier assessed (its risk changes wherever it supplies)'), 0,
  'a supplier''s assessment recomputes no row set from the supply (issue 29: it re-weights them)');
SELECT ok((SELECT count(*) FROM steps WHERE mode = 'incremental' AND recomputed < (SELECT count(DISTINCT (sector_code, member_state)) FROM sector_rollup WHERE member_state IS NOT NULL)) >= 6,
  'incremental refreshes recompute fewer row sets than there are');
-- after every step the rollups equal a full computation
SELECT is((SELECT only_one || '|' || counts || '|' || floats FROM steps WHERE step = s.step), '0|0|0', 'equal to a full computation: ' || s.step)
FROM (SELECT step FROM steps ORDER BY ctid) s;
SELECT diag(format($$recomputed per step: %s; largest relative float difference %s$$, (SELECT string_agg(coalesce(recomputed::text, $$full$$), $$, $$ ORDER BY ctid) FROM steps), (SELECT max(maxrel) FROM steps)));
SELECT cmp_ok((SELECT max(maxrel) FROM steps), '<=', 1e-12::float8, 'largest relative float difference over all steps');

-- A random sequence: 16 changes drawn at random (kind, rows, suppliers, values), each followed
-- by refresh(), which must equal a full computation every time. The seed is printed: set it
-- with psql -v seed=<n> to replay a sequence.
\if :{?seed}
\else
SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint % 1000000 AS seed \gset
\endif
SELECT diag('random sequence seed ' || :'seed');
SELECT setseed((:'seed'::bigint % 1000000) / 1000000.0);
TRUNCATE steps;
CREATE FUNCTION pg_temp.random_change(i integer) RETURNS text LANGUAGE plpgsql AS $f$
DECLARE
  k integer := floor(random() * 10)::int;
  ent bigint := (SELECT entity_id FROM supplyrisk.entity ORDER BY random() LIMIT 1);
  sup bigint := (SELECT supplier_id FROM supplyrisk.supplier ORDER BY random() LIMIT 1);
  ms text := (SELECT code FROM supplyrisk.country WHERE eu_member ORDER BY random() LIMIT 1);
BEGIN
  CASE k
  WHEN 0 THEN
    INSERT INTO supplyrisk.supply (entity_id, supplier_id, function_code, weight, valid_from)
    SELECT e.entity_id, sup, (SELECT code FROM supplyrisk.ict_function ORDER BY random() LIMIT 1), round((random() * 100)::numeric, 2) + 1, '2020-01-01'
    FROM (SELECT entity_id FROM supplyrisk.entity WHERE sector_code = (SELECT sector_code FROM supplyrisk.entity WHERE entity_id = ent)
          ORDER BY random() LIMIT 1 + floor(random() * 30)::int) e;
    RETURN 'insert supply';
  WHEN 1 THEN
    UPDATE supplyrisk.supply SET weight = weight * (1 + random()) WHERE random() < 0.02;
    RETURN 'update weights';
  WHEN 2 THEN
    DELETE FROM supplyrisk.supply WHERE supply_id IN (SELECT supply_id FROM supplyrisk.supply ORDER BY random() LIMIT 1 + floor(random() * 50)::int);
    RETURN 'delete supply';
  WHEN 3 THEN
    UPDATE supplyrisk.entity SET member_state = ms WHERE entity_id = ent;
    RETURN 'move an entity to ' || ms;
  WHEN 4 THEN
    UPDATE supplyrisk.supplier SET hq_country = (SELECT code FROM supplyrisk.country ORDER BY random() LIMIT 1) WHERE supplier_id = sup;
    RETURN 'move a supplier''s headquarters';
  WHEN 5 THEN  -- a supplier with no subsidiaries joins another group (no cycle), or leaves its group
    UPDATE supplyrisk.supplier s SET parent_supplier_id = CASE WHEN s.parent_supplier_id IS NULL OR random() < 0.5
                                                              THEN (SELECT r.supplier_id FROM supplyrisk.supplier r WHERE r.parent_supplier_id IS NULL AND r.supplier_id <> s.supplier_id ORDER BY random() LIMIT 1) END
    WHERE s.supplier_id = (SELECT x.supplier_id FROM supplyrisk.supplier x
                           WHERE NOT EXISTS (SELECT 1 FROM supplyrisk.supplier c WHERE c.parent_supplier_id = x.supplier_id) ORDER BY random() LIMIT 1);
    RETURN 'ownership';
  WHEN 6 THEN
    INSERT INTO supplyrisk.assessment (supplier_id, factor_code, score)
    SELECT sup, f.code, floor(random() * 5)::int FROM supplyrisk.risk_factor f WHERE random() < 0.6;
    RETURN 'assessment';
  WHEN 7 THEN
    INSERT INTO supplyrisk.designation (supplier_id, status, decided_on)
    SELECT sup, CASE WHEN random() < 0.7 THEN 'high_risk' ELSE 'cleared' END, CURRENT_DATE - i
    WHERE NOT EXISTS (SELECT 1 FROM supplyrisk.designation d WHERE d.supplier_id = sup AND d.decided_on = CURRENT_DATE - i);
    RETURN 'designation';
  WHEN 8 THEN  -- supply that ends today (no longer valid) or did not start yet
    IF random() < 0.5 THEN
      UPDATE supplyrisk.supply SET valid_to = CURRENT_DATE
      WHERE supply_id IN (SELECT supply_id FROM supplyrisk.supply WHERE valid_from < CURRENT_DATE ORDER BY random() LIMIT 1 + floor(random() * 40)::int);
    ELSE
      UPDATE supplyrisk.supply SET valid_from = CURRENT_DATE + 1, valid_to = NULL
      WHERE supply_id IN (SELECT supply_id FROM supplyrisk.supply ORDER BY random() LIMIT 1 + floor(random() * 40)::int);
    END IF;
    RETURN 'date shift';
  ELSE
    UPDATE supplyrisk.supply SET function_code = (SELECT code FROM supplyrisk.ict_function ORDER BY random() LIMIT 1)
    WHERE supply_id = (SELECT supply_id FROM supplyrisk.supply ORDER BY random() LIMIT 1);
    RETURN 'change a supply row''s ICT function';
  END CASE;
END
$f$;
DO $d$
DECLARE what text;
BEGIN
  FOR i IN 1..16 LOOP
    what := pg_temp.random_change(i);
    CALL supplyrisk.refresh();
    PERFORM pg_temp.step(i || ' ' || what);
  END LOOP;
END
$d$;
SELECT diag('random steps: ' || string_agg(step || ' (' || coalesce(recomputed::text, mode) || ')', '; ' ORDER BY ctid)) FROM steps;
SELECT is((SELECT count(*)::int FROM steps WHERE mode IN ('incremental', 'reweight')), 16, 'random sequence: every refresh incremental (or a re-weighting)');
SELECT is((SELECT string_agg(step, ', ') FROM steps WHERE only_one + counts + floats > 0), NULL,
  'random sequence: after every step the rollups equal a full computation');
SELECT cmp_ok((SELECT max(maxrel) FROM steps), '<=', 1e-12::float8, 'random sequence: largest relative float difference');
SELECT ok((SELECT bool_or(recomputed > 0) FROM steps), 'random sequence: some step recomputed rows');
SELECT is((SELECT count(*)::int FROM rollup_change), 0, 'the changes are consumed');
-- the stored supplier scores the incremental refreshes used: every supplier's, as scored now
SELECT is((SELECT count(*)::int FROM supplier_rollup c FULL JOIN supplier_risk_at(CURRENT_DATE) x USING (supplier_id)
           WHERE c.supplier_id IS NULL OR x.supplier_id IS NULL OR c.group_id <> x.group_id OR c.high_risk <> x.high_risk
              OR c.risk_score IS DISTINCT FROM x.risk_score OR c.unassessed <> (x.risk_level = 'unassessed')),
          0, 'random sequence: supplier_rollup holds every supplier''s score as scored now');
-- a supplier added (it supplies nothing yet): scored at the next refresh, no row recomputed
INSERT INTO supplier (name, hq_country) VALUES ('Incremental newcomer', 'NO');
CALL refresh();
SELECT ok(EXISTS (SELECT 1 FROM supplier_rollup c JOIN supplier s USING (supplier_id) WHERE s.name = 'Incremental newcomer')
          AND (SELECT mode = 'incremental' AND recomputed = 0 FROM rollup_status),
          'a supplier added is scored at the next refresh, which recomputes no row');
INSERT INTO assessment (supplier_id, factor_code, score) SELECT s.supplier_id, 'nt.ownership', 4 FROM supplier s WHERE s.name = 'Incremental newcomer';
CALL refresh();
SELECT is((SELECT c.risk_score FROM supplier_rollup c JOIN supplier s USING (supplier_id) WHERE s.name = 'Incremental newcomer'),
          (SELECT x.risk_score FROM supplier_risk_at(CURRENT_DATE) x JOIN supplier s USING (supplier_id) WHERE s.name = 'Incremental newcomer'),
          'its assessment: scored again');
DELETE FROM assessment a USING supplier s WHERE a.supplier_id = s.supplier_id AND s.name = 'Incremental newcomer';
DELETE FROM supplier WHERE name = 'Incremental newcomer';
CALL refresh();
SELECT is((SELECT count(*)::int FROM supplier_rollup c WHERE NOT EXISTS (SELECT 1 FROM supplier s WHERE s.supplier_id = c.supplier_id)),
          0, 'a supplier deleted: its stored score goes');
-- the scores count every member state's assessments: a scoped reader sees none of them
CREATE ROLE incremental_fr_reader;
DO $$ BEGIN PERFORM grant_access('incremental_fr_reader', 'read', '{FR}'); END $$;
SET LOCAL ROLE incremental_fr_reader;
SELECT is((SELECT count(*)::int FROM supplier_rollup), 0, 'a member-state reader sees no stored supplier score');
RESET ROLE;
SELECT cmp_ok((SELECT count(*)::int FROM supplier_rollup), '>', 0, '(an unscoped role sees them)');
-- TRUNCATE has no transition table: everything is stale, the next refresh is full
TRUNCATE designation;
SELECT ok((SELECT bool_or(everything) FROM rollup_change WHERE source = 'designation'), 'a TRUNCATE makes everything stale');
CALL refresh();
SELECT is((SELECT mode FROM rollup_status), 'full', 'the refresh after a TRUNCATE is full');
CALL refresh(full => true);
SELECT is((SELECT mode FROM rollup_status), 'full', 'refresh(full => true) is full');
SELECT * FROM finish();
ROLLBACK;
