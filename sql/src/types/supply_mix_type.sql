-- The supply_mix type (C): text and binary I/O, equality, +, jsonb casts.

CREATE TYPE @extschema@.supply_mix;
CREATE OR REPLACE FUNCTION @extschema@.supply_mix_in(cstring) RETURNS @extschema@.supply_mix
  AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION @extschema@.supply_mix_out(@extschema@.supply_mix) RETURNS cstring
  AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION @extschema@.supply_mix_recv(internal) RETURNS @extschema@.supply_mix
  AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION @extschema@.supply_mix_send(@extschema@.supply_mix) RETURNS bytea
  AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE TYPE @extschema@.supply_mix (
  INPUT = @extschema@.supply_mix_in,
  OUTPUT = @extschema@.supply_mix_out,
  RECEIVE = @extschema@.supply_mix_recv,
  SEND = @extschema@.supply_mix_send,
  INTERNALLENGTH = VARIABLE,
  ALIGNMENT = double,
  STORAGE = extended
);
COMMENT ON TYPE @extschema@.supply_mix IS 'Distribution of positive weight over keys (bigint or text): {k:w,...}. Mergeable: the state of vendor concentration.';
COMMENT ON FUNCTION @extschema@.supply_mix_in(cstring) IS 'Text input of supply_mix: {k:w,...} with bigint keys or {"k":w,...} with text keys.';
COMMENT ON FUNCTION @extschema@.supply_mix_out(@extschema@.supply_mix) IS 'Canonical text output of supply_mix: keys sorted, weights shortest-exact.';
COMMENT ON FUNCTION @extschema@.supply_mix_recv(internal) IS 'Binary input of supply_mix (format version 1), fully validated.';
COMMENT ON FUNCTION @extschema@.supply_mix_send(@extschema@.supply_mix) IS 'Binary output of supply_mix (format version 1).';

CREATE OR REPLACE FUNCTION @extschema@.supply_mix_eq(@extschema@.supply_mix, @extschema@.supply_mix) RETURNS boolean
  AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE OR REPLACE FUNCTION @extschema@.supply_mix_ne(@extschema@.supply_mix, @extschema@.supply_mix) RETURNS boolean
  AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE LEAKPROOF;
CREATE OR REPLACE FUNCTION @extschema@.supply_mix_add(@extschema@.supply_mix, @extschema@.supply_mix) RETURNS @extschema@.supply_mix
  AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.supply_mix_eq(@extschema@.supply_mix, @extschema@.supply_mix) IS 'Equality: same key kind, keys and weights.';
COMMENT ON FUNCTION @extschema@.supply_mix_ne(@extschema@.supply_mix, @extschema@.supply_mix) IS 'Inequality.';
COMMENT ON FUNCTION @extschema@.supply_mix_add(@extschema@.supply_mix, @extschema@.supply_mix) IS 'Merge two mixes: weights of equal keys are added.';
CREATE OPERATOR @extschema@.= (
  LEFTARG = @extschema@.supply_mix, RIGHTARG = @extschema@.supply_mix,
  FUNCTION = @extschema@.supply_mix_eq, COMMUTATOR = OPERATOR(@extschema@.=), NEGATOR = OPERATOR(@extschema@.<>),
  RESTRICT = eqsel, JOIN = eqjoinsel
);
CREATE OPERATOR @extschema@.<> (
  LEFTARG = @extschema@.supply_mix, RIGHTARG = @extschema@.supply_mix,
  FUNCTION = @extschema@.supply_mix_ne, COMMUTATOR = OPERATOR(@extschema@.<>), NEGATOR = OPERATOR(@extschema@.=),
  RESTRICT = neqsel, JOIN = neqjoinsel
);
CREATE OPERATOR @extschema@.+ (
  LEFTARG = @extschema@.supply_mix, RIGHTARG = @extschema@.supply_mix,
  FUNCTION = @extschema@.supply_mix_add, COMMUTATOR = OPERATOR(@extschema@.+)
);
COMMENT ON OPERATOR @extschema@.= (@extschema@.supply_mix, @extschema@.supply_mix) IS 'supply_mix equality';
COMMENT ON OPERATOR @extschema@.<> (@extschema@.supply_mix, @extschema@.supply_mix) IS 'supply_mix inequality';
COMMENT ON OPERATOR @extschema@.+ (@extschema@.supply_mix, @extschema@.supply_mix) IS 'merge two supply_mix values (weights of equal keys add up)';

CREATE OR REPLACE FUNCTION @extschema@.supply_mix_to_jsonb(@extschema@.supply_mix) RETURNS jsonb
  AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION @extschema@.supply_mix_from_jsonb(jsonb) RETURNS @extschema@.supply_mix
  AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.supply_mix_to_jsonb(@extschema@.supply_mix) IS 'supply_mix as a jsonb object {"key": weight}.';
COMMENT ON FUNCTION @extschema@.supply_mix_from_jsonb(jsonb) IS 'jsonb object {"key": weight} as supply_mix; bigint-keyed when every key is a canonical bigint literal.';
CREATE CAST (@extschema@.supply_mix AS jsonb) WITH FUNCTION @extschema@.supply_mix_to_jsonb(@extschema@.supply_mix);
CREATE CAST (jsonb AS @extschema@.supply_mix) WITH FUNCTION @extschema@.supply_mix_from_jsonb(jsonb);
COMMENT ON CAST (@extschema@.supply_mix AS jsonb) IS 'supply_mix to jsonb object';
COMMENT ON CAST (jsonb AS @extschema@.supply_mix) IS 'jsonb object to supply_mix';
