-- User data: factor assessments (history kept) and designations (decisions).

CREATE SEQUENCE @extschema@.assessment_id_seq AS bigint;
CREATE TABLE @extschema@.assessment (
  assessment_id bigint PRIMARY KEY DEFAULT pg_catalog.nextval('@extschema@.assessment_id_seq'::pg_catalog.regclass),
  supplier_id   bigint NOT NULL REFERENCES @extschema@.supplier (supplier_id),
  factor_code   text NOT NULL REFERENCES @extschema@.risk_factor (code),
  score         float8 NOT NULL CONSTRAINT assessment_score_on_scale CHECK (@extschema@.constraint_check(score IN (0, 1, 2, 3, 4), score, 'assessment_score_on_scale', 'score',
    'A score is one of 0, 1, 2, 3, 4 (0 no concern or not applicable, 1 low, 2 moderate, 3 high, 4 very high).')),
  evidence      text,
  assessed_on   date NOT NULL DEFAULT CURRENT_DATE,
  valid_until   date,
  assessor      text,
  recorded_at   timestamptz NOT NULL DEFAULT pg_catalog.now(),
  member_state  text REFERENCES @extschema@.country (code),
  CONSTRAINT assessment_validity_ordered CHECK (@extschema@.constraint_check(valid_until > assessed_on, valid_until, 'assessment_validity_ordered', 'valid_until',
    'valid_until is the first day the assessment no longer holds: a date after assessed_on, or NULL until superseded.')),
  CONSTRAINT assessment_dates_finite CHECK (@extschema@.constraint_check(pg_catalog.isfinite(assessed_on) AND (valid_until IS NULL OR pg_catalog.isfinite(valid_until)), CASE WHEN pg_catalog.isfinite(assessed_on) THEN valid_until ELSE assessed_on END, 'assessment_dates_finite', 'assessment date',
    'assessed_on and valid_until are finite dates (valid_until NULL until superseded), not infinity or -infinity.'))
);
ALTER SEQUENCE @extschema@.assessment_id_seq OWNED BY @extschema@.assessment.assessment_id;
-- (covering: scoring a set of suppliers reads their assessments from the index alone)
CREATE INDEX assessment_supplier_factor_idx ON @extschema@.assessment (supplier_id, factor_code, assessed_on DESC)
  INCLUDE (valid_until, score, recorded_at, assessment_id);
COMMENT ON COLUMN @extschema@.assessment.member_state IS 'Member state that owns the assessment (row-level security); NULL: shared with every member state.';
CREATE TRIGGER assessment_member_state_eu BEFORE INSERT OR UPDATE OF member_state ON @extschema@.assessment
  FOR EACH ROW WHEN (NEW.member_state IS NOT NULL) EXECUTE FUNCTION @extschema@.check_entity_member_state();
COMMENT ON TABLE @extschema@.assessment IS 'Factor assessments with history; at a date, the latest assessment valid then counts per supplier and factor.';
COMMENT ON COLUMN @extschema@.assessment.assessment_id IS 'Assessment id.';
COMMENT ON COLUMN @extschema@.assessment.supplier_id IS 'Supplier assessed.';
COMMENT ON COLUMN @extschema@.assessment.factor_code IS 'Risk factor assessed.';
COMMENT ON COLUMN @extschema@.assessment.score IS 'Ordinal score: 0 no concern, 1 low, 2 moderate, 3 high, 4 very high (integers only).';
COMMENT ON COLUMN @extschema@.assessment.evidence IS 'Evidence behind the score (optional).';
COMMENT ON COLUMN @extschema@.assessment.assessed_on IS 'Date the assessment takes effect (default: today).';
COMMENT ON COLUMN @extschema@.assessment.valid_until IS 'First day the assessment no longer holds; NULL = until superseded.';
COMMENT ON COLUMN @extschema@.assessment.assessor IS 'Who assessed (optional).';
COMMENT ON COLUMN @extschema@.assessment.recorded_at IS 'When the row was recorded; breaks ties between assessments of the same day.';

CREATE SEQUENCE @extschema@.designation_id_seq AS bigint;
CREATE TABLE @extschema@.designation (
  designation_id bigint PRIMARY KEY DEFAULT pg_catalog.nextval('@extschema@.designation_id_seq'::pg_catalog.regclass),
  supplier_id    bigint NOT NULL REFERENCES @extschema@.supplier (supplier_id),
  status         text NOT NULL CONSTRAINT designation_status_valid CHECK (@extschema@.constraint_check(status IN ('high_risk', 'cleared'), status, 'designation_status_valid', 'status',
    'status is high_risk, or cleared (a decision lifting an earlier designation).')),
  decided_on     date NOT NULL DEFAULT CURRENT_DATE CONSTRAINT designation_date_finite CHECK (@extschema@.constraint_check(pg_catalog.isfinite(decided_on), decided_on, 'designation_date_finite', 'decided_on',
    'decided_on is a finite date (default today), not infinity or -infinity.')),
  legal_basis    text,
  justification  text,
  member_state   text REFERENCES @extschema@.country (code),
  CONSTRAINT designation_one_per_day UNIQUE NULLS NOT DISTINCT (supplier_id, member_state, decided_on)
);
ALTER SEQUENCE @extschema@.designation_id_seq OWNED BY @extschema@.designation.designation_id;
COMMENT ON TABLE @extschema@.designation IS 'Recorded decisions on a supplier: high_risk, or cleared (lifting an earlier designation). The latest decision in force overrides scores.';
COMMENT ON COLUMN @extschema@.designation.designation_id IS 'Decision id.';
COMMENT ON COLUMN @extschema@.designation.supplier_id IS 'Supplier the decision is about.';
COMMENT ON COLUMN @extschema@.designation.status IS 'high_risk or cleared.';
COMMENT ON COLUMN @extschema@.designation.decided_on IS 'Date the decision takes effect; one decision per supplier, owner (member_state, NULL: EU-wide) and day.';
COMMENT ON COLUMN @extschema@.designation.legal_basis IS 'Legal act or procedure behind the decision.';
COMMENT ON COLUMN @extschema@.designation.justification IS 'Reasons given.';
COMMENT ON COLUMN @extschema@.designation.member_state IS 'Member state that owns the decision (row-level security); NULL: shared with every member state.';
CREATE TRIGGER designation_member_state_eu BEFORE INSERT OR UPDATE OF member_state ON @extschema@.designation
  FOR EACH ROW WHEN (NEW.member_state IS NOT NULL) EXECUTE FUNCTION @extschema@.check_entity_member_state();
