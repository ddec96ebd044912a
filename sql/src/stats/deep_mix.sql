-- deep_mix (tier-n propagation, C: src/deep.c).

CREATE OR REPLACE FUNCTION @extschema@.deep_mix(mix @extschema@.supply_mix, max_depth integer DEFAULT 6,
                                     function_code text DEFAULT NULL, min_share float8 DEFAULT 0.01,
                                     member_state text DEFAULT NULL)
RETURNS @extschema@.supply_mix
  AS 'MODULE_PATHNAME', 'supply_mix_deep' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.deep_mix(@extschema@.supply_mix, integer, text, float8, text) IS
  'A supplier mix propagated through supplier_dependency: each supplier weighs the supply that relies on it at any tier up to max_depth (simple paths, products of shares summed and capped at 1 per origin, paths below min_share pruned). The EU-wide dependencies count, and those member_state owns (NULL: EU-wide ones only); NULL mix, max_depth or min_share: NULL.';

-- The per-entity steps of entity_deep_exposure, in C (src/group_mix.c): a supplier mix regrouped
-- over supplier groups, and the largest hidden reliances of a deep mix over a direct one.
CREATE OR REPLACE FUNCTION @extschema@.supply_mix_by_group(mix @extschema@.supply_mix) RETURNS @extschema@.supply_mix
  AS 'MODULE_PATHNAME', 'supply_mix_by_group' LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.supply_mix_by_group(@extschema@.supply_mix) IS
  'A mix over suppliers regrouped over their supplier groups (ultimate controllers, supplier_group_map, read once per query as the caller; keys of no known supplier are dropped). Text-keyed mix: 22023.';
CREATE OR REPLACE FUNCTION @extschema@.hidden_reliance_top(deep_mix @extschema@.supply_mix, direct_mix @extschema@.supply_mix, k integer)
RETURNS @extschema@.supply_mix
  AS 'MODULE_PATHNAME', 'hidden_reliance_top' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.hidden_reliance_top(@extschema@.supply_mix, @extschema@.supply_mix, integer) IS
  'The k largest hidden reliances of a deep mix over its direct mix (both over supplier groups): per key, deep weight minus direct weight, kept above 1e-12 of the direct total, largest first (ties: the lower key), as a mix of those hidden weights (weight / total(direct_mix) is the hidden share). k negative or text keys: 22023.';
