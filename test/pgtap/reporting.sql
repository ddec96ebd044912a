-- pgTAP: rollups, snapshots and trend on generated data, against the live computation
-- and independent SQL.
BEGIN;
SET search_path = supplyrisk, public;
\set scale 0.1
\ir ../../data/generate.sql
SET search_path = supplyrisk, public;
\ir lib/plan.sql
SELECT plan(31);

SELECT is((SELECT source FROM rollup_status), 'live', 'before the first refresh the views compute live');
CALL refresh();
SELECT is((SELECT source FROM rollup_status), 'rollup', 'after refresh() the views read the rollups');
SELECT is((SELECT rollup_rows FROM rollup_status), (SELECT count(*) FROM sector_rollup), 'rollup_status counts the rollup rows');

SELECT is((SELECT count(*)::int FROM ((SELECT to_jsonb(v) - 'computed_at' - 'stale' FROM sector_overview v EXCEPT ALL SELECT to_jsonb(v) - 'computed_at' - 'stale' FROM sector_overview_at() v)
                                       UNION ALL (SELECT to_jsonb(v) - 'computed_at' - 'stale' FROM sector_overview_at() v EXCEPT ALL SELECT to_jsonb(v) - 'computed_at' - 'stale' FROM sector_overview v)) d),
          0, 'sector_overview from rollups = live computation, every row and column');
CREATE TEMP TABLE sv_diff (sector text, n int);
DO $$
DECLARE s record; n int;
BEGIN
  FOR s IN SELECT code FROM supplyrisk.sector LOOP
    EXECUTE format('SELECT count(*) FROM ((SELECT to_jsonb(v) - ''computed_at'' - ''stale'' FROM supplyrisk.%I v EXCEPT ALL SELECT to_jsonb(v) - ''computed_at'' - ''stale'' FROM supplyrisk.sector_function_overview(%L) v)
                     UNION ALL (SELECT to_jsonb(v) - ''computed_at'' - ''stale'' FROM supplyrisk.sector_function_overview(%L) v EXCEPT ALL SELECT to_jsonb(v) - ''computed_at'' - ''stale'' FROM supplyrisk.%I v)) d',
                   'sector_' || s.code, s.code, s.code, 'sector_' || s.code) INTO n;
    INSERT INTO sv_diff VALUES (s.code, n);
  END LOOP;
END $$;
SELECT is((SELECT sum(n)::int FROM sv_diff), 0, 'each of the 18 sector views from rollups = live computation');
SELECT ok((SELECT count(*) FROM sector_rollup WHERE function_code IS NOT NULL AND member_state IS NOT NULL) > 100, 'rollups hold the per member state and function rows');

-- the stored states re-merge: EU-wide = union of the member states; all functions = union of the functions
SELECT is((SELECT count(*)::int FROM sector_rollup eu
           JOIN (SELECT sector_code, function_code, supply_mix_union(group_mix) AS gm, supply_mix_union(country_mix) AS cm, sum(weight) AS w
                 FROM sector_rollup WHERE member_state IS NOT NULL GROUP BY 1, 2) m
             ON m.sector_code = eu.sector_code AND m.function_code IS NOT DISTINCT FROM eu.function_code
           WHERE eu.member_state IS NULL AND (abs(hhi(eu.group_mix) - hhi(m.gm)) > 1e-9 * hhi(m.gm)
                                             OR abs(hhi(eu.country_mix) - hhi(m.cm)) > 1e-9 * hhi(m.cm)
                                             OR abs(eu.weight - m.w) > 1e-9 * m.w OR key_count(eu.group_mix) <> key_count(m.gm))),
          0, 'EU-wide rollup states = merge of the member-state states');
SELECT is((SELECT count(*)::int FROM sector_rollup a
           JOIN (SELECT sector_code, member_state, supply_mix_union(group_mix) AS gm FROM sector_rollup
                 WHERE function_code IS NOT NULL GROUP BY 1, 2) m
             ON m.sector_code = a.sector_code AND m.member_state IS NOT DISTINCT FROM a.member_state
           WHERE a.function_code IS NULL AND abs(a.hhi - hhi(m.gm)) > 1e-9 * hhi(m.gm)),
          0, 'all-functions rollup = merge of the function rows');
