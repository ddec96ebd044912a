-- The dashboard computation: sector_function_stats (one scan of the supply) and
-- sector_stats_compute (four levels of merged states and metrics, six with the function rows),
-- read through one function per purpose.

-- The sectors (part 1) or member states (part 2) of '<sector>:<member state>' scope keys,
-- distinct. Immutable: with a constant scope the planner folds it into a constant array, and
-- estimates the rollup rows a scoped refresh reads (by index) from it.
CREATE OR REPLACE FUNCTION @extschema@.scope_part(scope text[], part integer) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT COALESCE(pg_catalog.array_agg(DISTINCT pg_catalog.split_part(k, ':', $2)), '{}')
  FROM pg_catalog.unnest($1) k
$$;
COMMENT ON FUNCTION @extschema@.scope_part(text[], integer) IS 'The distinct sectors (part 1) or member states (part 2) of ''<sector>:<member state>'' scope keys (refresh()''s incremental recomputation).';

-- part / whole when whole is positive, else NULL: every share of a rollup row (hrv_share, mean_risk,
-- ...), in sector_stats_compute and in refresh()'s re-weighting. Inlined.
CREATE OR REPLACE FUNCTION @extschema@.share_of(part float8, whole float8) RETURNS float8
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN $2 OPERATOR(pg_catalog.>) 0::pg_catalog.float8 THEN $1 OPERATOR(pg_catalog./) $2 END
$$;
COMMENT ON FUNCTION @extschema@.share_of(float8, float8) IS 'Internal: part / whole when whole is positive, else NULL (the shares of the rollup rows).';

-- The core: one scan of the supply rows valid at as_of, per sector, member state and ICT function.
-- global_keys: the group mix is keyed by the group's global id, or by <member state>:<id>
-- for a group without one (what a federation member exports), instead of the group id.
-- scope: only the entities of these '<sector>:<member state>' keys (NULL: all), for refresh()'s
-- incremental recomputation of stale rows; stored_scores: the suppliers' risk as refresh()
-- stored it (supplier_rollup), not scored now.
CREATE OR REPLACE FUNCTION @extschema@.sector_function_stats(as_of date DEFAULT CURRENT_DATE, methodology text DEFAULT NULL,
                                                  global_keys boolean DEFAULT false, scope text[] DEFAULT NULL,
                                                  stored_scores boolean DEFAULT false)
RETURNS TABLE (sector_code text, member_state text, function_code text, group_mix @extschema@.supply_mix,
               country_mix @extschema@.supply_mix, entities bigint, single_sourced bigint,
               weight float8, hrv_weight float8, risk_weight float8, unassessed_weight float8,
               supplier_mix @extschema@.supply_mix)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
