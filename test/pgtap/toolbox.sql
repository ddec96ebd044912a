-- pgTAP: the toolbox itself (issue 15). Shipped catalogues; measure_status observations in two
-- rounds for three member states with hand-computed progress counts; confidential rows counted
-- but hidden by row-level security; contract controls and the gaps they leave, in
-- contract_gaps, in the sector rows and snapshots; the measures each gap names; review_report;
-- every bad input with its SQLSTATE and a message that names the allowed values.
BEGIN;
SET search_path = supplyrisk, public;
SELECT plan(58);
SET client_min_messages = warning;

-- shipped catalogues
SELECT results_eq($$SELECT toolbox_code, count(*)::int FROM measure WHERE shipped GROUP BY 1 ORDER BY 1$$,
  $$VALUES ('5g-2020', 29), ('ict-2026', 3), ('nis2-ir-2024-2690', 8)$$, 'the shipped catalogues: 5G 8 SM + 11 TM + 10 SA, three ict-2026 pillars, eight IR points');
SELECT results_eq($$SELECT kind, count(*)::int FROM measure WHERE toolbox_code = '5g-2020' GROUP BY 1 ORDER BY 1$$,
  $$VALUES ('strategic', 8), ('supporting', 10), ('technical', 11)$$, '5g-2020 by kind');
SELECT is((SELECT count(*)::int FROM measure WHERE shipped AND (source IS NULL OR source = '')) + (SELECT count(*)::int FROM toolbox WHERE shipped AND source = ''), 0, 'every shipped row carries its source');
SELECT is((SELECT array_agg(code ORDER BY code) FROM measure WHERE toolbox_code = 'nis2-ir-2024-2690'),
  ARRAY['5.1.1','5.1.2','5.1.3','5.1.4','5.1.5','5.1.6','5.1.7','5.2.1'], 'the IR points 5.1.1 to 5.2.1');
SELECT is((SELECT count(*)::int FROM contract_clause), 8, 'the eight 5.1.4 clauses');
SELECT throws_ok($$UPDATE measure SET title = 'x' WHERE toolbox_code = '5g-2020' AND code = 'SM03'$$, '23001', NULL, 'shipped measures are read-only');
SELECT throws_ok($$DELETE FROM toolbox WHERE code = 'ict-2026'$$, '23001', NULL, 'shipped toolboxes are read-only');
SELECT lives_ok($$INSERT INTO measure (toolbox_code, code, kind, title, pillar, review_theme, addresses, source)
  VALUES ('ict-2026', 'MV-1', 'measure', 'A measure of the full 2026 text', 'multi-vendor-strategies', 'multi_vendor', '{multi_vendor_gap}', 'ICT Supply Chain Security Toolbox, section x')$$,
  'users add measures of the full 2026 text under a shipped pillar');
SELECT throws_ok($$INSERT INTO measure (toolbox_code, code, kind, title, pillar, review_theme, source) VALUES ('ict-2026', 'MV-2', 'measure', 't', 'no-such-pillar', 'multi_vendor', 's')$$,
  '23503', NULL, 'a pillar that is not a pillar of the toolbox');
SELECT throws_ok($$INSERT INTO measure (toolbox_code, code, kind, title, review_theme, source) VALUES ('ict-2026', 'MV-3', 'policy', 't', 'multi_vendor', 's')$$,
  '23514', 'kind "policy" is not allowed', 'an unknown kind names the allowed ones');
SELECT throws_ok($$INSERT INTO measure (toolbox_code, code, kind, title, review_theme, source) VALUES ('ict-2026', 'MV-4', 'measure', 't', 'resilience', 's')$$,
  '23514', 'review_theme "resilience" is not allowed', 'an unknown review theme');

-- fixtures: three member states, entities, suppliers, critical and standard supply
INSERT INTO entity (entity_id, name, member_state, sector_code, entity_class) VALUES
  (101, 'Grid DE', 'DE', 'energy', 'essential'), (102, 'Grid FR', 'FR', 'energy', 'essential'),
  (103, 'Grid IT', 'IT', 'energy', 'important');
