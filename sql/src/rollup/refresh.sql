-- refresh() and rollup_status.

-- refresh() is composed of named steps, each a function below, in the order it runs them:
--   refresh_take_changes      the changes recorded since the last refresh, consumed
--   refresh_mode              full or incremental
--   refresh_planner_settings  the planner settings of that mode (one place, with the reasons)
--   refresh_find_stale        incremental: the suppliers to score again and the stale rows
--   refresh_score_suppliers   the suppliers' scores the rows are computed with (supplier_rollup)
--   refresh_recompute_full / refresh_recompute_stale   the sector rows, into the stage table
--   refresh_publish_function_rows                      the function rows, from the stage
--   refresh_reweight          incremental: the rows holding suppliers whose risk alone changed,
--                             re-weighted from their supplier mixes (reweight.sql)
--   refresh_log               rollup_refresh (what rollup_status shows)
-- They run inside refresh()'s transaction and are not meant to be called alone.

-- The changes this refresh consumes: read and removed in one statement (one snapshot), so that
-- a change committed meanwhile stays for the next refresh and none is lost.
-- Changes of risk alone (assessments, designations) are returned apart: their rows are
-- re-weighted, not recomputed.
CREATE OR REPLACE FUNCTION @extschema@.refresh_take_changes(OUT changes bigint, OUT everything boolean, OUT suppliers_added boolean,
                                                 OUT suppliers bigint[], OUT stale_keys text[], OUT owned_suppliers text[],
                                                 OUT risk_suppliers bigint[], OUT risk_owned text[], OUT methodologies text[])
LANGUAGE sql VOLATILE AS $$
  WITH gone AS (DELETE FROM @extschema@.rollup_change RETURNING *, source OPERATOR(pg_catalog.=) ANY (ARRAY['assessment', 'designation']) AS risk)
  SELECT pg_catalog.count(*), COALESCE(pg_catalog.bool_or(g.everything), false),
         COALESCE(pg_catalog.bool_or(g.source OPERATOR(pg_catalog.=) 'supplier' AND g.supplier_id IS NULL AND NOT g.everything), false),
         pg_catalog.array_agg(DISTINCT g.supplier_id) FILTER (WHERE g.supplier_id IS NOT NULL AND g.member_state IS NULL AND NOT g.risk),
         pg_catalog.array_agg(DISTINCT g.sector_code OPERATOR(pg_catalog.||) ':' OPERATOR(pg_catalog.||) g.member_state)
           FILTER (WHERE g.sector_code IS NOT NULL),
         pg_catalog.array_agg(DISTINCT g.supplier_id::pg_catalog.text OPERATOR(pg_catalog.||) ':' OPERATOR(pg_catalog.||) g.member_state)
           FILTER (WHERE g.supplier_id IS NOT NULL AND g.member_state IS NOT NULL AND NOT g.risk),
         pg_catalog.array_agg(DISTINCT g.supplier_id) FILTER (WHERE g.supplier_id IS NOT NULL AND g.member_state IS NULL AND g.risk),
         pg_catalog.array_agg(DISTINCT g.supplier_id::pg_catalog.text OPERATOR(pg_catalog.||) ':' OPERATOR(pg_catalog.||) g.member_state)
           FILTER (WHERE g.supplier_id IS NOT NULL AND g.member_state IS NOT NULL AND g.risk),
         pg_catalog.array_agg(DISTINCT g.methodology) FILTER (WHERE g.methodology IS NOT NULL)
  FROM gone g
$$;
COMMENT ON FUNCTION @extschema@.refresh_take_changes() IS 'Internal step of refresh(): consumes rollup_change in one statement and returns how many changes there were, whether one made everything stale, whether suppliers were added, the suppliers changed EU-wide, the ''<sector>:<member state>'' keys named, and the ''<supplier>:<member state>'' pairs of changes a member state owns (only its rows are stale); changes of risk alone (assessments, designations) apart, EU-wide (risk_suppliers) and owned (risk_owned), and the methodologies changed.';

