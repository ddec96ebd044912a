-- supply_mix aggregates: supply_mix_agg and hhi over bigint or text keys,
-- supply_mix_union, supply_mix_sum (all PARALLEL SAFE).

CREATE OR REPLACE FUNCTION @extschema@.supply_mix_agg_trans(internal, bigint, float8) RETURNS internal
  AS 'MODULE_PATHNAME', 'supply_mix_agg_trans_int8' LANGUAGE C CALLED ON NULL INPUT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION @extschema@.supply_mix_agg_trans(internal, text, float8) RETURNS internal
  AS 'MODULE_PATHNAME', 'supply_mix_agg_trans_text' LANGUAGE C CALLED ON NULL INPUT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION @extschema@.supply_mix_agg_combine(internal, internal) RETURNS internal
  AS 'MODULE_PATHNAME' LANGUAGE C CALLED ON NULL INPUT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION @extschema@.supply_mix_agg_serialize(internal) RETURNS bytea
  AS 'MODULE_PATHNAME' LANGUAGE C STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION @extschema@.supply_mix_agg_deserialize(bytea, internal) RETURNS internal
  AS 'MODULE_PATHNAME' LANGUAGE C STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION @extschema@.supply_mix_agg_final(internal) RETURNS @extschema@.supply_mix
  AS 'MODULE_PATHNAME' LANGUAGE C CALLED ON NULL INPUT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION @extschema@.supply_mix_hhi_final(internal) RETURNS float8
  AS 'MODULE_PATHNAME' LANGUAGE C CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.supply_mix_agg_trans(internal, bigint, float8) IS 'Transition function of supply_mix_agg and hhi (bigint keys).';
COMMENT ON FUNCTION @extschema@.supply_mix_agg_trans(internal, text, float8) IS 'Transition function of supply_mix_agg and hhi (text keys).';
COMMENT ON FUNCTION @extschema@.supply_mix_agg_combine(internal, internal) IS 'Combine function of supply_mix_agg and hhi (parallel query).';
COMMENT ON FUNCTION @extschema@.supply_mix_agg_serialize(internal) IS 'Serialize function of supply_mix_agg and hhi.';
COMMENT ON FUNCTION @extschema@.supply_mix_agg_deserialize(bytea, internal) IS 'Deserialize function of supply_mix_agg and hhi; validates like supply_mix_recv.';
COMMENT ON FUNCTION @extschema@.supply_mix_agg_final(internal) IS 'Final function of supply_mix_agg.';
COMMENT ON FUNCTION @extschema@.supply_mix_hhi_final(internal) IS 'Final function of the hhi aggregate.';
CREATE OR REPLACE FUNCTION @extschema@.supply_mix_from_binary(bytes bytea) RETURNS @extschema@.supply_mix
AS 'MODULE_PATHNAME', 'supply_mix_from_binary' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.supply_mix_from_binary(bytea) IS 'A mix from its binary form (what supply_mix_send returns and COPY BINARY carries), validated as strictly as binary input.';
CREATE OR REPLACE FUNCTION @extschema@.supply_mix_from_state(state bytea) RETURNS @extschema@.supply_mix
  AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.supply_mix_from_state(bytea) IS 'A serialized supply_mix_agg state (as parallel workers send it) as a mix, validated like the deserialize function.';
CREATE OR REPLACE FUNCTION @extschema@.supply_mix_to_state(mix @extschema@.supply_mix) RETURNS bytea
  AS 'MODULE_PATHNAME', 'supply_mix_to_state' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.supply_mix_to_state(@extschema@.supply_mix) IS 'A mix as a serialized supply_mix_agg state (the format parallel workers send): the inverse of supply_mix_from_state.';

