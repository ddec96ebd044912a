-- refresh() and rollup_status.

CREATE PROCEDURE @extschema@.refresh(skip_unreachable boolean DEFAULT false)
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  t0  timestamptz := pg_catalog.clock_timestamp();
  d   date := CURRENT_DATE;
  m   text := @extschema@.methodology_name(NULL);
  fed boolean := EXISTS (SELECT 1 FROM @extschema@.federation_member);
  stale text[];
  n   bigint;
BEGIN
  -- one refresh at a time; readers (ACCESS SHARE) and supply writers are not blocked
  LOCK TABLE @extschema@.sector_rollup IN SHARE ROW EXCLUSIVE MODE;
  -- the changes this refresh sees are in the rollups it writes (those committed later stay)
  DELETE FROM @extschema@.rollup_change;
  IF fed THEN
    -- a coordinator: the members' states, pulled now (the methodology is the members')
    stale := @extschema@.federation_pull(false, skip_unreachable);
    SELECT pg_catalog.string_agg(DISTINCT f.last_methodology, ', ' ORDER BY f.last_methodology) INTO m
    FROM @extschema@.federation_member f;
  END IF;
  -- computed first (CREATE TABLE AS may use parallel query, INSERT ... SELECT may not),
  -- then swapped in: readers see the previous rollups until this transaction commits
  CREATE TEMP TABLE supplyrisk_refresh_stage ON COMMIT DROP AS
    SELECT * FROM @extschema@.sector_stats_levels(fed, d, CASE WHEN NOT fed THEN m END);
  DELETE FROM @extschema@.sector_rollup;
  INSERT INTO @extschema@.sector_rollup SELECT * FROM pg_temp.supplyrisk_refresh_stage;
  GET DIAGNOSTICS n = ROW_COUNT;
  DROP TABLE pg_temp.supplyrisk_refresh_stage;
  INSERT INTO @extschema@.rollup_refresh (started_at, finished_at, as_of, methodology, rollup_rows, stale_members)
  VALUES (t0, pg_catalog.clock_timestamp(), d, COALESCE(m, @extschema@.methodology_name(NULL)), n, stale);
  DELETE FROM @extschema@.rollup_refresh
  WHERE refresh_id OPERATOR(pg_catalog.<=) (SELECT pg_catalog.max(r.refresh_id) OPERATOR(pg_catalog.-) 100
                                            FROM @extschema@.rollup_refresh r);
END
$$;
COMMENT ON PROCEDURE @extschema@.refresh(boolean) IS
  'Rebuilds the rollups (sector_rollup) in one transaction: dashboards keep reading the previous rollups until it commits; concurrent refreshes wait for each other. From the supply valid today under the current methodology; on a federation coordinator, from every member''s states, pulled now (a member that cannot be pulled fails the refresh, or with skip_unreachable is marked stale and keeps its states of the last pull).';

CREATE VIEW @extschema@.rollup_status WITH (security_invoker = true) AS
SELECT CASE WHEN r.refresh_id IS NULL THEN 'live' ELSE 'rollup' END AS source,
       r.refresh_id, r.finished_at AS refreshed_at, r.finished_at OPERATOR(pg_catalog.-) r.started_at AS duration,
       pg_catalog.now() OPERATOR(pg_catalog.-) r.finished_at AS age, r.as_of,
       r.as_of OPERATOR(pg_catalog.<) CURRENT_DATE AS outdated, r.methodology, r.rollup_rows, r.stale_members,
       c.n AS pending_changes, c.since AS changed_since
FROM (SELECT 1) one
LEFT JOIN (SELECT x.* FROM @extschema@.rollup_refresh x ORDER BY x.refresh_id DESC LIMIT 1) r ON true
CROSS JOIN (SELECT pg_catalog.count(*) AS n, pg_catalog.min(k.changed_at) AS since FROM @extschema@.rollup_change k) c;
COMMENT ON VIEW @extschema@.rollup_status IS 'What the dashboard views read: the last refresh (source rollup) or, before the first refresh, a live computation (source live).';
COMMENT ON COLUMN @extschema@.rollup_status.source IS 'rollup (the views read sector_rollup) or live (never refreshed: computed on every read).';
COMMENT ON COLUMN @extschema@.rollup_status.refresh_id IS 'Number of the last refresh.';
COMMENT ON COLUMN @extschema@.rollup_status.refreshed_at IS 'When the last refresh finished.';
COMMENT ON COLUMN @extschema@.rollup_status.duration IS 'How long it took.';
COMMENT ON COLUMN @extschema@.rollup_status.age IS 'Time since then: how stale the dashboards are at most.';
COMMENT ON COLUMN @extschema@.rollup_status.as_of IS 'Date the supply was taken as valid at.';
COMMENT ON COLUMN @extschema@.rollup_status.outdated IS 'True when as_of is before today (a refresh is due).';
COMMENT ON COLUMN @extschema@.rollup_status.methodology IS 'Methodology used.';
COMMENT ON COLUMN @extschema@.rollup_status.rollup_rows IS 'Rows in sector_rollup.';
COMMENT ON COLUMN @extschema@.rollup_status.pending_changes IS 'Changes recorded since the rollups were computed (rollup_change): 0 when they are current.';
COMMENT ON COLUMN @extschema@.rollup_status.changed_since IS 'When the earliest of those changes was made (NULL: none).';
COMMENT ON COLUMN @extschema@.rollup_status.stale_members IS 'Federation coordinator: members whose states in the rollups are from an earlier pull (skipped as unreachable); NULL elsewhere.';
