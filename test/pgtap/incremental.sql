-- pgTAP: incremental refresh (issue 17). A sequence of changes of every kind that feeds the
-- rollups, each followed by refresh(): it recomputes only the stale member-state rows (and
-- re-merges their sectors' EU rows) and must equal the full computation — every row, counts
-- exact, floats within 1e-12 relative. Methodology and contract-tracking changes go full.
BEGIN;
SET search_path = supplyrisk, public;
SELECT plan(20);
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
SELECT pg_temp.step('a methodology added (full)');

SELECT results_eq($$SELECT step, mode FROM steps ORDER BY ctid$$,
  $$VALUES ('nothing changed', 'incremental'), ('supply rows inserted in one sector and member state', 'incremental'),
           ('weights updated across member states', 'incremental'), ('supply rows deleted', 'incremental'),
           ('an entity moved to another member state', 'incremental'), ('a supplier assessed (its risk changes wherever it supplies)', 'incremental'),
           ('a supplier designated high-risk', 'incremental'), ('a supplier group bought another (ownership)', 'incremental'),
           ('the first contract checks (tracking starts: full)', 'full'), ('contracts completed', 'incremental'),
           ('supply that became valid since the rollups'' date', 'incremental'), ('a methodology added (full)', 'full')$$,
  'each refresh is incremental unless tracking starts or a methodology changes');
SELECT is((SELECT recomputed FROM steps WHERE step = 'nothing changed'), 0, 'nothing changed: nothing recomputed');
SELECT is((SELECT recomputed FROM steps WHERE step = 'supply rows inserted in one sector and member state'), 1,
  'an insert in one member state and sector recomputes that one row set');
SELECT cmp_ok((SELECT recomputed FROM steps WHERE step = 'a supplier assessed (its risk changes wherever it supplies)'), '>', 1,
  'a supplier''s assessment recomputes every row set it supplies');
SELECT ok((SELECT count(*) FROM steps WHERE mode = 'incremental' AND recomputed < (SELECT count(DISTINCT (sector_code, member_state)) FROM sector_rollup WHERE member_state IS NOT NULL)) >= 6,
  'incremental refreshes recompute fewer row sets than there are');
-- after every step the rollups equal a full computation
SELECT is((SELECT only_one || '|' || counts || '|' || floats FROM steps WHERE step = s.step), '0|0|0', 'equal to a full computation: ' || s.step)
FROM (SELECT step FROM steps ORDER BY ctid) s;
SELECT diag(format($$recomputed per step: %s; largest relative float difference %s$$, (SELECT string_agg(coalesce(recomputed::text, $$full$$), $$, $$ ORDER BY ctid) FROM steps), (SELECT max(maxrel) FROM steps)));
SELECT cmp_ok((SELECT max(maxrel) FROM steps), '<=', 1e-12::float8, 'largest relative float difference over all steps');
SELECT is((SELECT count(*)::int FROM rollup_change), 0, 'the changes are consumed');
CALL refresh(full => true);
SELECT is((SELECT mode FROM rollup_status), 'full', 'refresh(full => true) is full');
SELECT * FROM finish();
ROLLBACK;
