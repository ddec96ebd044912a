-- pgTAP: the register path, import_rows (issue 13): every valid row lands, every refused
-- row comes back with its line, column, SQLSTATE and reason; nothing half-loaded unless
-- asked. Includes a CSV register loaded with psql's \copy into a staging table.
BEGIN;
SET search_path = supplyrisk, public;
SELECT plan(44);
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
SELECT is((SELECT reason FROM r1 WHERE line = 4), 'unknown hq_country "XX": it is not a code of supplyrisk.country (supplyrisk.country lists the 250 values)',
          'an unknown country, named with the table that lists the allowed codes');
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

SELECT is((SELECT reason FROM import_rows('supplyrisk.entity', '[{"name": "Telecoms entity", "member_state": "DE", "sector_code": "telecoms", "entity_class": "essential"}]')),
  'unknown sector_code "telecoms": it is not a code of supplyrisk.sector (one of: banking, chemicals, digital_infrastructure, digital_providers, drinking_water, energy, financial_market_infrastructures, food, health, ict_service_management, manufacturing, postal_courier, public_administration, research, space, transport, waste_management, waste_water)',
  'a foreign-key refusal of a small reference table lists the allowed values (issue 28.8)');
SELECT is((SELECT reason FROM r3 WHERE line = 4),
  'unknown function_code "cloud.sky": it is not a code of supplyrisk.ict_function (supplyrisk.ict_function has, with that prefix: cloud.iaas, cloud.paas, cloud.saas_business)',
  'an unknown ICT function: the codes of its family');

-- the recipe of REFERENCE.md, "Registers", as written: each row carries its file line (ln),
-- the lines are the file's whatever the order of the array (issue 28.8)
CREATE TEMP TABLE file_staging (ln integer GENERATED ALWAYS AS IDENTITY (START 2),
                           supplier_id text, name text, hq_country text, parent_supplier_id text);
\copy file_staging (supplier_id, name, hq_country, parent_supplier_id) FROM 'test/data/registers/suppliers.csv' CSV HEADER
SELECT results_eq($$SELECT line, column_name, sqlstate FROM supplyrisk.import_rows('supplyrisk.supplier',
                      (SELECT jsonb_agg(jsonb_strip_nulls(to_jsonb(s)) ORDER BY s.name DESC) FROM file_staging s), line_key => 'ln')$$,
  $$VALUES (2, 'supplier_id', '23505'), (3, 'supplier_id', '23505'), (4, 'name', '23502'), (5, 'hq_country', '23503'),
           (6, 'supplier_id', '23505'), (7, 'parent_supplier_id', '23514')$$,
  'line_key: each refusal at its line of the file (the header is line 1; 7001, 7002 and 7005 are loaded already), the array in any order');
CREATE TEMP TABLE supply_staging (ln integer GENERATED ALWAYS AS IDENTITY (START 2), entity_id text, supplier_id text, function_code text, weight text);
\copy supply_staging (entity_id, supplier_id, function_code, weight) FROM 'test/data/registers/supply.csv' CSV HEADER
INSERT INTO entity (entity_id, name, member_state, sector_code, entity_class) VALUES
  (7110, 'Register entity 10', 'DE', 'energy', 'important'), (7111, 'Register entity 11', 'DE', 'energy', 'important'),
  (7112, 'Register entity 12', 'AT', 'energy', 'important');
CREATE TEMP TABLE supply_reg AS SELECT jsonb_agg(jsonb_strip_nulls(to_jsonb(s)) ORDER BY s.supplier_id) AS rows FROM supply_staging s;
SELECT results_eq($$SELECT line, column_name, sqlstate, outcome FROM import_rows('supplyrisk.supply', (SELECT rows FROM supply_reg), line_key => 'ln')$$,
  $$VALUES (7, 'function_code', '23503', 'refused'), (10, NULL, '23505', 'refused')$$,
  'a supply line repeating another of the file is refused with 23505 (and the unknown function at its file line)');
SELECT is((SELECT reason FROM import_rows('supplyrisk.supply', (SELECT rows FROM supply_reg), line_key => 'ln') WHERE line = 10),
  'duplicate supply: entity 7110, supplier 7002, function cloud.saas_business is already supplied by line 3 of this import (That row (weight 4, spend, valid ' || CURRENT_DATE || ' to open-ended) and this one (weight 4, spend, valid ' || CURRENT_DATE || ' to open-ended) overlap: loading both would count the supply twice. Leave the row out, pass on_duplicate => ''sum'' to add its weight to the row it repeats, or on_duplicate => ''skip'' to leave repeated rows out.)',
  'the refusal names the line it repeats, both rows and the ways out');
SELECT is((SELECT count(*)::int FROM supply WHERE entity_id IN (7110, 7111, 7112)), 0, 'nothing loaded');
SELECT results_eq($$SELECT line, outcome FROM import_rows('supplyrisk.supply', (SELECT rows FROM supply_reg), line_key => 'ln', partial => true, on_duplicate => 'sum')$$,
  $$VALUES (7, 'refused'), (10, 'merged')$$, 'on_duplicate => sum: the repeated line is merged into the line it repeats');
SELECT is((SELECT sum(weight) FROM supply WHERE entity_id = 7110 AND supplier_id = 7002 AND function_code = 'cloud.saas_business'), 8::float8,
  'the weights are added, in one row');
SELECT is((SELECT count(*)::int FROM supply WHERE entity_id = 7110 AND supplier_id = 7002), 1, 'one row, not two');
-- against the rows in force: the same file again
SELECT is((SELECT count(*)::int FROM import_rows('supplyrisk.supply', (SELECT rows FROM supply_reg), line_key => 'ln', partial => true) WHERE sqlstate = '23505'),
  9, 'loading the file again: each of its nine valid lines repeats a row in force, refused with 23505');
