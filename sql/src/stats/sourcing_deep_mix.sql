-- Exposure building blocks: the sourcing aggregate (single-sourced entities) and
-- deep_mix (tier-n propagation, C).

CREATE TYPE @extschema@.sourcing_counts AS (entities bigint, single_sourced bigint);
COMMENT ON TYPE @extschema@.sourcing_counts IS 'Distinct entities, and how many of them have a single source.';
CREATE OR REPLACE FUNCTION @extschema@.sourcing_trans(internal, bigint, bigint) RETURNS internal
  AS 'MODULE_PATHNAME' LANGUAGE C CALLED ON NULL INPUT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION @extschema@.sourcing_combine(internal, internal) RETURNS internal
  AS 'MODULE_PATHNAME' LANGUAGE C CALLED ON NULL INPUT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION @extschema@.sourcing_serialize(internal) RETURNS bytea
  AS 'MODULE_PATHNAME' LANGUAGE C STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION @extschema@.sourcing_deserialize(bytea, internal) RETURNS internal
  AS 'MODULE_PATHNAME' LANGUAGE C STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION @extschema@.sourcing_final(internal) RETURNS @extschema@.sourcing_counts
  AS 'MODULE_PATHNAME' LANGUAGE C CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.sourcing_trans(internal, bigint, bigint) IS 'Transition function of sourcing.';
COMMENT ON FUNCTION @extschema@.sourcing_combine(internal, internal) IS 'Combine function of sourcing.';
COMMENT ON FUNCTION @extschema@.sourcing_serialize(internal) IS 'Serialize function of sourcing.';
COMMENT ON FUNCTION @extschema@.sourcing_deserialize(bytea, internal) IS 'Deserialize function of sourcing (validated).';
COMMENT ON FUNCTION @extschema@.sourcing_final(internal) IS 'Final function of sourcing.';
CREATE OR REPLACE AGGREGATE @extschema@.sourcing(entity bigint, source bigint) (
  SFUNC = @extschema@.sourcing_trans, STYPE = internal, SSPACE = 300,
  FINALFUNC = @extschema@.sourcing_final,
  COMBINEFUNC = @extschema@.sourcing_combine,
  SERIALFUNC = @extschema@.sourcing_serialize,
  DESERIALFUNC = @extschema@.sourcing_deserialize,
  PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.sourcing(bigint, bigint) IS 'Distinct entities in the rows and how many have exactly one distinct source (one pass, no sort).';

CREATE OR REPLACE FUNCTION @extschema@.deep_mix(mix @extschema@.supply_mix, max_depth integer DEFAULT 6,
                                     function_code text DEFAULT NULL, min_share float8 DEFAULT 0.01)
RETURNS @extschema@.supply_mix
  AS 'MODULE_PATHNAME', 'supply_mix_deep' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.deep_mix(@extschema@.supply_mix, integer, text, float8) IS
  'A supplier mix propagated through supplier_dependency: each supplier weighs the supply that relies on it at any tier up to max_depth (simple paths, products of shares summed and capped at 1 per origin, paths below min_share pruned).';
