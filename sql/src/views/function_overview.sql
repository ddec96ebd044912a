-- Cross-sector concentration (issue 18): function_overview (per ICT function, every sector
-- pooled), assessment_overview (the scope of a coordinated risk assessment), and the function
-- rows of the snapshots (function_trend).

-- The function rows of sector_stats_compute for a date and methodology, computed live, with the
-- number of sectors each function is supplied in (what refresh() writes into function_rollup).
CREATE OR REPLACE FUNCTION @extschema@.function_stats_at(as_of date DEFAULT CURRENT_DATE, methodology text DEFAULT NULL)
RETURNS SETOF @extschema@.function_rollup
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  WITH x AS MATERIALIZED (  -- one computation: the function rows and the sector rows they are counted in
    SELECT y.* FROM @extschema@.sector_stats_compute(source => 'supply', levels => 'sector_and_function', stored_scores => false,
                                                      as_of => $1, methodology => $2) y
    WHERE y.function_code IS NOT NULL
  )
  SELECT x.function_code, x.member_state, COALESCE(c.n, 0)::integer, x.group_mix, x.country_mix, x.entities, x.single_sourced,
         x.single_sourced_critical, x.weight, x.hrv_weight, x.weight_critical, x.hrv_weight_critical, x.risk_weight,
         x.suppliers, x.hhi, x.cr1, x.cr4, x.effective_suppliers, x.country_hhi, x.hrv_share, x.hrv_share_critical,
         x.non_eu_share, x.mean_risk, x.concentration_level, x.top_suppliers, x.unassessed_weight, x.unassessed_share,
         x.contract_gap_edges
  FROM x
  LEFT JOIN (SELECT s.function_code, COALESCE(s.member_state, '') AS ms, pg_catalog.count(*) AS n
             FROM x s WHERE s.sector_code IS NOT NULL GROUP BY 1, 2) c
    ON c.function_code OPERATOR(pg_catalog.=) x.function_code AND c.ms OPERATOR(pg_catalog.=) COALESCE(x.member_state, '')
  WHERE x.sector_code IS NULL
$$;
COMMENT ON FUNCTION @extschema@.function_stats_at(date, text) IS
  'Statistics per ICT function and member state (NULL: EU-wide), every sector pooled, from the supply valid at as_of: the function rows of sector_stats_compute (the same pass as the sector rows) with the number of sectors each function is supplied in. What refresh() stores in function_rollup.';

-- What function_overview and assessment_overview read: the rollups once refresh() has run,
-- else (or when live) the live computation; the branch is chosen before planning (see
-- sector_stats_read).
CREATE OR REPLACE FUNCTION @extschema@.function_stats_read(live boolean, as_of date DEFAULT CURRENT_DATE, methodology text DEFAULT NULL,
                                                functions text[] DEFAULT NULL, eu_only boolean DEFAULT false)
RETURNS SETOF @extschema@.function_rollup
LANGUAGE plpgsql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp
SET plan_cache_mode = force_custom_plan AS $$
BEGIN
  -- live too while the rollups hold no function row (refreshed before 0.2.0, or no supply)
  IF live OR NOT EXISTS (SELECT 1 FROM @extschema@.rollup_refresh) OR NOT EXISTS (SELECT 1 FROM @extschema@.function_rollup) THEN
    RETURN QUERY SELECT x.* FROM @extschema@.function_stats_at(as_of, methodology) x
                 WHERE (functions IS NULL OR x.function_code OPERATOR(pg_catalog.=) ANY (functions)) AND (NOT eu_only OR x.member_state IS NULL);
  ELSE  -- (some functions, or the EU-wide rows: by function_rollup_unique)
    RETURN QUERY SELECT r.* FROM @extschema@.function_rollup r
                 WHERE (functions IS NULL OR r.function_code OPERATOR(pg_catalog.=) ANY (functions)) AND (NOT eu_only OR r.member_state IS NULL);
  END IF;
