-- Supplier risk scoring: hand-computed profiles, history, designations, groups, methodologies.
\set SHOW_CONTEXT never
SET search_path = supplyrisk, public;
SET extra_float_digits = 0;

INSERT INTO supplier (supplier_id, name, hq_country, parent_supplier_id) VALUES
  (501, 'All non-technical very high', 'NO', NULL),
  (502, 'Never assessed', 'NO', NULL),
  (503, 'One link factor', 'NO', NULL),
  (504, 'Two link factors', 'NO', NULL),
  (510, 'Group designated', 'NO', NULL),
  (511, 'Subsidiary level 1', 'DE', 510),
  (512, 'Subsidiary level 2', 'FR', 511),
  (520, 'Designated then cleared', 'NO', NULL),
  (530, 'History', 'NO', NULL);
-- 501: nt.* = 4, t.* = 0: N = 100, T = 0, risk = 100 * sqrt(1/2)
INSERT INTO assessment (supplier_id, factor_code, score, assessed_on)
  SELECT 501, code, CASE WHEN dimension = 'non_technical' THEN 4 ELSE 0 END, '2026-01-01' FROM risk_factor;
-- 503: nt.state_link = 4, the rest unknown (2): N = 100 * sqrt((1 + 6 * 0.25) / 7), T = 50
INSERT INTO assessment (supplier_id, factor_code, score, assessed_on) VALUES (503, 'nt.state_link', 4, '2026-01-01');
-- 504: two factors at 4: N = 100 * sqrt((2 + 5 * 0.25) / 7) >= 60
INSERT INTO assessment (supplier_id, factor_code, score, assessed_on) VALUES (504, 'nt.state_link', 4, '2026-01-01'), (504, 'nt.jurisdiction', 4, '2026-01-01');
-- 510: designated; 511, 512 inherit through a 3-level chain
INSERT INTO designation (supplier_id, status, decided_on, legal_basis) VALUES (510, 'high_risk', '2025-06-01', 'test decision');
-- 520: high by score, designated, then cleared: clearing overrides the score
INSERT INTO assessment (supplier_id, factor_code, score, assessed_on)
  SELECT 520, code, 4, '2025-01-01' FROM risk_factor WHERE dimension = 'non_technical';
INSERT INTO designation (supplier_id, status, decided_on) VALUES (520, 'high_risk', '2025-06-01'), (520, 'cleared', '2026-03-01');
-- 530: history: 4 in 2024 (expired in 2025), 1 from 2025, then 3 recorded later the same day
INSERT INTO assessment (supplier_id, factor_code, score, assessed_on, valid_until, recorded_at) VALUES
  (530, 't.product_quality', 4, '2024-01-01', '2025-01-01', '2024-01-01 10:00+00'),
  (530, 't.product_quality', 1, '2025-06-01', NULL, '2025-06-01 10:00+00'),
  (530, 't.product_quality', 3, '2025-06-01', NULL, '2025-06-01 11:00+00'),
  (530, 't.certification', 2, '2024-01-01', '2024-06-01', '2024-01-01 10:00+00');

SELECT supplier_id, round(technical_score::numeric, 6) AS t, round(non_technical_score::numeric, 6) AS nt,
       round(risk_score::numeric, 6) AS risk, risk_level, high_risk, high_risk_basis, round(coverage::numeric, 6) AS coverage, top_factors
FROM supplier_risk_at('2026-06-01') WHERE supplier_id BETWEEN 500 AND 599 ORDER BY supplier_id;

-- the exact figures of suppliers 501 and 503
SELECT risk_score = 100 * sqrt(0.5) AS exact_1 FROM score_supplier(501, '2026-06-01');
SELECT abs(non_technical_score - 100 * sqrt(2.5 / 7)) < 1e-12 AS exact_3 FROM score_supplier(503, '2026-06-01');

-- history: the profile of supplier 530 at several dates
SELECT d AS as_of, technical_score, coverage, top_factors
FROM unnest(ARRAY['2023-12-31', '2024-03-01', '2024-07-01', '2025-03-01', '2025-07-01']::date[]) d,
     LATERAL score_supplier(530, d)
ORDER BY d;

-- designations over time: supplier 520 and the group chain of 510
SELECT d AS as_of, s.supplier_id, s.high_risk, s.high_risk_basis
FROM unnest(ARRAY['2025-05-31', '2025-06-01', '2026-02-28', '2026-03-01']::date[]) d,
     LATERAL (SELECT * FROM score_supplier(520, d) UNION ALL SELECT * FROM score_supplier(512, d)) s
ORDER BY d, s.supplier_id;

-- a national methodology: non-technical factors weigh 3, HRV threshold 55, p = 1
-- (a methodology and its weights go in one transaction: the completeness check runs at commit)
BEGIN;
INSERT INTO methodology (name, description, power_mean_p, hrv_threshold) VALUES ('national', 'test variant', 1, 55);
INSERT INTO methodology_weight (methodology, factor_code, weight)
  SELECT 'national', code, CASE WHEN dimension = 'non_technical' THEN 3 ELSE 1 END FROM risk_factor;
COMMIT;
SELECT m, supplier_id, round(risk_score::numeric, 6) AS risk, risk_level, high_risk, high_risk_basis
FROM unnest(ARRAY['default', 'national']) m, LATERAL score_supplier(503, '2026-06-01', m)
ORDER BY m;
SET supplyrisk.methodology = 'national';
SELECT supplier_id, round(non_technical_score::numeric, 6) AS nt, high_risk FROM supplier_risk WHERE supplier_id IN (503, 504) ORDER BY 1;
RESET supplyrisk.methodology;

-- the aggregate on its own
SELECT (risk_profile_agg('default', f, s, '2026-01-01', NULL, NULL)).*
FROM (VALUES ('nt.state_link', 4::float8), ('t.product_quality', 3), ('t.product_quality', 1)) v(f, s);

-- errors
SELECT * FROM score_supplier(501, '2026-06-01', 'no_such_methodology');
\echo :LAST_ERROR_SQLSTATE
SET supplyrisk.methodology = 'missing';
SELECT count(*) FROM supplier_risk;
\echo :LAST_ERROR_SQLSTATE
RESET supplyrisk.methodology;
SELECT risk_profile_agg('default', 'nt.state_link', 5, '2026-01-01', NULL, NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT risk_profile_agg('default', 'nt.nothing', 1, '2026-01-01', NULL, NULL);
\echo :LAST_ERROR_SQLSTATE
SELECT risk_profile_agg(NULL, 'nt.state_link', 1, '2026-01-01', NULL, NULL);
\echo :LAST_ERROR_SQLSTATE
-- a methodology without weights can be stored (pg_restore loads methodologies first) but not used
INSERT INTO methodology (name, technical_weight) VALUES ('no_weights', 1);
SELECT risk_score FROM score_supplier(503, '2026-06-01', 'no_weights');
\echo :LAST_ERROR_SQLSTATE
UPDATE methodology SET hrv_threshold = 70 WHERE name = 'no_weights';
\echo :LAST_ERROR_SQLSTATE
BEGIN;
INSERT INTO methodology (name, technical_weight, non_technical_weight) VALUES ('tech_only', 1, 0);
INSERT INTO methodology_weight (methodology, factor_code, weight) VALUES ('tech_only', 't.product_quality', 1);
COMMIT;
SELECT round(risk_score::numeric, 6) AS tech_only_risk, non_technical_score FROM score_supplier(503, '2026-06-01', 'tech_only');
BEGIN;
UPDATE methodology_weight SET weight = 0 WHERE methodology = 'tech_only';
COMMIT;
\echo :LAST_ERROR_SQLSTATE