-- Incremental when the rollups were computed by this version, under this methodology, with
-- contract tracking unchanged, on this database (not a coordinator), and no change made
-- everything stale; otherwise (or forced) full.
CREATE OR REPLACE FUNCTION @extschema@.refresh_mode(forced_full boolean, federated boolean, everything boolean, as_of date, methodology text)
RETURNS text
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE last record;
BEGIN
  SELECT r.* INTO last FROM @extschema@.rollup_refresh r ORDER BY r.refresh_id DESC LIMIT 1;
  IF NOT forced_full AND NOT federated AND NOT everything AND last.refresh_id IS NOT NULL
     AND last.as_of OPERATOR(pg_catalog.<=) as_of AND last.methodology OPERATOR(pg_catalog.=) methodology
     AND last.version OPERATOR(pg_catalog.=) @extschema@.version()
     -- (the rollups count contract gaps when tracked: every sector's EU-wide row, by index, says)
     AND @extschema@.contracts_tracked() OPERATOR(pg_catalog.=)
         EXISTS (SELECT 1 FROM @extschema@.sector_rollup r WHERE r.function_code IS NULL AND r.member_state IS NULL
                                                             AND r.contract_gap_edges IS NOT NULL) THEN
    RETURN 'incremental';
  END IF;
  RETURN 'full';
END
$$;
COMMENT ON FUNCTION @extschema@.refresh_mode(boolean, boolean, boolean, date, text) IS 'Internal step of refresh(): incremental when the last rollups were computed by this version, under this methodology, with contract tracking unchanged, not on a federation coordinator, and no change made everything stale (and not forced_full); otherwise full.';

-- The planner settings of a refresh, all here, each with the reason it was measured for. Set
-- for the rest of the transaction (set_config local); refresh() restores the values returned.
--   enable_mergejoin off (both modes): the supply meets the suppliers' stored scores by a hash
--     join; the planner has no statistics for the scores once they are one branch of a union,
--     and sorted every supply row for a merge join instead (a seventh of a full refresh, 1.5 s
--     at 10M rows; at an incremental one, the scope's rows).
--   jit off (incremental): a few thousand rows read by index; JIT-compiling plans costed with
--     the full scans they do not run cost more than the reading (28 ms of 380 at 10M rows).
--   max_parallel_workers_per_gather 0 (incremental): starting workers for a few thousand rows
--     costs more than computing them. A full refresh keeps parallel query (its stage table is
--     written by CREATE TABLE AS, which may run in parallel; INSERT ... SELECT may not).
CREATE OR REPLACE FUNCTION @extschema@.refresh_planner_settings(mode text, restore text[] DEFAULT NULL) RETURNS text[]
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  names text[] := ARRAY['enable_mergejoin', 'jit', 'max_parallel_workers_per_gather'];
  prev text[] := ARRAY(SELECT pg_catalog.current_setting(x) FROM pg_catalog.unnest(names) WITH ORDINALITY u(x, i) ORDER BY i);
  i integer;
BEGIN
  IF restore IS NOT NULL THEN
    FOR i IN 1 .. pg_catalog.cardinality(names) LOOP
      PERFORM pg_catalog.set_config(names[i], restore[i], true);
    END LOOP;
    RETURN prev;
  END IF;
  PERFORM pg_catalog.set_config('enable_mergejoin', 'off', true);
  IF mode OPERATOR(pg_catalog.=) 'incremental' THEN
    PERFORM pg_catalog.set_config('jit', 'off', true);
    PERFORM pg_catalog.set_config('max_parallel_workers_per_gather', '0', true);
  END IF;
  RETURN prev;
END
$$;
COMMENT ON FUNCTION @extschema@.refresh_planner_settings(text, text[]) IS 'Internal step of refresh(): sets, for the transaction, the planner settings a full or incremental refresh needs (enable_mergejoin off; incremental: jit off, no parallel workers) and returns the previous values; with restore, sets those values back.';

-- Incremental: the suppliers to score again (those changed and the suppliers they control, those
-- not scored yet when suppliers were added, and since the rollups' date those whose assessments
-- or designations began or ended), the stale member-state rows (those named, wherever a
-- supplier changed otherwise than in its risk supplies, and since the rollups' date those whose
-- supply validity began or ended), and the '<supplier>:<owner>' pairs whose risk alone changed
-- (their rows are re-weighted: refresh_reweight).
CREATE OR REPLACE FUNCTION @extschema@.refresh_find_stale(since date, as_of date, changed_suppliers bigint[], suppliers_added boolean,
                                               named_keys text[], owned_changes text[], risk_suppliers bigint[], risk_owned text[],
                                               OUT suppliers bigint[], OUT stale_keys text[], OUT reweight text[])
LANGUAGE sql STABLE AS $$
  -- (supplier, owner, risk) to score again: owner NULL, EU-wide (stale wherever the supplier
  -- supplies), or a member state (its own assessment or decision: only its rows are stale);
  -- risk: only its risk changed. The suppliers a changed one controls follow it, with the same
  -- owner. One CTE, read three times.
  WITH RECURSIVE sup (supplier_id, owner, risk) AS (
    SELECT c.supplier_id, NULL::pg_catalog.text, false FROM pg_catalog.unnest($3) c(supplier_id)
    UNION
    SELECT pg_catalog.split_part(o.k, ':', 1)::bigint, pg_catalog.split_part(o.k, ':', 2), false FROM pg_catalog.unnest($6) o(k)
    UNION
    SELECT s.supplier_id, NULL, false FROM @extschema@.supplier s
    WHERE $4 AND NOT EXISTS (SELECT 1 FROM @extschema@.supplier_rollup c WHERE c.supplier_id OPERATOR(pg_catalog.=) s.supplier_id)
    UNION
    SELECT c.supplier_id, NULL::pg_catalog.text, true FROM pg_catalog.unnest($7) c(supplier_id)
    UNION
    SELECT pg_catalog.split_part(o.k, ':', 1)::bigint, pg_catalog.split_part(o.k, ':', 2), true FROM pg_catalog.unnest($8) o(k)
    UNION
    SELECT a.supplier_id, a.member_state, true FROM @extschema@.assessment a
    WHERE $1 OPERATOR(pg_catalog.<) $2
      AND ((a.assessed_on OPERATOR(pg_catalog.>) $1 AND a.assessed_on OPERATOR(pg_catalog.<=) $2)
           OR (a.valid_until OPERATOR(pg_catalog.>) $1 AND a.valid_until OPERATOR(pg_catalog.<=) $2))
    UNION
    SELECT g.supplier_id, g.member_state, true FROM @extschema@.designation g
    WHERE $1 OPERATOR(pg_catalog.<) $2 AND g.decided_on OPERATOR(pg_catalog.>) $1 AND g.decided_on OPERATOR(pg_catalog.<=) $2
    UNION
    SELECT s.supplier_id, sup.owner, sup.risk FROM @extschema@.supplier s JOIN sup ON s.parent_supplier_id OPERATOR(pg_catalog.=) sup.supplier_id
  )
  SELECT (SELECT pg_catalog.array_agg(DISTINCT d.supplier_id ORDER BY d.supplier_id) FROM sup d),
         (SELECT pg_catalog.array_agg(DISTINCT x.k ORDER BY x.k) FROM (
            SELECT c.k FROM pg_catalog.unnest($5) c(k)
            UNION ALL
            SELECT e.sector_code OPERATOR(pg_catalog.||) ':' OPERATOR(pg_catalog.||) e.member_state
            FROM sup d
            JOIN @extschema@.supply s ON s.supplier_id OPERATOR(pg_catalog.=) d.supplier_id  -- (by index)
            JOIN @extschema@.entity e ON e.entity_id OPERATOR(pg_catalog.=) s.entity_id
            WHERE NOT d.risk AND (d.owner IS NULL OR e.member_state OPERATOR(pg_catalog.=) d.owner)
            UNION ALL
            SELECT e.sector_code OPERATOR(pg_catalog.||) ':' OPERATOR(pg_catalog.||) e.member_state
            FROM @extschema@.supply s JOIN @extschema@.entity e ON e.entity_id OPERATOR(pg_catalog.=) s.entity_id
            WHERE $1 OPERATOR(pg_catalog.<) $2
              AND ((s.valid_from OPERATOR(pg_catalog.>) $1 AND s.valid_from OPERATOR(pg_catalog.<=) $2)
                   OR (s.valid_to OPERATOR(pg_catalog.>) $1 AND s.valid_to OPERATOR(pg_catalog.<=) $2))) x),
         (SELECT pg_catalog.array_agg(DISTINCT d.supplier_id::pg_catalog.text OPERATOR(pg_catalog.||) ':' OPERATOR(pg_catalog.||) COALESCE(d.owner, ''))
          FROM sup d WHERE d.risk)
$$;
COMMENT ON FUNCTION @extschema@.refresh_find_stale(date, date, bigint[], boolean, text[], text[], bigint[], text[]) IS 'Internal step of refresh() (incremental): the suppliers to score again (changed, and those they control; not scored yet after suppliers were added; assessments or designations that began or ended between since and as_of), the stale ''<sector>:<member state>'' keys (named; supplied by a supplier changed otherwise than in its risk, in every member state for an EU-wide change and in the owner''s only for a change a member state owns; or whose supply validity began or ended between since and as_of), and the ''<supplier>:<owner>'' pairs (owner empty: EU-wide) whose risk alone changed (risk_suppliers, risk_owned, assessments and designations that began or ended, and the suppliers they control), whose rows refresh_reweight re-weights.';

-- The suppliers' scores the rows are computed with, kept for the incremental refreshes after
-- this one: every supplier's (suppliers NULL: a full refresh), or those to score again (a deleted
-- supplier's row goes).
CREATE OR REPLACE FUNCTION @extschema@.refresh_score_suppliers(as_of date, methodology text, suppliers bigint[]) RETURNS void
LANGUAGE sql VOLATILE AS $$
  DELETE FROM @extschema@.supplier_rollup c WHERE $3 IS NULL OR c.supplier_id OPERATOR(pg_catalog.=) ANY ($3);
  INSERT INTO @extschema@.supplier_rollup
  SELECT * FROM @extschema@.supplier_risk_rows($1, $2, $3) x;
$$;
COMMENT ON FUNCTION @extschema@.refresh_score_suppliers(date, text, bigint[]) IS 'Internal step of refresh(): stores in supplier_rollup the risk of these suppliers (NULL: every supplier, replacing all rows) at as_of under methodology.';

-- Full: every row computed into the stage table (CREATE TABLE AS may use parallel query,
-- INSERT ... SELECT may not), then swapped in: readers see the previous rollups until the
-- transaction commits. The function rows (sector_code NULL) stay in the stage for
-- refresh_publish_function_rows. Returns the sector rows written.
CREATE OR REPLACE FUNCTION @extschema@.refresh_recompute_full(federated boolean, as_of date, methodology text) RETURNS bigint
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp AS $$
DECLARE n bigint;
BEGIN
  CREATE TEMP TABLE supplyrisk_refresh_stage ON COMMIT DROP AS
    SELECT * FROM @extschema@.sector_stats_full(federated => federated, stored_scores => NOT federated, as_of => as_of,
                                                methodology => CASE WHEN NOT federated THEN methodology END);
  DELETE FROM @extschema@.sector_rollup;
  INSERT INTO @extschema@.sector_rollup SELECT * FROM pg_temp.supplyrisk_refresh_stage x WHERE x.sector_code IS NOT NULL;
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n;
END
$$;
COMMENT ON FUNCTION @extschema@.refresh_recompute_full(boolean, date, text) IS 'Internal step of refresh() (full): computes every rollup row into the stage table and replaces sector_rollup''s rows with its sector rows; returns their number.';

-- Incremental: the stale member-state rows, computed from the supply by the same code, scoped;
-- then their sectors' EU-wide rows and the function rows of the functions they supply (before
-- or after) merged again from the states in the rollups, in one pass; the function rows stay
-- in the stage for refresh_publish_function_rows. Returns the rows removed and added and the
-- functions recomputed.
CREATE OR REPLACE FUNCTION @extschema@.refresh_recompute_stale(as_of date, methodology text, stale_keys text[],
                                                    OUT removed bigint, OUT added bigint, OUT functions text[])
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  secs text[] := @extschema@.scope_part(stale_keys, 1);
  n bigint;
BEGIN
  CREATE TEMP TABLE supplyrisk_refresh_stage ON COMMIT DROP AS
    SELECT * FROM @extschema@.sector_stats_scoped(as_of => as_of, methodology => methodology, scope => stale_keys);
  WITH gone_rows AS (
    DELETE FROM @extschema@.sector_rollup r  -- (by the index on the sector)
    WHERE r.sector_code OPERATOR(pg_catalog.=) ANY (secs) AND r.member_state IS NOT NULL
      AND (r.sector_code OPERATOR(pg_catalog.||) ':' OPERATOR(pg_catalog.||) r.member_state) OPERATOR(pg_catalog.=) ANY (stale_keys)
    RETURNING r.function_code)
  SELECT pg_catalog.count(*), pg_catalog.array_agg(DISTINCT g.function_code) FILTER (WHERE g.function_code IS NOT NULL)
  INTO removed, functions FROM gone_rows g;
  INSERT INTO @extschema@.sector_rollup SELECT * FROM pg_temp.supplyrisk_refresh_stage;
  GET DIAGNOSTICS added = ROW_COUNT;
  functions := ARRAY(SELECT f FROM pg_catalog.unnest(functions) f UNION
                     SELECT x.function_code FROM pg_temp.supplyrisk_refresh_stage x WHERE x.function_code IS NOT NULL);
  DROP TABLE pg_temp.supplyrisk_refresh_stage;
  CREATE TEMP TABLE supplyrisk_refresh_stage ON COMMIT DROP AS
    SELECT * FROM @extschema@.sector_stats_remerged(as_of => as_of, methodology => methodology, scope => stale_keys,
                                                    function_scope => functions);
  DELETE FROM @extschema@.sector_rollup r WHERE r.member_state IS NULL AND r.sector_code OPERATOR(pg_catalog.=) ANY (secs);
  GET DIAGNOSTICS n = ROW_COUNT;
  removed := removed OPERATOR(pg_catalog.+) n;
  INSERT INTO @extschema@.sector_rollup SELECT * FROM pg_temp.supplyrisk_refresh_stage x WHERE x.sector_code IS NOT NULL;
  GET DIAGNOSTICS n = ROW_COUNT;
  added := added OPERATOR(pg_catalog.+) n;
END
$$;
COMMENT ON FUNCTION @extschema@.refresh_recompute_stale(date, text, text[]) IS 'Internal step of refresh() (incremental): recomputes the stale member-state rows from the supply with the stored scores, merges their sectors'' EU-wide rows and their functions'' rows again from the rollups, and returns the sector rows removed and added and the functions recomputed.';

-- The function rows of the stage (all: functions NULL, or those of the functions recomputed, of
-- these member states and EU-wide), with the number of sectors each function is supplied in.
CREATE OR REPLACE FUNCTION @extschema@.refresh_publish_function_rows(functions text[], member_states text[]) RETURNS void
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp AS $$
BEGIN  -- (plpgsql: the stage table exists only while refresh() runs)
  DELETE FROM @extschema@.function_rollup r
  WHERE functions IS NULL
     OR (r.function_code OPERATOR(pg_catalog.=) ANY (functions)
         AND (r.member_state IS NULL OR r.member_state OPERATOR(pg_catalog.=) ANY (member_states)));
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
               AND (functions IS NULL
                    OR (r.function_code OPERATOR(pg_catalog.=) ANY (functions)
                        AND (r.member_state IS NULL OR r.member_state OPERATOR(pg_catalog.=) ANY (member_states))))
             GROUP BY 1, 2) c
    ON c.function_code OPERATOR(pg_catalog.=) x.function_code AND c.ms OPERATOR(pg_catalog.=) COALESCE(x.member_state, '')
  WHERE x.sector_code IS NULL;
  DROP TABLE pg_temp.supplyrisk_refresh_stage;
