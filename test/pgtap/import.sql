-- pgTAP: the register path, import_rows (issue 13): every valid row lands, every refused
-- row comes back with its line, column, SQLSTATE and reason; nothing half-loaded unless
-- asked. Includes a CSV register loaded with psql's \copy into a staging table.
BEGIN;
SET search_path = supplyrisk, public;
SELECT plan(21);
SET client_min_messages = warning;

CREATE TEMP TABLE staging (supplier_id text, name text, hq_country text, parent_supplier_id text);
\copy staging FROM 'test/data/registers/suppliers.csv' CSV HEADER
CREATE TEMP TABLE reg AS SELECT jsonb_agg(jsonb_strip_nulls(to_jsonb(s)) ORDER BY s.supplier_id) AS rows FROM staging s;

-- all or nothing (the default)
CREATE TEMP TABLE r1 AS SELECT * FROM import_rows('supplyrisk.supplier', (SELECT rows FROM reg));
SELECT is((SELECT count(*)::int FROM r1), 3, 'three of the six register rows are refused');
SELECT is((SELECT count(*)::int FROM supplier WHERE supplier_id BETWEEN 7001 AND 7006), 0, 'nothing is loaded when a row is refused');
SELECT results_eq($$SELECT line, column_name, sqlstate FROM r1 ORDER BY line$$,
  $$VALUES (3, 'name', '23502'), (4, 'hq_country', '23503'), (6, 'parent_supplier_id', '23514')$$,
  'each refusal names its line, its column and its SQLSTATE');
SELECT alike((SELECT reason FROM r1 WHERE line = 3), 'null value in column "name" of relation "supplier" violates not-null constraint%', 'the reason says what to fix (an empty CSV field is NULL)');
SELECT alike((SELECT reason FROM r1 WHERE line = 4), '%violates foreign key constraint%(Key (hq_country)=(XX) is not present in table "country".)', 'an unknown country, named');
SELECT alike((SELECT reason FROM r1 WHERE line = 6), 'ownership cycle: supplier 7006 cannot be controlled by supplier 7006%', 'a supplier controlling itself');

-- partial: the valid rows land
CREATE TEMP TABLE r2 AS SELECT * FROM import_rows('supplyrisk.supplier', (SELECT rows FROM reg), partial => true);
SELECT is((SELECT count(*)::int FROM r2), 3, 'partial: the same three refusals');
SELECT is((SELECT array_agg(supplier_id ORDER BY supplier_id) FROM supplier WHERE supplier_id BETWEEN 7001 AND 7006),
          ARRAY[7001, 7002, 7005]::bigint[], 'partial: the three valid rows are loaded, parents first or not');
SELECT is((SELECT supplier_group(7005)), 7001::bigint, 'and they are the same rows a COPY would give');

-- supply rows: conversions and checks
INSERT INTO entity (entity_id, name, member_state, sector_code, entity_class) VALUES (7100, 'Register entity', 'DE', 'energy', 'essential');
CREATE TEMP TABLE r3 AS SELECT * FROM import_rows('supplyrisk.supply', '[
  {"entity_id": 7100, "supplier_id": 7001, "function_code": "cloud.iaas", "weight": "12.5"},
  {"entity_id": 7100, "supplier_id": 7002, "function_code": "cloud.iaas", "weight": "abc"},
  {"entity_id": 7100, "supplier_id": 7002, "function_code": "cloud.iaas", "weight": -1},
  {"entity_id": 7100, "supplier_id": 7002, "function_code": "cloud.sky", "weight": 1},
  {"entity_id": 7100, "supplier_id": 7005, "function_code": "cloud.iaas", "weight": 3, "colour": "blue"},
  "not a row",
  {"entity_id": 7100, "supplier_id": 7005, "function_code": "cloud.iaas", "weight": 2, "valid_from": "2026-02-30"}]', true);
SELECT results_eq($$SELECT line, column_name, sqlstate FROM r3 ORDER BY line$$,
  $$VALUES (2, 'weight', '22P02'), (3, 'weight', '23514'), (4, 'function_code', '23503'), (5, 'colour', '42703'),
           (6, NULL, '22023'), (7, 'valid_from', '22008')$$,
  'supply: a value that does not convert, a bad weight, an unknown function, an unknown column, a non-object, an impossible date');
SELECT is((SELECT weight FROM supply WHERE entity_id = 7100), 12.5::float8, 'the valid supply row is loaded, defaults applied (basis, valid_from)');
SELECT is((SELECT basis FROM supply WHERE entity_id = 7100), 'spend', 'columns left out take their defaults');
SELECT alike((SELECT reason FROM r3 WHERE line = 5), 'supply has no column colour', 'an unknown column, named');
SELECT alike((SELECT reason FROM r3 WHERE line = 6), 'the row is a JSON string, not an object', 'a row that is not an object');

SELECT results_eq($$SELECT line, column_name, sqlstate FROM import_rows('supplyrisk.entity', '[{"name": "Oslo grid", "member_state": "NO", "sector_code": "energy", "entity_class": "essential"}]')$$,
  $$VALUES (1, 'member_state', '23514')$$, 'an entity outside the EU: the trigger names its column');

-- bad calls
CREATE FUNCTION pg_temp.err(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE st text; msg text;
BEGIN EXECUTE q; RETURN 'no error';
EXCEPTION WHEN OTHERS THEN GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT; RETURN st || ' ' || msg; END $$;
SELECT is(pg_temp.err($$SELECT * FROM import_rows('supplyrisk.sector', '[]')$$), '22023 cannot import rows into supplyrisk.sector', 'a reference table is no target');
SELECT is(pg_temp.err($$SELECT * FROM import_rows('pg_class', '[]')$$), '22023 cannot import rows into pg_class', 'a table outside the schema is no target');
SELECT is(pg_temp.err($$SELECT * FROM import_rows('supplyrisk.supply', '{"weight": 1}')$$), '22023 rows must be a JSON array of objects, not a JSON object', 'rows that are not an array');
SELECT is(pg_temp.err($$SELECT * FROM import_rows('supplyrisk.supply', NULL)$$), '22004 target and rows must not be null', 'NULL rows');
SELECT is((SELECT count(*)::int FROM import_rows('supplyrisk.supply', '[]')), 0, 'an empty register: nothing refused');
SELECT lives_ok($$SELECT * FROM import_rows('supplyrisk.supplier', '[{"name": "No id given", "hq_country": "SE"}]')$$, 'ids may be left to the sequence');

SELECT * FROM finish();
ROLLBACK;
