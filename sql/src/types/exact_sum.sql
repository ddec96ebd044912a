-- exact_sum(float8): the correctly rounded sum of its inputs, whatever their order (PARALLEL SAFE).

CREATE OR REPLACE FUNCTION @extschema@.exact_sum_trans(internal, float8) RETURNS internal
  AS 'MODULE_PATHNAME' LANGUAGE C CALLED ON NULL INPUT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION @extschema@.exact_sum_combine(internal, internal) RETURNS internal
  AS 'MODULE_PATHNAME' LANGUAGE C CALLED ON NULL INPUT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION @extschema@.exact_sum_serialize(internal) RETURNS bytea
  AS 'MODULE_PATHNAME' LANGUAGE C STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION @extschema@.exact_sum_deserialize(bytea, internal) RETURNS internal
  AS 'MODULE_PATHNAME' LANGUAGE C STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION @extschema@.exact_sum_final(internal) RETURNS float8
  AS 'MODULE_PATHNAME' LANGUAGE C CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.exact_sum_trans(internal, float8) IS 'Transition function of exact_sum.';
COMMENT ON FUNCTION @extschema@.exact_sum_combine(internal, internal) IS 'Combine function of exact_sum (parallel query): the exact sum of both states.';
COMMENT ON FUNCTION @extschema@.exact_sum_serialize(internal) IS 'Serialize function of exact_sum.';
COMMENT ON FUNCTION @extschema@.exact_sum_deserialize(bytea, internal) IS 'Deserialize function of exact_sum; a state that does not check out is an error (22P03).';
COMMENT ON FUNCTION @extschema@.exact_sum_final(internal) IS 'Final function of exact_sum: the exact sum rounded once to float8.';

CREATE OR REPLACE AGGREGATE @extschema@.exact_sum(float8) (
  SFUNC = @extschema@.exact_sum_trans, STYPE = internal, SSPACE = 416,
  FINALFUNC = @extschema@.exact_sum_final,
  COMBINEFUNC = @extschema@.exact_sum_combine,
  SERIALFUNC = @extschema@.exact_sum_serialize,
  DESERIALFUNC = @extschema@.exact_sum_deserialize,
  PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.exact_sum(float8) IS
  'The float8 nearest to the exact sum of the non-NULL inputs (correctly rounded; NULL when there are none), whatever their order or grouping: serial, parallel, hashed and merged aggregations agree to the last bit. Infinite and NaN inputs sum as in sum(float8); a finite sum beyond the range of float8 is an error (22003).';
CREATE OR REPLACE FUNCTION @extschema@.exact_sum_from_state(state bytea) RETURNS float8
  AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.exact_sum_from_state(bytea) IS 'The value of a serialized exact_sum state (as parallel workers send it; NULL for a state of no inputs), validated like the deserialize function (22P03).';
