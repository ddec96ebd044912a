-- Methodology: versioned scoring configuration (thresholds, weights) and the shipped
-- default; the completeness check is in 50_methodology_check.sql.

CREATE TABLE @extschema@.methodology (
  name                 text PRIMARY KEY CONSTRAINT methodology_name_format CHECK (name ~ '^[a-z0-9][a-z0-9_.-]{0,62}$'),
  description          text,
  power_mean_p         float8 NOT NULL DEFAULT 2
    CONSTRAINT methodology_power_mean_p_range CHECK (power_mean_p >= 1 AND power_mean_p <= 16),
  technical_weight     float8 NOT NULL DEFAULT 1
    CONSTRAINT methodology_technical_weight_range CHECK (technical_weight >= 0 AND technical_weight < 'Infinity'),
  non_technical_weight float8 NOT NULL DEFAULT 1
    CONSTRAINT methodology_non_technical_weight_range CHECK (non_technical_weight >= 0 AND non_technical_weight < 'Infinity'),
  unknown_score        float8 NOT NULL DEFAULT 2
    CONSTRAINT methodology_unknown_score_range CHECK (unknown_score >= 0 AND unknown_score <= 4),
  band_medium          float8 NOT NULL DEFAULT 37.5,
  band_high            float8 NOT NULL DEFAULT 62.5,
  band_critical        float8 NOT NULL DEFAULT 87.5,
  hrv_threshold        float8 NOT NULL DEFAULT 60
    CONSTRAINT methodology_hrv_threshold_range CHECK (hrv_threshold > 0 AND hrv_threshold <= 100),
  weight_critical      float8 NOT NULL DEFAULT 1.0
    CONSTRAINT methodology_weight_critical_range CHECK (weight_critical >= 0 AND weight_critical <= 1),
  weight_sensitive     float8 NOT NULL DEFAULT 0.6
    CONSTRAINT methodology_weight_sensitive_range CHECK (weight_sensitive >= 0 AND weight_sensitive <= 1),
  weight_standard      float8 NOT NULL DEFAULT 0.3
    CONSTRAINT methodology_weight_standard_range CHECK (weight_standard >= 0 AND weight_standard <= 1),
  multi_vendor_cap     float8 NOT NULL DEFAULT 0.35
    CONSTRAINT methodology_multi_vendor_cap_range CHECK (multi_vendor_cap > 0 AND multi_vendor_cap <= 1),
  top_factor_count     integer NOT NULL DEFAULT 3
    CONSTRAINT methodology_top_factor_count_range CHECK (top_factor_count BETWEEN 0 AND 15),
  created_at           timestamptz NOT NULL DEFAULT pg_catalog.now(),
  shipped              boolean NOT NULL DEFAULT false,
  min_coverage         float8 NOT NULL DEFAULT 0.5
    CONSTRAINT methodology_min_coverage_range CHECK (@extschema@.constraint_check(min_coverage >= 0 AND min_coverage <= 1, min_coverage,
      'methodology_min_coverage_range', 'min_coverage', 'min_coverage is a share of the factor weight, from 0 to 1 (default 0.5).')),
  CONSTRAINT methodology_dimension_weights_not_all_zero CHECK (technical_weight + non_technical_weight > 0),
  CONSTRAINT methodology_bands_ordered CHECK (0 < band_medium AND band_medium < band_high AND band_high < band_critical AND band_critical <= 100)
);
COMMENT ON TABLE @extschema@.methodology IS 'Scoring configurations. The shipped one is named default; add a national variant under a new name and select it with the supplyrisk.methodology setting or by name.';
COMMENT ON COLUMN @extschema@.methodology.name IS 'Methodology name (lower case).';
COMMENT ON COLUMN @extschema@.methodology.description IS 'What the methodology is and who calibrated it.';
COMMENT ON COLUMN @extschema@.methodology.power_mean_p IS 'Exponent p of the weighted power mean that combines factor scores (1 = arithmetic mean; higher = one bad factor weighs more).';
COMMENT ON COLUMN @extschema@.methodology.technical_weight IS 'Weight of the technical dimension in risk_score.';
COMMENT ON COLUMN @extschema@.methodology.non_technical_weight IS 'Weight of the non-technical dimension in risk_score.';
COMMENT ON COLUMN @extschema@.methodology.unknown_score IS 'Score (0..4) counted for a factor with no valid assessment.';
COMMENT ON COLUMN @extschema@.methodology.band_medium IS 'risk_score from which the level is medium (below: low). Default 37.5: the bands sit at the midpoints of the scale, so a supplier scored k on every factor gets the level k names (0 and 1 low, 2 medium, 3 high, 4 critical).';
COMMENT ON COLUMN @extschema@.methodology.band_high IS 'risk_score from which the level is high.';
COMMENT ON COLUMN @extschema@.methodology.band_critical IS 'risk_score from which the level is critical.';
COMMENT ON COLUMN @extschema@.methodology.hrv_threshold IS 'non_technical_score from which a supplier is high-risk by score.';
COMMENT ON COLUMN @extschema@.methodology.weight_critical IS 'Exposure weight of a critical ICT function.';
COMMENT ON COLUMN @extschema@.methodology.weight_sensitive IS 'Exposure weight of a sensitive ICT function.';
COMMENT ON COLUMN @extschema@.methodology.weight_standard IS 'Exposure weight of a standard ICT function.';
COMMENT ON COLUMN @extschema@.methodology.multi_vendor_cap IS 'Largest share (0..1] one supplier group may hold of a critical or sensitive function at an entity.';
COMMENT ON COLUMN @extschema@.methodology.top_factor_count IS 'How many factors top_factors lists.';
COMMENT ON COLUMN @extschema@.methodology.created_at IS 'When the methodology was recorded.';
COMMENT ON COLUMN @extschema@.methodology.min_coverage IS 'Coverage (0..1, the share of factor weight assessed) below which a supplier''s risk_level is unassessed: unknown is not high risk. Its score is still shown.';
COMMENT ON COLUMN @extschema@.methodology.shipped IS 'True for the methodology shipped with the extension (read-only, not dumped).';

