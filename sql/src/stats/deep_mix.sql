-- deep_mix (tier-n propagation, C: src/deep.c).

CREATE OR REPLACE FUNCTION @extschema@.deep_mix(mix @extschema@.supply_mix, max_depth integer DEFAULT 6,
                                     function_code text DEFAULT NULL, min_share float8 DEFAULT 0.01,
                                     member_state text DEFAULT NULL)
RETURNS @extschema@.supply_mix
  AS 'MODULE_PATHNAME', 'supply_mix_deep' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.deep_mix(@extschema@.supply_mix, integer, text, float8, text) IS
  'A supplier mix propagated through supplier_dependency: each supplier weighs the supply that relies on it at any tier up to max_depth (simple paths, products of shares summed and capped at 1 per origin, paths below min_share pruned). The EU-wide dependencies count, and those member_state owns (NULL: EU-wide ones only); NULL mix, max_depth or min_share: NULL.';