INSERT INTO supplier (supplier_id, name, hq_country) VALUES (201, 'Vendor A', 'DE'), (202, 'Vendor B', 'FR'), (203, 'Vendor C', 'US');
INSERT INTO supply (entity_id, supplier_id, function_code, weight, valid_from) VALUES
  (101, 201, 'ot.scada', 5, '2020-01-01'), (101, 202, 'ot.scada', 5, '2020-01-01'),
  (102, 201, 'ot.scada', 10, '2020-01-01'),
  (103, 203, 'it.erp', 3, '2020-01-01');
SELECT is((SELECT criticality FROM ict_function WHERE code = 'ot.scada'), 'critical', 'fixture: ot.scada is critical');
SELECT is((SELECT criticality FROM ict_function WHERE code = 'it.erp'), 'standard', 'fixture: it.erp is standard');

-- observations: two rounds, three member states (SM03), one confidential (SM05), entity level (5.1.4)
INSERT INTO measure_status (toolbox_code, measure_code, member_state, reporting_round, legal_status, application, recorded_on, confidential, evidence) VALUES
  ('5g-2020', 'SM03', 'DE', '2025', 'in_preparation', 'not_applied', '2025-05-01', false, NULL),
  ('5g-2020', 'SM03', 'FR', '2025', 'adopted', 'being_implemented', '2025-05-02', false, NULL),
  ('5g-2020', 'SM03', 'IT', '2025', 'none', 'not_applied', '2025-05-03', false, NULL),
  ('5g-2020', 'SM03', 'DE', '2026', 'adopted', 'restrictions_imposed', '2026-05-01', false, NULL),
  ('5g-2020', 'SM03', 'FR', '2026', 'adopted', 'applied', '2026-05-02', false, NULL),
  ('5g-2020', 'SM03', 'IT', '2026', 'none', 'not_applied', '2026-04-01', false, NULL),
  ('5g-2020', 'SM03', 'IT', '2026', 'in_preparation', 'not_applied', '2026-05-03', false, NULL),
  ('5g-2020', 'SM05', 'DE', '2026', 'adopted', 'applied', '2026-05-04', true, 'cabinet decision, restricted'),
  ('nis2-ir-2024-2690', '5.1.4', 'DE', '2026', 'adopted', 'applied', '2026-05-05', false, NULL);
INSERT INTO measure_status (toolbox_code, measure_code, member_state, entity_id, reporting_round, legal_status, application, recorded_on)
  VALUES ('nis2-ir-2024-2690', '5.1.4', 'DE', 101, '2026', 'adopted', 'applied', '2026-05-05'),
         ('nis2-ir-2024-2690', '5.1.4', 'FR', 102, '2026', 'adopted', 'being_implemented', '2026-05-05');

SELECT results_eq($$SELECT reporting_round, member_states::int, legal_none::int, legal_in_preparation::int, legal_adopted::int,
                           not_applied::int, being_implemented::int, applied::int, restrictions_imposed::int
                    FROM measure_progress WHERE toolbox_code = '5g-2020' AND measure_code = 'SM03' ORDER BY 1$$,
  $$VALUES ('2025', 3, 1, 1, 1, 2, 1, 0, 0), ('2026', 3, 0, 1, 2, 1, 0, 1, 1)$$,
  'SM03 progress, hand-computed: the latest observation of each member state in each round (IT''s later one in 2026)');
SELECT results_eq($$SELECT member_states::int, entities::int, entities_applied::int FROM measure_progress WHERE measure_code = '5.1.4'$$,
  $$VALUES (1, 2, 1)$$, '5.1.4: one member-state observation, two entity-level ones, one of them applied');
SELECT is((SELECT member_states::int FROM measure_progress WHERE measure_code = 'SM05' AND reporting_round = '2026'), 1, 'the confidential SM05 observation is counted');