WITH scoped AS NOT MATERIALIZED (  -- scoped: the scope's supply rows, by index (read once with stored_scores)
  SELECT s.* FROM @extschema@.supply_in_scope($1, $4) s WHERE $4 IS NOT NULL
),
r AS (  -- per supplier: group, the group's headquarters country, risk (scoped: the suppliers in the
         -- scope only) as evaluated EU-wide and for the member states with rows of their own,
         -- scored now or (stored_scores) as refresh() stored them
  SELECT x.*, g.global_id, g.hq_country
  FROM @extschema@.supplier_risk_rows($1, $2,
         CASE WHEN $4 IS NOT NULL THEN ARRAY(SELECT DISTINCT s.supplier_id FROM scoped s) END) x
  JOIN @extschema@.supplier g ON g.supplier_id OPERATOR(pg_catalog.=) x.group_id
  WHERE NOT $5
  UNION ALL
  SELECT c.*, g.global_id, g.hq_country
  FROM @extschema@.supplier_rollup c
  JOIN @extschema@.supplier g ON g.supplier_id OPERATOR(pg_catalog.=) c.group_id
  WHERE $5
),
sup AS (  -- every supply row valid at as_of (a parallel scan), or the scope's
  SELECT s.* FROM @extschema@.supply_in_scope($1, NULL) s WHERE $4 IS NULL
  UNION ALL
  SELECT s.* FROM scoped s WHERE $4 IS NOT NULL
),
j AS (  -- each supply row with its supplier's risk as evaluated for the entity's member state
  SELECT s.sector_code, s.member_state, s.function_code, s.entity_id, s.supplier_id, s.weight, r.group_id, r.global_id, r.hq_country,
         CASE WHEN k.i IS NULL THEN r.high_risk ELSE r.ms_high_risk[k.i] END AS high_risk,
         CASE WHEN k.i IS NULL THEN r.risk_score ELSE r.ms_risk_score[k.i] END AS risk_score,
         CASE WHEN k.i IS NULL THEN r.unassessed ELSE r.ms_unassessed[k.i] END AS unassessed
  FROM sup s
  JOIN r ON r.supplier_id OPERATOR(pg_catalog.=) s.supplier_id
  CROSS JOIN LATERAL (SELECT @extschema@.supply_risk_index(r.member_states, s.member_state) AS i) k
),
base AS (
  SELECT s.sector_code, s.member_state, s.function_code,
         CASE WHEN $3
              THEN @extschema@.supply_mix_agg(COALESCE(s.global_id, s.member_state OPERATOR(pg_catalog.||) ':' OPERATOR(pg_catalog.||) s.group_id::pg_catalog.text), s.weight) FILTER (WHERE $3)
              ELSE @extschema@.supply_mix_agg(s.group_id, s.weight) FILTER (WHERE NOT $3) END AS group_mix,
         @extschema@.supply_mix_agg(s.hq_country, s.weight) AS country_mix,
         @extschema@.sourcing(s.entity_id, s.group_id) AS src,
         -- (exact_sum: correctly rounded whatever the order the plan feeds the rows in, so the
         -- live rows, the rollups and a parallel plan agree to the last bit)
         @extschema@.exact_sum(s.weight) AS weight,
         COALESCE(@extschema@.exact_sum(s.weight) FILTER (WHERE s.high_risk), 0::pg_catalog.float8) AS hrv_weight,
         COALESCE(@extschema@.exact_sum(s.weight OPERATOR(pg_catalog.*) s.risk_score), 0::pg_catalog.float8) AS risk_weight,
         COALESCE(@extschema@.exact_sum(s.weight) FILTER (WHERE s.unassessed), 0::pg_catalog.float8) AS unassessed_weight,
         -- (refresh(): the weight of each supplier, which a change of risk re-weights the row from)
         @extschema@.supply_mix_agg(s.supplier_id, s.weight) FILTER (WHERE $5) AS supplier_mix
  FROM j s
  GROUP BY s.sector_code, s.member_state, s.function_code
)
SELECT b.sector_code, b.member_state, b.function_code, b.group_mix, b.country_mix,
       (b.src).entities, (b.src).single_sourced, b.weight, b.hrv_weight, b.risk_weight, b.unassessed_weight, b.supplier_mix
FROM base b
$$;
COMMENT ON FUNCTION @extschema@.sector_function_stats(date, text, boolean, text[], boolean) IS
  'Mergeable statistics per sector, member state and ICT function from the supply rows valid at as_of: supplier-group mix (keyed by group id; global_keys: by the group''s global id, else <member state>:<group id>), HQ-country mix, entities, single-sourced entities, weight, high-risk weight, risk-weighted weight, weight from unassessed suppliers, and (stored_scores: refresh()) the mix of weight per supplier. scope: only these <sector>:<member state> keys; stored_scores: the suppliers'' risk as refresh() stored it in supplier_rollup instead of scored now.';

CREATE OR REPLACE FUNCTION @extschema@.eu_member_codes() RETURNS text[]
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT pg_catalog.array_agg(c.code ORDER BY c.code) FROM @extschema@.country c WHERE c.eu_member
$$;
COMMENT ON FUNCTION @extschema@.eu_member_codes() IS 'Codes of the EU member states.';

-- the name of a supplier group pulled from a federation member (NULL: not one)
CREATE OR REPLACE FUNCTION @extschema@.federation_group_name(key text) RETURNS text
LANGUAGE sql STABLE STRICT PARALLEL SAFE AS $$
  SELECT g.name FROM @extschema@.federation_group g WHERE g.key OPERATOR(pg_catalog.=) $1
  ORDER BY g.member_state LIMIT 1
$$;
COMMENT ON FUNCTION @extschema@.federation_group_name(text) IS 'Name of the supplier group behind a key of a federated group mix (the first member state''s name when members differ); NULL when no member exported that key.';