END
$$;
COMMENT ON FUNCTION @extschema@.function_stats_read(boolean, date, text, text[], boolean) IS
  'The function rows (of some functions, NULL: all; eu_only: the EU-wide rows only): from the rollups of the last refresh() (function_rollup), or computed live (function_stats_at) when live is true, before the first refresh, or while function_rollup is empty (rollups refreshed before 0.2.0).';

CREATE OR REPLACE FUNCTION @extschema@.function_overview_rows(live boolean, as_of date DEFAULT CURRENT_DATE, methodology text DEFAULT NULL)
RETURNS TABLE (function_code text, function_name text, criticality text, member_state text, area text, sectors integer,
               entities bigint, suppliers integer, hhi float8, cr1 float8, cr4 float8, effective_suppliers float8,
               hrv_share float8, unassessed_share float8, non_eu_share float8, country_hhi float8, top_suppliers text,
               single_supplier_entities bigint, concentration_level text, contract_gap_edges bigint,
               computed_at timestamptz, stale boolean)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
SELECT r.function_code, fn.name, fn.criticality, r.member_state, COALESCE(r.member_state, 'EU'), r.sectors, r.entities, r.suppliers, r.hhi, r.cr1, r.cr4,
       r.effective_suppliers, r.hrv_share, r.unassessed_share, r.non_eu_share, r.country_hhi, r.top_suppliers,
       r.single_sourced, r.concentration_level, r.contract_gap_edges, f.computed_at, f.stale
FROM @extschema@.function_stats_read($1, $2, $3) r
JOIN @extschema@.ict_function fn ON fn.code OPERATOR(pg_catalog.=) r.function_code
CROSS JOIN @extschema@.rollup_freshness($1 OR NOT EXISTS (SELECT 1 FROM @extschema@.function_rollup)) f
$$;
COMMENT ON FUNCTION @extschema@.function_overview_rows(boolean, date, text) IS
  'The rows of function_overview, live or from the rollups (see function_stats_read).';

CREATE OR REPLACE VIEW @extschema@.function_overview WITH (security_invoker = true) AS
  SELECT * FROM @extschema@.function_overview_rows(false, CURRENT_DATE, NULL);
COMMENT ON VIEW @extschema@.function_overview IS 'Per ICT function, every sector pooled: a row per member state and an EU-wide row (member_state NULL). The systemic view: the same supplier group behind a function in many sectors at once. Read from the rollups of the last refresh() (function_rollup); computed live for today until the first refresh.';
DO $cm$
DECLARE c record;
BEGIN
  FOR c IN SELECT * FROM (VALUES
    ('function_code', 'ICT function.'),
    ('function_name', 'Its name.'),
    ('criticality', 'critical, sensitive or standard.'),
    ('member_state', 'Member state; NULL for the EU-wide row (the merge of the member states).'),
    ('area', 'Where the row is: the member state''s code, or EU for the EU-wide row (member_state NULL), so a BI filter needs no IS NULL.'),
    ('sectors', 'Number of sectors in which the function is supplied.'),
    ('entities', 'Entities supplied with the function, all sectors.'),
    ('suppliers', 'Distinct supplier groups.'),
    ('hhi', 'HHI (0..10000) per supplier group of the supply pooled over every sector.'),
    ('cr1', 'Share (0..1) of the largest supplier group.'),
    ('cr4', 'Share (0..1) of the four largest supplier groups.'),
    ('effective_suppliers', 'Numbers equivalent 10000/HHI.'),
    ('hrv_share', 'Share (0..1) of the supply weight from high-risk suppliers.'),
    ('unassessed_share', 'Share (0..1) of the supply weight from unassessed suppliers.'),
    ('non_eu_share', 'Share (0..1) of the supply from supplier groups headquartered outside the EU.'),
    ('country_hhi', 'HHI of the supply by the headquarters country of the supplier group.'),
    ('top_suppliers', 'The three largest supplier groups with their shares, as text.'),
    ('single_supplier_entities', 'Entities served by a single supplier group for the function.'),
    ('concentration_level', 'Band of hhi under the EU 2004 guidelines (low, moderate, high).'),
    ('contract_gap_edges', 'Critical or sensitive supply edges whose contracts miss a clause of point 5.1.4; NULL while no contract check is recorded.'),
    ('computed_at', 'When the row was computed: the end of the last refresh() (now when computed live), so a dashboard can say "as of".'),
    ('stale', 'True when the row may be out of date: the last refresh''s date has passed or a change is recorded that it does not hold (rollup_status.outdated).')) x(col, txt) LOOP
    EXECUTE pg_catalog.format('COMMENT ON COLUMN @extschema@.function_overview.%I IS %L', c.col, c.txt);
  END LOOP;