CREATE OR REPLACE AGGREGATE @extschema@.supply_mix_agg(key bigint, weight float8) (
  SFUNC = @extschema@.supply_mix_agg_trans, STYPE = internal, SSPACE = 400,
  FINALFUNC = @extschema@.supply_mix_agg_final,
  COMBINEFUNC = @extschema@.supply_mix_agg_combine,
  SERIALFUNC = @extschema@.supply_mix_agg_serialize,
  DESERIALFUNC = @extschema@.supply_mix_agg_deserialize,
  PARALLEL = SAFE
);
CREATE OR REPLACE AGGREGATE @extschema@.supply_mix_agg(key text, weight float8) (
  SFUNC = @extschema@.supply_mix_agg_trans, STYPE = internal, SSPACE = 400,
  FINALFUNC = @extschema@.supply_mix_agg_final,
  COMBINEFUNC = @extschema@.supply_mix_agg_combine,
  SERIALFUNC = @extschema@.supply_mix_agg_serialize,
  DESERIALFUNC = @extschema@.supply_mix_agg_deserialize,
  PARALLEL = SAFE
);
CREATE OR REPLACE AGGREGATE @extschema@.hhi(key bigint, weight float8) (
  SFUNC = @extschema@.supply_mix_agg_trans, STYPE = internal, SSPACE = 400,
  FINALFUNC = @extschema@.supply_mix_hhi_final,
  COMBINEFUNC = @extschema@.supply_mix_agg_combine,
  SERIALFUNC = @extschema@.supply_mix_agg_serialize,
  DESERIALFUNC = @extschema@.supply_mix_agg_deserialize,
  PARALLEL = SAFE
);
CREATE OR REPLACE AGGREGATE @extschema@.hhi(key text, weight float8) (
  SFUNC = @extschema@.supply_mix_agg_trans, STYPE = internal, SSPACE = 400,
  FINALFUNC = @extschema@.supply_mix_hhi_final,
  COMBINEFUNC = @extschema@.supply_mix_agg_combine,
  SERIALFUNC = @extschema@.supply_mix_agg_serialize,
  DESERIALFUNC = @extschema@.supply_mix_agg_deserialize,
  PARALLEL = SAFE
);
CREATE OR REPLACE FUNCTION @extschema@.supply_mix_union_trans(internal, @extschema@.supply_mix) RETURNS internal
  AS 'MODULE_PATHNAME' LANGUAGE C CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.supply_mix_union_trans(internal, @extschema@.supply_mix) IS 'Transition function of supply_mix_union.';
CREATE OR REPLACE AGGREGATE @extschema@.supply_mix_union(mix @extschema@.supply_mix) (
  SFUNC = @extschema@.supply_mix_union_trans, STYPE = internal, SSPACE = 400,
  FINALFUNC = @extschema@.supply_mix_agg_final,
  COMBINEFUNC = @extschema@.supply_mix_agg_combine,
  SERIALFUNC = @extschema@.supply_mix_agg_serialize,
  DESERIALFUNC = @extschema@.supply_mix_agg_deserialize,
  PARALLEL = SAFE
);
-- the same merge with a non-internal state (supply_mix itself) and + as the
-- combine function: the design Citus (and any system that ships aggregate
-- states as plain values) can distribute
CREATE OR REPLACE AGGREGATE @extschema@.supply_mix_sum(mix @extschema@.supply_mix) (
  SFUNC = @extschema@.supply_mix_add, STYPE = @extschema@.supply_mix,
  COMBINEFUNC = @extschema@.supply_mix_add,
  INITCOND = '{}',
  PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.supply_mix_agg(bigint, float8) IS 'Mix of the weights per bigint key (NULL keys or weights skipped; {} for no rows).';
COMMENT ON AGGREGATE @extschema@.supply_mix_agg(text, float8) IS 'Mix of the weights per text key (NULL keys or weights skipped; {} for no rows).';
COMMENT ON AGGREGATE @extschema@.hhi(bigint, float8) IS 'HHI (0..10000) of the weights per bigint key, without building a mix; NULL for no rows.';
COMMENT ON AGGREGATE @extschema@.hhi(text, float8) IS 'HHI (0..10000) of the weights per text key, without building a mix; NULL for no rows.';
COMMENT ON AGGREGATE @extschema@.supply_mix_union(@extschema@.supply_mix) IS 'Merge of supply_mix values (NULLs skipped; {} for no rows).';
COMMENT ON AGGREGATE @extschema@.supply_mix_sum(@extschema@.supply_mix) IS 'Merge of supply_mix values with a supply_mix state and + as combine function (distributable by Citus); O(keys) per row, prefer supply_mix_union locally.';
