-- pgTAP: data model objects, constraints and SQLSTATEs.
BEGIN;
SET search_path = supplyrisk, public;
SELECT plan(40);

SELECT has_schema('supplyrisk');
SELECT tables_are('supplyrisk', ARRAY['sector','subsector','country','ict_function','risk_factor',
  'methodology','methodology_weight','entity','supplier','supply','supplier_dependency',
  'assessment','designation','snapshot','metric_snapshot','sector_rollup','rollup_refresh','access_grant','org_alias',
  'bom','bom_component','bom_dependency','federation_member','federation_state','federation_group',
  'toolbox','measure','measure_status','contract_control','rollup_change',
  'coordinated_assessment','coordinated_assessment_function','function_rollup','function_snapshot','supplier_rollup','entity_rollup','entity_deep_rollup']);
SELECT is((SELECT count(*)::int FROM sector), 18, '18 NIS2 sectors');
SELECT is((SELECT count(*)::int FROM country WHERE eu_member), 27, '27 EU member states');
SELECT is((SELECT count(*)::int FROM country WHERE code <> 'ZZ'), 249, 'all ISO 3166-1 alpha-2 codes, and ZZ for an unknown country');
SELECT is((SELECT count(*)::int FROM risk_factor), 15, '15 risk factors');
SELECT ok((SELECT count(*) FROM ict_function WHERE code IN ('cav.vehicle_data_processing','cav.vehicle_communications','cav.ota_updates','border.scanner_control','border.detection_data_processing','telecom.core_network','telecom.ran','telecom.network_management','cloud.iaas','security.managed_security','identity.iam','ot.ics_control')) = 12, 'toolbox functions present');
SELECT col_is_pk('supply', 'supply_id');
SELECT col_is_fk('supply', 'entity_id');
SELECT col_is_fk('supply', 'supplier_id');
SELECT col_is_fk('supply', 'function_code');
SELECT col_not_null('supply', 'weight');
SELECT col_has_default('supply', 'valid_from');
SELECT col_has_default('supply', 'basis');

-- every table and column carries a comment
SELECT is((SELECT count(*)::int FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = 'supplyrisk' AND c.relkind IN ('r','v') AND obj_description(c.oid, 'pg_class') IS NULL), 0,
          'every table and view has a comment');
SELECT is((SELECT count(*)::int FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = 'supplyrisk' AND c.relkind IN ('r','v') AND a.attnum > 0 AND NOT a.attisdropped
             AND col_description(c.oid, a.attnum) IS NULL), 0,
          'every column has a comment');

INSERT INTO entity (entity_id, name, member_state, sector_code, entity_class) VALUES (1000, 'E1', 'AT', 'health', 'important');
INSERT INTO supplier (supplier_id, name, hq_country) VALUES (1, 'S1', 'AT'), (2, 'S2', 'JP');
INSERT INTO supplier (supplier_id, name, hq_country, parent_supplier_id) VALUES (3, 'S3', 'AT', 1), (4, 'S4', 'AT', 3);