END $cm$;

CREATE OR REPLACE FUNCTION @extschema@.function_overview_at(as_of date DEFAULT CURRENT_DATE, methodology text DEFAULT NULL)
RETURNS SETOF @extschema@.function_overview  -- the view's row type
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT * FROM @extschema@.function_overview_rows(true, $1, $2)
$$;
COMMENT ON FUNCTION @extschema@.function_overview_at(date, text) IS 'The rows of function_overview for any date and methodology, computed live.';

-- The sector rows of some ICT functions (sector, member state or EU-wide, group mix): from the
-- rollups, by index, or live before the first refresh; what the whole-scope and systemic rows
-- count sectors from (a narrow read, not every sector row).
CREATE OR REPLACE FUNCTION @extschema@.sector_function_states(functions text[], eu_only boolean DEFAULT false)
RETURNS TABLE (sector_code text, member_state text, function_code text, group_mix @extschema@.supply_mix)
LANGUAGE plpgsql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM @extschema@.rollup_refresh) THEN
    RETURN QUERY SELECT x.sector_code, x.member_state, x.function_code, x.group_mix
                 FROM @extschema@.sector_stats_at(CURRENT_DATE, NULL) x
                 WHERE x.function_code OPERATOR(pg_catalog.=) ANY (functions) AND (NOT eu_only OR x.member_state IS NULL);
  ELSIF eu_only THEN  -- (by sector_rollup_function_idx)
    RETURN QUERY SELECT r.sector_code, r.member_state, r.function_code, r.group_mix
                 FROM @extschema@.sector_rollup r WHERE r.function_code OPERATOR(pg_catalog.=) ANY (functions) AND r.member_state IS NULL;
  ELSE
    RETURN QUERY SELECT r.sector_code, r.member_state, r.function_code, r.group_mix
                 FROM @extschema@.sector_rollup r WHERE r.function_code OPERATOR(pg_catalog.=) ANY (functions);
  END IF;
END
$$;
COMMENT ON FUNCTION @extschema@.sector_function_states(text[], boolean) IS
  'The sector rows (per member state and EU-wide; eu_only: EU-wide only) of some ICT functions with their group mix: from the rollups (by index), or live before the first refresh. What assessment_overview and systemic_dependencies count sectors from.';

-- The scope of a coordinated risk assessment: the function_overview rows of its ICT functions
-- and, per member state and EU-wide, a row for the whole scope (function_code NULL) merging
-- the states of its functions.
CREATE OR REPLACE FUNCTION @extschema@.assessment_overview(code text)
RETURNS TABLE (assessment_code text, function_code text, function_name text, criticality text, member_state text,
               sectors integer, entities bigint, suppliers integer, hhi float8, cr1 float8, cr4 float8,
               effective_suppliers float8, hrv_share float8, unassessed_share float8, non_eu_share float8,
               country_hhi float8, top_suppliers text, single_supplier_entities bigint, concentration_level text,
               contract_gap_edges bigint)
