-- pgTAP: change tracking (issue 17, first part). Every statement on a table that feeds the
-- rollups records what it made stale in rollup_change (a sector and member state, a supplier,
-- or everything); rollup_status and the html report say so; refresh() clears it.
BEGIN;
SET search_path = supplyrisk, public;
SELECT plan(16);
SET client_min_messages = warning;

INSERT INTO entity (entity_id, name, member_state, sector_code, entity_class) VALUES
  (1, 'Grid DE', 'DE', 'energy', 'essential'), (2, 'Hospital FR', 'FR', 'health', 'essential');
INSERT INTO supplier (supplier_id, name, hq_country) VALUES (10, 'Vendor A', 'DE'), (11, 'Vendor B', 'FR');
CALL refresh();
SELECT is((SELECT pending_changes::int FROM rollup_status), 0, 'after refresh() nothing is pending');

INSERT INTO supply (entity_id, supplier_id, function_code, weight, valid_from)
  SELECT 1, 10, 'ot.scada', g, '2020-01-01' FROM generate_series(1, 1000) g;
SELECT results_eq($$SELECT source, sector_code, member_state FROM rollup_change$$,
  $$VALUES ('supply', 'energy', 'DE')$$, 'a bulk insert of 1,000 supply rows records one row: its sector and member state');
SELECT is((SELECT pending_changes::int FROM rollup_status), 1, 'rollup_status counts it');
SELECT ok((SELECT changed_since FROM rollup_status) IS NOT NULL, 'and says since when');

UPDATE entity SET member_state = 'AT' WHERE entity_id = 1;
SELECT results_eq($$SELECT sector_code, member_state FROM rollup_change WHERE source = 'entity' ORDER BY 2$$,
  $$VALUES ('energy', 'AT'), ('energy', 'DE')$$, 'an entity moving member state makes both member states stale');
DELETE FROM supply WHERE entity_id = 1 AND weight > 990;
SELECT is((SELECT count(*)::int FROM rollup_change WHERE source = 'supply' AND member_state = 'AT'), 1, 'a delete records the rows it removed');
INSERT INTO assessment (supplier_id, factor_code, score) VALUES (11, 't.product_quality', 3);
SELECT results_eq($$SELECT source, supplier_id FROM rollup_change WHERE supplier_id IS NOT NULL$$,
  $$VALUES ('assessment', 11::bigint)$$, 'an assessment records its supplier (stale wherever it supplies)');
UPDATE supplier SET parent_supplier_id = 10 WHERE supplier_id = 11;
SELECT is((SELECT count(*)::int FROM rollup_change WHERE source = 'supplier' AND supplier_id = 11), 1, 'an ownership change records the supplier');
INSERT INTO supplier (supplier_id, name, hq_country) VALUES (12, 'Vendor C', 'IT');
SELECT is((SELECT count(*)::int FROM rollup_change WHERE source = 'supplier' AND supplier_id IS NULL AND sector_code IS NULL AND NOT everything), 1,
          'suppliers added: one row for the statement (the next refresh scores them; they supply nothing yet)');
INSERT INTO methodology (name, description) SELECT 'national', 'copy' ;
SELECT is((SELECT string_agg(methodology, ',') || ' ' || bool_or(everything) FROM rollup_change WHERE source = 'methodology'), 'national false',
          'a methodology change records its methodology (re-weighting where it is the one in use), not everything');
CREATE TEMP TABLE n0 AS SELECT count(*) AS c FROM rollup_change;
UPDATE supply SET weight = weight WHERE false;
DELETE FROM assessment WHERE false;
INSERT INTO supplier (name, hq_country) SELECT 'none', 'DE' WHERE false;
SELECT is((SELECT count(*) FROM rollup_change), (SELECT c FROM n0), 'statements that touch no row record nothing');

-- writers need no privilege on rollup_change, and row-level security does not hide the entity
CREATE ROLE tracking_fr_assessor;
DO $$ BEGIN PERFORM grant_access('tracking_fr_assessor', 'assess', '{FR}'); END $$;
SET LOCAL ROLE tracking_fr_assessor;
INSERT INTO supply (entity_id, supplier_id, function_code, weight) VALUES (2, 10, 'health.clinical_systems', 1);
RESET ROLE;
SELECT results_eq($$SELECT sector_code, member_state FROM rollup_change WHERE source = 'supply' AND member_state = 'FR'$$,
  $$VALUES ('health', 'FR')$$, 'a scoped assessor''s insert is tracked');

-- the report says the rollups are stale; refresh() clears what it saw
SELECT matches(sector_report('energy', 'html'), 'class="notice">The data changed after the rollups were computed \([^)]*\): [0-9]+ changes recorded since',
  'the html report says the data changed after the rollups');
DELETE FROM methodology WHERE name = 'national';
CALL refresh();
SELECT is((SELECT count(*)::int FROM rollup_change), 0, 'refresh() clears the changes it has seen');
SELECT is((SELECT pending_changes::int FROM rollup_status), 0, 'rollup_status: nothing pending');
SELECT unalike(sector_report('energy', 'html'), '%class="notice"%', 'and the report no longer warns');

SELECT * FROM finish();
ROLLBACK;