-- confidential rows: counted for everyone, shown only to their member state and unscoped roles
CREATE ROLE toolbox_fr_reader; CREATE ROLE toolbox_de_reader;
DO $$ BEGIN PERFORM grant_access('toolbox_fr_reader', 'read', '{FR}'); PERFORM grant_access('toolbox_de_reader', 'read', '{DE}'); END $$;
SET LOCAL ROLE toolbox_fr_reader;
SELECT is((SELECT count(*)::int FROM measure_status WHERE confidential), 0, 'an FR reader does not see the confidential DE observation');
SELECT is((SELECT count(*)::int FROM measure_status WHERE member_state = 'DE'), 4, 'it sees the four DE observations that are not confidential');
SELECT is((SELECT member_states::int FROM measure_progress WHERE measure_code = 'SM05' AND reporting_round = '2026'), 1, 'measure_progress still counts the confidential one for it');
RESET ROLE;
SET LOCAL ROLE toolbox_de_reader;
SELECT is((SELECT evidence FROM measure_status WHERE confidential), 'cabinet decision, restricted', 'a DE reader sees its confidential observation');
RESET ROLE;

SELECT is((SELECT contract_gap_edges FROM sector_overview_at() WHERE sector_code = 'energy' AND member_state IS NULL), NULL::bigint,
  'no contract check recorded yet: contract_gap_edges is NULL (not tracked), not a count of every critical edge');
SELECT is((SELECT count(*)::int FROM contract_gaps), 24, 'while contract_gaps lists every critical edge and clause (3 critical edges x 8 clauses)');
-- contract controls: edge (101, 201) fully covered; (101, 202) 5.1.4c never checked and 5.1.4h
-- no longer in place; (102, 201) never checked; (103, 203) is a standard function
INSERT INTO contract_control (entity_id, supplier_id, clause, in_place, checked_on)
  SELECT 101, 201, c.clause, true, '2026-01-10' FROM contract_clause c;
INSERT INTO contract_control (entity_id, supplier_id, clause, in_place, checked_on)
  SELECT 101, 202, c.clause, true, '2026-01-10' FROM contract_clause c WHERE c.clause <> '5.1.4c';
INSERT INTO contract_control (entity_id, supplier_id, clause, in_place, checked_on) VALUES (101, 202, '5.1.4h', false, '2026-03-01');
SELECT results_eq($$SELECT entity_id, supplier_id, count(*)::int FROM contract_gaps GROUP BY 1, 2 ORDER BY 1, 2$$,
  $$VALUES (101::bigint, 202::bigint, 2), (102::bigint, 201::bigint, 8)$$, 'contract_gaps: a row per critical edge and missing clause; covered edges and standard functions have none');
SELECT is((SELECT array_agg(clause ORDER BY clause) FROM contract_gaps WHERE entity_id = 101), ARRAY['5.1.4c', '5.1.4h'],
  'the clause never checked and the one whose latest check failed');
SELECT is((SELECT count(*)::int FROM contract_gaps_at('2026-02-01') WHERE entity_id = 101), 1, 'at an earlier date the later failed check does not count yet');
SELECT is((SELECT DISTINCT measures FROM contract_gaps), ARRAY['5g-2020:TM08', 'nis2-ir-2024-2690:5.1.4'], 'contract gaps name the measures that address them (TM08, 5.1.4)');
SELECT is((SELECT clause_title FROM contract_gaps WHERE clause = '5.1.4c' AND entity_id = 101), 'Staff background checks', 'with the clause''s title');
SET LOCAL ROLE toolbox_fr_reader;
SELECT is((SELECT count(*)::int FROM contract_control), 0, 'contract checks follow their entity: none of DE for an FR reader');
SELECT is((SELECT count(DISTINCT entity_id)::int FROM contract_gaps), 1, 'and contract_gaps shows it its own entity''s gaps only');
RESET ROLE;
SELECT results_eq($$SELECT member_state, function_code, contract_gap_edges::int FROM sector_stats_at() WHERE sector_code = 'energy' ORDER BY 1 NULLS FIRST, 2 NULLS FIRST$$,
  $$VALUES (NULL, NULL, 1), (NULL, 'it.erp', NULL), (NULL, 'ot.scada', 1), ('DE', NULL, 1), ('DE', 'ot.scada', 1),
           ('FR', NULL, NULL), ('FR', 'ot.scada', NULL), ('IT', NULL, NULL), ('IT', 'it.erp', NULL)$$,
  'contract_gap_edges in the sector rows: edges with a gap, per member state and function, where that sector and member state record contract checks (DE here; FR and IT none: NULL), summed EU-wide over those');
