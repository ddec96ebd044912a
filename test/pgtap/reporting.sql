-- pgTAP: rollups, snapshots and trend on generated data, against the live computation
-- and independent SQL.
BEGIN;
SET search_path = supplyrisk, public;
\set scale 0.1
\ir ../../data/generate.sql
SET search_path = supplyrisk, public;
SELECT plan(16);

SELECT is((SELECT source FROM rollup_status), 'live', 'before the first refresh the views compute live');
CALL refresh();
SELECT is((SELECT source FROM rollup_status), 'rollup', 'after refresh() the views read the rollups');
SELECT is((SELECT rollup_rows FROM rollup_status), (SELECT count(*) FROM sector_rollup), 'rollup_status counts the rollup rows');

SELECT is((SELECT count(*)::int FROM ((SELECT * FROM sector_overview EXCEPT ALL SELECT * FROM sector_overview_at())
                                       UNION ALL (SELECT * FROM sector_overview_at() EXCEPT ALL SELECT * FROM sector_overview)) d),
          0, 'sector_overview from rollups = live computation, every row and column');
CREATE TEMP TABLE sv_diff (sector text, n int);
DO $$
DECLARE s record; n int;
BEGIN
  FOR s IN SELECT code FROM supplyrisk.sector LOOP
    EXECUTE format('SELECT count(*) FROM ((SELECT * FROM supplyrisk.%I EXCEPT ALL SELECT * FROM supplyrisk.sector_function_overview(%L))
                     UNION ALL (SELECT * FROM supplyrisk.sector_function_overview(%L) EXCEPT ALL SELECT * FROM supplyrisk.%I)) d',
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

-- a refresh computed with parallel workers stores the same rollups
CREATE TEMP TABLE serial_rollup AS SELECT * FROM sector_rollup;
SET LOCAL parallel_setup_cost = 0; SET LOCAL parallel_tuple_cost = 0; SET LOCAL min_parallel_table_scan_size = 0;
SET LOCAL max_parallel_workers_per_gather = 2;
CALL refresh();
RESET parallel_setup_cost; RESET parallel_tuple_cost; RESET min_parallel_table_scan_size;
SELECT is((SELECT count(*)::int FROM sector_rollup p FULL JOIN serial_rollup s
             ON s.sector_code = p.sector_code AND s.member_state IS NOT DISTINCT FROM p.member_state
            AND s.function_code IS NOT DISTINCT FROM p.function_code
           WHERE p.sector_code IS NULL OR s.sector_code IS NULL OR p.group_mix IS DISTINCT FROM s.group_mix
              OR abs(p.hhi - s.hhi) > 1e-9 * s.hhi OR p.entities <> s.entities OR abs(p.weight - s.weight) > 1e-9 * s.weight),
          0, 'refresh under a forced parallel plan = serial refresh');

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

SELECT * FROM finish();
ROLLBACK;
