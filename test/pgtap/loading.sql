-- pgTAP: what a new user loading data meets (issue 11): errors that name the value
-- and the values allowed, suppliers without assessments are unassessed (not high
-- risk) with unassessed_share beside hrv_share, explicit ids keep the sequences
-- ahead, names for top_shares keys, one definition of "valid at a date", and the
-- tour's first query agreeing with the dashboard.
BEGIN;
SET search_path = supplyrisk, public;
SELECT plan(49);
\ir lib/plan.sql

-- err(sql): "SQLSTATE message | detail" of the error the statement raises, or 'no error'
CREATE FUNCTION pg_temp.err(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE st text; msg text; det text; con text;
BEGIN
  EXECUTE q;
  RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL, con = CONSTRAINT_NAME;
  RETURN st || ' ' || msg || ' | ' || det || ' [' || coalesce(con, '') || ']';
END $$;

INSERT INTO supplier (supplier_id, name, hq_country) VALUES (1, 'Assessed Group', 'DE'), (2, 'Unknown Vendor', 'US'), (3, 'Other Vendor', 'FR');
INSERT INTO entity (entity_id, name, member_state, sector_code, entity_class) VALUES (1, 'Grid DE', 'DE', 'energy', 'essential');

-- every constraint a loader can hit names the value and the rule ------------------
SELECT is(pg_temp.err($$INSERT INTO assessment (supplier_id, factor_code, score) VALUES (1, 't.certification', 5)$$),
  '23514 score "5" is not allowed | A score is one of 0, 1, 2, 3, 4 (0 no concern or not applicable, 1 low, 2 moderate, 3 high, 4 very high). [assessment_score_on_scale]',
  'assessment score 5: 23514 naming the value and the allowed values 0, 1, 2, 3, 4');
SELECT is(pg_temp.err($$INSERT INTO assessment (supplier_id, factor_code, score) VALUES (1, 't.certification', 2.5)$$),
  '23514 score "2.5" is not allowed | A score is one of 0, 1, 2, 3, 4 (0 no concern or not applicable, 1 low, 2 moderate, 3 high, 4 very high). [assessment_score_on_scale]',
  'assessment score 2.5 is refused, not rounded');
SELECT alike(pg_temp.err($$INSERT INTO assessment (supplier_id, factor_code, score, assessed_on, valid_until) VALUES (1, 't.certification', 1, '2026-01-01', '2025-01-01')$$),
  '23514 valid_until "%" is not allowed | valid_until is the first day the assessment no longer holds: a date after assessed_on, %[assessment_validity_ordered]', 'assessment validity reversed');
SELECT alike(pg_temp.err($$INSERT INTO assessment (supplier_id, factor_code, score, assessed_on) VALUES (1, 't.certification', 1, 'infinity')$$),
  '23514 assessment date "infinity" is not allowed | assessed_on and valid_until are finite dates %[assessment_dates_finite]', 'assessment date infinite');
SELECT is(pg_temp.err($$INSERT INTO supply (entity_id, supplier_id, function_code, weight) VALUES (1, 1, 'ot.scada', -1)$$),
  '23514 weight "-1" is not allowed | A supply weight is a positive finite number (spend, units, installed base, capacity or share, as basis says). [supply_weight_positive_finite]',
  'supply weight -1');
SELECT alike(pg_temp.err($$INSERT INTO supply (entity_id, supplier_id, function_code, weight) VALUES (1, 1, 'ot.scada', 'NaN')$$),
  '23514 weight "NaN" is not allowed | %', 'supply weight NaN');
SELECT is(pg_temp.err($$INSERT INTO supply (entity_id, supplier_id, function_code, weight, basis) VALUES (1, 1, 'ot.scada', 1, 'guess')$$),
  '23514 basis "guess" is not allowed | basis is one of spend (the default), units, installed_base, capacity, share. [supply_basis_valid]',
  'supply basis names the five allowed values');
SELECT alike(pg_temp.err($$INSERT INTO supply (entity_id, supplier_id, function_code, weight, valid_from, valid_to) VALUES (1, 1, 'ot.scada', 1, '2026-01-01', '2026-01-01')$$),
  '23514 valid_to "%" is not allowed | valid_to is the first day the supply no longer holds: a date after valid_from, or NULL for open-ended. [supply_validity_ordered]', 'supply validity empty');
SELECT alike(pg_temp.err($$INSERT INTO supply (entity_id, supplier_id, function_code, weight, valid_from, valid_to) VALUES (1, 1, 'ot.scada', 1, '2026-01-01', 'infinity')$$),
  '23514 validity date "infinity" is not allowed | valid_from and valid_to are finite dates %[supply_dates_finite]', 'supply validity infinite');
SELECT is(pg_temp.err($$INSERT INTO entity (name, member_state, sector_code, entity_class) VALUES ('X', 'DE', 'energy', 'vital')$$),
  '23514 entity_class "vital" is not allowed | entity_class is essential or important (NIS2 Art. 3). [entity_class_valid]', 'entity class');
SELECT alike(pg_temp.err($$INSERT INTO entity (name, member_state, sector_code, entity_class) VALUES ('', 'DE', 'energy', 'important')$$),
  '23514 entity name "" is not allowed | %[entity_name_nonempty]', 'entity name empty');
SELECT alike(pg_temp.err($$INSERT INTO supplier (name, hq_country) VALUES ('', 'DE')$$),
  '23514 supplier name "" is not allowed | %[supplier_name_nonempty]', 'supplier name empty');
SELECT is(pg_temp.err($$UPDATE supplier SET parent_supplier_id = 3 WHERE supplier_id = 3$$),
  '23514 ownership cycle: supplier 3 cannot be controlled by supplier 3 | The chain of control would be 3 -> 3. []',
  'supplier its own parent: the ownership trigger names the chain');
SELECT alike(pg_temp.err($$INSERT INTO supplier_dependency (supplier_id, depends_on_supplier_id, share) VALUES (1, 3, 1.5)$$),
  '23514 share "1.5" is not allowed | share is the part of the supplier''s delivery that relies on the other supplier: above 0 and at most 1. [supplier_dependency_share_range]', 'dependency share 1.5');
SELECT alike(pg_temp.err($$INSERT INTO supplier_dependency (supplier_id, depends_on_supplier_id, share) VALUES (3, 3, 0.5)$$),
  '23514 depends_on_supplier_id "3" is not allowed | A supplier cannot depend on itself. [supplier_dependency_not_self]', 'dependency on itself');
SELECT is(pg_temp.err($$INSERT INTO designation (supplier_id, status) VALUES (1, 'suspicious')$$),
  '23514 status "suspicious" is not allowed | status is high_risk, or cleared (a decision lifting an earlier designation). [designation_status_valid]', 'designation status');
SELECT alike(pg_temp.err($$INSERT INTO designation (supplier_id, status, decided_on) VALUES (1, 'cleared', '-infinity')$$),
  '23514 decided_on "-infinity" is not allowed | %[designation_date_finite]', 'designation date infinite');
SELECT is(pg_temp.err($$INSERT INTO methodology (name, min_coverage) VALUES ('m', 1.5)$$),
  '23514 min_coverage "1.5" is not allowed | min_coverage is a share of the factor weight, from 0 to 1 (default 0.5). [methodology_min_coverage_range]', 'methodology min_coverage');
SELECT is(pg_temp.err($$INSERT INTO supply (entity_id, supplier_id, function_code, weight) VALUES (1, 1, 'ot.scada', 1)$$), 'no error',
          'a valid row still loads');

-- unknown is not high risk: min_coverage -------------------------------------------
INSERT INTO assessment (supplier_id, factor_code, score, assessed_on)
  SELECT 1, code, 1, '2026-01-01' FROM risk_factor;          -- supplier 1: fully assessed
INSERT INTO assessment (supplier_id, factor_code, score, assessed_on)
  SELECT 3, code, 1, '2026-01-01' FROM risk_factor WHERE code LIKE 't.%';  -- supplier 3: technical only, coverage 0.5
SELECT results_eq($$SELECT supplier_id, round(risk_score::numeric, 9), risk_level, round(coverage::numeric, 12) FROM supplier_risk_at('2026-06-01') ORDER BY 1$$,
  $$VALUES (1::bigint, 25::numeric, 'low'::text, 1::numeric), (2, 50, 'unassessed', 0), (3, round(100 * sqrt(((0.25 ^ 2) + (0.5 ^ 2)) / 2)::numeric, 9), 'medium', 0.5)$$,
  'no assessment: score 50 still shown, level unassessed (not high); coverage exactly 0.5 is assessed');
SELECT is((SELECT high_risk FROM supplier_risk_at('2026-06-01') WHERE supplier_id = 2), false, 'an unassessed supplier is not high-risk');
INSERT INTO methodology (name, min_coverage) VALUES ('lenient', 0);
INSERT INTO methodology_weight (methodology, factor_code, weight) SELECT 'lenient', code, 1 FROM risk_factor;
SELECT is((SELECT risk_level FROM supplier_risk_at('2026-06-01', 'lenient') WHERE supplier_id = 2), 'medium',
          'min_coverage 0 scores the unknown supplier as 0.1.0 did (50), not unassessed: medium under the midpoint bands');
INSERT INTO methodology (name, min_coverage) VALUES ('strict', 0.75);
INSERT INTO methodology_weight (methodology, factor_code, weight) SELECT 'strict', code, 1 FROM risk_factor;
SELECT is((SELECT risk_level FROM supplier_risk_at('2026-06-01', 'strict') WHERE supplier_id = 3), 'unassessed',
          'min_coverage 0.75: coverage 0.5 is unassessed');
SELECT is((SELECT risk_level FROM score_supplier(2, '2026-06-01')), 'unassessed', 'score_supplier says unassessed too');

-- unassessed_share beside hrv_share -------------------------------------------------
DELETE FROM supply;
INSERT INTO supply (entity_id, supplier_id, function_code, weight, valid_from) VALUES
  (1, 1, 'ot.scada', 3, '2026-01-01'), (1, 2, 'ot.scada', 1, '2026-01-01'), (1, 3, 'cloud.iaas', 4, '2026-01-01');
SELECT results_eq($$SELECT member_state, unassessed_share, hrv_share FROM sector_overview_at('2026-06-01') WHERE sector_code = 'energy' ORDER BY 1 NULLS FIRST$$,
  $$VALUES (NULL::text, 0.125::float8, 0::float8), ('DE', 0.125, 0)$$,
  'sector_overview: unassessed_share = unassessed weight / weight (1 of 8), EU-wide and per member state');
SELECT results_eq($$SELECT function_code, unassessed_share FROM sector_function_overview('energy', '2026-06-01') WHERE member_state = 'DE' ORDER BY 1$$,
  $$VALUES ('cloud.iaas'::text, 0::float8), ('ot.scada', 0.25)$$, 'sector views: unassessed_share per function (1 of 4 in ot.scada)');
SELECT is((SELECT array_agg(attname::text ORDER BY attnum) FROM pg_attribute WHERE attrelid = 'supplyrisk.sector_energy'::regclass AND attnum BETWEEN 12 AND 13),
          ARRAY['hrv_share', 'unassessed_share'], 'the sector views show unassessed_share beside hrv_share');
SELECT is((SELECT array_agg(attname::text ORDER BY attnum) FROM pg_attribute WHERE attrelid = 'supplyrisk.sector_overview'::regclass AND attnum BETWEEN 11 AND 12),
          ARRAY['hrv_share', 'unassessed_share'], 'sector_overview shows unassessed_share beside hrv_share');

-- explicit ids keep the sequences ahead -------------------------------------------
INSERT INTO supplier (supplier_id, name, hq_country) VALUES (500, 'Loaded A', 'DE'), (400, 'Loaded B', 'DE');
SELECT is(pg_temp.err($$INSERT INTO supplier (name, hq_country) VALUES ('Default id', 'DE')$$), 'no error',
          'after loading explicit ids, an insert without an id works (no 23505)');
SELECT is((SELECT supplier_id FROM supplier WHERE name = 'Default id'), 501::bigint, 'it takes the id after the largest loaded one');
INSERT INTO supplier (supplier_id, name, hq_country) VALUES (7, 'Low explicit id', 'DE');
INSERT INTO supplier (name, hq_country) VALUES ('Next default', 'DE');
SELECT is((SELECT supplier_id FROM supplier WHERE name = 'Next default'), 502::bigint, 'a lower explicit id never moves the sequence back');
INSERT INTO supply (supply_id, entity_id, supplier_id, function_code, weight) VALUES (1000000, 1, 1, 'cloud.iaas', 1);
SELECT is(pg_temp.err($$INSERT INTO supply (entity_id, supplier_id, function_code, weight) VALUES (1, 1, 'cloud.iaas', 2)$$), 'no error', 'the same for supply');
INSERT INTO entity (entity_id, name, member_state, sector_code, entity_class) VALUES (90, 'Loaded entity', 'FR', 'health', 'important');
SELECT lives_ok($$INSERT INTO entity (name, member_state, sector_code, entity_class) VALUES ('Default entity', 'FR', 'health', 'important')$$, 'the same for entity');
INSERT INTO assessment (assessment_id, supplier_id, factor_code, score) VALUES (70000, 3, 'nt.ownership', 1);
SELECT lives_ok($$INSERT INTO assessment (supplier_id, factor_code, score) VALUES (3, 'nt.sanctions', 1)$$, 'the same for assessment');
INSERT INTO designation (designation_id, supplier_id, status, decided_on) VALUES (800, 3, 'cleared', '2020-01-01');
SELECT lives_ok($$INSERT INTO designation (supplier_id, status, decided_on) VALUES (3, 'cleared', '2021-01-01')$$, 'the same for designation');

-- global ids: LEI check digits (vectors computed independently with arbitrary-precision
-- integers: the 18 characters and "00", letters as 10..35, check = 98 - n mod 97) -------------
SELECT is(ARRAY(SELECT valid_global_id(x) FROM unnest(ARRAY['000000TESTSUPPLY0146', '000000TESTSUPPLY0243', '9999000EXAMPLE000057',
                                                       '000000TESTSUPPLY0147', '000000TESTSUPPLY0246', '000000testsupply0146',
                                                       'EUID:DEHRB123456', 'VAT:FR12345678901', 'VAT:F1', 'EUID:', 'LEI']) x),
          ARRAY[true, true, true, false, false, false, true, true, false, false, false],
          'valid_global_id: LEIs whose check digits verify, EUID: and VAT: forms, capitals only');
UPDATE supplier SET global_id = '000000TESTSUPPLY0146' WHERE supplier_id = 1;
SELECT is(pg_temp.err($$UPDATE supplier SET global_id = '000000TESTSUPPLY0147' WHERE supplier_id = 3$$),
  '23514 global_id "000000TESTSUPPLY0147" is not allowed | global_id is an LEI (20 characters of capitals and digits whose check digits verify, ISO 17442), EUID:<European unique identifier> or VAT:<country code><number>, in capitals; NULL when unknown. [supplier_global_id_valid]',
  'a wrong LEI check digit: 23514 naming the value and the forms allowed');
SELECT is(pg_temp.err($$UPDATE supplier SET global_id = '000000TESTSUPPLY0146' WHERE supplier_id = 3$$),
  '23505 duplicate key value violates unique constraint "supplier_global_id_unique" | Key (global_id)=(000000TESTSUPPLY0146) already exists. [supplier_global_id_unique]',
  'one global id, one supplier');
SELECT is(pg_temp.err($$UPDATE supplier SET global_id = 'VAT:DE123456789' WHERE supplier_id = 3$$), 'no error', 'a VAT identifier');

-- names for the keys of a mix --------------------------------------------------------
SELECT results_eq($$SELECT rank, key, name, share FROM top_shares_named('{1:3,2:1}', 5)$$,
  $$VALUES (1, '1'::text, 'Assessed Group'::text, 0.75::float8), (2, '2', 'Unknown Vendor', 0.25)$$, 'bigint keys get the supplier names');
SELECT results_eq($$SELECT key, name FROM top_shares_named('{"DE":2,"XX":1}', 5)$$,
  $$VALUES ('DE'::text, 'Germany'::text), ('XX', 'XX')$$, 'text keys: a country code gets the country name, any other key stays');
SELECT is((SELECT name FROM top_shares_named('{987654:1}', 1)), NULL, 'an id that is no supplier has no name');
SELECT is((SELECT count(*)::int FROM top_shares_named('{}', 3)), 0, 'the empty mix has no rows');
SELECT is(ARRAY[key_type('{1:1}'), key_type('{"a":1}'), key_type('{}')], ARRAY['bigint', 'text', 'empty'], 'key_type');

-- one definition of "valid at a date" ---------------------------------------------------
INSERT INTO supply (entity_id, supplier_id, function_code, weight, valid_from, valid_to) VALUES
  (1, 3, 'ot.scada', 9, '2020-01-01', '2021-01-01');
SELECT is((SELECT count(*)::int FROM supply_valid_at('2020-06-01')), 1, 'supply_valid_at: only the rows valid that day');
SELECT is((SELECT count(*)::int FROM supply_valid_at('2021-01-01') WHERE weight = 9), 0, 'valid_to is the first day it no longer holds');
SELECT is((SELECT count(*) FROM supply_valid_at()), (SELECT count(*) FROM supply WHERE valid_from <= current_date AND (valid_to IS NULL OR valid_to > current_date)),
          'supply_valid_at() = the rows valid today');
CREATE TEMP TABLE plan_lines AS SELECT l FROM pg_temp.plan_of('SELECT sum(weight) FROM supplyrisk.supply_valid_at(''2026-01-01'')') l;
SELECT ok(NOT EXISTS (SELECT 1 FROM plan_lines WHERE l LIKE '%Function Scan%') AND EXISTS (SELECT 1 FROM plan_lines WHERE l LIKE '%Scan on supply%'),
          'supply_valid_at is inlined: the plan scans supply itself');

-- the tour's first query (README) agrees with the dashboard --------------------------
SELECT is((SELECT count(*)::int FROM (
             SELECT e.sector_code, hhi(g.group_id, s.weight) AS hhi
             FROM supply_valid_at() s JOIN entity e USING (entity_id) JOIN supplier_group_map g USING (supplier_id)
             GROUP BY 1) tour
           FULL JOIN (SELECT sector_code, hhi FROM sector_overview_at() WHERE member_state IS NULL AND hhi IS NOT NULL) dash USING (sector_code)
           WHERE dash.hhi IS NULL OR tour.hhi IS NULL OR abs(tour.hhi - dash.hhi) > 1e-9 * dash.hhi), 0,
          'the tour''s sector HHIs equal sector_overview''s EU-wide rows (relative 1e-9)');

SELECT * FROM finish();
ROLLBACK;
