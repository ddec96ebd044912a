-- multi_vendor_gaps: entity and function pairs that break the multi-vendor guidance.

CREATE OR REPLACE FUNCTION @extschema@.multi_vendor_gaps_at(as_of date DEFAULT CURRENT_DATE, methodology text DEFAULT NULL)
RETURNS TABLE (entity_id bigint, entity_name text, member_state text, sector_code text, function_code text,
               criticality text, gap text, supplier_count integer, top_group_id bigint, top_share float8,
               hrv_share float8, cap float8, measures text[])
LANGUAGE sql STABLE PARALLEL SAFE AS $$
SELECT x.entity_id, x.entity_name, x.member_state, x.sector_code, x.function_code, x.criticality, g.gap,
       x.supplier_count, (SELECT t.key::bigint FROM @extschema@.top_shares(x.mix, 1) t), x.cr1, x.hrv_share,
       m.multi_vendor_cap,
       CASE WHEN g.gap OPERATOR(pg_catalog.=) 'high_risk_supplier' THEN (SELECT @extschema@.measures_addressing('high_risk_supplier'))
            ELSE (SELECT @extschema@.measures_addressing('multi_vendor_gap')) END
FROM @extschema@.entity_exposure_at($1, $2) x
CROSS JOIN (SELECT y.multi_vendor_cap FROM @extschema@.methodology y
            WHERE y.name OPERATOR(pg_catalog.=) @extschema@.methodology_name($2)) m
CROSS JOIN LATERAL (VALUES
  ('single_supplier', x.criticality OPERATOR(pg_catalog.<>) 'standard' AND x.supplier_count OPERATOR(pg_catalog.=) 1),
  ('high_risk_supplier', x.criticality OPERATOR(pg_catalog.=) 'critical' AND x.hrv_share OPERATOR(pg_catalog.>) 0),
  ('above_cap', x.criticality OPERATOR(pg_catalog.<>) 'standard' AND x.supplier_count OPERATOR(pg_catalog.>) 1
                AND x.cr1 OPERATOR(pg_catalog.>) m.multi_vendor_cap)
) g(gap, hit)
WHERE g.hit
$$;
COMMENT ON FUNCTION @extschema@.multi_vendor_gaps_at(date, text) IS 'The rows of multi_vendor_gaps for any date and methodology.';
CREATE OR REPLACE VIEW @extschema@.multi_vendor_gaps WITH (security_invoker = true) AS
  SELECT * FROM @extschema@.multi_vendor_gaps_at(CURRENT_DATE, NULL);
COMMENT ON VIEW @extschema@.multi_vendor_gaps IS 'Entity and function pairs that break the multi-vendor guidance, one row per gap.';
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