LANGUAGE plpgsql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  known text;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM @extschema@.coordinated_assessment a WHERE a.code OPERATOR(pg_catalog.=) $1) THEN
    SELECT pg_catalog.string_agg(a.code, ', ' ORDER BY a.code) INTO known FROM @extschema@.coordinated_assessment a;
    RAISE EXCEPTION 'unknown coordinated assessment "%"', $1 USING ERRCODE = 'invalid_parameter_value',
      DETAIL = pg_catalog.format('The coordinated assessments are: %s.', COALESCE(known, 'none')),
      HINT = 'Add your own scope to supplyrisk.coordinated_assessment and supplyrisk.coordinated_assessment_function.';
  END IF;
  RETURN QUERY
  WITH scope AS (SELECT f.function_code FROM @extschema@.coordinated_assessment_function f
                 WHERE f.assessment_code OPERATOR(pg_catalog.=) $1),
  r AS MATERIALIZED (SELECT x.* FROM @extschema@.function_stats_read(false, CURRENT_DATE, NULL, ARRAY(SELECT scope.function_code FROM scope)) x),
  whole AS (  -- the functions' states merged: exact for the mixes and sums (entities are not
              -- additive across functions: an entity may use several)
    SELECT r.member_state, @extschema@.supply_mix_union(r.group_mix) AS gm, @extschema@.supply_mix_union(r.country_mix) AS cm,
           @extschema@.exact_sum(r.weight) AS w, @extschema@.exact_sum(r.hrv_weight) AS hw,
           @extschema@.exact_sum(r.unassessed_weight) AS uw, pg_catalog.sum(r.contract_gap_edges)::bigint AS cge
    FROM r GROUP BY r.member_state
  ),
  secs AS (  -- sectors in which any function of the scope is supplied
    SELECT COALESCE(s.member_state, '') AS ms, pg_catalog.count(DISTINCT s.sector_code)::integer AS n
    FROM @extschema@.sector_function_states(ARRAY(SELECT scope.function_code FROM scope)) s
    GROUP BY 1
  )
  SELECT $1, r.function_code, fn.name, fn.criticality, r.member_state, r.sectors, r.entities, r.suppliers, r.hhi, r.cr1, r.cr4,
         r.effective_suppliers, r.hrv_share, r.unassessed_share, r.non_eu_share, r.country_hhi, r.top_suppliers,
         r.single_sourced, r.concentration_level, r.contract_gap_edges
  FROM r JOIN @extschema@.ict_function fn ON fn.code OPERATOR(pg_catalog.=) r.function_code
  UNION ALL
  SELECT $1, NULL, NULL, NULL, w.member_state, COALESCE(c.n, 0), NULL, COALESCE(@extschema@.key_count(w.gm), 0),
         @extschema@.hhi(w.gm), @extschema@.cr(w.gm, 1), @extschema@.cr(w.gm, 4), @extschema@.effective_suppliers(w.gm),
         CASE WHEN w.w OPERATOR(pg_catalog.>) 0::float8 THEN w.hw OPERATOR(pg_catalog./) w.w END,
         CASE WHEN w.w OPERATOR(pg_catalog.>) 0::float8 THEN w.uw OPERATOR(pg_catalog./) w.w END,
         1 OPERATOR(pg_catalog.-) @extschema@.share(w.cm, (SELECT @extschema@.eu_member_codes())),
         @extschema@.hhi(w.cm), @extschema@.top_supplier_names(w.gm, 3), NULL,
         @extschema@.concentration_level(@extschema@.hhi(w.gm)), w.cge
  FROM whole w LEFT JOIN secs c ON c.ms OPERATOR(pg_catalog.=) COALESCE(w.member_state, '')
  ORDER BY 2 NULLS FIRST, 5 NULLS FIRST;
END
$$;
COMMENT ON FUNCTION @extschema@.assessment_overview(text) IS
  'The scope of a coordinated risk assessment (coordinated_assessment): the function_overview rows of its ICT functions and, per member state and EU-wide, a row for the whole scope (function_code NULL) merging its functions'' supplier-group and country mixes and sums; entities and single_supplier_entities are NULL there (an entity may use several functions of the scope). From the rollups, like function_overview. Unknown code: SQLSTATE 22023 naming the known ones.';

