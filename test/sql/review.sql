-- The one-year review as people read it (issue 15): two reporting rounds, three member
-- states, snapshots standing for the rounds, in Markdown and HTML. In a transaction that is
-- rolled back: the later files of this suite see none of it.
BEGIN;
SET search_path = supplyrisk, public;
SET client_min_messages = warning;
INSERT INTO measure_status (toolbox_code, measure_code, member_state, reporting_round, legal_status, application, recorded_on, confidential, evidence) VALUES
  ('5g-2020', 'SM03', 'DE', '2025', 'in_preparation', 'not_applied', '2025-05-01', false, NULL),
  ('5g-2020', 'SM03', 'FR', '2025', 'adopted', 'being_implemented', '2025-05-02', false, NULL),
  ('5g-2020', 'SM03', 'IT', '2025', 'none', 'not_applied', '2025-05-03', false, NULL),
  ('5g-2020', 'SM03', 'DE', '2026', 'adopted', 'restrictions_imposed', '2026-05-01', false, NULL),
  ('5g-2020', 'SM03', 'FR', '2026', 'adopted', 'applied', '2026-05-02', false, NULL),
  ('5g-2020', 'SM03', 'IT', '2026', 'in_preparation', 'not_applied', '2026-05-03', false, NULL),
  ('5g-2020', 'SM05', 'DE', '2025', 'none', 'not_applied', '2025-05-04', false, NULL),
  ('5g-2020', 'SM05', 'DE', '2026', 'adopted', 'applied', '2026-05-04', true, 'restricted <evidence>'),
  ('5g-2020', 'SM05', 'FR', '2026', 'in_preparation', 'being_implemented', '2026-05-04', false, NULL),
  ('5g-2020', 'SA09', 'IT', '2026', 'adopted', 'applied', '2026-05-05', false, NULL),
  ('nis2-ir-2024-2690', '5.1.4', 'FR', '2025', 'adopted', 'being_implemented', '2025-06-01', false, NULL),
  ('nis2-ir-2024-2690', '5.1.4', 'FR', '2026', 'adopted', 'applied', '2026-06-01', false, NULL);
-- snapshots standing for the rounds: one labelled 2025, and for 2026 the one nearest its last observation
INSERT INTO snapshot (snapshot_id, label, taken_at, as_of) VALUES
  (9001, '2025', '2025-06-30 12:00+00', '2025-06-30'), (9002, NULL, '2026-06-20 12:00+00', '2026-06-20'),
  (9003, NULL, '2026-01-15 12:00+00', '2026-01-15');
INSERT INTO metric_snapshot (snapshot_id, sector_code, member_state, function_code, metrics) VALUES
  (9001, 'energy', NULL, NULL, '{"weight": 100, "hhi": 2450.4, "cr4": 0.71, "effective_suppliers": 4.081, "hrv_share": 0.124, "unassessed_share": 0.3, "gaps": 12, "contract_gap_edges": 40}'),
  (9001, 'energy', 'DE', NULL, '{"weight": 60, "hhi": 3100, "cr4": 0.8, "effective_suppliers": 3.226, "hrv_share": 0.2, "unassessed_share": 0.25, "gaps": 8, "contract_gap_edges": 30}'),
  (9001, 'health', NULL, NULL, '{"weight": 0, "hhi": null, "gaps": 0}'),
  (9002, 'energy', NULL, NULL, '{"weight": 110, "hhi": 1990.6, "cr4": 0.64, "effective_suppliers": 5.024, "hrv_share": 0.081, "unassessed_share": 0.1, "gaps": 7, "contract_gap_edges": 22}'),
  (9002, 'energy', 'DE', NULL, '{"weight": 65, "hhi": 2500, "cr4": 0.7, "effective_suppliers": 4, "hrv_share": 0.1, "unassessed_share": 0.05, "gaps": 4, "contract_gap_edges": 15}'),
  (9002, 'energy', 'FR', NULL, '{"weight": 45, "hhi": 5000, "cr4": 1, "effective_suppliers": 2, "hrv_share": 0, "unassessed_share": 0.2, "gaps": 3, "contract_gap_edges": 7}');
SELECT review_round_snapshot('2025') AS round_2025, review_round_snapshot('2026') AS round_2026;
SELECT toolbox_code, measure_code, reporting_round, member_states, legal_in_preparation, legal_adopted, being_implemented, applied, restrictions_imposed
FROM measure_progress ORDER BY 1, 2, 3;
\pset format unaligned
\pset tuples_only on
SELECT review_report('2025', '2026');
SELECT review_report('2025', '2026', 'html');
\pset format aligned
\pset tuples_only off
\set SHOW_CONTEXT never
SELECT review_report('2024', '2026');
ROLLBACK;