SELECT is((SELECT contract_gap_edges::int FROM sector_overview_at() WHERE sector_code = 'energy' AND member_state IS NULL), 1, 'sector_overview carries them');
SELECT is((SELECT contract_gap_edges::int FROM sector_energy WHERE member_state = 'DE' AND function_code = 'ot.scada'), 1, 'and the sector views');
SELECT is((SELECT count(*)::int FROM (SELECT DISTINCT g.entity_id, g.supplier_id, g.function_code FROM contract_gaps g JOIN entity e USING (entity_id)
                                      WHERE (e.sector_code, e.member_state) IN (SELECT x.sector_code, x.member_state FROM contract_control c JOIN entity x USING (entity_id))) g),
          (SELECT contract_gap_edges::int FROM sector_overview_at() WHERE sector_code = 'energy' AND member_state IS NULL),
          'the EU count equals the distinct edges of contract_gaps (independent computation)');

-- the measures of multi-vendor gaps
SELECT is((SELECT DISTINCT measures FROM multi_vendor_gaps WHERE entity_id = 102 AND gap = 'single_supplier'),
  ARRAY['5g-2020:SM05', 'ict-2026:MV-1', 'ict-2026:multi-vendor-strategies'], 'a single-supplier gap names SM05, the multi-vendor pillar and the user''s measure');

-- snapshots carry the contract gaps: the review shows their change
SELECT ok(take_snapshot('2025') > 0, 'a snapshot labelled 2025');
UPDATE metric_snapshot SET metrics = metrics || '{"contract_gap_edges": 5}' WHERE snapshot_id = (SELECT max(snapshot_id) FROM snapshot)
  AND sector_code = 'energy' AND member_state IS NULL AND function_code IS NULL;
INSERT INTO contract_control (entity_id, supplier_id, clause, in_place, checked_on)
  SELECT 102, 201, c.clause, true, CURRENT_DATE FROM contract_clause c;
SELECT ok(take_snapshot('2026') > 0, 'a snapshot labelled 2026, after FR''s contract was completed');
SELECT is((SELECT (metrics->>'contract_gap_edges')::int FROM metric_snapshot m JOIN snapshot s USING (snapshot_id)
           WHERE s.label = '2026' AND m.sector_code = 'energy' AND m.member_state IS NULL AND m.function_code IS NULL), 1, 'the snapshot stores contract_gap_edges');
SELECT is(review_round_snapshot('2025'), (SELECT snapshot_id FROM snapshot WHERE label = '2025'), 'a round is stood for by the snapshot labelled with it');
SELECT matches(review_report('2025', '2026'), '5g-2020:SM03 Assess suppliers.*\| 3 → 3 \(\+0\) \| 1 → 1 \(\+0\) \| 1 → 2 \(\+1\) \| 1 → 0 \(-1\) \| 0 → 2 \(\+2\) \|',
  'review_report: SM03 adopted 1 → 2, applied or restrictions 0 → 2');
SELECT matches(review_report('2025', '2026'), '\| Energy \| EU \| [0-9.]+ → [0-9.]+ \([-+][0-9.]+\) \| [0-9.]+ → [0-9.]+ \([-+][0-9.]+\) \| 5 → 1 \(-4\) \|',
  'review_report: the EU energy row shows contract gap edges 5 → 1');
SELECT matches(review_report('2025', '2026'), '## Fostering multi-vendor strategies.*5g-2020:SM05.*- → 1', 'the confidential observation is counted under its theme');
SELECT unalike(review_report('2025', '2026', 'html'), '%cabinet decision%', 'its evidence is never shown');
SELECT matches(review_report('2025', '2026', 'html'), '^<!DOCTYPE html>.*<title>One-year review: round 2025 to round 2026</title>.*<h1>One-year review: round 2025 to round 2026</h1>', 'review_report in html: a document with its title');
SELECT matches(review_report('2025', '2026'), '## Enhancing cooperation\n\nNo measure of this theme has an observation in round 2025 or 2026\.', 'an empty theme says why it is empty');

