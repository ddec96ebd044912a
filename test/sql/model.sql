-- Data model: reference data, constraints and the errors bad rows get.
\set SHOW_CONTEXT never
SET search_path = supplyrisk, public;

SELECT annex, count(*) FROM sector GROUP BY annex ORDER BY annex;
SELECT count(*) AS countries, count(*) FILTER (WHERE eu_member) AS eu, count(*) FILTER (WHERE eea_member) AS eea FROM country;
SELECT criticality, count(*) FROM ict_function GROUP BY criticality ORDER BY criticality;
SELECT code FROM ict_function WHERE code LIKE 'cav.%' OR code LIKE 'border.%' OR code LIKE 'telecom.%' ORDER BY code;
SELECT dimension, count(*) FROM risk_factor GROUP BY dimension ORDER BY dimension;
SELECT name, power_mean_p, unknown_score, band_medium, band_high, band_critical, hrv_threshold, multi_vendor_cap FROM methodology;
SELECT count(*) AS default_weights FROM methodology_weight WHERE methodology = 'default';
SELECT s.code, count(ss.code) AS subsectors FROM sector s LEFT JOIN subsector ss ON ss.sector_code = s.code GROUP BY s.code ORDER BY s.code;

-- minimal inserts of the contract columns work
INSERT INTO entity (entity_id, name, member_state, sector_code, entity_class) VALUES (100, 'Grid operator A', 'DE', 'energy', 'essential');
INSERT INTO entity (name, member_state, sector_code, subsector_code, entity_class) VALUES ('Rail operator B', 'FR', 'transport', 'transport.rail', 'important') RETURNING entity_id;
INSERT INTO supplier (supplier_id, name, hq_country) VALUES (10, 'Norvalent Group', 'NO'), (11, 'Kestrix Systems', 'US');
INSERT INTO supplier (supplier_id, name, hq_country, parent_supplier_id) VALUES (12, 'Norvalent Deutschland', 'DE', 10), (13, 'Norvalent Services', 'IE', 12);
INSERT INTO supply (entity_id, supplier_id, function_code, weight) VALUES (100, 12, 'ot.scada', 70), (100, 11, 'ot.scada', 30);
SELECT entity_id, supplier_id, function_code, weight, basis, valid_from = current_date AS from_today, valid_to FROM supply ORDER BY supply_id;
INSERT INTO supplier_dependency (supplier_id, depends_on_supplier_id, share) VALUES (12, 11, 0.5);
INSERT INTO assessment (supplier_id, factor_code, score) VALUES (11, 't.product_quality', 3);
INSERT INTO designation (supplier_id, status, decided_on) VALUES (11, 'high_risk', '2026-01-01');
SELECT * FROM supplier_group_map ORDER BY supplier_id;
SELECT supplyrisk.supplier_group(13) AS group_of_13, supplyrisk.supplier_group(11) AS group_of_11, supplyrisk.supplier_group(999) AS unknown;

