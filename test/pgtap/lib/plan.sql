-- Plan capture for the pgTAP files: `\ir lib/plan.sql` (the functions are created in pg_temp, so
-- in the test's own session; call them as pg_temp.x). Not a suite: test/run.sh runs
-- test/pgtap/*.sql, and this directory is below that glob.
--
-- pg_temp.plan_of(q): the lines of EXPLAIN (COSTS OFF) q, the plan the planner chooses for the
-- statement q under the settings in force (e.g. a parallel one):
--   SELECT ok(EXISTS (SELECT 1 FROM pg_temp.plan_of('SELECT ...') l WHERE l LIKE '%Partial Aggregate%'), '...');
CREATE FUNCTION pg_temp.plan_of(q text) RETURNS SETOF text LANGUAGE plpgsql AS $$
BEGIN
  RETURN QUERY EXECUTE 'EXPLAIN (COSTS OFF) ' || q;
END $$;

-- A statement run inside a function or procedure (CALL refresh() and the statements it runs),
-- where EXPLAIN cannot reach: auto_explain logs the plan it ran with, and pg_temp.logged_plan
-- reads it back from the server log:
--   LOAD 'auto_explain';
--   SET LOCAL auto_explain.log_nested_statements = on; SET LOCAL auto_explain.log_min_duration = '10ms';
--   SELECT pg_temp.server_log_end() AS log_at \gset
--   CALL ...;
--   SELECT ... FROM pg_temp.logged_plan(:log_at, 'CREATE TEMP TABLE x') l WHERE l ~ '...';
-- auto_explain logs at LOG level (to the server log only, not the client). The server log is
-- the file of the logging collector (pg_current_logfile, stderr format), else the server's
-- stderr (pg_ctl -l <file>: /proc/self/fd/2 is that file). Superuser only (pg_read_file of a
-- file outside the data directory); Linux (/proc) without the collector.

-- the server log file, as pg_read_file and pg_stat_file take it
CREATE FUNCTION pg_temp.server_log() RETURNS text LANGUAGE sql AS $$
  SELECT CASE WHEN current_setting('logging_collector')::boolean THEN pg_current_logfile('stderr') ELSE '/proc/self/fd/2' END
$$;

-- where the server log ends now: what is logged from here on is after this offset
CREATE FUNCTION pg_temp.server_log_end() RETURNS bigint LANGUAGE sql AS $$
  SELECT (pg_stat_file(pg_temp.server_log())).size
$$;

-- The plan lines (query text first) of the first plan auto_explain logged, in this session,
-- after the offset since, for a statement whose text starts with query_start; none when there
-- is none (the logging collector writes late: it is waited for up to 10 s).
CREATE FUNCTION pg_temp.logged_plan(since bigint, query_start text) RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE
  f text := pg_temp.server_log();
  -- a message's first line names this backend when log_line_prefix has the process id
  pid text := CASE WHEN current_setting('log_line_prefix') LIKE '%\%p%' THEN pg_backend_pid()::text END;
  n bigint;
BEGIN
  FOR attempt IN 1 .. 50 LOOP
    -- the message: its first line ends "plan:" (the prefix, then "duration: ... plan:"), the
    -- next is "\tQuery Text: <query_start>...", then the lines that start with a tab (the
    -- message's own; the next message, or its CONTEXT, starts with the prefix)
    RETURN QUERY
      WITH lines AS MATERIALIZED (
        SELECT x.n, x.line
        FROM regexp_split_to_table(CASE WHEN (pg_stat_file(f)).size > since THEN pg_read_file(f, since, (pg_stat_file(f)).size - since) END,
                                   E'\n') WITH ORDINALITY x(line, n)),
      head AS (
        SELECT min(a.n) AS n FROM lines a JOIN lines b ON b.n = a.n + 1
        WHERE a.line LIKE '%plan:' AND starts_with(b.line, E'\tQuery Text: ' || query_start)
          AND (pid IS NULL OR split_part(a.line, 'duration: ', 1) ~ ('(^|[^0-9])' || pid || '([^0-9]|$)'))),
      stop AS (
        SELECT min(l.n) AS n FROM lines l, head WHERE l.n > head.n AND l.line NOT LIKE E'\t%')
      SELECT substr(l.line, 2) FROM lines l, head, stop
      WHERE l.n > head.n AND (stop.n IS NULL OR l.n < stop.n) ORDER BY l.n;
    GET DIAGNOSTICS n = ROW_COUNT;
    EXIT WHEN n > 0 OR NOT current_setting('logging_collector')::boolean;
    PERFORM pg_sleep(0.2);
  END LOOP;
END $$;
