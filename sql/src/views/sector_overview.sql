-- sector_overview and its building blocks: the rows of the dashboard views, live or
-- from the rollups.

-- The source of the dashboard rows: live when asked, otherwise the rollups once
-- refresh() has run (live before the first refresh). Each branch carries a
-- one-time filter, so only one of them is executed.
CREATE OR REPLACE FUNCTION @extschema@.sector_stats_source(live boolean, as_of date DEFAULT CURRENT_DATE, methodology text DEFAULT NULL,
                                                functions boolean DEFAULT true)
RETURNS SETOF @extschema@.sector_rollup
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT r.* FROM @extschema@.sector_rollup r
  WHERE NOT $1 AND ($4 OR r.function_code IS NULL) AND EXISTS (SELECT 1 FROM @extschema@.rollup_refresh)
  UNION ALL
  SELECT x.* FROM @extschema@.sector_stats_at($2, $3, $4) x
  WHERE $1 OR NOT EXISTS (SELECT 1 FROM @extschema@.rollup_refresh)
$$;
COMMENT ON FUNCTION @extschema@.sector_stats_source(boolean, date, text, boolean) IS
  'Rows of sector_stats_at (functions false: the all-functions rows only): computed live when live is true; otherwise read from the rollups of the last refresh() (computed live, for today, until the first refresh).';

-- What the dashboard views read: sector_stats_source's rows (for one sector, or all) chosen in
-- PL/pgSQL, so that only the branch that runs is planned. (As one SQL query the live branch
-- was planned on every read of the rollups, and its cost made the planner JIT-compile the
-- whole plan: 270 ms instead of 15 ms at 1M supply rows.)
-- How current the rows a dashboard view reads are (issue 28.5): computed now when live (or before
-- the first refresh); else when the last refresh finished, stale when its date has passed or a
-- change it does not hold is recorded (rollup_change, as far as the reader may see it).
CREATE OR REPLACE FUNCTION @extschema@.rollup_freshness(live boolean, OUT computed_at timestamptz, OUT stale boolean)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN $1 OR r.finished_at IS NULL THEN pg_catalog.now() ELSE r.finished_at END,
         CASE WHEN $1 OR r.finished_at IS NULL THEN false
              ELSE r.as_of OPERATOR(pg_catalog.<) CURRENT_DATE OR EXISTS (SELECT 1 FROM @extschema@.rollup_change c) END
  FROM (SELECT 1) one
  LEFT JOIN (SELECT x.finished_at, x.as_of FROM @extschema@.rollup_refresh x ORDER BY x.refresh_id DESC LIMIT 1) r ON true
$$;
COMMENT ON FUNCTION @extschema@.rollup_freshness(boolean) IS
  'Internal: computed_at and stale of the rollup-backed views: now and false when computed live (or before the first refresh); else when the last refresh() finished, and whether its date has passed or a change it does not hold is recorded.';

CREATE OR REPLACE FUNCTION @extschema@.sector_stats_read(live boolean, as_of date, methodology text, functions boolean, sector text)
RETURNS SETOF @extschema@.sector_rollup
LANGUAGE plpgsql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp
-- planned for the values of each call, never a cached generic plan: the live rows come from
-- the same plan as refresh()'s, to the last bit (a generic plan sums in another order)
SET plan_cache_mode = force_custom_plan AS $$
BEGIN
  IF live OR NOT EXISTS (SELECT 1 FROM @extschema@.rollup_refresh) THEN
    -- the computation refresh() runs, whole (OFFSET 0: the sector filter is not pushed into it)
    RETURN QUERY SELECT x.* FROM (SELECT y.* FROM @extschema@.sector_stats_at(as_of, methodology, functions) y OFFSET 0) x
                 WHERE sector IS NULL OR x.sector_code OPERATOR(pg_catalog.=) sector;
  ELSE
    RETURN QUERY SELECT r.* FROM @extschema@.sector_rollup r
                 WHERE (functions OR r.function_code IS NULL) AND (sector IS NULL OR r.sector_code OPERATOR(pg_catalog.=) sector);
  END IF;
