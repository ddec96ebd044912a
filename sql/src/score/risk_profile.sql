-- Supplier risk scoring, 2/3: the risk_profile type and its aggregate (C).

CREATE TYPE @extschema@.risk_profile AS (
  technical_score     float8,
  non_technical_score float8,
  risk_score          float8,
  risk_level          text,
  coverage            float8,
  top_factors         text[],
  above_hrv_threshold boolean
);
COMMENT ON TYPE @extschema@.risk_profile IS 'A supplier''s scores (0..100), risk level, coverage (0..1), top factors, and whether the non-technical score reaches the HRV threshold.';

CREATE OR REPLACE FUNCTION @extschema@.risk_profile_trans(internal, text, text, float8, date, timestamptz, bigint) RETURNS internal
  AS 'MODULE_PATHNAME' LANGUAGE C STABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION @extschema@.risk_profile_combine(internal, internal) RETURNS internal
  AS 'MODULE_PATHNAME' LANGUAGE C STABLE CALLED ON NULL INPUT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION @extschema@.risk_profile_serialize(internal) RETURNS bytea
  AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION @extschema@.risk_profile_deserialize(bytea, internal) RETURNS internal
  AS 'MODULE_PATHNAME' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE OR REPLACE FUNCTION @extschema@.risk_profile_final(internal) RETURNS @extschema@.risk_profile
  AS 'MODULE_PATHNAME' LANGUAGE C STABLE CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.risk_profile_trans(internal, text, text, float8, date, timestamptz, bigint) IS 'Transition function of risk_profile_agg: keeps the latest assessment per factor.';
COMMENT ON FUNCTION @extschema@.risk_profile_combine(internal, internal) IS 'Combine function of risk_profile_agg.';
COMMENT ON FUNCTION @extschema@.risk_profile_serialize(internal) IS 'Serialize function of risk_profile_agg.';
COMMENT ON FUNCTION @extschema@.risk_profile_deserialize(bytea, internal) IS 'Deserialize function of risk_profile_agg (validated).';
COMMENT ON FUNCTION @extschema@.risk_profile_final(internal) IS 'Final function of risk_profile_agg: computes the profile.';
CREATE OR REPLACE AGGREGATE @extschema@.risk_profile_agg(methodology text, factor_code text, score float8, assessed_on date,
                                              recorded_at timestamptz, assessment_id bigint) (
  SFUNC = @extschema@.risk_profile_trans, STYPE = internal, SSPACE = 600,
  FINALFUNC = @extschema@.risk_profile_final,
  COMBINEFUNC = @extschema@.risk_profile_combine,
  SERIALFUNC = @extschema@.risk_profile_serialize,
  DESERIALFUNC = @extschema@.risk_profile_deserialize,
  PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.risk_profile_agg(text, text, float8, date, timestamptz, bigint) IS
  'Risk profile of one supplier from its assessments valid at a date (the latest per factor counts; rows with a NULL factor only create the profile).';
