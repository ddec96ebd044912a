-- entity_exposure: concentration and exposure per entity and ICT function.

-- The multi-vendor gaps of an entity and function row (the one rule): a single supplier group for
-- a critical or sensitive function, any high-risk supply in a critical one, or one group above
-- the methodology's cap; and the toolbox measures that address each kind.
CREATE OR REPLACE FUNCTION @extschema@.multi_vendor_gap_kinds(criticality text, supplier_count integer, cr1 float8, hrv_share float8, cap float8)
RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  -- (one expression, so that it is inlined into the row it classifies: as a query it cost 2 of
  -- the 9 s of entity_rollup at 1M supply rows)
  SELECT pg_catalog.array_remove(ARRAY[
    CASE WHEN $1 OPERATOR(pg_catalog.<>) 'standard' AND $2 OPERATOR(pg_catalog.=) 1 THEN 'single_supplier' END,
    CASE WHEN $1 OPERATOR(pg_catalog.=) 'critical' AND $4 OPERATOR(pg_catalog.>) 0 THEN 'high_risk_supplier' END,
    CASE WHEN $1 OPERATOR(pg_catalog.<>) 'standard' AND $2 OPERATOR(pg_catalog.>) 1 AND $3 OPERATOR(pg_catalog.>) $5 THEN 'above_cap' END]::pg_catalog.text[], NULL)
$$;
COMMENT ON FUNCTION @extschema@.multi_vendor_gap_kinds(text, integer, float8, float8, float8) IS
  'Internal: the multi-vendor gaps of an entity and function row (single_supplier, high_risk_supplier, above_cap, in that order; empty when none) from its criticality, supplier groups, largest share, high-risk share and the cap: the one rule behind multi_vendor_gaps.';
CREATE OR REPLACE FUNCTION @extschema@.multi_vendor_gap_measures() RETURNS TABLE (gap text, measures text[])
LANGUAGE plpgsql STABLE PARALLEL SAFE ROWS 3 SET search_path = pg_catalog, pg_temp AS $$
BEGIN  -- (PL/pgSQL: a function scan, computed once per read, not inlined into every row)
  RETURN QUERY
  SELECT g.gap, @extschema@.measures_addressing(CASE WHEN g.gap OPERATOR(pg_catalog.=) 'high_risk_supplier' THEN 'high_risk_supplier' ELSE 'multi_vendor_gap' END)
  FROM (VALUES ('single_supplier'), ('high_risk_supplier'), ('above_cap')) g(gap);
END
$$;
COMMENT ON FUNCTION @extschema@.multi_vendor_gap_measures() IS
  'Internal: each kind of multi-vendor gap with the toolbox measures addressing it (measures_addressing: high_risk_supplier for a high-risk supplier gap, multi_vendor_gap for the others), joined once per read by multi_vendor_gaps.';