END
$$;
COMMENT ON FUNCTION @extschema@.sector_stats_read(boolean, date, text, boolean, text) IS
  'The rows of sector_stats_source for one sector (NULL: all), the branch chosen before planning: what sector_overview and the sector views read.';

-- one sector, per member state (NULL = EU-wide, the merge of the member states) and ICT function
CREATE OR REPLACE FUNCTION @extschema@.sector_function_rows(sector text, live boolean, as_of date DEFAULT CURRENT_DATE, methodology text DEFAULT NULL)
RETURNS SETOF @extschema@.sector_function_row
LANGUAGE sql STABLE PARALLEL SAFE AS $$
SELECT r.member_state, COALESCE(r.member_state, 'EU'), r.function_code, fn.name, fn.criticality, r.entities, r.suppliers, r.hhi, r.cr1, r.cr4,
       r.effective_suppliers, r.hrv_share, r.unassessed_share, r.non_eu_share, r.country_hhi, r.top_suppliers, r.single_sourced,
       r.contract_gap_edges, f.computed_at, f.stale
FROM @extschema@.sector_stats_read($2, $3, $4, true, $1) r
JOIN @extschema@.ict_function fn ON fn.code OPERATOR(pg_catalog.=) r.function_code
CROSS JOIN @extschema@.rollup_freshness($2) f
$$;
COMMENT ON FUNCTION @extschema@.sector_function_rows(text, boolean, date, text) IS
  'The rows of a sector_<code> view, live or from the rollups (see sector_stats_read).';

CREATE OR REPLACE FUNCTION @extschema@.sector_function_overview(sector text, as_of date DEFAULT CURRENT_DATE, methodology text DEFAULT NULL)
RETURNS SETOF @extschema@.sector_function_row
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT * FROM @extschema@.sector_function_rows($1, true, $2, $3)
$$;
COMMENT ON FUNCTION @extschema@.sector_function_overview(text, date, text) IS
  'The rows of a sector_<code> view for any sector, date and methodology, computed live.';

CREATE OR REPLACE FUNCTION @extschema@.sector_overview_rows(live boolean, as_of date DEFAULT CURRENT_DATE, methodology text DEFAULT NULL)
RETURNS TABLE (sector_code text, sector_name text, member_state text, area text, entities bigint, suppliers integer, hhi float8,
               cr4 float8, effective_suppliers float8, country_hhi float8, hrv_share float8, unassessed_share float8,
               hrv_share_critical float8, non_eu_share float8, single_supplier_critical bigint, mean_risk float8,
               concentration_level text, contract_gap_edges bigint, computed_at timestamptz, stale boolean)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
SELECT r.sector_code, s.name, r.member_state, COALESCE(r.member_state, 'EU'), r.entities, r.suppliers, r.hhi, r.cr4, r.effective_suppliers,
       r.country_hhi, r.hrv_share, r.unassessed_share, r.hrv_share_critical, r.non_eu_share, r.single_sourced_critical, r.mean_risk,
       r.concentration_level, r.contract_gap_edges, f.computed_at, f.stale
FROM @extschema@.sector_stats_read($1, $2, $3, false, NULL) r
JOIN @extschema@.sector s ON s.code OPERATOR(pg_catalog.=) r.sector_code
CROSS JOIN @extschema@.rollup_freshness($1) f
WHERE r.function_code IS NULL
$$;
COMMENT ON FUNCTION @extschema@.sector_overview_rows(boolean, date, text) IS
  'The rows of sector_overview, live or from the rollups (see sector_stats_read).';

CREATE OR REPLACE VIEW @extschema@.sector_overview WITH (security_invoker = true) AS
  SELECT * FROM @extschema@.sector_overview_rows(false, CURRENT_DATE, NULL);