SELECT results_eq($$SELECT outcome, count(*)::int FROM import_rows('supplyrisk.supply', (SELECT rows FROM supply_reg), line_key => 'ln', partial => true, on_duplicate => 'skip') GROUP BY 1 ORDER BY 1$$,
  $$VALUES ('refused', 1), ('skipped', 9)$$, 'on_duplicate => skip: loading it again changes nothing');
SELECT is((SELECT sum(weight) FROM supply WHERE entity_id IN (7110, 7111, 7112)), (12.5 + 4 + 4 + 2 + 8 + 1 + 5 + 2 + 1)::float8, 'and the weights are as after the first load');
SELECT is((SELECT sqlstate || ' ' || outcome FROM import_rows('supplyrisk.supply',
  '[{"entity_id": 7112, "supplier_id": 7001, "function_code": "cloud.iaas", "weight": 5, "valid_from": "2020-01-01"}]', on_duplicate => 'sum')),
  '23505 refused', 'sum over a different validity (an overlapping older open-ended row) is refused: end the row in force first');
SELECT lives_ok($$SELECT * FROM import_rows('supplyrisk.supply',
  '[{"entity_id": 7112, "supplier_id": 7001, "function_code": "cloud.iaas", "weight": 5, "valid_from": "2020-01-01", "valid_to": "2021-01-01"}]')$$,
  'a row of the same supply over a validity that does not overlap loads');

-- a supplier row without id that is an existing supplier: matched, never created twice (issue 28.1)
INSERT INTO supplier (supplier_id, name, hq_country, global_id) VALUES (800001, 'Analyst Vendor 01', 'DE', NULL), (800002, 'Lei Holder SE', 'FR', '529900T8BM49AURSDO55');
CREATE TEMP TABLE r4 AS SELECT * FROM import_rows('supplyrisk.supplier', '[
  {"name": "Analyst Vendor 01", "hq_country": "DE"},
  {"name": "ANALYST VENDOR 01 GmbH", "hq_country": "AT"},
  {"name": "Another name SE", "hq_country": "FR", "global_id": "529900T8BM49AURSDO55"},
  {"name": "New Vendor 02", "hq_country": "SE"},
  {"name": "new vendor 02", "hq_country": "SE"}]');
SELECT results_eq($$SELECT line, column_name, outcome FROM r4$$,
  $$VALUES (1, 'name', 'matched'), (2, 'name', 'matched'), (3, 'global_id', 'matched'), (5, 'name', 'matched')$$,
  'by canonical name (case and legal form aside), by global id, and a row matched to one created earlier in the import');
SELECT is((SELECT reason FROM r4 WHERE line = 2), 'matched supplier 800001 "Analyst Vendor 01" by canonical name: no supplier created, its columns unchanged', 'the match says which supplier and why');
SELECT is((SELECT count(*)::int FROM supplier WHERE normalize_org_name(name) = 'analyst vendor 01'), 1, 'no second Analyst Vendor 01');
SELECT is((SELECT count(*)::int FROM supplier WHERE normalize_org_name(name) = 'new vendor 02'), 1, 'New Vendor 02 created once');
SELECT is((SELECT count(*)::int FROM import_rows('supplyrisk.supplier', '[{"name": "Lei Holder SE", "hq_country": "FR", "global_id": "529900HNOAA1KXQJUQ27"}]')), 0,
  'a name shared with a supplier of another global id is another organisation: not matched');
SELECT is((SELECT count(*)::int FROM supplier WHERE name = 'Lei Holder SE'), 2, 'it is created');

-- bad calls
CREATE FUNCTION pg_temp.err(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE st text; msg text;
BEGIN EXECUTE q; RETURN 'no error';
EXCEPTION WHEN OTHERS THEN GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT; RETURN st || ' ' || msg; END $$;
SELECT is(pg_temp.err($$SELECT * FROM import_rows('supplyrisk.sector', '[]')$$), '22023 cannot import rows into supplyrisk.sector', 'a reference table is no target');
SELECT is(pg_temp.err($$SELECT * FROM import_rows('pg_class', '[]')$$), '22023 cannot import rows into pg_class', 'a table outside the schema is no target');
SELECT is(pg_temp.err($$SELECT * FROM import_rows('supplyrisk.supply', '{"weight": 1}')$$), '22023 rows must be a JSON array of objects, not a JSON object', 'rows that are not an array');
SELECT is(pg_temp.err($$SELECT * FROM import_rows('supplyrisk.supply', NULL)$$), '22004 target, rows and on_duplicate must not be null', 'NULL rows');
SELECT is(pg_temp.err($$SELECT * FROM import_rows('supplyrisk.supply', '[]', on_duplicate => 'replace')$$), '22023 unknown on_duplicate "replace"', 'an unknown on_duplicate');
SELECT is(pg_temp.err($$SELECT * FROM import_rows('supplyrisk.supply', '[]', line_key => 'weight')$$), '22023 line_key "weight" is a column of supply', 'a line_key that is a column');
SELECT is((SELECT sqlstate || ' ' || column_name || ' ' || line FROM import_rows('supplyrisk.supply', '[{"ln": "x", "weight": 1}]', line_key => 'ln')),
  '22023 ln 1', 'a row whose line_key is not a number: refused at its position');
SELECT is((SELECT count(*)::int FROM import_rows('supplyrisk.supply', '[]')), 0, 'an empty register: nothing refused');
SELECT lives_ok($$SELECT * FROM import_rows('supplyrisk.supplier', '[{"name": "No id given", "hq_country": "SE"}]')$$, 'ids may be left to the sequence');

SELECT * FROM finish();
ROLLBACK;