-- The rows of entity_exposure as stored (entity_rollup's row type): per entity and ICT function,
-- from the supply valid at as_of, of every entity, (scope) of the entities of these
-- '<sector>:<member state>' keys, or (entity_ids, function_codes) of these pairs, read by index; each supplier's risk as evaluated for the
-- entity's member state, scored now or (stored_scores) as refresh() stored it. The one
-- computation behind the live view, refresh()'s entity rows and multi_vendor_gaps.
CREATE OR REPLACE FUNCTION @extschema@.entity_exposure_compute(as_of date, methodology text, scope text[] DEFAULT NULL,
                                                               stored_scores boolean DEFAULT false,
                                                               entity_ids bigint[] DEFAULT NULL, function_codes text[] DEFAULT NULL,
                                                               risk_only boolean DEFAULT false)
RETURNS SETOF @extschema@.entity_rollup
LANGUAGE sql STABLE PARALLEL SAFE AS $$
WITH scoped AS NOT MATERIALIZED (
  SELECT s.* FROM @extschema@.supply_in_scope($1, $3) s WHERE $3 IS NOT NULL
  UNION ALL
  SELECT s.* FROM @extschema@.supply_of_entity_functions($1, $5, $6) s WHERE $3 IS NULL AND $5 IS NOT NULL
),
r AS (  -- every supplier's risk (scoped: the scope's suppliers), EU-wide and as evaluated for the
         -- member states with rows of their own, with its group's headquarters country
  SELECT x.*, g.hq_country
  FROM @extschema@.supplier_risk_rows($1, $2, CASE WHEN $3 IS NOT NULL OR $5 IS NOT NULL THEN ARRAY(SELECT DISTINCT s.supplier_id FROM scoped s) END) x
  JOIN @extschema@.supplier g ON g.supplier_id OPERATOR(pg_catalog.=) x.group_id
  WHERE NOT $4
  UNION ALL
  SELECT c.*, g.hq_country
  FROM @extschema@.supplier_rollup c
  JOIN @extschema@.supplier g ON g.supplier_id OPERATOR(pg_catalog.=) c.group_id
  WHERE $4
),
sup AS (
  SELECT s.* FROM @extschema@.supply_in_scope($1, NULL) s WHERE $3 IS NULL AND $5 IS NULL
  UNION ALL
  SELECT s.* FROM scoped s WHERE $3 IS NOT NULL OR $5 IS NOT NULL
),
m AS (
  SELECT x.weight_critical, x.weight_sensitive, x.weight_standard, x.multi_vendor_cap FROM @extschema@.methodology x
  WHERE x.name OPERATOR(pg_catalog.=) @extschema@.methodology_name($2)
),
base AS (
  -- (risk_only: no mix, so none of the concentration columns, nor gaps; what refresh()'s
  -- re-weighting reads: hrv_share, exposure_score)
  SELECT s.entity_id, s.function_code, s.member_state, s.sector_code, @extschema@.supply_mix_agg(r.group_id, s.weight) FILTER (WHERE NOT $7) AS mix,
         pg_catalog.sum(s.weight) AS w,
         COALESCE(pg_catalog.sum(s.weight) FILTER (WHERE CASE WHEN k.i IS NULL THEN r.high_risk ELSE r.ms_high_risk[k.i] END), 0::pg_catalog.float8) AS hw,
         COALESCE(pg_catalog.sum(s.weight) FILTER (WHERE NOT c.eu_member), 0::pg_catalog.float8) AS nw,
         COALESCE(pg_catalog.sum(s.weight OPERATOR(pg_catalog.*) CASE WHEN k.i IS NULL THEN r.risk_score ELSE r.ms_risk_score[k.i] END), 0::pg_catalog.float8) AS rw
  FROM sup s
  JOIN r ON r.supplier_id OPERATOR(pg_catalog.=) s.supplier_id
  CROSS JOIN LATERAL (SELECT @extschema@.supply_risk_index(r.member_states, s.member_state) AS i) k  -- the entity's member state's evaluation
  JOIN @extschema@.country c ON c.code OPERATOR(pg_catalog.=) r.hq_country
  GROUP BY s.entity_id, s.function_code, s.member_state, s.sector_code
)
SELECT b.entity_id, b.function_code, b.member_state, b.sector_code,
       @extschema@.key_count(b.mix), @extschema@.hhi(b.mix), @extschema@.cr(b.mix, 1), @extschema@.effective_suppliers(b.mix),
       b.hw OPERATOR(pg_catalog./) b.w, b.nw OPERATOR(pg_catalog./) b.w,
       b.rw OPERATOR(pg_catalog./) b.w OPERATOR(pg_catalog./) 100 OPERATOR(pg_catalog.*)
         CASE WHEN fn.criticality OPERATOR(pg_catalog.=) 'critical' THEN m.weight_critical
            WHEN fn.criticality OPERATOR(pg_catalog.=) 'sensitive' THEN m.weight_sensitive ELSE m.weight_standard END,
       b.mix, (SELECT t.key::bigint FROM @extschema@.top_shares(b.mix, 1) t),
       @extschema@.multi_vendor_gap_kinds(fn.criticality, @extschema@.key_count(b.mix), @extschema@.cr(b.mix, 1),
                                          b.hw OPERATOR(pg_catalog./) b.w, m.multi_vendor_cap)
FROM base b
JOIN @extschema@.ict_function fn ON fn.code OPERATOR(pg_catalog.=) b.function_code
CROSS JOIN m
$$;
COMMENT ON FUNCTION @extschema@.entity_exposure_compute(date, text, text[], boolean, bigint[], text[], boolean) IS
  'Internal: the rows of entity_exposure as entity_rollup stores them, from the supply valid at as_of (scope: only the entities of these <sector>:<member state> keys, by index; entity_ids and function_codes: only these (entity, function) pairs, by index; stored_scores: the suppliers'' risk as refresh() stored it in supplier_rollup instead of scored now; risk_only: only hrv_share, non_eu_share and exposure_score, the other columns NULL, for refresh()''s re-weighting). What the live view and refresh() compute.';

-- per entity and ICT function, live, for any date and methodology
CREATE OR REPLACE FUNCTION @extschema@.entity_exposure_at(as_of date DEFAULT CURRENT_DATE, methodology text DEFAULT NULL)
RETURNS TABLE (entity_id bigint, entity_name text, member_state text, sector_code text, function_code text,
               criticality text, supplier_count integer, hhi float8, cr1 float8, effective_suppliers float8,
               hrv_share float8, non_eu_share float8, single_supplier boolean, exposure_score float8,
               mix @extschema@.supply_mix)
LANGUAGE sql STABLE PARALLEL SAFE
-- (SET: not inlined into the view, whose reads of the rollups its cost would make JIT-compile)
SET jit = off AS $$
SELECT x.entity_id, e.name, e.member_state, e.sector_code, x.function_code, fn.criticality, x.supplier_count, x.hhi, x.cr1,
       x.effective_suppliers, x.hrv_share, x.non_eu_share, x.supplier_count OPERATOR(pg_catalog.=) 1, x.exposure_score, x.mix