-- top_shares with a name for each key: bigint keys are supplier (or supplier group) ids,
-- text keys are shown by country name when they are a country code, else as they are
CREATE OR REPLACE FUNCTION @extschema@.top_shares_named(mix @extschema@.supply_mix, k integer)
RETURNS TABLE (rank integer, key text, name text, weight float8, share float8)
LANGUAGE sql STABLE STRICT PARALLEL SAFE AS $$
  SELECT t.rank, t.key,
         CASE WHEN @extschema@.key_type($1) OPERATOR(pg_catalog.=) 'bigint'
              THEN (SELECT s.name FROM @extschema@.supplier s WHERE s.supplier_id OPERATOR(pg_catalog.=) t.key::bigint)
              ELSE COALESCE(@extschema@.federation_group_name(t.key),
                            (SELECT c.name FROM @extschema@.country c WHERE c.code OPERATOR(pg_catalog.=) t.key), t.key) END,
         t.weight, t.share
  FROM @extschema@.top_shares($1, $2) t
$$;
COMMENT ON FUNCTION @extschema@.top_shares_named(@extschema@.supply_mix, integer) IS
  'top_shares with a readable name per key: the supplier''s name for bigint keys (supplier or group ids; NULL for an id that is not a supplier); for text keys the name of a supplier group pulled from a federation member, else the country''s name for a country code, else the key itself.';

-- "Name 34%, Name 21%, ..." for the k heaviest supplier groups of a group mix
CREATE OR REPLACE FUNCTION @extschema@.top_supplier_names(mix @extschema@.supply_mix, k integer DEFAULT 3) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  -- the names of top_shares_named (a group key is never a country code)
  SELECT pg_catalog.string_agg(pg_catalog.format('%s %s%%', t.name, pg_catalog.round((t.share OPERATOR(pg_catalog.*) 100)::numeric, 0)), ', ' ORDER BY t.rank)
  FROM @extschema@.top_shares_named($1, $2) t
  WHERE t.name IS NOT NULL
$$;
COMMENT ON FUNCTION @extschema@.top_supplier_names(@extschema@.supply_mix, integer) IS 'The k heaviest supplier groups of a group mix as readable text: name and share in percent (bigint keys: supplier ids; text keys: groups pulled from federation members, by name, else the key).';

-- The statistics of every dashboard row, at four levels (six with the function rows): (sector, member state, function),
-- (sector, EU-wide, function), (sector, member state, all functions), (sector, EU-wide, all
-- functions), and the function rows pooling every sector: (function, member state), (function).
-- Mergeable states, additive sums and the metrics derived from them; the live views, the
-- rollups and the snapshots are all this one computation. It is read through the functions
-- below, one per purpose (each mode an enum literal, a constant the planner folds: a cast of
-- text to the enum would not be folded) (live rows, full rollup rows, a scope's rows, rows merged again from
-- the rollups); they call it with named parameters, and their constant arguments fold its
-- unused branches away when the planner inlines it.
-- source: where the per-function states come from —
--   supply      this database's supply valid at as_of (every row, or the scope's member-state rows)
--   rollups     the member-state states stored in sector_rollup / function_rollup (the scope's
--               sectors' EU-wide rows and the function rows merged again, without a scan)
--   federation  the states pulled from the federation members (federation_state); as_of and
--               methodology then only name the rows (the members computed the states)
-- levels: all_functions (only the all-functions rows), sector (every sector level),
--   sector_and_function (also the function rows pooling every sector).
-- stored_scores: the suppliers' risk from supplier_rollup (refresh()), not scored now.
-- scope: only these '<sector>:<member state>' keys; function_scope: with source rollups, only
-- these functions' rows (the functions the scope's rows supply, before or after).
CREATE OR REPLACE FUNCTION @extschema@.sector_stats_compute(source @extschema@.stats_source, levels @extschema@.stats_levels,
                                                 stored_scores boolean, as_of date, methodology text,
                                                 scope text[] DEFAULT NULL, function_scope text[] DEFAULT NULL)
