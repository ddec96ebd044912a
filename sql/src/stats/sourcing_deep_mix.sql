-- Exposure building blocks: the sourcing aggregate (single-sourced entities); deep_mix is in
-- deep_mix.sql.

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