-- bad rows: each refused with a message naming the value, and its SQLSTATE
INSERT INTO supply (entity_id, supplier_id, function_code, weight, valid_from) VALUES (100, 11, 'ot.scada', -1, '2026-01-01');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO supply (entity_id, supplier_id, function_code, weight, valid_from) VALUES (100, 11, 'ot.scada', 0, '2026-01-01');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO supply (entity_id, supplier_id, function_code, weight, valid_from) VALUES (100, 11, 'ot.scada', 'NaN', '2026-01-01');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO supply (entity_id, supplier_id, function_code, weight, valid_from) VALUES (100, 11, 'ot.scada', 'Infinity', '2026-01-01');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO supply (entity_id, supplier_id, function_code, weight) VALUES (100, 11, 'ot.no_such_function', 1);
\echo :LAST_ERROR_SQLSTATE
INSERT INTO supply (entity_id, supplier_id, function_code, weight, valid_from, valid_to) VALUES (100, 11, 'ot.scada', 1, '2026-01-01', '2025-01-01');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO supply (entity_id, supplier_id, function_code, weight, basis, valid_from) VALUES (100, 11, 'ot.scada', 1, 'guess', '2026-01-01');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO entity (name, member_state, sector_code, entity_class) VALUES ('Nowhere Ltd', 'US', 'energy', 'essential');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO entity (name, member_state, sector_code, entity_class) VALUES ('Nowhere Ltd', 'XX', 'energy', 'essential');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO entity (name, member_state, sector_code, entity_class) VALUES ('Nowhere Ltd', 'DE', 'mining', 'essential');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO entity (name, member_state, sector_code, subsector_code, entity_class) VALUES ('Wrong Sub', 'DE', 'energy', 'transport.rail', 'essential');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO entity (name, member_state, sector_code, entity_class) VALUES ('No Class', 'DE', 'energy', 'vital');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO supplier_dependency (supplier_id, depends_on_supplier_id, share) VALUES (13, 11, 1.5);
\echo :LAST_ERROR_SQLSTATE
INSERT INTO supplier_dependency (supplier_id, depends_on_supplier_id, share) VALUES (13, 11, 0);
\echo :LAST_ERROR_SQLSTATE
INSERT INTO supplier_dependency (supplier_id, depends_on_supplier_id, share) VALUES (13, 13, 0.5);
\echo :LAST_ERROR_SQLSTATE
INSERT INTO supplier_dependency (supplier_id, depends_on_supplier_id, share) VALUES (12, 11, 0.25);
\echo :LAST_ERROR_SQLSTATE
UPDATE supplier SET parent_supplier_id = 13 WHERE supplier_id = 10;
\echo :LAST_ERROR_SQLSTATE
UPDATE supplier SET parent_supplier_id = 12 WHERE supplier_id = 12;
\echo :LAST_ERROR_SQLSTATE
INSERT INTO assessment (supplier_id, factor_code, score, assessed_on, recorded_at) VALUES (11, 't.product_quality', 5, '2026-01-01', '2026-01-01 12:00+00');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO assessment (supplier_id, factor_code, score, assessed_on, recorded_at) VALUES (11, 't.product_quality', 2.5, '2026-01-01', '2026-01-01 12:00+00');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO assessment (supplier_id, factor_code, score, assessed_on, valid_until, recorded_at) VALUES (11, 't.product_quality', 2, '2026-01-01', '2026-01-01', '2026-01-01 12:00+00');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO designation (supplier_id, status, decided_on) VALUES (11, 'suspicious', '2026-01-01');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO designation (supplier_id, status, decided_on) VALUES (11, 'cleared', '2026-01-01');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO methodology (name, band_medium, band_high, created_at) VALUES ('bad_bands', 60, 50, '2026-01-01 12:00+00');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO methodology (name, technical_weight, non_technical_weight, created_at) VALUES ('zero_dims', 0, 0, '2026-01-01 12:00+00');
\echo :LAST_ERROR_SQLSTATE
INSERT INTO methodology_weight (methodology, factor_code, weight) VALUES ('default', 't.transparency', -1);
\echo :LAST_ERROR_SQLSTATE

-- shipped reference rows are read-only; user rows are welcome
UPDATE sector SET name = 'Power' WHERE code = 'energy';
\echo :LAST_ERROR_SQLSTATE
DELETE FROM country WHERE code = 'DE';
\echo :LAST_ERROR_SQLSTATE
INSERT INTO ict_function (code, name, criticality, shipped) VALUES ('it.fake', 'Fake', 'standard', true);
\echo :LAST_ERROR_SQLSTATE
INSERT INTO ict_function (code, name, criticality) VALUES ('it.print_services', 'Managed print services', 'standard');
UPDATE ict_function SET criticality = 'sensitive' WHERE code = 'it.print_services';
SELECT code, criticality, shipped FROM ict_function WHERE NOT shipped;