END
$$;
COMMENT ON FUNCTION @extschema@.refresh_publish_function_rows(text[], text[]) IS 'Internal step of refresh(): replaces the function rows of function_rollup (all when functions is NULL; else those of these functions, of these member states and EU-wide) by the stage table''s, with the number of sectors each function is supplied in, and drops the stage.';

-- The per-entity rollups (entity_rollup, entity_deep_rollup): every row (stale_keys NULL) or
-- those of the entities of the stale keys, recomputed from the supply with the stored scores by
-- the views' own computation; a coordinator has no entities of its own (none). Returns the rows
-- written.
CREATE OR REPLACE FUNCTION @extschema@.refresh_entity_rows(as_of date, methodology text, stale_keys text[], federated boolean,
                                                           changed_suppliers bigint[] DEFAULT NULL) RETURNS bigint
LANGUAGE plpgsql VOLATILE SET search_path = pg_catalog, pg_temp AS $$
DECLARE n bigint; m bigint; deep_keys text[] := stale_keys;
BEGIN
  IF stale_keys IS NOT NULL AND changed_suppliers IS NOT NULL THEN
    -- the deep rows naming a changed supplier among their hidden reliances (a rename) too
    deep_keys := ARRAY(SELECT k FROM pg_catalog.unnest(stale_keys) k
                       UNION
                       SELECT r.sector_code OPERATOR(pg_catalog.||) ':' OPERATOR(pg_catalog.||) r.member_state
                       FROM @extschema@.entity_deep_rollup r WHERE r.hidden_group_ids OPERATOR(pg_catalog.&&) changed_suppliers);
  END IF;
  IF stale_keys IS NULL THEN
    DELETE FROM @extschema@.entity_rollup;
    DELETE FROM @extschema@.entity_deep_rollup;
  ELSE  -- (each key by the index on sector and member state; an entity that moved is stale under both keys)
    DELETE FROM @extschema@.entity_rollup r
    USING (SELECT DISTINCT pg_catalog.split_part(k, ':', 1) AS sc, pg_catalog.split_part(k, ':', 2) AS ms FROM pg_catalog.unnest(stale_keys) k) k
    WHERE r.sector_code OPERATOR(pg_catalog.=) k.sc AND r.member_state OPERATOR(pg_catalog.=) k.ms;
    DELETE FROM @extschema@.entity_deep_rollup r
    USING (SELECT DISTINCT pg_catalog.split_part(k, ':', 1) AS sc, pg_catalog.split_part(k, ':', 2) AS ms FROM pg_catalog.unnest(deep_keys) k) k
    WHERE r.sector_code OPERATOR(pg_catalog.=) k.sc AND r.member_state OPERATOR(pg_catalog.=) k.ms;
  END IF;
  IF federated THEN
    RETURN 0;
  END IF;
  -- computed into stage tables first (CREATE TABLE AS may use parallel query, INSERT ... SELECT
  -- may not), then inserted
  CREATE TEMP TABLE supplyrisk_entity_stage ON COMMIT DROP AS
    SELECT * FROM @extschema@.entity_exposure_compute(as_of => as_of, methodology => methodology, scope => stale_keys, stored_scores => true);
  INSERT INTO @extschema@.entity_rollup SELECT * FROM pg_temp.supplyrisk_entity_stage;
  GET DIAGNOSTICS n = ROW_COUNT;
  DROP TABLE pg_temp.supplyrisk_entity_stage;
  CREATE TEMP TABLE supplyrisk_entity_stage ON COMMIT DROP AS
    SELECT * FROM @extschema@.entity_deep_compute(as_of => as_of, max_depth => 6, scope => deep_keys);
  INSERT INTO @extschema@.entity_deep_rollup SELECT * FROM pg_temp.supplyrisk_entity_stage;
  GET DIAGNOSTICS m = ROW_COUNT;
  DROP TABLE pg_temp.supplyrisk_entity_stage;
  RETURN n OPERATOR(pg_catalog.+) m;