FROM @extschema@.entity_exposure_compute($1, $2) x
JOIN @extschema@.entity e ON e.entity_id OPERATOR(pg_catalog.=) x.entity_id
JOIN @extschema@.ict_function fn ON fn.code OPERATOR(pg_catalog.=) x.function_code
$$;
COMMENT ON FUNCTION @extschema@.entity_exposure_at(date, text) IS 'The rows of entity_exposure for any date and methodology, computed live.';

-- Whether the entity views read their rollups: refresh() has run and written entity rows (the
-- reader may see); else they compute live (before the first refresh, after an upgrade until the
-- next one). A one-time filter of each branch of the views.
CREATE OR REPLACE FUNCTION @extschema@.entity_rollup_ready(deep boolean) RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT EXISTS (SELECT 1 FROM @extschema@.rollup_refresh)
     AND CASE WHEN $1 THEN EXISTS (SELECT 1 FROM @extschema@.entity_deep_rollup) ELSE EXISTS (SELECT 1 FROM @extschema@.entity_rollup) END
$$;
COMMENT ON FUNCTION @extschema@.entity_rollup_ready(boolean) IS
  'Internal: whether entity_exposure and multi_vendor_gaps (deep false) or entity_deep_exposure (deep true) read their rollups (entity_rollup, entity_deep_rollup): after a refresh() that wrote rows the caller may see; else they are computed live.';

-- What a dashboard reads: the rollups (filters on sector_code, member_state or entity_id reach
-- the table's indexes), or live before the first refresh. Plain SQL, so that a dashboard's
-- WHERE is pushed into the branch that runs; the live branch is a function scan that is not
-- executed (nor costed as its computation) while the rollups are read.
CREATE OR REPLACE VIEW @extschema@.entity_exposure WITH (security_invoker = true) AS
  SELECT x.entity_id, e.name AS entity_name, x.member_state, x.sector_code, x.function_code, fn.criticality, x.supplier_count,
         x.hhi, x.cr1, x.effective_suppliers, x.hrv_share, x.non_eu_share, x.supplier_count OPERATOR(pg_catalog.=) 1 AS single_supplier,
         x.exposure_score, x.mix, f.computed_at, f.stale
  FROM @extschema@.entity_rollup x
  JOIN @extschema@.entity e ON e.entity_id OPERATOR(pg_catalog.=) x.entity_id
  JOIN @extschema@.ict_function fn ON fn.code OPERATOR(pg_catalog.=) x.function_code
  CROSS JOIN @extschema@.rollup_freshness(false) f
  WHERE @extschema@.entity_rollup_ready(false)
  UNION ALL
  SELECT y.*, pg_catalog.now(), false
  FROM @extschema@.entity_exposure_at(CURRENT_DATE, NULL) y
  WHERE NOT @extschema@.entity_rollup_ready(false);
COMMENT ON VIEW @extschema@.entity_exposure IS 'Per entity and ICT function: concentration over supplier groups, high-risk and non-EU shares, exposure. Read from the rollups of the last refresh() (entity_rollup; see rollup_status); computed live for today until the first refresh.';
COMMENT ON COLUMN @extschema@.entity_exposure.entity_id IS 'Entity.';
COMMENT ON COLUMN @extschema@.entity_exposure.entity_name IS 'Entity name.';
COMMENT ON COLUMN @extschema@.entity_exposure.member_state IS 'Member state of the entity.';
COMMENT ON COLUMN @extschema@.entity_exposure.sector_code IS 'Sector of the entity.';
COMMENT ON COLUMN @extschema@.entity_exposure.function_code IS 'ICT function.';
COMMENT ON COLUMN @extschema@.entity_exposure.criticality IS 'critical, sensitive or standard.';
COMMENT ON COLUMN @extschema@.entity_exposure.supplier_count IS 'Distinct supplier groups supplying the function (subsidiaries of one group count once).';
COMMENT ON COLUMN @extschema@.entity_exposure.hhi IS 'HHI (0..10000) over supplier groups.';
COMMENT ON COLUMN @extschema@.entity_exposure.cr1 IS 'Share (0..1) of the largest supplier group.';
COMMENT ON COLUMN @extschema@.entity_exposure.effective_suppliers IS 'Numbers equivalent 10000/HHI.';
COMMENT ON COLUMN @extschema@.entity_exposure.hrv_share IS 'Share (0..1) of the weight from high-risk suppliers.';
COMMENT ON COLUMN @extschema@.entity_exposure.non_eu_share IS 'Share (0..1) of the weight from supplier groups headquartered outside the EU.';
COMMENT ON COLUMN @extschema@.entity_exposure.single_supplier IS 'One supplier group only.';
COMMENT ON COLUMN @extschema@.entity_exposure.exposure_score IS 'Sum over suppliers of risk_score/100 x criticality weight x share (0..1).';
COMMENT ON COLUMN @extschema@.entity_exposure.mix IS 'The supply_mix over supplier groups.';
COMMENT ON COLUMN @extschema@.entity_exposure.computed_at IS 'When the row was computed: the end of the last refresh() (now when computed live), so a dashboard can say "as of".';
COMMENT ON COLUMN @extschema@.entity_exposure.stale IS 'True when the row may be out of date: the last refresh''s date has passed or a change is recorded that it does not hold (rollup_status.outdated).';
