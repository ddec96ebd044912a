-- Rollups, refresh, snapshots, trend, reports and the pg_cron entry points
-- on small hand-built data (sector health; the other tests use other sectors).
\set SHOW_CONTEXT never
SET search_path = supplyrisk, public;
SET extra_float_digits = 0;

INSERT INTO supplier (supplier_id, name, hq_country) VALUES
  (600, 'Delta|Med <AG> & "Co"', 'DE'), (601, 'Epsilon Care', 'US'), (602, 'Zeta Systems', 'FR'), (603, 'Eta Net', 'FI');
INSERT INTO entity (entity_id, name, member_state, sector_code, entity_class) VALUES
  (650, 'Hospital DE', 'DE', 'health', 'essential'),
  (651, 'Hospital FR', 'FR', 'health', 'essential'),
  (652, 'Clinic FR', 'FR', 'health', 'important');
INSERT INTO supply (entity_id, supplier_id, function_code, weight) VALUES
  (650, 600, 'ot.scada', 60), (650, 601, 'ot.scada', 40),
  (651, 601, 'ot.scada', 100),
  (652, 602, 'cloud.iaas', 50), (652, 601, 'cloud.iaas', 50);
INSERT INTO designation (supplier_id, status, decided_on) VALUES (601, 'high_risk', CURRENT_DATE - 10);

-- never refreshed: the views compute live
SELECT source, refresh_id, rollup_rows FROM rollup_status;
SELECT member_state, function_code, entities, suppliers, hhi, cr1, hrv_share, non_eu_share, single_supplier_entities
FROM sector_health ORDER BY function_code, member_state NULLS FIRST;

CALL refresh();
SELECT source, refresh_id, as_of = CURRENT_DATE AS today, outdated, methodology, rollup_rows,
       refreshed_at <= now() + interval '1 minute' AS stamped, duration >= interval '0' AS timed
FROM rollup_status;
SELECT sector_code, member_state, entities, suppliers, hhi, cr4, effective_suppliers, country_hhi, hrv_share,
       hrv_share_critical, non_eu_share, single_supplier_critical, mean_risk IS NULL AS unscored, concentration_level
FROM sector_overview WHERE sector_code = 'health' ORDER BY member_state NULLS FIRST;
-- rollups and live computation agree on every row of every sector
SELECT count(*) AS overview_rows_differing FROM (
  (SELECT to_jsonb(v) - 'computed_at' - 'stale' FROM sector_overview v EXCEPT ALL SELECT to_jsonb(v) - 'computed_at' - 'stale' FROM sector_overview_at() v)
  UNION ALL (SELECT to_jsonb(v) - 'computed_at' - 'stale' FROM sector_overview_at() v EXCEPT ALL SELECT to_jsonb(v) - 'computed_at' - 'stale' FROM sector_overview v)) d;
SELECT count(*) AS health_rows_differing FROM (
  (SELECT to_jsonb(v) - 'computed_at' - 'stale' FROM sector_health v EXCEPT ALL SELECT to_jsonb(v) - 'computed_at' - 'stale' FROM sector_function_overview('health') v)
  UNION ALL (SELECT to_jsonb(v) - 'computed_at' - 'stale' FROM sector_function_overview('health') v EXCEPT ALL SELECT to_jsonb(v) - 'computed_at' - 'stale' FROM sector_health v)) d;
-- the EU-wide state is the merge of the member-state states
SELECT (SELECT group_mix FROM sector_rollup WHERE sector_code = 'health' AND member_state IS NULL AND function_code IS NULL)
     = (SELECT supply_mix_union(group_mix) FROM sector_rollup WHERE sector_code = 'health' AND member_state IS NOT NULL AND function_code IS NULL)
  AS eu_is_merge;

-- new supply: the dashboards keep the last refresh until the next one
INSERT INTO supply (entity_id, supplier_id, function_code, weight) VALUES (651, 602, 'ot.scada', 100);
SELECT (SELECT hhi FROM sector_health WHERE member_state = 'FR' AND function_code = 'ot.scada') AS dashboard_hhi,
       (SELECT hhi FROM sector_function_overview('health') WHERE member_state = 'FR' AND function_code = 'ot.scada') AS live_hhi;
CALL refresh();
SELECT refresh_id, hhi AS dashboard_hhi_after_refresh
FROM rollup_status, sector_health WHERE member_state = 'FR' AND function_code = 'ot.scada';