END
$$;
COMMENT ON FUNCTION @extschema@.refresh_entity_rows(date, text, text[], boolean, bigint[]) IS 'Internal step of refresh(): replaces the per-entity rollups (entity_rollup, entity_deep_rollup) — all of them (stale_keys NULL), or those of the entities of the stale <sector>:<member state> keys (deep rows: and of those naming one of changed_suppliers among their hidden reliances) — by rows computed from the supply with the scores stored in supplier_rollup (none on a federation coordinator); returns the rows written.';

CREATE OR REPLACE PROCEDURE @extschema@.refresh(skip_unreachable boolean DEFAULT false, full boolean DEFAULT false)
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  started   timestamptz := pg_catalog.clock_timestamp();
  as_of     date := CURRENT_DATE;
  meth      text := @extschema@.methodology_name(NULL);
  federated boolean := EXISTS (SELECT 1 FROM @extschema@.federation_member);
  last      record;      -- the previous refresh
  changes   record;      -- refresh_take_changes
  stale_suppliers bigint[];  -- refresh_find_stale: the suppliers to score again
  stale_keys text[];         -- and the stale member-state rows
  reweight  text[];          -- and the '<supplier>:<owner>' pairs whose risk alone changed
  reweighted bigint := 0;  -- refresh_reweight: member-state function rows re-weighted
  logged_mode text;      -- full, incremental, or reweight (incremental, no row recomputed)
  score_all boolean := false;  -- the methodology in use changed: every supplier scored again, every row re-weighted
  recomputed record;     -- refresh_recompute_stale
  mode      text;
  planner   text[];      -- the settings before refresh_planner_settings
  stale_members text[];  -- a coordinator's members skipped as unreachable
  rows_now  bigint;
