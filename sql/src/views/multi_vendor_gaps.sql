-- multi_vendor_gaps: entity and function pairs that break the multi-vendor guidance.

CREATE OR REPLACE FUNCTION @extschema@.multi_vendor_gaps_at(as_of date DEFAULT CURRENT_DATE, methodology text DEFAULT NULL)
RETURNS TABLE (entity_id bigint, entity_name text, member_state text, sector_code text, function_code text,
               criticality text, gap text, supplier_count integer, top_group_id bigint, top_share float8,
               hrv_share float8, cap float8, measures text[])
LANGUAGE sql STABLE PARALLEL SAFE
-- (SET: not inlined into the view; see entity_exposure_at)
SET jit = off AS $$
SELECT x.entity_id, e.name, x.member_state, x.sector_code, x.function_code, fn.criticality, gm.gap,
       x.supplier_count, x.top_group_id, x.cr1, x.hrv_share, m.multi_vendor_cap, gm.measures
FROM @extschema@.entity_exposure_compute($1, $2) x
JOIN @extschema@.entity e ON e.entity_id OPERATOR(pg_catalog.=) x.entity_id
JOIN @extschema@.ict_function fn ON fn.code OPERATOR(pg_catalog.=) x.function_code
JOIN @extschema@.multi_vendor_gap_measures() gm ON gm.gap OPERATOR(pg_catalog.=) ANY (x.gaps)
CROSS JOIN (SELECT y.multi_vendor_cap FROM @extschema@.methodology y
            WHERE y.name OPERATOR(pg_catalog.=) @extschema@.methodology_name($2)) m
$$;
COMMENT ON FUNCTION @extschema@.multi_vendor_gaps_at(date, text) IS 'The rows of multi_vendor_gaps for any date and methodology, computed live.';
-- from the rollups (entity_rollup, its gaps as the refresh found them) after a refresh, else
-- live; a dashboard's WHERE reaches the rollups' indexes (see entity_exposure)
CREATE OR REPLACE VIEW @extschema@.multi_vendor_gaps WITH (security_invoker = true) AS
  SELECT x.entity_id, e.name AS entity_name, x.member_state, x.sector_code, x.function_code, fn.criticality, gm.gap,
         x.supplier_count, x.top_group_id, x.cr1 AS top_share, x.hrv_share, m.multi_vendor_cap AS cap, gm.measures,
         f.computed_at, f.stale
  FROM @extschema@.entity_rollup x
  JOIN @extschema@.entity e ON e.entity_id OPERATOR(pg_catalog.=) x.entity_id
  JOIN @extschema@.ict_function fn ON fn.code OPERATOR(pg_catalog.=) x.function_code
  -- (a join on ANY rather than unnest: the planner's ten rows per unnest made a whole read look
  -- costly enough to JIT-compile)
  JOIN @extschema@.multi_vendor_gap_measures() gm ON gm.gap OPERATOR(pg_catalog.=) ANY (x.gaps)
  CROSS JOIN (SELECT y.multi_vendor_cap FROM @extschema@.methodology y  -- the cap of the rollups' methodology
              WHERE y.name OPERATOR(pg_catalog.=) (SELECT r.methodology FROM @extschema@.rollup_refresh r ORDER BY r.refresh_id DESC LIMIT 1)) m
  CROSS JOIN @extschema@.rollup_freshness(false) f
  WHERE @extschema@.entity_rollup_ready(false) AND x.gaps OPERATOR(pg_catalog.<>) '{}'
  UNION ALL
  SELECT y.*, pg_catalog.now(), false
  FROM @extschema@.multi_vendor_gaps_at(CURRENT_DATE, NULL) y
  WHERE NOT @extschema@.entity_rollup_ready(false);
COMMENT ON VIEW @extschema@.multi_vendor_gaps IS 'Entity and function pairs that break the multi-vendor guidance, one row per gap. Read from the rollups of the last refresh() (entity_rollup); computed live for today until the first refresh.';
COMMENT ON COLUMN @extschema@.multi_vendor_gaps.entity_id IS 'Entity.';
COMMENT ON COLUMN @extschema@.multi_vendor_gaps.entity_name IS 'Entity name.';
COMMENT ON COLUMN @extschema@.multi_vendor_gaps.member_state IS 'Member state of the entity.';
COMMENT ON COLUMN @extschema@.multi_vendor_gaps.sector_code IS 'Sector of the entity.';
COMMENT ON COLUMN @extschema@.multi_vendor_gaps.function_code IS 'ICT function.';
COMMENT ON COLUMN @extschema@.multi_vendor_gaps.criticality IS 'critical or sensitive (standard functions have no gaps).';
COMMENT ON COLUMN @extschema@.multi_vendor_gaps.gap IS 'single_supplier (one supplier group for a critical or sensitive function), high_risk_supplier (high-risk supply in a critical function) or above_cap (a group above the methodology''s cap share, several groups present).';
COMMENT ON COLUMN @extschema@.multi_vendor_gaps.supplier_count IS 'Distinct supplier groups.';
COMMENT ON COLUMN @extschema@.multi_vendor_gaps.top_group_id IS 'The largest supplier group.';
COMMENT ON COLUMN @extschema@.multi_vendor_gaps.top_share IS 'Its share (0..1).';
COMMENT ON COLUMN @extschema@.multi_vendor_gaps.hrv_share IS 'Share (0..1) of the weight from high-risk suppliers.';
COMMENT ON COLUMN @extschema@.multi_vendor_gaps.cap IS 'The methodology''s multi-vendor cap.';
COMMENT ON COLUMN @extschema@.multi_vendor_gaps.measures IS 'The toolbox measures that address the gap (toolbox:code): for high_risk_supplier those addressing high-risk suppliers (5g-2020:SM03, ...), else those addressing multi-vendor gaps (5g-2020:SM05, ...).';
COMMENT ON COLUMN @extschema@.multi_vendor_gaps.computed_at IS 'When the row was computed: the end of the last refresh() (now when computed live), so a dashboard can say "as of".';
COMMENT ON COLUMN @extschema@.multi_vendor_gaps.stale IS 'True when the row may be out of date: the last refresh''s date has passed or a change is recorded that it does not hold (rollup_status.outdated).';