CREATE TABLE @extschema@.methodology_weight (
  methodology text NOT NULL REFERENCES @extschema@.methodology (name) ON UPDATE CASCADE ON DELETE CASCADE,
  factor_code text NOT NULL REFERENCES @extschema@.risk_factor (code),
  weight      float8 NOT NULL CONSTRAINT methodology_weight_range CHECK (weight >= 0 AND weight < 'Infinity'),
  shipped     boolean NOT NULL DEFAULT false,
  PRIMARY KEY (methodology, factor_code)
);
COMMENT ON TABLE @extschema@.methodology_weight IS 'Factor weights per methodology; a factor without a row has weight 0 (not counted).';
COMMENT ON COLUMN @extschema@.methodology_weight.methodology IS 'Methodology the weight belongs to.';
COMMENT ON COLUMN @extschema@.methodology_weight.factor_code IS 'Risk factor.';
COMMENT ON COLUMN @extschema@.methodology_weight.weight IS 'Non-negative finite weight of the factor within its dimension.';
COMMENT ON COLUMN @extschema@.methodology_weight.shipped IS 'True for rows shipped with the extension (read-only, not dumped).';

INSERT INTO @extschema@.methodology (name, description, shipped) VALUES
  ('default', 'Defaults of the supplyrisk methodology: all factors weight 1, power mean p = 2, unknown factors at 2, bands 37.5/62.5/87.5 (the midpoints: a supplier scored k on every factor gets the level k names), HRV threshold 60 on the non-technical score.', true);
INSERT INTO @extschema@.methodology_weight (methodology, factor_code, weight, shipped)
  SELECT 'default', code, 1, true FROM @extschema@.risk_factor;

CREATE TRIGGER methodology_protect_shipped BEFORE INSERT OR UPDATE OR DELETE ON @extschema@.methodology
  FOR EACH ROW EXECUTE FUNCTION @extschema@.protect_shipped();
CREATE TRIGGER methodology_weight_protect_shipped BEFORE INSERT OR UPDATE OR DELETE ON @extschema@.methodology_weight
  FOR EACH ROW EXECUTE FUNCTION @extschema@.protect_shipped();
SELECT pg_catalog.pg_extension_config_dump('@extschema@.methodology', 'WHERE NOT shipped');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.methodology_weight', 'WHERE NOT shipped');