-- The systemic dependencies: the ICT functions whose EU-wide supplier-group concentration is
-- highest, with the largest group and the number of sectors it supplies the function in.
-- The systemic ranking (issue 28.3): per ICT function, its largest supplier group (EU-wide, every
-- sector pooled) and the systemic score, the sum over the sectors of that group's share of the
-- function there: it grows with the number of sectors where the same group supplies the function
-- and with its share in each (18 sectors all held by one group: 18). Ranked by the score; the HHI
-- order stays available (hhi_rank). The EU-wide rows need every member state: a scoped role gets
-- no row, and a notice says why.
CREATE OR REPLACE FUNCTION @extschema@.systemic_dependencies(k integer DEFAULT 10)
RETURNS TABLE (rank integer, function_code text, function_name text, criticality text, sectors integer, entities bigint,
               hhi float8, concentration_level text, top_group text, top_group_share float8, top_group_sectors integer,
               systemic_score float8, hhi_rank integer)
LANGUAGE plpgsql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp
-- (a few dozen rows; the planner's estimates of the set-returning functions, 1000 rows each, would
-- make it JIT-compile: 590 ms instead of 5 at demo scale)
SET jit = off AS $$
BEGIN
  RETURN QUERY
  WITH f AS (
    SELECT r.*, t.key AS tkey, t.name AS tname, t.share AS tshare,
           (pg_catalog.row_number() OVER (ORDER BY r.hhi DESC, r.function_code))::integer AS hrank
    FROM @extschema@.function_stats_read(false, CURRENT_DATE, NULL, NULL, true) r
    CROSS JOIN LATERAL @extschema@.top_shares_named(r.group_mix, 1) t
    WHERE r.hhi IS NOT NULL
  ),
  s AS (  -- the EU-wide sector rows of those functions, with the top group's share there
    SELECT x.function_code,
           CASE WHEN @extschema@.key_type(x.group_mix) OPERATOR(pg_catalog.=) 'bigint'
                THEN @extschema@.share(x.group_mix, f.tkey::bigint) ELSE @extschema@.share(x.group_mix, f.tkey) END AS sh
    FROM @extschema@.sector_function_states(ARRAY(SELECT f.function_code FROM f), true) x
    JOIN f ON f.function_code OPERATOR(pg_catalog.=) x.function_code
  ),
  sc AS (
    SELECT s.function_code, pg_catalog.count(*) FILTER (WHERE s.sh OPERATOR(pg_catalog.>) 0)::integer AS n,
           COALESCE(pg_catalog.sum(s.sh), 0) AS score
    FROM s GROUP BY s.function_code
  )
  SELECT (pg_catalog.row_number() OVER (ORDER BY COALESCE(sc.score, 0) DESC, f.hhi DESC, f.function_code))::integer,
         f.function_code, fn.name, fn.criticality, f.sectors, f.entities, f.hhi, f.concentration_level, COALESCE(f.tname, f.tkey), f.tshare,
         COALESCE(sc.n, 0), COALESCE(sc.score, 0)::pg_catalog.float8, f.hrank
  FROM f JOIN @extschema@.ict_function fn ON fn.code OPERATOR(pg_catalog.=) f.function_code
  LEFT JOIN sc ON sc.function_code OPERATOR(pg_catalog.=) f.function_code
  ORDER BY 1 LIMIT k;
  IF NOT FOUND AND @extschema@.access_member_states() IS NOT NULL THEN
    RAISE NOTICE 'systemic_dependencies: no row for a role scoped to member states %', @extschema@.access_member_states()
      USING DETAIL = 'The ranking pools every member state''s supply (the EU-wide rows), which a scoped role does not see.',
            HINT = 'Ask an unscoped reader, or read function_overview for your member states.';
  END IF;
END
$$;
COMMENT ON FUNCTION @extschema@.systemic_dependencies(integer) IS
  'The k most systemic ICT functions: per function (EU-wide, every sector pooled: function_overview) its largest supplier group, that group''s share, the sectors in which it supplies the function (top_group_sectors) and the systemic score, the sum over the sectors of its share there (grows with the sectors where one group leads and with its share in each; 18 sectors all held by one group: 18), ranked by the score, then HHI; hhi_rank keeps the HHI order. The "systemic dependencies" section of the EU report. A scoped role gets no row and a notice saying why.';