BEGIN
  -- one refresh at a time; readers (ACCESS SHARE) and supply writers are not blocked
  LOCK TABLE @extschema@.sector_rollup IN SHARE ROW EXCLUSIVE MODE;
  SELECT r.* INTO last FROM @extschema@.rollup_refresh r ORDER BY r.refresh_id DESC LIMIT 1;
  changes := @extschema@.refresh_take_changes();
  mode := @extschema@.refresh_mode(forced_full => refresh.full, federated => federated, everything => changes.everything,
                                   as_of => as_of, methodology => meth);
  planner := @extschema@.refresh_planner_settings(mode => mode);
  -- the methodology in use changed (its weights, bands, threshold, cap): risk alone changed, everywhere
  IF mode OPERATOR(pg_catalog.=) 'incremental' AND meth OPERATOR(pg_catalog.=) ANY (changes.methodologies) THEN
    score_all := true;
  END IF;

  IF mode OPERATOR(pg_catalog.=) 'incremental' AND (changes.changes OPERATOR(pg_catalog.>) 0 OR last.as_of OPERATOR(pg_catalog.<) as_of) THEN
    SELECT x.suppliers, x.stale_keys, x.reweight INTO stale_suppliers, stale_keys, reweight
    FROM @extschema@.refresh_find_stale(since => last.as_of, as_of => as_of, changed_suppliers => changes.suppliers,
                                        suppliers_added => changes.suppliers_added, named_keys => changes.stale_keys,
                                        owned_changes => changes.owned_suppliers, risk_suppliers => changes.risk_suppliers,
                                        risk_owned => changes.risk_owned) x;
    IF score_all THEN
      reweight := ARRAY['*'];
    END IF;
    -- (rows without a supplier mix cannot be re-weighted: they are recomputed instead; none after
    -- a refresh by this version)
    IF reweight IS NOT NULL THEN
      stale_keys := ARRAY(SELECT k FROM pg_catalog.unnest(stale_keys) k
                          UNION
                          SELECT DISTINCT r.sector_code OPERATOR(pg_catalog.||) ':' OPERATOR(pg_catalog.||) r.member_state
                          FROM @extschema@.sector_rollup r
                          WHERE r.member_state IS NOT NULL AND r.function_code IS NOT NULL AND r.supplier_mix IS NULL);
      IF pg_catalog.cardinality(stale_keys) OPERATOR(pg_catalog.=) 0 THEN
        stale_keys := NULL;
      END IF;
    END IF;
  END IF;
  -- scored before a coordinator's pull, so always under this database's methodology (a
  -- coordinator scores nothing: its rows are the members')
  IF NOT federated AND (mode OPERATOR(pg_catalog.=) 'full' OR stale_suppliers IS NOT NULL OR score_all) THEN
    PERFORM @extschema@.refresh_score_suppliers(as_of => as_of, methodology => meth,
                                                suppliers => CASE WHEN mode OPERATOR(pg_catalog.=) 'incremental' AND NOT score_all THEN stale_suppliers END);
  ELSIF federated THEN
    DELETE FROM @extschema@.supplier_rollup;
  END IF;
  IF federated THEN
    -- a coordinator: the members' states, pulled now (the methodology is the members')
    stale_members := @extschema@.federation_pull(false, skip_unreachable);
    SELECT pg_catalog.string_agg(DISTINCT f.last_methodology, ', ' ORDER BY f.last_methodology) INTO meth
    FROM @extschema@.federation_member f;
  END IF;

  IF mode OPERATOR(pg_catalog.=) 'full' THEN
    rows_now := @extschema@.refresh_recompute_full(federated => federated, as_of => as_of, methodology => meth);
    PERFORM @extschema@.refresh_publish_function_rows(functions => NULL, member_states => NULL);
    PERFORM @extschema@.refresh_entity_rows(as_of => as_of, methodology => meth, stale_keys => NULL, federated => federated);
  ELSE
    rows_now := last.rollup_rows;
    IF stale_keys IS NOT NULL THEN
      recomputed := @extschema@.refresh_recompute_stale(as_of => as_of, methodology => meth, stale_keys => stale_keys);
      PERFORM @extschema@.refresh_publish_function_rows(functions => recomputed.functions,
                                                        member_states => @extschema@.scope_part(stale_keys, 2));
      -- (the suppliers changed EU-wide: a rename; a member state's own change stays in its rows)
      PERFORM @extschema@.refresh_entity_rows(as_of => as_of, methodology => meth, stale_keys => stale_keys, federated => false,
                                              changed_suppliers => changes.suppliers);
      rows_now := last.rollup_rows OPERATOR(pg_catalog.-) recomputed.removed OPERATOR(pg_catalog.+) recomputed.added;
    END IF;
    -- after the recomputation: the rows it did not recompute, and every row above them
    IF reweight IS NOT NULL THEN
      SELECT x.rows_reweighted INTO reweighted
      FROM @extschema@.refresh_reweight(as_of => as_of, methodology => meth, reweight => reweight, stale_keys => stale_keys) x;
    END IF;
  END IF;
  logged_mode := CASE WHEN mode OPERATOR(pg_catalog.=) 'incremental' AND stale_keys IS NULL AND reweight IS NOT NULL THEN 'reweight' ELSE mode END;

  PERFORM @extschema@.refresh_planner_settings(mode => mode, restore => planner);
  INSERT INTO @extschema@.rollup_refresh (started_at, finished_at, as_of, methodology, rollup_rows, stale_members, mode, recomputed, version,
                                          reweighted)
  VALUES (started, pg_catalog.clock_timestamp(), as_of, COALESCE(meth, @extschema@.methodology_name(NULL)), rows_now, stale_members, logged_mode,
          CASE WHEN mode OPERATOR(pg_catalog.=) 'incremental' THEN COALESCE(pg_catalog.cardinality(stale_keys), 0) END,
          @extschema@.version(),
          CASE WHEN mode OPERATOR(pg_catalog.=) 'incremental' THEN reweighted END);
  -- the log keeps the last 100 refreshes
  DELETE FROM @extschema@.rollup_refresh
  WHERE refresh_id OPERATOR(pg_catalog.<=) (SELECT pg_catalog.max(r.refresh_id) OPERATOR(pg_catalog.-) 100
                                            FROM @extschema@.rollup_refresh r);
END
$$;
COMMENT ON PROCEDURE @extschema@.refresh(boolean, boolean) IS
  'Rebuilds the rollups (sector_rollup) in one transaction: dashboards keep reading the previous rollups until it commits; concurrent refreshes wait for each other. Incremental when it can (same version, methodology and contract tracking: only the member-state rows that rollup_change names, and those whose supply, assessments or designations began or ended since the rollups'' date, are recomputed from the supply with the same code, with the suppliers'' scores stored in supplier_rollup (only the suppliers added or changed are scored again), and their sectors'' EU-wide rows and their functions'' rows merged again from the stored states; a change of suppliers'' risk alone, or of the methodology in use, re-weights the rows instead, mode reweight); full otherwise (a TRUNCATE of a tracked table, another version or methodology) or with full => true. On a federation coordinator, from every member''s states, pulled now (a member that cannot be pulled fails the refresh, or with skip_unreachable is marked stale and keeps its states of the last pull).';