-- independent: hhi per sector and member state straight from the supply rows
SELECT is((SELECT count(*)::int FROM sector_rollup r JOIN (
             SELECT sector_code, member_state, 10000 * sum(w * w) / (sum(w) ^ 2) AS hhi FROM (
               SELECT e.sector_code, e.member_state, gm.group_id, sum(s.weight) AS w
               FROM supply s JOIN entity e USING (entity_id) JOIN supplier_group_map gm USING (supplier_id)
               WHERE s.valid_from <= current_date AND (s.valid_to IS NULL OR s.valid_to > current_date)
               GROUP BY 1, 2, 3) g GROUP BY 1, 2) x USING (sector_code, member_state)
           WHERE r.function_code IS NULL AND abs(r.hhi - x.hhi) > 1e-9 * x.hhi),
          0, 'rollup hhi per sector and member state = plain SQL over the supply rows');

-- a full refresh computed with parallel workers stores the same rollups as a serial one. A full
-- refresh keeps the session's parallel settings (refresh_planner_settings turns parallel query
-- off for an incremental one only); the plan of the statement that computes its rows (the
-- CREATE TABLE AS of refresh_recompute_full, nested in the procedure, where EXPLAIN cannot
-- reach) is logged by auto_explain and read back (lib/plan.sql)
LOAD 'auto_explain';
SET LOCAL auto_explain.log_nested_statements = on;
SET LOCAL auto_explain.log_min_duration = '10ms';  -- (the statement takes about a second; the thousands of
                                                   -- per-row nested statements, microseconds, stay out of the log)
SET LOCAL max_parallel_workers_per_gather = 0;
SELECT pg_temp.server_log_end() AS log_at \gset
CALL refresh(full => true);
CREATE TEMP TABLE serial_plan AS SELECT * FROM pg_temp.logged_plan(:log_at, 'CREATE TEMP TABLE supplyrisk_refresh_stage') l;
CREATE TEMP TABLE serial_sector AS SELECT * FROM sector_rollup;
CREATE TEMP TABLE serial_function AS SELECT * FROM function_rollup;
SET LOCAL max_parallel_workers_per_gather = 2;
SET LOCAL parallel_setup_cost = 0; SET LOCAL parallel_tuple_cost = 0; SET LOCAL min_parallel_table_scan_size = 0;
SELECT pg_temp.server_log_end() AS log_at \gset
CALL refresh(full => true);
CREATE TEMP TABLE parallel_plan AS SELECT * FROM pg_temp.logged_plan(:log_at, 'CREATE TEMP TABLE supplyrisk_refresh_stage') l;
RESET max_parallel_workers_per_gather; RESET parallel_setup_cost; RESET parallel_tuple_cost; RESET min_parallel_table_scan_size;
RESET auto_explain.log_min_duration;
SELECT ok((SELECT count(*) FROM serial_plan) > 0 AND NOT EXISTS (SELECT 1 FROM serial_plan l WHERE l ~ '^\s*(->\s+)?Gather'),
          'the serial full refresh computes its rows without parallel workers (its plan, from the server log, has no Gather)');
SELECT ok(EXISTS (SELECT 1 FROM parallel_plan l WHERE l ~ '^\s*(->\s+)?Gather'),
          'the full refresh under parallel settings computes its rows with a parallel plan (Gather in its plan, from the server log)');