-- The function rows of two snapshots compared, per ICT function and member state (NULL:
-- EU-wide).
CREATE OR REPLACE FUNCTION @extschema@.function_trend_between(from_id bigint, to_id bigint)
RETURNS TABLE (function_code text, member_state text, area text, from_snapshot bigint, to_snapshot bigint,
               from_taken_at timestamptz, to_taken_at timestamptz,
               hhi_from float8, hhi_to float8, hhi_delta float8,
               hrv_share_from float8, hrv_share_to float8, hrv_share_delta float8,
               sectors_from integer, sectors_to integer, metrics jsonb)
LANGUAGE plpgsql STABLE STRICT SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  PERFORM @extschema@.snapshot_check(ARRAY[$1, $2]);
  RETURN QUERY
  SELECT p.row_key, p.member_state, COALESCE(p.member_state, 'EU'), $1, $2, p.from_taken_at, p.to_taken_at,
         p.hhi_from, p.hhi_to, p.hhi_delta, p.hrv_share_from, p.hrv_share_to, p.hrv_share_delta,
         COALESCE((p.from_metrics OPERATOR(pg_catalog.->>) 'sectors')::integer, 0), COALESCE((p.to_metrics OPERATOR(pg_catalog.->>) 'sectors')::integer, 0),
         @extschema@.metrics_delta(p.from_metrics, p.to_metrics)
  FROM @extschema@.snapshot_metric_pairs(from_id => $1, to_id => $2, function_rows => true) p
  ORDER BY p.row_key, p.member_state NULLS FIRST;
END
$$;
COMMENT ON FUNCTION @extschema@.function_trend_between(bigint, bigint) IS
  'Change of every function_overview metric between two snapshots, per ICT function and member state (NULL: EU-wide): the headline figures as columns and every metric as {from, to, delta} in metrics.';

CREATE OR REPLACE VIEW @extschema@.function_trend WITH (security_invoker = true) AS
  SELECT t.* FROM @extschema@.function_trend_between(
    (SELECT s.snapshot_id FROM @extschema@.snapshot s ORDER BY s.taken_at, s.snapshot_id LIMIT 1),
    (SELECT s.snapshot_id FROM @extschema@.snapshot s ORDER BY s.taken_at DESC, s.snapshot_id DESC LIMIT 1)) t
  WHERE t.from_snapshot OPERATOR(pg_catalog.<>) t.to_snapshot;  -- (one snapshot is no trend)
COMMENT ON VIEW @extschema@.function_trend IS 'Change of every function_overview metric between the first and the latest snapshot, per ICT function and member state (NULL: EU-wide). Empty until there are two snapshots (one snapshot is not compared with itself); function_trend_between compares any two.';
DO $cm$
DECLARE c record;
BEGIN
  FOR c IN SELECT * FROM (VALUES
    ('function_code', 'ICT function.'),
    ('member_state', 'Member state; NULL for the EU-wide row.'),
    ('area', 'Where the row is: the member state''s code, or EU for the EU-wide row (member_state NULL), so a BI filter needs no IS NULL.'),
    ('from_snapshot', 'The earlier snapshot.'),
    ('to_snapshot', 'The later snapshot.'),
    ('from_taken_at', 'When the earlier snapshot was taken.'),
    ('to_taken_at', 'When the later snapshot was taken.'),
    ('hhi_from', 'HHI over supplier groups, every sector pooled, at the earlier snapshot.'),
    ('hhi_to', 'HHI at the later snapshot.'),
    ('hhi_delta', 'hhi_to - hhi_from (negative: less concentrated).'),
    ('hrv_share_from', 'Share (0..1) of high-risk supply at the earlier snapshot.'),
    ('hrv_share_to', 'The same at the later snapshot.'),
    ('hrv_share_delta', 'hrv_share_to - hrv_share_from.'),
    ('sectors_from', 'Sectors the function was supplied in at the earlier snapshot.'),
    ('sectors_to', 'The same at the later snapshot.'),
    ('metrics', 'Every stored metric as {"from": .., "to": .., "delta": ..} (delta for numbers).')) x(col, txt) LOOP
    EXECUTE pg_catalog.format('COMMENT ON COLUMN @extschema@.function_trend.%I IS %L', c.col, c.txt);
  END LOOP;
END $cm$;