COMMENT ON VIEW @extschema@.sector_overview IS 'Per NIS2 sector: a row per member state and an EU-wide row (member_state NULL, the merge of the member states). Read from the rollups of the last refresh() (see rollup_status); computed live for today until the first refresh.';
COMMENT ON COLUMN @extschema@.sector_overview.sector_code IS 'NIS2 sector.';
COMMENT ON COLUMN @extschema@.sector_overview.sector_name IS 'Sector name.';
COMMENT ON COLUMN @extschema@.sector_overview.member_state IS 'Member state; NULL for the EU-wide row.';
COMMENT ON COLUMN @extschema@.sector_overview.area IS 'Where the row is: the member state''s code, or EU for the EU-wide row (member_state NULL), so a BI filter needs no IS NULL.';
COMMENT ON COLUMN @extschema@.sector_overview.entities IS 'Entities of the sector registered in the member state (EU-wide: all).';
COMMENT ON COLUMN @extschema@.sector_overview.suppliers IS 'Distinct supplier groups in the supply.';
COMMENT ON COLUMN @extschema@.sector_overview.hhi IS 'HHI (0..10000) of the supply pooled over the sector''s entities and functions, per supplier group.';
COMMENT ON COLUMN @extschema@.sector_overview.cr4 IS 'Share (0..1) of the four largest supplier groups.';
COMMENT ON COLUMN @extschema@.sector_overview.effective_suppliers IS 'Numbers equivalent 10000/HHI.';
COMMENT ON COLUMN @extschema@.sector_overview.country_hhi IS 'HHI of the supply by the headquarters country of the supplier group.';
COMMENT ON COLUMN @extschema@.sector_overview.hrv_share IS 'Share (0..1) of the supply weight from high-risk suppliers.';
COMMENT ON COLUMN @extschema@.sector_overview.unassessed_share IS 'Share (0..1) of the supply weight from unassessed suppliers (coverage below the methodology''s min_coverage). Not part of hrv_share: an unassessed supplier counts there only when it is high-risk by a designation or by its controller; this share is the weight whose risk is unknown.';
COMMENT ON COLUMN @extschema@.sector_overview.hrv_share_critical IS 'The same over critical and sensitive ICT functions only.';
COMMENT ON COLUMN @extschema@.sector_overview.non_eu_share IS 'Share (0..1) of the supply from supplier groups headquartered outside the EU.';
COMMENT ON COLUMN @extschema@.sector_overview.single_supplier_critical IS 'Entity and function pairs (critical or sensitive functions) served by a single supplier group.';
COMMENT ON COLUMN @extschema@.sector_overview.mean_risk IS 'Supply-weighted mean risk_score (0..100) of the suppliers.';
COMMENT ON COLUMN @extschema@.sector_overview.concentration_level IS 'Band of hhi under the EU 2004 guidelines (low, moderate, high).';
COMMENT ON COLUMN @extschema@.sector_overview.computed_at IS 'When the row was computed: the end of the last refresh() (now when computed live), so a dashboard can say "as of".';
COMMENT ON COLUMN @extschema@.sector_overview.stale IS 'True when the row may be out of date: the last refresh''s date has passed or a change is recorded that it does not hold (rollup_status.outdated).';
COMMENT ON COLUMN @extschema@.sector_overview.contract_gap_edges IS 'Critical or sensitive supply edges (entity, supplier, function) whose contracts miss a clause of point 5.1.4 (contract_gaps); NULL while no contract check is recorded.';

CREATE OR REPLACE FUNCTION @extschema@.sector_overview_at(as_of date DEFAULT CURRENT_DATE, methodology text DEFAULT NULL)
RETURNS SETOF @extschema@.sector_overview  -- the view's row type
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT * FROM @extschema@.sector_overview_rows(true, $1, $2)
$$;
COMMENT ON FUNCTION @extschema@.sector_overview_at(date, text) IS 'The rows of sector_overview for any date and methodology, computed live.';