-- snapshots: every row of sector_stats_at with its states and the gap counts
SELECT take_snapshot('baseline') AS first_snapshot \gset
SELECT label, as_of = CURRENT_DATE AS today, methodology FROM snapshot WHERE snapshot_id = :first_snapshot;
SELECT count(*) = (SELECT count(*) FROM sector_stats_at()) AS all_rows_stored FROM metric_snapshot WHERE snapshot_id = :first_snapshot;
SELECT member_state, function_code, group_mix, metrics->'hhi' AS hhi, metrics->'hrv_share' AS hrv_share, metrics->'gaps' AS gaps
FROM metric_snapshot WHERE snapshot_id = :first_snapshot AND sector_code = 'health'
ORDER BY function_code NULLS FIRST, member_state NULLS FIRST;
-- phase out the high-risk supplier in FR (SCADA and cloud; the cloud gets three equal vendors), then a second snapshot
DELETE FROM supply WHERE entity_id IN (651, 652) AND supplier_id = 601;
INSERT INTO supply (entity_id, supplier_id, function_code, weight) VALUES (652, 600, 'cloud.iaas', 50), (652, 603, 'cloud.iaas', 50);
SELECT take_snapshot('after phase-out') AS second_snapshot \gset
SELECT sector_code, member_state, from_snapshot = :first_snapshot AS from_ok, to_snapshot = :second_snapshot AS to_ok,
       hhi_from, hhi_to, hhi_delta, hrv_share_from, hrv_share_to, hrv_share_delta, gaps_from, gaps_to, gaps_closed,
       metrics->'suppliers' AS suppliers, metrics->'concentration_level' AS level
FROM trend_between(:first_snapshot, :second_snapshot) WHERE sector_code = 'health';
-- the trend view compares the first and the latest snapshot; refresh() never touches snapshots
CALL refresh();
SELECT count(*) AS trend_rows_differing FROM (
  (SELECT * FROM trend EXCEPT ALL SELECT * FROM trend_between(:first_snapshot, :second_snapshot))
  UNION ALL (SELECT * FROM trend_between(:first_snapshot, :second_snapshot) EXCEPT ALL SELECT * FROM trend)) d;
SELECT count(*) AS snapshot_rows FROM metric_snapshot WHERE snapshot_id IN (:first_snapshot, :second_snapshot);
SELECT * FROM trend_between(:second_snapshot, 999999);
\echo :LAST_ERROR_SQLSTATE
SELECT count(*) AS null_snapshot_rows FROM trend_between(NULL, :second_snapshot);

-- reports (the refresh time and today's date are masked)
SELECT regexp_replace(regexp_replace(sector_report('health'), '\d{4}-\d\d-\d\d \d\d:\d\d UTC', 'TIME', 'g'),
                      '\d{4}-\d\d-\d\d', 'DATE', 'g') AS markdown;
\pset format unaligned
\pset tuples_only on
SELECT regexp_replace(regexp_replace(sector_report('health', 'HTML'), '\d{4}-\d\d-\d\d \d\d:\d\d UTC', 'TIME', 'g'),
                      '\d{4}-\d\d-\d\d', 'DATE', 'g') AS html;
\pset format aligned
\pset tuples_only off
SELECT position('| Health |' IN sector_report()) > 0 AS eu_report_lists_health;
SELECT sector_report('nuclear');
\echo :LAST_ERROR_SQLSTATE
SELECT sector_report('health', 'pdf');
\echo :LAST_ERROR_SQLSTATE
SELECT report_escape(E'a|b\\c\nd', 'markdown') AS md, report_escape('<a href="x">O''Neil & co</a>', 'html') AS html;

-- pg_cron is not installed in this database
SELECT schedule_refresh('0 * * * *');
\echo :LAST_ERROR_SQLSTATE
SELECT schedule_snapshot('@daily', 'nightly');
\echo :LAST_ERROR_SQLSTATE
SELECT unschedule('refresh');
\echo :LAST_ERROR_SQLSTATE
SELECT unschedule('vacuum');
\echo :LAST_ERROR_SQLSTATE

-- back to live views and no leftovers for the other tests
DELETE FROM rollup_refresh; DELETE FROM sector_rollup; DELETE FROM snapshot;
DELETE FROM supply WHERE entity_id BETWEEN 650 AND 652; DELETE FROM designation WHERE supplier_id = 601;
DELETE FROM entity WHERE entity_id BETWEEN 650 AND 652; DELETE FROM supplier WHERE supplier_id BETWEEN 600 AND 603;
SELECT source FROM rollup_status;
