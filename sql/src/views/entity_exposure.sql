-- entity_exposure: concentration and exposure per entity and ICT function.

-- per entity and ICT function
CREATE OR REPLACE FUNCTION @extschema@.entity_exposure_at(as_of date DEFAULT CURRENT_DATE, methodology text DEFAULT NULL)
RETURNS TABLE (entity_id bigint, entity_name text, member_state text, sector_code text, function_code text,
               criticality text, supplier_count integer, hhi float8, cr1 float8, effective_suppliers float8,
               hrv_share float8, non_eu_share float8, single_supplier boolean, exposure_score float8,
               mix @extschema@.supply_mix)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
WITH r AS (  -- every supplier's risk, EU-wide and as evaluated for the member states with rows of their own
  SELECT x.* FROM @extschema@.supplier_risk_rows($1, $2, NULL) x
),
m AS (
  SELECT x.weight_critical, x.weight_sensitive, x.weight_standard FROM @extschema@.methodology x
  WHERE x.name OPERATOR(pg_catalog.=) @extschema@.methodology_name($2)
),
base AS (
  SELECT s.entity_id, s.function_code, @extschema@.supply_mix_agg(r.group_id, s.weight) AS mix,
         pg_catalog.sum(s.weight) AS w,
         COALESCE(pg_catalog.sum(s.weight) FILTER (WHERE CASE WHEN k.i IS NULL THEN r.high_risk ELSE r.ms_high_risk[k.i] END), 0::pg_catalog.float8) AS hw,
         COALESCE(pg_catalog.sum(s.weight) FILTER (WHERE NOT c.eu_member), 0::pg_catalog.float8) AS nw,
         COALESCE(pg_catalog.sum(s.weight OPERATOR(pg_catalog.*) CASE WHEN k.i IS NULL THEN r.risk_score ELSE r.ms_risk_score[k.i] END), 0::pg_catalog.float8) AS rw
  FROM @extschema@.supply_valid_at($1) s
  JOIN @extschema@.entity se ON se.entity_id OPERATOR(pg_catalog.=) s.entity_id
  JOIN r ON r.supplier_id OPERATOR(pg_catalog.=) s.supplier_id
  CROSS JOIN LATERAL (SELECT @extschema@.supply_risk_index(r.member_states, se.member_state) AS i) k  -- the entity's member state's evaluation
  JOIN @extschema@.supplier g ON g.supplier_id OPERATOR(pg_catalog.=) r.group_id
  JOIN @extschema@.country c ON c.code OPERATOR(pg_catalog.=) g.hq_country
  GROUP BY s.entity_id, s.function_code
)
SELECT e.entity_id, e.name, e.member_state, e.sector_code, b.function_code, fn.criticality,
       @extschema@.key_count(b.mix), @extschema@.hhi(b.mix), @extschema@.cr(b.mix, 1), @extschema@.effective_suppliers(b.mix),
       b.hw OPERATOR(pg_catalog./) b.w, b.nw OPERATOR(pg_catalog./) b.w,
       @extschema@.key_count(b.mix) OPERATOR(pg_catalog.=) 1,
       b.rw OPERATOR(pg_catalog./) b.w OPERATOR(pg_catalog./) 100 OPERATOR(pg_catalog.*)
         CASE WHEN fn.criticality OPERATOR(pg_catalog.=) 'critical' THEN m.weight_critical
            WHEN fn.criticality OPERATOR(pg_catalog.=) 'sensitive' THEN m.weight_sensitive ELSE m.weight_standard END,
       b.mix
FROM base b
JOIN @extschema@.entity e ON e.entity_id OPERATOR(pg_catalog.=) b.entity_id
JOIN @extschema@.ict_function fn ON fn.code OPERATOR(pg_catalog.=) b.function_code
CROSS JOIN m
$$;
COMMENT ON FUNCTION @extschema@.entity_exposure_at(date, text) IS 'The rows of entity_exposure for any date and methodology.';

CREATE OR REPLACE VIEW @extschema@.entity_exposure WITH (security_invoker = true) AS
  SELECT * FROM @extschema@.entity_exposure_at(CURRENT_DATE, NULL);
COMMENT ON VIEW @extschema@.entity_exposure IS 'Per entity and ICT function: concentration over supplier groups, high-risk and non-EU shares, exposure, from the supply valid today.';
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