RETURNS SETOF @extschema@.sector_rollup
LANGUAGE sql STABLE PARALLEL SAFE AS $$
WITH src AS (  -- this database's supply, or the members' states, or (from the rollups) states
               -- stored by refresh(); pooled: a state that counts only in the function rows
  SELECT x.*, CASE WHEN tk.sector_code IS NOT NULL THEN COALESCE(cg.edges, 0) END AS contract_gap_edges,
         false AS pooled
  FROM @extschema@.sector_function_stats(as_of => $4, methodology => $5, global_keys => false, scope => $6, stored_scores => $3) x
  LEFT JOIN @extschema@.contract_gap_edge_counts(as_of => $4, scope => $6) cg
    ON cg.sector_code OPERATOR(pg_catalog.=) x.sector_code AND cg.member_state OPERATOR(pg_catalog.=) x.member_state
   AND cg.function_code OPERATOR(pg_catalog.=) x.function_code
  LEFT JOIN @extschema@.contract_tracked_keys() tk  -- (counted where that sector and member state record contract checks)
    ON tk.sector_code OPERATOR(pg_catalog.=) x.sector_code AND tk.member_state OPERATOR(pg_catalog.=) x.member_state
  WHERE NOT ($1 OPERATOR(pg_catalog.=) 'federation') AND NOT ($1 OPERATOR(pg_catalog.=) 'rollups')
  UNION ALL  -- the member-state states of the scope's sectors, for their EU-wide rows
  SELECT r.sector_code, r.member_state, r.function_code, r.group_mix, r.country_mix, r.entities, r.single_sourced,
         r.weight, r.hrv_weight, r.risk_weight, r.unassessed_weight, NULL::@extschema@.supply_mix, r.contract_gap_edges, false
  FROM @extschema@.sector_rollup r
  WHERE ($1 OPERATOR(pg_catalog.=) 'rollups') AND r.member_state IS NOT NULL AND r.function_code IS NOT NULL
    AND r.sector_code OPERATOR(pg_catalog.=) ANY (@extschema@.scope_part($6, 1))
  UNION ALL  -- for the function rows: the scope's member states' sector states and the other
             -- member states' function states
  SELECT r.sector_code, r.member_state, r.function_code, r.group_mix, r.country_mix, r.entities, r.single_sourced,
         r.weight, r.hrv_weight, r.risk_weight, r.unassessed_weight, NULL::@extschema@.supply_mix, r.contract_gap_edges, true
  FROM @extschema@.sector_rollup r
  WHERE ($1 OPERATOR(pg_catalog.=) 'rollups') AND ($2 OPERATOR(pg_catalog.=) 'sector_and_function') AND r.function_code IS NOT NULL
    AND r.member_state OPERATOR(pg_catalog.=) ANY (@extschema@.scope_part($6, 2))
    AND ($7 IS NULL OR r.function_code OPERATOR(pg_catalog.=) ANY ($7))
  UNION ALL
  SELECT NULL, r.member_state, r.function_code, r.group_mix, r.country_mix, r.entities, r.single_sourced,
         r.weight, r.hrv_weight, r.risk_weight, r.unassessed_weight, NULL::@extschema@.supply_mix, r.contract_gap_edges, true
  FROM @extschema@.function_rollup r
  WHERE ($1 OPERATOR(pg_catalog.=) 'rollups') AND ($2 OPERATOR(pg_catalog.=) 'sector_and_function') AND r.member_state IS NOT NULL
    AND r.member_state OPERATOR(pg_catalog.<>) ALL (@extschema@.scope_part($6, 2))
    AND ($7 IS NULL OR r.function_code OPERATOR(pg_catalog.=) ANY ($7))
  UNION ALL
  SELECT s.sector_code, s.member_state, s.function_code, s.group_mix, s.country_mix, s.entities, s.single_sourced,
         s.weight, s.hrv_weight, s.risk_weight, s.unassessed_weight, NULL::@extschema@.supply_mix, s.contract_gap_edges, false
  FROM @extschema@.federation_state s WHERE ($1 OPERATOR(pg_catalog.=) 'federation') AND s.function_code IS NOT NULL
),
f AS (
  SELECT x.*, (fn.criticality OPERATOR(pg_catalog.<>) 'standard') AS crit,
         CASE WHEN ($2 OPERATOR(pg_catalog.<>) 'all_functions') THEN x.function_code END AS fx  -- NULL when only the all-functions rows are wanted
  FROM src x
  JOIN @extschema@.ict_function fn ON fn.code OPERATOR(pg_catalog.=) x.function_code
),
cube AS (  -- each row once per level it counts in (the keys it is rolled up over NULL), for the
           -- levels this call returns only (a level not returned would merge every state for
           -- nothing); mixes, counts and exact float sums do not depend on the order of the
           -- rows, so one hashed pass gives rollups and live rows equal (exact_sum: correctly rounded; the
           -- lowest-level sums of sector_function_stats are plain float sums in plan order)
  SELECT l.lvl, CASE WHEN l.s THEN f.sector_code END AS sector_code, CASE WHEN l.m THEN f.member_state END AS member_state,
         CASE WHEN l.x THEN f.fx END AS function_code,
         @extschema@.supply_mix_union(f.group_mix) AS gm, @extschema@.supply_mix_union(f.country_mix) AS cm,
         pg_catalog.sum(f.entities)::bigint AS ent, pg_catalog.sum(f.single_sourced)::bigint AS ss,
         COALESCE(pg_catalog.sum(f.single_sourced) FILTER (WHERE f.crit), 0)::bigint AS ssc,
         @extschema@.exact_sum(f.weight) AS w, @extschema@.exact_sum(f.hrv_weight) AS hw,
         COALESCE(@extschema@.exact_sum(f.weight) FILTER (WHERE f.crit), 0::pg_catalog.float8) AS wc,
         COALESCE(@extschema@.exact_sum(f.hrv_weight) FILTER (WHERE f.crit), 0::pg_catalog.float8) AS hwc,
         @extschema@.exact_sum(f.risk_weight) AS rw, @extschema@.exact_sum(f.unassessed_weight) AS uw,
         pg_catalog.sum(f.contract_gap_edges)::bigint AS cge,
         -- (the member-state function rows: one state each, kept as it is)
         @extschema@.supply_mix_union(f.supplier_mix) FILTER (WHERE l.lvl OPERATOR(pg_catalog.=) 1) AS sm
  FROM f
  -- the levels: (sector, member state, function), (sector, function), (sector, member state),
  -- (sector), and the function rows (function, member state), (function)
  JOIN (VALUES (1, true, true, true), (2, true, false, true), (3, true, true, false), (4, true, false, false),
               (5, false, true, true), (6, false, false, true)) l(lvl, s, m, x)
    ON (NOT l.x OR ($2 OPERATOR(pg_catalog.<>) 'all_functions'))  -- without functions, only the all-functions levels
   AND CASE WHEN l.s AND l.m THEN NOT ($1 OPERATOR(pg_catalog.=) 'rollups')  -- member-state rows: from the supply (all or the scope's)
            WHEN l.s THEN NOT f.pooled AND ($6 IS NULL OR ($1 OPERATOR(pg_catalog.=) 'rollups'))  -- EU-wide: not scoped, or re-merged
            ELSE ($2 OPERATOR(pg_catalog.=) 'sector_and_function') AND ($6 IS NULL OR ($1 OPERATOR(pg_catalog.=) 'rollups')) AND (f.pooled OR NOT ($1 OPERATOR(pg_catalog.=) 'rollups'))  -- the function rows, asked for
                 AND (NOT l.m OR NOT ($1 OPERATOR(pg_catalog.=) 'rollups')  -- (from the rollups: the scope's member states', EU-wide)
                      OR f.member_state OPERATOR(pg_catalog.=) ANY (@extschema@.scope_part($6, 2)))
       END
  GROUP BY 1, 2, 3, 4
),
ents AS MATERIALIZED (  -- entities registered, for the all-functions rows (computed once)
  SELECT e.sector_code, e.member_state, pg_catalog.count(*) AS n
  FROM @extschema@.entity e
  WHERE NOT ($1 OPERATOR(pg_catalog.=) 'federation')  -- scoped: the scope's sectors (from the rollups, for their EU-wide rows), or the
                -- scope's sectors and member states (their rows only), by index
    AND ($6 IS NULL OR e.sector_code OPERATOR(pg_catalog.=) ANY (@extschema@.scope_part($6, 1)))
    AND ($6 IS NULL OR ($1 OPERATOR(pg_catalog.=) 'rollups') OR (e.member_state OPERATOR(pg_catalog.=) ANY (@extschema@.scope_part($6, 2))
                              AND (e.sector_code OPERATOR(pg_catalog.||) ':' OPERATOR(pg_catalog.||) e.member_state) OPERATOR(pg_catalog.=) ANY ($6)))
  GROUP BY GROUPING SETS ((e.sector_code, e.member_state), (e.sector_code))
  UNION ALL
  SELECT s.sector_code, s.member_state, pg_catalog.sum(s.entities)::bigint
  FROM @extschema@.federation_state s WHERE ($1 OPERATOR(pg_catalog.=) 'federation') AND s.function_code IS NULL
  GROUP BY GROUPING SETS ((s.sector_code, s.member_state), (s.sector_code))
),
rows AS (  -- every sector has an EU-wide all-functions row, with or without data
  SELECT c.sector_code, c.member_state, c.function_code, c.gm, c.cm, c.ent, c.ss, c.ssc, c.w, c.hw, c.wc, c.hwc, c.rw, c.uw, c.cge, c.sm
  FROM cube c
  UNION ALL
  SELECT s.code, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
  FROM @extschema@.sector s
  WHERE NOT EXISTS (SELECT 1 FROM cube c WHERE c.sector_code OPERATOR(pg_catalog.=) s.code
                                          AND c.member_state IS NULL AND c.function_code IS NULL)
)
SELECT c.sector_code, c.member_state, c.function_code, c.gm, c.cm,
       CASE WHEN c.function_code IS NULL THEN COALESCE(en.n, 0) ELSE c.ent END,
       COALESCE(c.ss, 0), COALESCE(c.ssc, 0), COALESCE(c.w, 0::pg_catalog.float8), COALESCE(c.hw, 0::pg_catalog.float8),
       COALESCE(c.wc, 0::pg_catalog.float8), COALESCE(c.hwc, 0::pg_catalog.float8), COALESCE(c.rw, 0::pg_catalog.float8),
       COALESCE(@extschema@.key_count(c.gm), 0), @extschema@.hhi(c.gm), @extschema@.cr(c.gm, 1),
       @extschema@.cr(c.gm, 4), @extschema@.effective_suppliers(c.gm), @extschema@.hhi(c.cm),
       @extschema@.share_of(c.hw, c.w),
       @extschema@.share_of(c.hwc, c.wc),
       1 OPERATOR(pg_catalog.-) @extschema@.share(c.cm, (SELECT @extschema@.eu_member_codes())),
       @extschema@.share_of(c.rw, c.w),
       @extschema@.concentration_level(@extschema@.hhi(c.gm)),
       CASE WHEN c.function_code IS NOT NULL THEN @extschema@.top_supplier_names(c.gm, 3) END,
       COALESCE(c.uw, 0::pg_catalog.float8),
       @extschema@.share_of(c.uw, c.w),
       -- the sum over the member-state states that count contract gaps (their sector and member
       -- state record contract checks); NULL where none does
       c.cge, c.sm
FROM rows c
LEFT JOIN ents en ON c.function_code IS NULL AND en.sector_code OPERATOR(pg_catalog.=) c.sector_code
                 AND COALESCE(en.member_state, '') OPERATOR(pg_catalog.=) COALESCE(c.member_state, '')  -- hashable
-- EU-wide rows for roles that see every member state (row-level security)
WHERE (c.member_state IS NOT NULL OR (SELECT @extschema@.access_member_states()) IS NULL)
  -- scoped from the supply: only the scope's member-state rows (the others are not computed)
  AND ($6 IS NULL OR ($1 OPERATOR(pg_catalog.=) 'rollups') OR c.member_state IS NOT NULL)
  -- from the rollups: the levels merged only what is merged again; of the EU-wide rows every
  -- sector has, only the scope's sectors'
  AND (NOT ($1 OPERATOR(pg_catalog.=) 'rollups') OR c.sector_code IS NULL OR c.sector_code OPERATOR(pg_catalog.=) ANY (@extschema@.scope_part($6, 1)))
$$;
COMMENT ON FUNCTION @extschema@.sector_stats_compute(@extschema@.stats_source, @extschema@.stats_levels, boolean, date, text, text[], text[]) IS
  'Internal: the one computation behind the sector views, function_overview, the rollups and the snapshots: dashboard statistics per sector at four levels (member state or EU-wide NULL, ICT function or all functions NULL), and per ICT function pooling every sector (sector_code NULL), from this database''s supply valid at as_of, the stored rollups, or the states pulled from the federation members (source); mergeable group and country mixes, additive sums and the metrics derived from them. Read through sector_stats_at, sector_stats_full, sector_stats_scoped and sector_stats_remerged.';

-- Full rollup rows (refresh() and take_snapshot): every level, with the function rows, from
-- this database's supply, or (federated) from the members' states.
CREATE OR REPLACE FUNCTION @extschema@.sector_stats_full(federated boolean, stored_scores boolean, as_of date, methodology text)
RETURNS SETOF @extschema@.sector_rollup
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT * FROM @extschema@.sector_stats_compute(source => CASE WHEN $1 THEN 'federation'::@extschema@.stats_source ELSE 'supply'::@extschema@.stats_source END,
                                                levels => 'sector_and_function', stored_scores => $2, as_of => $3, methodology => $4)
$$;
COMMENT ON FUNCTION @extschema@.sector_stats_full(boolean, boolean, date, text) IS
  'Internal: every rollup row (sector levels and function rows) for refresh() and take_snapshot: from this database''s supply valid at as_of under methodology, or (federated) from the states pulled from the federation members; stored_scores: the suppliers'' risk as refresh() stored it in supplier_rollup.';

-- The member-state rows of a scope, recomputed from the supply with the stored scores
-- (refresh()'s incremental step).
CREATE OR REPLACE FUNCTION @extschema@.sector_stats_scoped(as_of date, methodology text, scope text[])
RETURNS SETOF @extschema@.sector_rollup
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT x.* FROM @extschema@.sector_stats_compute(source => 'supply', levels => 'sector', stored_scores => true,
                                                  as_of => $1, methodology => $2, scope => $3) x
  WHERE x.member_state IS NOT NULL
$$;
COMMENT ON FUNCTION @extschema@.sector_stats_scoped(date, text, text[]) IS
  'Internal: the member-state rows (per function and all functions) of these ''<sector>:<member state>'' keys, recomputed from the supply valid at as_of with the suppliers'' risk stored in supplier_rollup (refresh()''s incremental recomputation).';

-- The EU-wide rows of the scope's sectors and the function rows of its member states and
-- EU-wide, merged again from the states in the rollups (refresh()'s incremental step).
CREATE OR REPLACE FUNCTION @extschema@.sector_stats_remerged(as_of date, methodology text, scope text[], function_scope text[])
RETURNS SETOF @extschema@.sector_rollup
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT * FROM @extschema@.sector_stats_compute(source => 'rollups', levels => 'sector_and_function', stored_scores => false,
                                                as_of => $1, methodology => $2, scope => $3, function_scope => $4)
$$;
COMMENT ON FUNCTION @extschema@.sector_stats_remerged(date, text, text[], text[]) IS
  'Internal: the EU-wide rows of the sectors of these ''<sector>:<member state>'' keys and the function rows (of function_scope''s functions) of their member states and EU-wide, merged again from the member-state states stored in the rollups, without a scan of the supply (refresh()''s incremental recomputation).';

CREATE OR REPLACE FUNCTION @extschema@.sector_stats_at(as_of date DEFAULT CURRENT_DATE, methodology text DEFAULT NULL,
                                            functions boolean DEFAULT true)
RETURNS SETOF @extschema@.sector_rollup
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT * FROM @extschema@.sector_stats_compute(source => 'supply', levels => CASE WHEN $3 THEN 'sector'::@extschema@.stats_levels ELSE 'all_functions'::@extschema@.stats_levels END,
                                                stored_scores => false, as_of => $1, methodology => $2)
$$;
COMMENT ON FUNCTION @extschema@.sector_stats_at(date, text, boolean) IS
  'Dashboard statistics per sector at four levels (member state or EU-wide NULL, ICT function or all functions NULL) from this database''s supply valid at as_of (sector_stats_compute). functions false: only the all-functions rows. The computation behind the sector views, the rollups and the snapshots.';