-- rows of two tables of one row type that differ, matched on the key columns (as jsonb: a NULL
-- key is json null, equal to itself): a row on one side only, or a column not equal (counts,
-- text and the mixes exactly; float8 columns within a relative 1e-12: the lowest-level weights
-- are plain float sums, in plan order)
CREATE FUNCTION pg_temp.rows_differing(a regclass, b regclass, keys text[]) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE floats text[]; n bigint;
BEGIN
  SELECT array_agg(attname) INTO floats FROM pg_attribute
  WHERE attrelid = a AND attnum > 0 AND NOT attisdropped AND atttypid = 'float8'::regtype;
  EXECUTE format($q$
    SELECT count(*) FROM (SELECT to_jsonb(x) AS j FROM %s x) p FULL JOIN (SELECT to_jsonb(y) AS j FROM %s y) s ON %s
    WHERE p.j IS NULL OR s.j IS NULL OR EXISTS (
      SELECT 1 FROM jsonb_each(p.j) u FULL JOIN jsonb_each(s.j) v USING (key)
      WHERE CASE WHEN key = ANY ($1) AND jsonb_typeof(u.value) = 'number' AND jsonb_typeof(v.value) = 'number'
                 THEN abs((u.value #>> '{}')::float8 - (v.value #>> '{}')::float8) > 1e-12 * abs((v.value #>> '{}')::float8)
                 ELSE u.value IS DISTINCT FROM v.value END)$q$,
    a, b, (SELECT string_agg(format('p.j -> %L = s.j -> %L', k, k), ' AND ') FROM unnest(keys) k))
  INTO n USING floats;
  RETURN n;
END $$;
SELECT is(pg_temp.rows_differing('sector_rollup', 'serial_sector', '{sector_code,member_state,function_code}'), 0::bigint,
          'parallel full refresh = serial full refresh: every sector_rollup row and column');
SELECT is(pg_temp.rows_differing('function_rollup', 'serial_function', '{function_code,member_state}'), 0::bigint,
          'parallel full refresh = serial full refresh: every function_rollup row and column');

-- snapshots and trend
SELECT take_snapshot('one') AS s1 \gset
SELECT is((SELECT count(*)::int FROM metric_snapshot WHERE snapshot_id = :s1), (SELECT count(*)::int FROM sector_stats_at()),
          'a snapshot stores every row of sector_stats_at');
SELECT is((SELECT count(*)::int FROM metric_snapshot WHERE snapshot_id = :s1 AND group_mix IS NOT NULL
             AND abs((metrics->>'hhi')::float8 - hhi(group_mix)) > 1e-12 * hhi(group_mix)), 0,
          'stored hhi = hhi of the stored state (the states carry the metric)');
SELECT is((SELECT count(*)::int FROM metric_snapshot m JOIN (
             SELECT sector_code, count(DISTINCT (entity_id, function_code)) AS n FROM multi_vendor_gaps GROUP BY 1) g USING (sector_code)
           WHERE m.snapshot_id = :s1 AND m.member_state IS NULL AND m.function_code IS NULL AND (m.metrics->>'gaps')::bigint <> g.n), 0,
          'stored gap counts = multi_vendor_gaps (entity and function pairs)');
SELECT is((SELECT format('%s|%s', (SELECT count(*) FROM trend), (SELECT count(*) FROM function_trend))), '0|0',
          'one snapshot is no trend: trend and function_trend are empty (0.2.0: 492 rows comparing it with itself)');
SELECT ok(sector_report('energy') ~ 'trend needs two|a second snapshot' OR sector_report('energy', 'html') ~ 'One snapshot only: a trend needs two',
          'the report says that a trend needs a second snapshot');
-- halve the energy supply of one supplier group's suppliers and take a second snapshot
DELETE FROM supply WHERE supply_id % 3 = 0 AND entity_id IN (SELECT entity_id FROM entity WHERE sector_code = 'energy');
SELECT take_snapshot('two') AS s2 \gset
SELECT is((SELECT count(*)::int FROM trend t
           JOIN metric_snapshot a ON a.snapshot_id = :s1 AND a.sector_code = t.sector_code AND a.member_state IS NOT DISTINCT FROM t.member_state AND a.function_code IS NULL
           JOIN metric_snapshot b ON b.snapshot_id = :s2 AND b.sector_code = t.sector_code AND b.member_state IS NOT DISTINCT FROM t.member_state AND b.function_code IS NULL
           WHERE t.hhi_delta IS DISTINCT FROM hhi(b.group_mix) - hhi(a.group_mix)
              OR t.gaps_closed <> (a.metrics->>'gaps')::bigint - (b.metrics->>'gaps')::bigint), 0,
          'trend deltas = differences of the stored snapshots');
SELECT ok((SELECT count(*) FROM trend WHERE sector_code = 'energy' AND hhi_delta <> 0) > 0
          AND (SELECT count(*) FROM trend WHERE sector_code <> 'energy' AND hhi_delta <> 0) = 0,
          'only the changed sector moves between the snapshots');
SELECT md5(string_agg(m::text, ',' ORDER BY snapshot_id, sector_code, member_state, function_code)) AS before FROM metric_snapshot m \gset
CALL refresh();
SELECT is((SELECT md5(string_agg(m::text, ',' ORDER BY snapshot_id, sector_code, member_state, function_code)) FROM metric_snapshot m),
          :'before', 'refresh() leaves the snapshots alone');

-- staleness is visible (issue 28.5)
CALL refresh();
SELECT is((SELECT format('%s|%s', outdated, pending_changes) FROM rollup_status), 'f|0', 'right after a refresh: not outdated, nothing pending');
SELECT is((SELECT format('%s|%s', bool_or(stale), bool_and(computed_at = (SELECT refreshed_at FROM rollup_status))) FROM sector_overview),
          'f|t', 'sector_overview rows: not stale, computed when the refresh finished');
UPDATE supply SET weight = weight * 2 WHERE supply_id = (SELECT min(supply_id) FROM supply);
SELECT is((SELECT format('%s|%s', outdated, pending_changes > 0) FROM rollup_status), 't|t', 'a recorded change: outdated, pending');
SELECT is((SELECT format('%s|%s|%s', (SELECT bool_and(stale) FROM sector_overview), (SELECT bool_and(stale) FROM sector_energy),
                         (SELECT bool_and(stale) FROM function_overview))),
          't|t|t', 'every rollup-backed view says stale (sector_overview, a sector view, function_overview)');
CALL refresh();
SELECT is((SELECT format('%s|%s', (SELECT outdated FROM rollup_status), (SELECT bool_or(stale) FROM sector_overview))), 'f|f',
          'the next refresh clears it');

-- reports lead with what matters (issue 28.4): three findings by rule, = plain SQL over the sector view
SELECT is((SELECT string_agg(format('%s:%s', rank, round(value::numeric, 9)), ' ' ORDER BY rank) FROM report_findings('banking')),
          (SELECT format('1:%s 2:%s 3:%s',
                    (SELECT round(max(hrv_share)::numeric, 9) FROM sector_banking WHERE criticality <> 'standard' AND hrv_share > 0),
                    (SELECT round(max(hhi)::numeric, 9) FROM sector_banking),
                    (SELECT round(max(single_supplier_entities)::numeric, 9) FROM sector_banking WHERE single_supplier_entities > 0))),
          'report_findings: the highest high-risk share on a critical or sensitive function, the highest HHI, the most single-supplier entities');
SELECT is((SELECT string_agg(format('%s:%s', rank, round(value::numeric, 9)), ' ' ORDER BY rank) FROM report_findings()),
          (SELECT format('1:%s 2:%s 3:%s',
                    (SELECT round(max(hrv_share)::numeric, 9) FROM function_overview WHERE criticality <> 'standard' AND hrv_share > 0),
                    (SELECT round(max(hhi)::numeric, 9) FROM function_overview),
                    (SELECT round(max(single_supplier_entities)::numeric, 9) FROM function_overview WHERE single_supplier_entities > 0))),
          'the EU overview''s findings, over function_overview');
SELECT ok(position('## Key findings' IN sector_report('banking')) < position('| Member state |' IN sector_report('banking'))
          AND sector_report('banking') ~ E'## Key findings\n\n1\\. .*\n2\\. .*\n3\\. ',
          'the markdown report opens with the three findings, before the tables');
SELECT ok(position('Key findings' IN sector_report('banking', 'html')) < position('<svg' IN sector_report('banking', 'html')),
          'the html report opens with them, before the charts');
UPDATE supply SET weight = weight * 3 WHERE supply_id = (SELECT max(supply_id) FROM supply);
SELECT ok(sector_report('banking') ~ '> \*\*Note:\*\* The data changed after the rollups were computed',
          'a markdown report carries the staleness notice the html one does');

SELECT * FROM finish();
ROLLBACK;
