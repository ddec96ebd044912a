-- Exposure, gaps, deep_mix and sector views on small hand-built data.
\set SHOW_CONTEXT never
SET search_path = supplyrisk, public;
SET extra_float_digits = 0;

-- deep_mix on hand-built graphs (suppliers 900..)
INSERT INTO supplier (supplier_id, name, hq_country) SELECT g, 'G' || g, 'DE' FROM generate_series(900, 930) g;
-- chain 900 -> 901 (0.5) -> 902 (0.4) -> 903 (1)
INSERT INTO supplier_dependency (supplier_id, depends_on_supplier_id, share) VALUES (900, 901, 0.5), (901, 902, 0.4), (902, 903, 1);
SELECT deep_mix('{900:100}') AS chain, deep_mix('{900:100}', 1) AS depth_1, deep_mix('{900:100}', 2) AS depth_2;
-- diamond 910 -> 911, 912 (0.5 each) -> 913 (1): the two routes add up to 1
INSERT INTO supplier_dependency (supplier_id, depends_on_supplier_id, share) VALUES (910, 911, 0.5), (910, 912, 0.5), (911, 913, 1), (912, 913, 1);
SELECT deep_mix('{910:100}') AS diamond;
-- over-full diamond 915 -> 916, 917 (0.8 each) -> 918 (1): 1.6 capped at 1
INSERT INTO supplier_dependency (supplier_id, depends_on_supplier_id, share) VALUES (915, 916, 0.8), (915, 917, 0.8), (916, 918, 1), (917, 918, 1);
SELECT deep_mix('{915:100}') AS capped_diamond;
-- cycle 920 -> 921 (0.5) -> 922 (0.5) -> 921 (0.5), and 922 -> 920 (back to the origin): simple paths only
INSERT INTO supplier_dependency (supplier_id, depends_on_supplier_id, share) VALUES (920, 921, 0.5), (921, 922, 0.5), (922, 921, 0.5), (922, 920, 1);
SELECT deep_mix('{920:100}') AS cycle;
-- self-dependency is refused by the table
INSERT INTO supplier_dependency (supplier_id, depends_on_supplier_id, share) VALUES (925, 925, 0.5);
\echo :LAST_ERROR_SQLSTATE
-- function-specific dependencies: 925 -> 926 for OT only, -> 927 for all functions
INSERT INTO supplier_dependency (supplier_id, depends_on_supplier_id, function_code, share) VALUES (925, 926, 'ot.scada', 0.6), (925, 927, NULL, 0.3);
SELECT deep_mix('{925:10}', 6, 'ot.scada') AS for_scada, deep_mix('{925:10}', 6, 'cloud.iaas') AS for_cloud, deep_mix('{925:10}') AS all_deps;
-- pruning: a path product below min_share is dropped
SELECT deep_mix('{900:100}', 6, NULL, 0.3) AS pruned_at_0_3;
-- two origins, one shared dependency; a key outside the graph passes through; the empty mix
SELECT deep_mix('{900:50,910:50,999:1}') AS two_origins, deep_mix('{}') AS empty;
SELECT hhi(deep_mix('{910:100}')) AS deep_hhi_diamond, total(deep_mix('{910:100}')) AS deep_total;
-- errors
SELECT deep_mix('{900:1}', 0);
\echo :LAST_ERROR_SQLSTATE
SELECT deep_mix('{900:1}', 33);
\echo :LAST_ERROR_SQLSTATE
SELECT deep_mix('{900:1}', 6, NULL, 0);
\echo :LAST_ERROR_SQLSTATE
SELECT deep_mix('{"DE":1}');
\echo :LAST_ERROR_SQLSTATE

-- a small market: two member states, one sector, hand-checkable figures
INSERT INTO supplier (supplier_id, name, hq_country, parent_supplier_id) VALUES
  (800, 'Alpha Group', 'DE', NULL), (801, 'Alpha France', 'FR', 800),
  (810, 'Beta Corp', 'US', NULL), (820, 'Gamma Oy', 'FI', NULL);
INSERT INTO entity (entity_id, name, member_state, sector_code, entity_class) VALUES
  (700, 'Water DE 1', 'DE', 'drinking_water', 'essential'),
  (701, 'Water DE 2', 'DE', 'drinking_water', 'important'),
  (702, 'Water FR 1', 'FR', 'drinking_water', 'essential');
INSERT INTO supply (entity_id, supplier_id, function_code, weight, valid_from, valid_to) VALUES
  (700, 800, 'ot.scada', 60, '2025-01-01', NULL),
  (700, 801, 'ot.scada', 20, '2025-01-01', NULL),     -- same group as 800
  (700, 810, 'ot.scada', 20, '2025-01-01', NULL),
  (701, 820, 'ot.scada', 50, '2025-01-01', NULL),     -- single supplier
  (702, 801, 'ot.scada', 30, '2025-01-01', NULL),
  (702, 810, 'ot.scada', 70, '2025-01-01', '2026-01-01'),  -- ended
  (702, 820, 'it.erp', 10, '2025-01-01', NULL);
-- Beta Corp is designated high-risk
INSERT INTO designation (supplier_id, status, decided_on) VALUES (810, 'high_risk', '2025-01-01');

SELECT entity_id, function_code, criticality, supplier_count, hhi, cr1, effective_suppliers, hrv_share, non_eu_share,
       single_supplier, round(exposure_score::numeric, 6) AS exposure, mix
FROM entity_exposure_at('2026-06-01') WHERE entity_id BETWEEN 700 AND 799 ORDER BY 1, 2;
-- before Beta's supply to 702 ended
SELECT entity_id, function_code, supplier_count, hhi, mix FROM entity_exposure_at('2025-06-01') WHERE entity_id = 702 ORDER BY 2;

SELECT entity_id, function_code, gap, supplier_count, top_group_id, top_share, hrv_share, cap
FROM multi_vendor_gaps_at('2026-06-01') WHERE entity_id BETWEEN 700 AND 799 ORDER BY 1, 2, 3;

SELECT member_state, function_code, criticality, entities, suppliers, hhi, cr1, cr4, effective_suppliers,
       hrv_share, non_eu_share, country_hhi, top_suppliers, single_supplier_entities
FROM sector_function_overview('drinking_water', '2026-06-01') ORDER BY member_state NULLS LAST, function_code;

SELECT sector_code, member_state, entities, suppliers, hhi, cr4, effective_suppliers, country_hhi, hrv_share,
       hrv_share_critical, non_eu_share, single_supplier_critical, round(mean_risk::numeric, 6) AS mean_risk, concentration_level
FROM sector_overview_at('2026-06-01') WHERE sector_code = 'drinking_water' ORDER BY member_state NULLS LAST;
SELECT count(*) AS sectors_with_eu_row FROM sector_overview_at('2026-06-01') WHERE member_state IS NULL;

-- the sourcing aggregate
SELECT (sourcing(e, s)).* FROM (VALUES (1::bigint, 10::bigint), (1, 10), (2, 10), (2, 11), (3, 12), (NULL, 1), (4, NULL)) v(e, s);
SELECT (sourcing(e, s)).* FROM (SELECT 1::bigint e, 1::bigint s WHERE false) v;
