-- refresh() and rollup_status.

CREATE OR REPLACE PROCEDURE @extschema@.refresh(skip_unreachable boolean DEFAULT false, full boolean DEFAULT false)
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  t0   timestamptz := pg_catalog.clock_timestamp();
  d    date := CURRENT_DATE;
  m    text := @extschema@.methodology_name(NULL);
  fed  boolean := EXISTS (SELECT 1 FROM @extschema@.federation_member);
  stale text[];
  n    bigint;
  last record;
  mode text := 'full';
  keys text[];
  secs text[];
  mss  text[];
  par  text;
  jit  text;
  gone bigint := 0;
  added bigint := 0;
  fns  text[];
  dirty bigint[];
  mj   text;
  every boolean;
  added_sup boolean;
  chsup bigint[];
  chkeys text[];
BEGIN
  -- one refresh at a time; readers (ACCESS SHARE) and supply writers are not blocked
  LOCK TABLE @extschema@.sector_rollup IN SHARE ROW EXCLUSIVE MODE;
  -- the supply meets the suppliers' stored scores by a hash join: the planner has no statistics
  -- for the scores once they are one branch of a union, and would sort every supply row for a
  -- merge join instead (a seventh of a full refresh; at an incremental one, the scope's rows)
  mj := pg_catalog.current_setting('enable_mergejoin');
  PERFORM pg_catalog.set_config('enable_mergejoin', 'off', true);
  SELECT r.* INTO last FROM @extschema@.rollup_refresh r ORDER BY r.refresh_id DESC LIMIT 1;
  -- the changes this refresh consumes: read and removed in one statement (one snapshot), so
  -- that a change committed meanwhile stays for the next refresh and none is lost
  WITH gone AS (DELETE FROM @extschema@.rollup_change RETURNING *)
  SELECT pg_catalog.count(*), COALESCE(pg_catalog.bool_or(g.everything), false),
         COALESCE(pg_catalog.bool_or(g.source OPERATOR(pg_catalog.=) 'supplier' AND g.supplier_id IS NULL AND NOT g.everything), false),
         pg_catalog.array_agg(DISTINCT g.supplier_id) FILTER (WHERE g.supplier_id IS NOT NULL),
         pg_catalog.array_agg(DISTINCT g.sector_code OPERATOR(pg_catalog.||) ':' OPERATOR(pg_catalog.||) g.member_state)
           FILTER (WHERE g.sector_code IS NOT NULL)
  INTO n, every, added_sup, chsup, chkeys FROM gone g;
  -- incremental ($2: full => true forces a full one) when the rollups were computed by this
  -- version, under this methodology, with contract tracking unchanged, and no change made
  -- everything stale; otherwise full
  IF NOT $2 AND NOT fed AND last.refresh_id IS NOT NULL AND last.as_of OPERATOR(pg_catalog.<=) d
     AND last.methodology OPERATOR(pg_catalog.=) m AND last.version OPERATOR(pg_catalog.=) @extschema@.version()
     AND NOT every
     -- (the rollups count contract gaps when tracked: every sector's EU-wide row, by index, says)
     AND @extschema@.contracts_tracked() OPERATOR(pg_catalog.=)
         EXISTS (SELECT 1 FROM @extschema@.sector_rollup r WHERE r.function_code IS NULL AND r.member_state IS NULL
                                                             AND r.contract_gap_edges IS NOT NULL) THEN
    mode := 'incremental';
  END IF;
  IF mode OPERATOR(pg_catalog.=) 'incremental' THEN
    -- a few thousand rows read by index: JIT-compiling plans costed with the full scans they
    -- do not run (a changed supplier's rows, the whole supply) would cost more than the reading
    jit := pg_catalog.current_setting('jit');
    PERFORM pg_catalog.set_config('jit', 'off', true);
  END IF;
  IF mode OPERATOR(pg_catalog.=) 'incremental' AND (n OPERATOR(pg_catalog.>) 0 OR last.as_of OPERATOR(pg_catalog.<) d) THEN
    -- the suppliers to score again: those changed (and the suppliers they control: their group
    -- changed too), those not scored yet when suppliers were added, and since the rollups' date
    -- those whose assessments or designations began or ended
    WITH RECURSIVE sup AS (
      SELECT c.supplier_id FROM pg_catalog.unnest(chsup) c(supplier_id)
      UNION
      SELECT s.supplier_id FROM @extschema@.supplier s
      WHERE added_sup AND NOT EXISTS (SELECT 1 FROM @extschema@.supplier_rollup c WHERE c.supplier_id OPERATOR(pg_catalog.=) s.supplier_id)
      UNION
      SELECT a.supplier_id FROM @extschema@.assessment a
      WHERE last.as_of OPERATOR(pg_catalog.<) d
        AND ((a.assessed_on OPERATOR(pg_catalog.>) last.as_of AND a.assessed_on OPERATOR(pg_catalog.<=) d)
             OR (a.valid_until OPERATOR(pg_catalog.>) last.as_of AND a.valid_until OPERATOR(pg_catalog.<=) d))
      UNION
      SELECT g.supplier_id FROM @extschema@.designation g
      WHERE last.as_of OPERATOR(pg_catalog.<) d AND g.decided_on OPERATOR(pg_catalog.>) last.as_of AND g.decided_on OPERATOR(pg_catalog.<=) d
      UNION
      SELECT s.supplier_id FROM @extschema@.supplier s JOIN sup ON s.parent_supplier_id OPERATOR(pg_catalog.=) sup.supplier_id
    )
    SELECT pg_catalog.array_agg(sup.supplier_id ORDER BY sup.supplier_id) INTO dirty FROM sup;
    -- the stale member-state rows: those named, wherever a supplier to score again supplies, and
    -- since the rollups' date the rows whose validity began or ended
    SELECT pg_catalog.array_agg(DISTINCT k ORDER BY k) INTO keys FROM (
      SELECT c.k FROM pg_catalog.unnest(chkeys) c(k)
      UNION ALL
      SELECT e.sector_code OPERATOR(pg_catalog.||) ':' OPERATOR(pg_catalog.||) e.member_state
      FROM @extschema@.supply s JOIN @extschema@.entity e ON e.entity_id OPERATOR(pg_catalog.=) s.entity_id
      WHERE s.supplier_id OPERATOR(pg_catalog.=) ANY (dirty)  -- (by index; none when NULL)
      UNION ALL
      SELECT e.sector_code OPERATOR(pg_catalog.||) ':' OPERATOR(pg_catalog.||) e.member_state
      FROM @extschema@.supply s JOIN @extschema@.entity e ON e.entity_id OPERATOR(pg_catalog.=) s.entity_id
      WHERE last.as_of OPERATOR(pg_catalog.<) d
        AND ((s.valid_from OPERATOR(pg_catalog.>) last.as_of AND s.valid_from OPERATOR(pg_catalog.<=) d)
             OR (s.valid_to OPERATOR(pg_catalog.>) last.as_of AND s.valid_to OPERATOR(pg_catalog.<=) d))) x;
  END IF;
  -- the suppliers' scores the rows are computed with, kept for the incremental refreshes after
  -- this one: every supplier's (full; none on a coordinator), or those to score again (a deleted
  -- supplier's row goes)
  IF mode OPERATOR(pg_catalog.=) 'full' OR dirty IS NOT NULL THEN
    DELETE FROM @extschema@.supplier_rollup c
    WHERE mode OPERATOR(pg_catalog.=) 'full' OR c.supplier_id OPERATOR(pg_catalog.=) ANY (dirty);
    INSERT INTO @extschema@.supplier_rollup
    SELECT x.supplier_id, x.group_id, x.risk_score, x.high_risk, x.risk_level OPERATOR(pg_catalog.=) 'unassessed'
    FROM @extschema@.supplier_risk_of(d, m, dirty) x  -- (full: dirty is NULL, every supplier)
    WHERE NOT fed;
  END IF;
  IF fed THEN
    -- a coordinator: the members' states, pulled now (the methodology is the members')
    stale := @extschema@.federation_pull(false, skip_unreachable);
    SELECT pg_catalog.string_agg(DISTINCT f.last_methodology, ', ' ORDER BY f.last_methodology) INTO m
    FROM @extschema@.federation_member f;
  END IF;
  IF mode OPERATOR(pg_catalog.=) 'full' THEN
    -- computed first (CREATE TABLE AS may use parallel query, INSERT ... SELECT may not),
    -- then swapped in: readers see the previous rollups until this transaction commits
    -- (the function rows, sector_code NULL, come from the same pass)
    CREATE TEMP TABLE supplyrisk_refresh_stage ON COMMIT DROP AS
      SELECT * FROM @extschema@.sector_stats_full(federated => fed, stored_scores => NOT fed, as_of => d, methodology => CASE WHEN NOT fed THEN m END);
    DELETE FROM @extschema@.sector_rollup;
    INSERT INTO @extschema@.sector_rollup SELECT * FROM pg_temp.supplyrisk_refresh_stage x WHERE x.sector_code IS NOT NULL;
    GET DIAGNOSTICS n = ROW_COUNT;
  ELSIF keys IS NOT NULL THEN
    -- the stale member-state rows, computed from the supply by the same code, scoped: a few
    -- thousand rows read by index, where starting parallel workers would cost more than the
    -- computation
    par := pg_catalog.current_setting('max_parallel_workers_per_gather');
    PERFORM pg_catalog.set_config('max_parallel_workers_per_gather', '0', true);
    CREATE TEMP TABLE supplyrisk_refresh_stage ON COMMIT DROP AS
      SELECT * FROM @extschema@.sector_stats_scoped(as_of => d, methodology => m, scope => keys);
    secs := @extschema@.scope_part(keys, 1);
    mss := @extschema@.scope_part(keys, 2);
    -- (the functions of the rows replaced, before and after: their function rows are stale)
    WITH gone_rows AS (
      DELETE FROM @extschema@.sector_rollup r  -- (by the index on the sector)
      WHERE r.sector_code OPERATOR(pg_catalog.=) ANY (secs) AND r.member_state IS NOT NULL
        AND (r.sector_code OPERATOR(pg_catalog.||) ':' OPERATOR(pg_catalog.||) r.member_state) OPERATOR(pg_catalog.=) ANY (keys)
      RETURNING r.function_code)
    SELECT pg_catalog.count(*), pg_catalog.array_agg(DISTINCT g.function_code) FILTER (WHERE g.function_code IS NOT NULL)
    INTO gone, fns FROM gone_rows g;
    INSERT INTO @extschema@.sector_rollup SELECT * FROM pg_temp.supplyrisk_refresh_stage;
    GET DIAGNOSTICS added = ROW_COUNT;
    fns := ARRAY(SELECT f FROM pg_catalog.unnest(fns) f UNION
                 SELECT x.function_code FROM pg_temp.supplyrisk_refresh_stage x WHERE x.function_code IS NOT NULL);
    DROP TABLE pg_temp.supplyrisk_refresh_stage;
    -- their sectors' EU-wide rows, and the function rows of those functions (of the scope's
    -- member states and EU-wide), merged again from the states in the rollups, in one pass
    CREATE TEMP TABLE supplyrisk_refresh_stage ON COMMIT DROP AS
      SELECT * FROM @extschema@.sector_stats_remerged(as_of => d, methodology => m, scope => keys, function_scope => fns);
    DELETE FROM @extschema@.sector_rollup r WHERE r.member_state IS NULL AND r.sector_code OPERATOR(pg_catalog.=) ANY (secs);
    GET DIAGNOSTICS n = ROW_COUNT;
    gone := gone OPERATOR(pg_catalog.+) n;
    INSERT INTO @extschema@.sector_rollup SELECT * FROM pg_temp.supplyrisk_refresh_stage x WHERE x.sector_code IS NOT NULL;
    GET DIAGNOSTICS n = ROW_COUNT;
    added := added OPERATOR(pg_catalog.+) n;
    PERFORM pg_catalog.set_config('max_parallel_workers_per_gather', par, true);
  END IF;
  IF mode OPERATOR(pg_catalog.=) 'full' OR keys IS NOT NULL THEN
    -- the function rows of the stage (all, or those of the functions recomputed), with the
    -- number of sectors each function is supplied in
    DELETE FROM @extschema@.function_rollup r
    WHERE mode OPERATOR(pg_catalog.=) 'full'
       OR (r.function_code OPERATOR(pg_catalog.=) ANY (fns)
           AND (r.member_state IS NULL OR r.member_state OPERATOR(pg_catalog.=) ANY (mss)));
    INSERT INTO @extschema@.function_rollup
    SELECT x.function_code, x.member_state, COALESCE(c.n, 0)::integer, x.group_mix, x.country_mix, x.entities, x.single_sourced,
           x.single_sourced_critical, x.weight, x.hrv_weight, x.weight_critical, x.hrv_weight_critical, x.risk_weight,
           x.suppliers, x.hhi, x.cr1, x.cr4, x.effective_suppliers, x.country_hhi, x.hrv_share, x.hrv_share_critical,
           x.non_eu_share, x.mean_risk, x.concentration_level, x.top_suppliers, x.unassessed_weight, x.unassessed_share,
           x.contract_gap_edges
    FROM pg_temp.supplyrisk_refresh_stage x
    LEFT JOIN (SELECT r.function_code, COALESCE(r.member_state, '') AS ms, pg_catalog.count(*) AS n
               FROM @extschema@.sector_rollup r  -- (incremental: the functions recomputed, by index)
               WHERE r.function_code IS NOT NULL
                 AND (mode OPERATOR(pg_catalog.=) 'full'
                      OR (r.function_code OPERATOR(pg_catalog.=) ANY (fns)
                          AND (r.member_state IS NULL OR r.member_state OPERATOR(pg_catalog.=) ANY (mss))))
               GROUP BY 1, 2) c
      ON c.function_code OPERATOR(pg_catalog.=) x.function_code AND c.ms OPERATOR(pg_catalog.=) COALESCE(x.member_state, '')
    WHERE x.sector_code IS NULL;
    DROP TABLE pg_temp.supplyrisk_refresh_stage;
  END IF;
  IF mode OPERATOR(pg_catalog.=) 'incremental' THEN
    n := last.rollup_rows OPERATOR(pg_catalog.-) gone OPERATOR(pg_catalog.+) added;
    PERFORM pg_catalog.set_config('jit', jit, true);
  END IF;
  PERFORM pg_catalog.set_config('enable_mergejoin', mj, true);
  INSERT INTO @extschema@.rollup_refresh (started_at, finished_at, as_of, methodology, rollup_rows, stale_members, mode, recomputed, version)
  VALUES (t0, pg_catalog.clock_timestamp(), d, COALESCE(m, @extschema@.methodology_name(NULL)), n, stale, mode,
          CASE WHEN mode OPERATOR(pg_catalog.=) 'incremental' THEN COALESCE(pg_catalog.cardinality(keys), 0) END, @extschema@.version());
  DELETE FROM @extschema@.rollup_refresh
  WHERE refresh_id OPERATOR(pg_catalog.<=) (SELECT pg_catalog.max(r.refresh_id) OPERATOR(pg_catalog.-) 100
                                            FROM @extschema@.rollup_refresh r);
END
$$;
COMMENT ON PROCEDURE @extschema@.refresh(boolean, boolean) IS
  'Rebuilds the rollups (sector_rollup) in one transaction: dashboards keep reading the previous rollups until it commits; concurrent refreshes wait for each other. Incremental when it can (same version, methodology and contract tracking, no methodology change: only the member-state rows that rollup_change names, and those whose supply, assessments or designations began or ended since the rollups'' date, are recomputed from the supply with the same code, with the suppliers'' scores stored in supplier_rollup (only the suppliers added or changed are scored again), and their sectors'' EU-wide rows and their functions'' rows merged again from the stored states); full otherwise (a TRUNCATE of a tracked table, another version or methodology) or with full => true. On a federation coordinator, from every member''s states, pulled now (a member that cannot be pulled fails the refresh, or with skip_unreachable is marked stale and keeps its states of the last pull).';

CREATE OR REPLACE VIEW @extschema@.rollup_status WITH (security_invoker = true) AS
SELECT CASE WHEN r.refresh_id IS NULL THEN 'live' ELSE 'rollup' END AS source,
       r.refresh_id, r.finished_at AS refreshed_at, r.finished_at OPERATOR(pg_catalog.-) r.started_at AS duration,
       pg_catalog.now() OPERATOR(pg_catalog.-) r.finished_at AS age, r.as_of,
       r.as_of OPERATOR(pg_catalog.<) CURRENT_DATE AS outdated, r.methodology, r.rollup_rows, r.stale_members,
       c.n AS pending_changes, c.since AS changed_since, r.mode, r.recomputed
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
COMMENT ON COLUMN @extschema@.rollup_status.mode IS 'full or incremental: how the last refresh computed the rollups.';
COMMENT ON COLUMN @extschema@.rollup_status.recomputed IS 'Incremental: the sector and member-state rows recomputed (their sectors'' EU-wide rows merged again); NULL for a full refresh.';
COMMENT ON COLUMN @extschema@.rollup_status.changed_since IS 'When the earliest of those changes was made (NULL: none).';
COMMENT ON COLUMN @extschema@.rollup_status.stale_members IS 'Federation coordinator: members whose states in the rollups are from an earlier pull (skipped as unreachable); NULL elsewhere.';