SELECT throws_ok($$INSERT INTO supply (entity_id, supplier_id, function_code, weight) VALUES (1000, 1, 'it.erp', -5)$$, '23514', NULL, 'negative weight refused');
SELECT throws_ok($$INSERT INTO supply (entity_id, supplier_id, function_code, weight) VALUES (1000, 1, 'it.erp', 'NaN')$$, '23514', NULL, 'NaN weight refused');
SELECT throws_ok($$INSERT INTO supply (entity_id, supplier_id, function_code, weight) VALUES (1000, 1, 'it.erp', '-Infinity')$$, '23514', NULL, '-Infinity weight refused');
SELECT throws_ok($$INSERT INTO supply (entity_id, supplier_id, function_code, weight) VALUES (1000, 1, 'it.erp', 'Infinity')$$, '23514', NULL, 'Infinity weight refused');
SELECT throws_ok($$INSERT INTO supply (entity_id, supplier_id, function_code, weight) VALUES (1, 1, 'xx.nothing', 1)$$, '23503', NULL, 'unknown function refused');
SELECT throws_ok($$INSERT INTO supply (entity_id, supplier_id, function_code, weight) VALUES (99, 1, 'it.erp', 1)$$, '23503', NULL, 'unknown entity refused');
SELECT throws_ok($$INSERT INTO entity (name, member_state, sector_code, entity_class) VALUES ('x', 'DE', 'nosuch', 'important')$$, '23503', NULL, 'unknown sector refused');
SELECT throws_ok($$INSERT INTO entity (name, member_state, sector_code, entity_class) VALUES ('x', 'NO', 'energy', 'important')$$, '23514', 'member state "NO" is not an EU member state', 'EEA but not EU member state refused');
SELECT throws_ok($$INSERT INTO entity (name, member_state, sector_code, entity_class) VALUES ('x', 'de', 'energy', 'important')$$, '23503', NULL, 'lower-case country code refused');
SELECT throws_ok($$INSERT INTO supplier_dependency (supplier_id, depends_on_supplier_id, share) VALUES (1, 2, 1.0000001)$$, '23514', NULL, 'share above 1 refused');
SELECT throws_ok($$INSERT INTO supplier_dependency (supplier_id, depends_on_supplier_id, share) VALUES (1, 2, 'NaN')$$, '23514', NULL, 'NaN share refused');
SELECT lives_ok($$INSERT INTO supplier_dependency (supplier_id, depends_on_supplier_id, share) VALUES (1, 2, 1)$$, 'share of exactly 1 accepted');
SELECT throws_ok($$UPDATE supplier SET parent_supplier_id = 4 WHERE supplier_id = 1$$, '23514', 'ownership cycle: supplier 1 cannot be controlled by supplier 4', 'three-level ownership cycle refused');
SELECT throws_ok($$INSERT INTO supplier (supplier_id, name, hq_country, parent_supplier_id) VALUES (5, 'S5', 'AT', 5)$$, '23514', NULL, 'own parent refused');
SELECT is(supplier_group(4), 1::bigint, 'ultimate controller through two levels');
SELECT is((SELECT group_id FROM supplier_group_map WHERE supplier_id = 4), 1::bigint, 'group map agrees');
SELECT throws_ok($$INSERT INTO assessment (supplier_id, factor_code, score) VALUES (1, 'nt.state_link', -1)$$, '23514', NULL, 'score below scale refused');
SELECT throws_ok($$INSERT INTO assessment (supplier_id, factor_code, score) VALUES (1, 'nt.state_link', 3.5)$$, '23514', NULL, 'non-integer score refused, not rounded');
SELECT throws_ok($$INSERT INTO assessment (supplier_id, factor_code, score) VALUES (1, 'nt.nothing', 1)$$, '23503', NULL, 'unknown factor refused');
SELECT throws_ok($$INSERT INTO methodology (name, hrv_threshold) VALUES ('m1', 150)$$, '23514', NULL, 'HRV threshold out of range refused');
SELECT throws_ok($$INSERT INTO methodology (name, band_high, band_critical) VALUES ('m2', 80, 70)$$, '23514', NULL, 'unordered bands refused');
SELECT throws_ok($$UPDATE methodology_weight SET weight = 2 WHERE methodology = 'default'$$, '23001', NULL, 'shipped methodology is read-only');
SELECT throws_ok($$DELETE FROM sector WHERE code = 'space'$$, '23001', NULL, 'shipped sector is read-only');
SELECT throws_ok($$INSERT INTO supply (entity_id, supplier_id, function_code, weight, valid_from) VALUES (1000, 1, 'it.erp', 1, 'infinity')$$, '23514', NULL, 'infinite date refused');

SELECT * FROM finish();
ROLLBACK;