-- bad input
SELECT throws_ok($$SELECT review_report('2024', '2026')$$, '22023', 'reporting round "2024" does not exist', 'an unknown round');
SELECT throws_ok($$SELECT review_report('2025', '2026', 'pdf')$$, '22023', 'unknown report format "pdf"', 'an unknown format');
SELECT throws_ok($$INSERT INTO measure_status (toolbox_code, measure_code, member_state, reporting_round, legal_status, application) VALUES ('6g-2030', 'SM01', 'DE', '2026', 'none', 'not_applied')$$,
  '23503', 'toolbox "6g-2030" does not exist', 'an unknown toolbox');
SELECT throws_ok($$INSERT INTO measure_status (toolbox_code, measure_code, member_state, reporting_round, legal_status, application) VALUES ('5g-2020', 'SM09', 'DE', '2026', 'none', 'not_applied')$$,
  '23503', 'measure "SM09" is not in toolbox "5g-2020"', 'an unknown measure');
SELECT throws_ok($$INSERT INTO measure_status (toolbox_code, measure_code, member_state, reporting_round, legal_status, application) VALUES ('5g-2020', 'SM01', 'US', '2026', 'none', 'not_applied')$$,
  '23514', 'member state "US" is not an EU member state', 'a member state that is not an EU member');
SELECT throws_ok($$INSERT INTO measure_status (toolbox_code, measure_code, member_state, reporting_round, legal_status, application) VALUES ('5g-2020', 'SM01', 'DE', '2026', 'enacted', 'not_applied')$$,
  '23514', 'legal_status "enacted" is not allowed', 'an unknown legal status');
SELECT throws_ok($$INSERT INTO measure_status (toolbox_code, measure_code, member_state, reporting_round, legal_status, application) VALUES ('5g-2020', 'SM01', 'DE', '2026', 'none', 'banned')$$,
  '23514', 'application "banned" is not allowed', 'an unknown application');
SELECT throws_ok($$INSERT INTO measure_status (toolbox_code, measure_code, member_state, reporting_round, legal_status, application, recorded_on) VALUES ('5g-2020', 'SM01', 'DE', '2026', 'none', 'not_applied', CURRENT_DATE + 1)$$,
  '23514', format('recorded_on "%s" is not allowed', CURRENT_DATE + 1), 'an observation dated in the future');
SELECT throws_ok($$UPDATE measure_status SET legal_status = 'adopted' WHERE member_state = 'IT'$$, '23001', 'measure_status observations are never changed', 'observations are never overwritten');
SELECT throws_ok($$INSERT INTO contract_control (entity_id, supplier_id, clause, in_place, checked_on) VALUES (101, 201, '5.1.4a', true, CURRENT_DATE + 1)$$,
  '23514', format('checked_on "%s" is not allowed', CURRENT_DATE + 1), 'a contract check dated in the future');
SELECT throws_ok($$INSERT INTO measure_status (toolbox_code, measure_code, member_state, reporting_round, legal_status, application) VALUES ('5g-2020', 'SM01', 'DE', 'spring', 'none', 'not_applied')$$,
  '23514', 'reporting_round "spring" is not allowed', 'a malformed reporting round');
SELECT throws_ok($$INSERT INTO measure (toolbox_code, code, kind, title, review_theme, addresses, source) VALUES ('ict-2026', 'MV-5', 'measure', 't', 'multi_vendor', '{vendor_lock_in}', 's')$$,
  '23514', 'addresses "{vendor_lock_in}" is not allowed', 'an unknown kind of gap in addresses');
SELECT throws_ok($$INSERT INTO contract_control (entity_id, supplier_id, clause, in_place) VALUES (101, 201, '5.1.4i', true)$$,
  '23514', 'clause "5.1.4i" is not allowed', 'an unknown clause');
SELECT throws_ok($$INSERT INTO measure_status (toolbox_code, measure_code, member_state, entity_id, reporting_round, legal_status, application) VALUES ('nis2-ir-2024-2690', '5.1.4', 'FR', 101, '2026', 'none', 'not_applied')$$,
  '23514', 'entity 101 is not an entity of member state FR', 'an entity of another member state');

SELECT * FROM finish();
ROLLBACK;
