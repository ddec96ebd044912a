-- supplyrisk 0.1.0 -> 0.2.0, run by ALTER EXTENSION supplyrisk UPDATE.
-- Hand-written: each change of 0.2.0 adds its step here in the same commit as its
-- source in sql/src/. test/upgrade.sh proves that an updated database equals a
-- fresh 0.2.0 install object for object, with every user row kept.

\echo Use "ALTER EXTENSION supplyrisk UPDATE TO '0.2.0'" to load this file. \quit


-- Constraints a loader can hit say what to fix: the value and the values allowed.
CREATE FUNCTION @extschema@.constraint_check(ok boolean, value anyelement, constraint_name text, column_name text, rule text)
RETURNS boolean
  AS 'MODULE_PATHNAME', 'supplyrisk_constraint_check' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.constraint_check(boolean, anyelement, text, text, text) IS
  'For CHECK constraints: returns ok; when ok is false, raises check_violation (23514) naming column_name, the value and the rule, with constraint_name as the error''s constraint.';

ALTER TABLE @extschema@.entity DROP CONSTRAINT entity_name_nonempty,
  ADD CONSTRAINT entity_name_nonempty CHECK (@extschema@.constraint_check(name <> '', name, 'entity_name_nonempty', 'entity name',
    'An entity needs a name that is not empty.'));
ALTER TABLE @extschema@.entity DROP CONSTRAINT entity_class_valid,
  ADD CONSTRAINT entity_class_valid CHECK (@extschema@.constraint_check(entity_class IN ('essential', 'important'), entity_class, 'entity_class_valid', 'entity_class',
    'entity_class is essential or important (NIS2 Art. 3).'));
ALTER TABLE @extschema@.supplier DROP CONSTRAINT supplier_name_nonempty,
  ADD CONSTRAINT supplier_name_nonempty CHECK (@extschema@.constraint_check(name <> '', name, 'supplier_name_nonempty', 'supplier name',
    'A supplier needs a name that is not empty.'));
ALTER TABLE @extschema@.supplier DROP CONSTRAINT supplier_not_own_parent,
  ADD CONSTRAINT supplier_not_own_parent CHECK (@extschema@.constraint_check(parent_supplier_id <> supplier_id, parent_supplier_id, 'supplier_not_own_parent', 'parent_supplier_id',
    'A supplier cannot control itself: parent_supplier_id is another supplier, or NULL for the top of a group.'));
ALTER TABLE @extschema@.supply DROP CONSTRAINT supply_weight_positive_finite,
  ADD CONSTRAINT supply_weight_positive_finite CHECK (@extschema@.constraint_check(weight > 0 AND weight < 'Infinity', weight, 'supply_weight_positive_finite', 'weight',
    'A supply weight is a positive finite number (spend, units, installed base, capacity or share, as basis says).'));
ALTER TABLE @extschema@.supply DROP CONSTRAINT supply_basis_valid,
  ADD CONSTRAINT supply_basis_valid CHECK (@extschema@.constraint_check(basis IN ('spend', 'units', 'installed_base', 'capacity', 'share'), basis, 'supply_basis_valid', 'basis',
    'basis is one of spend (the default), units, installed_base, capacity, share.'));
ALTER TABLE @extschema@.supply DROP CONSTRAINT supply_validity_ordered,
  ADD CONSTRAINT supply_validity_ordered CHECK (@extschema@.constraint_check(valid_to > valid_from, valid_to, 'supply_validity_ordered', 'valid_to',
    'valid_to is the first day the supply no longer holds: a date after valid_from, or NULL for open-ended.'));
ALTER TABLE @extschema@.supply DROP CONSTRAINT supply_dates_finite,
  ADD CONSTRAINT supply_dates_finite CHECK (@extschema@.constraint_check(pg_catalog.isfinite(valid_from) AND (valid_to IS NULL OR pg_catalog.isfinite(valid_to)), CASE WHEN pg_catalog.isfinite(valid_from) THEN valid_to ELSE valid_from END, 'supply_dates_finite', 'validity date',
    'valid_from and valid_to are finite dates (valid_to NULL for open-ended), not infinity or -infinity.'));
ALTER TABLE @extschema@.supplier_dependency DROP CONSTRAINT supplier_dependency_share_range,
  ADD CONSTRAINT supplier_dependency_share_range CHECK (@extschema@.constraint_check(share > 0 AND share <= 1, share, 'supplier_dependency_share_range', 'share',
    'share is the part of the supplier''s delivery that relies on the other supplier: above 0 and at most 1.'));
ALTER TABLE @extschema@.supplier_dependency DROP CONSTRAINT supplier_dependency_not_self,
  ADD CONSTRAINT supplier_dependency_not_self CHECK (@extschema@.constraint_check(depends_on_supplier_id <> supplier_id, depends_on_supplier_id, 'supplier_dependency_not_self', 'depends_on_supplier_id',
    'A supplier cannot depend on itself.'));
ALTER TABLE @extschema@.assessment DROP CONSTRAINT assessment_score_on_scale,
  ADD CONSTRAINT assessment_score_on_scale CHECK (@extschema@.constraint_check(score IN (0, 1, 2, 3, 4), score, 'assessment_score_on_scale', 'score',
    'A score is one of 0, 1, 2, 3, 4 (0 no concern or not applicable, 1 low, 2 moderate, 3 high, 4 very high).'));
ALTER TABLE @extschema@.assessment DROP CONSTRAINT assessment_validity_ordered,
  ADD CONSTRAINT assessment_validity_ordered CHECK (@extschema@.constraint_check(valid_until > assessed_on, valid_until, 'assessment_validity_ordered', 'valid_until',
    'valid_until is the first day the assessment no longer holds: a date after assessed_on, or NULL until superseded.'));
ALTER TABLE @extschema@.assessment DROP CONSTRAINT assessment_dates_finite,
  ADD CONSTRAINT assessment_dates_finite CHECK (@extschema@.constraint_check(pg_catalog.isfinite(assessed_on) AND (valid_until IS NULL OR pg_catalog.isfinite(valid_until)), CASE WHEN pg_catalog.isfinite(assessed_on) THEN valid_until ELSE assessed_on END, 'assessment_dates_finite', 'assessment date',
    'assessed_on and valid_until are finite dates (valid_until NULL until superseded), not infinity or -infinity.'));
ALTER TABLE @extschema@.designation DROP CONSTRAINT designation_status_valid,
  ADD CONSTRAINT designation_status_valid CHECK (@extschema@.constraint_check(status IN ('high_risk', 'cleared'), status, 'designation_status_valid', 'status',
    'status is high_risk, or cleared (a decision lifting an earlier designation).'));
ALTER TABLE @extschema@.designation DROP CONSTRAINT designation_date_finite,
  ADD CONSTRAINT designation_date_finite CHECK (@extschema@.constraint_check(pg_catalog.isfinite(decided_on), decided_on, 'designation_date_finite', 'decided_on',
    'decided_on is a finite date (default today), not infinity or -infinity.'));


-- min_coverage: below it, a supplier's risk_level is unassessed (issue 11).
ALTER TABLE @extschema@.methodology ADD COLUMN
  min_coverage         float8 NOT NULL DEFAULT 0.5
    CONSTRAINT methodology_min_coverage_range CHECK (@extschema@.constraint_check(min_coverage >= 0 AND min_coverage <= 1, min_coverage,
      'methodology_min_coverage_range', 'min_coverage', 'min_coverage is a share of the factor weight, from 0 to 1 (default 0.5).'));
COMMENT ON COLUMN @extschema@.methodology.min_coverage IS 'Coverage (0..1, the share of factor weight assessed) below which a supplier''s risk_level is unassessed: unknown is not high risk. Its score is still shown.';

COMMENT ON COLUMN @extschema@.supplier_risk.risk_level IS 'low, medium, high or critical, by the methodology''s bands; unassessed when coverage is below the methodology''s min_coverage (the score is still shown).';


-- One definition of "valid at a date", used by the views below.
CREATE FUNCTION @extschema@.supply_valid_at(as_of date DEFAULT CURRENT_DATE) RETURNS SETOF @extschema@.supply
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT s.* FROM @extschema@.supply s
  WHERE s.valid_from OPERATOR(pg_catalog.<=) $1 AND (s.valid_to IS NULL OR s.valid_to OPERATOR(pg_catalog.>) $1)
$$;
COMMENT ON FUNCTION @extschema@.supply_valid_at(date) IS
  'The supply rows valid at a date (default today): valid_from <= as_of < valid_to (valid_to NULL: open-ended). What every view and metric reads.';


-- Loading with explicit ids keeps the id sequences ahead.
CREATE FUNCTION @extschema@.advance_id_sequence() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  top  bigint;
  seq  regclass := TG_ARGV[1]::regclass;
  last bigint;
BEGIN
  EXECUTE pg_catalog.format('SELECT pg_catalog.max(%I) FROM new_rows', TG_ARGV[0]) INTO top;
  IF top IS NULL THEN
    RETURN NULL;
  END IF;
  last := pg_catalog.pg_sequence_last_value(seq);  -- NULL before the first nextval
  IF last IS NULL OR top OPERATOR(pg_catalog.>) last THEN
    -- serialise concurrent loaders, so the sequence never moves back
    PERFORM pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('supplyrisk.advance_id_sequence'), seq::oid::integer);
    last := pg_catalog.pg_sequence_last_value(seq);
    IF last IS NULL OR top OPERATOR(pg_catalog.>) last THEN
      PERFORM pg_catalog.setval(seq, top);
    END IF;
  END IF;
  RETURN NULL;
END $$;
REVOKE EXECUTE ON FUNCTION @extschema@.advance_id_sequence() FROM PUBLIC;
COMMENT ON FUNCTION @extschema@.advance_id_sequence() IS
  'Trigger (after INSERT, per statement): moves the id sequence (argument 2) past the largest id (column argument 1) the statement inserted, so rows loaded with explicit ids and rows that take the default mix.';

DO $gen$
DECLARE
  t record;
BEGIN
  FOR t IN SELECT * FROM (VALUES ('entity', 'entity_id'), ('supplier', 'supplier_id'), ('supply', 'supply_id'),
                                 ('assessment', 'assessment_id'), ('designation', 'designation_id'),
                                 ('snapshot', 'snapshot_id')) x(tab, col) LOOP
    EXECUTE pg_catalog.format(
      'CREATE TRIGGER %I AFTER INSERT ON @extschema@.%I REFERENCING NEW TABLE AS new_rows '
      'FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.advance_id_sequence(%L, %L)',
      t.tab || '_advance_id_sequence', t.tab, t.col, '@extschema@.' || t.tab || '_id_seq');
  END LOOP;
END $gen$;

-- and sequences already left behind by such loads are moved past their tables' ids
DO $seq$
DECLARE t record;
BEGIN
  FOR t IN SELECT * FROM (VALUES ('entity', 'entity_id'), ('supplier', 'supplier_id'), ('supply', 'supply_id'),
                                 ('assessment', 'assessment_id'), ('designation', 'designation_id'),
                                 ('snapshot', 'snapshot_id')) x(tab, col) LOOP
    EXECUTE pg_catalog.format('SELECT pg_catalog.setval(%L, m) FROM (SELECT pg_catalog.max(%I) AS m FROM @extschema@.%I) x '
                              'WHERE m OPERATOR(pg_catalog.>) COALESCE(pg_catalog.pg_sequence_last_value(%L), 0)',
                              '@extschema@.' || t.tab || '_id_seq', t.col, t.tab, '@extschema@.' || t.tab || '_id_seq');
  END LOOP;
END $seq$;

-- Covering indexes (issue 17): a scoped recomputation finds a sector's and member state's
-- entities, and the assessments of the suppliers it scores, in the index alone
DROP INDEX @extschema@.entity_sector_member_state_idx;
CREATE INDEX entity_sector_member_state_idx ON @extschema@.entity (sector_code, member_state) INCLUDE (entity_id);
DROP INDEX @extschema@.assessment_supplier_factor_idx;
CREATE INDEX assessment_supplier_factor_idx ON @extschema@.assessment (supplier_id, factor_code, assessed_on DESC)
  INCLUDE (valid_until, score, recorded_at, assessment_id);

-- Scoped recomputation (issue 17): the supply and the supplier scores of a set of rows only.
-- The supply rows valid at as_of, with their entity's sector and member state, of the entities
-- of these '<sector>:<member state>' keys (NULL: all rows): a scoped recomputation reads its
-- entities' rows through supply_entity_function_idx.
CREATE FUNCTION @extschema@.supply_in_scope(as_of date, scope text[])
RETURNS TABLE (entity_id bigint, supplier_id bigint, function_code text, weight float8, sector_code text, member_state text)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT s.entity_id, s.supplier_id, s.function_code, s.weight, e.sector_code, e.member_state
  FROM @extschema@.supply_valid_at($1) s
  JOIN @extschema@.entity e ON e.entity_id OPERATOR(pg_catalog.=) s.entity_id
  WHERE $2 IS NULL
  UNION ALL
  SELECT s.entity_id, s.supplier_id, s.function_code, s.weight, e.sector_code, e.member_state
  FROM (SELECT DISTINCT pg_catalog.split_part(k, ':', 1) AS sc, pg_catalog.split_part(k, ':', 2) AS ms
        FROM pg_catalog.unnest($2) k) k
  JOIN @extschema@.entity e ON e.sector_code OPERATOR(pg_catalog.=) k.sc AND e.member_state OPERATOR(pg_catalog.=) k.ms
  JOIN @extschema@.supply_valid_at($1) s ON s.entity_id OPERATOR(pg_catalog.=) e.entity_id
  WHERE $2 IS NOT NULL
$$;
COMMENT ON FUNCTION @extschema@.supply_in_scope(date, text[]) IS
  'The supply rows valid at as_of (entity, supplier, ICT function, weight) with the entity''s sector and member state, of the entities of the scope''s <sector>:<member state> keys (NULL: every row valid at as_of), read by entity through the index when scoped: what the sector statistics and refresh()''s incremental recomputation read.';

CREATE FUNCTION @extschema@.supplier_risk_of(as_of date, methodology text, suppliers bigint[])
RETURNS TABLE (supplier_id bigint, supplier_name text, group_id bigint, technical_score float8,
               non_technical_score float8, risk_score float8, risk_level text, high_risk boolean,
               high_risk_basis text, coverage float8, top_factors text[])
LANGUAGE sql STABLE PARALLEL SAFE AS $$
WITH RECURSIVE chain (supplier_id, controller_id, depth) AS (  -- supplier_control_chain, from the set
  (SELECT s.supplier_id, s.supplier_id, 0 FROM @extschema@.supplier s WHERE $3 IS NULL
   UNION ALL  -- a set: joined (hashed), not a linear = ANY
   SELECT s.supplier_id, s.supplier_id, 0
   FROM (SELECT DISTINCT u.id FROM pg_catalog.unnest($3) u(id)) u
   JOIN @extschema@.supplier s ON s.supplier_id OPERATOR(pg_catalog.=) u.id)
  UNION ALL
  SELECT c.supplier_id, s.parent_supplier_id, c.depth OPERATOR(pg_catalog.+) 1
  FROM chain c JOIN @extschema@.supplier s ON s.supplier_id OPERATOR(pg_catalog.=) c.controller_id
  WHERE s.parent_supplier_id IS NOT NULL AND c.depth OPERATOR(pg_catalog.<) 1000
),
prof AS (  -- the suppliers whose own status is needed (all, or the set and its controllers), scored
  SELECT x.supplier_id,
         @extschema@.risk_profile_agg((SELECT @extschema@.methodology_name($2)), x.factor_code, x.score,
                                      x.assessed_on, x.recorded_at, x.assessment_id) AS p
  FROM (SELECT s.supplier_id, a.factor_code, a.score, a.assessed_on, a.recorded_at, a.assessment_id
        FROM @extschema@.supplier s
        LEFT JOIN @extschema@.assessment a
          ON a.supplier_id OPERATOR(pg_catalog.=) s.supplier_id
         AND a.assessed_on OPERATOR(pg_catalog.<=) $1
         AND (a.valid_until IS NULL OR a.valid_until OPERATOR(pg_catalog.>) $1)
        WHERE $3 IS NULL
        UNION ALL  -- a set: its assessments by index (lateral), not a scan of them all
        SELECT sc.supplier_id, a.factor_code, a.score, a.assessed_on, a.recorded_at, a.assessment_id
        FROM (SELECT DISTINCT c.controller_id AS supplier_id FROM chain c) sc
        LEFT JOIN LATERAL (
          SELECT a.factor_code, a.score, a.assessed_on, a.recorded_at, a.assessment_id
          FROM @extschema@.assessment a
          WHERE a.supplier_id OPERATOR(pg_catalog.=) sc.supplier_id
            AND a.assessed_on OPERATOR(pg_catalog.<=) $1
            AND (a.valid_until IS NULL OR a.valid_until OPERATOR(pg_catalog.>) $1)) a ON true
        WHERE $3 IS NOT NULL) x
  GROUP BY x.supplier_id
),
decision AS (
  SELECT DISTINCT ON (d.supplier_id) d.supplier_id, d.status
  FROM @extschema@.designation d
  WHERE d.decided_on OPERATOR(pg_catalog.<=) $1
  ORDER BY d.supplier_id, d.decided_on DESC
),
own AS (
  SELECT p.supplier_id, p.p,
         CASE WHEN dc.status OPERATOR(pg_catalog.=) 'high_risk' THEN 'designation'
              WHEN COALESCE(dc.status, '') OPERATOR(pg_catalog.<>) 'cleared' AND (p.p).above_hrv_threshold THEN 'score'
         END AS own_basis
  FROM prof p
  LEFT JOIN decision dc ON dc.supplier_id OPERATOR(pg_catalog.=) p.supplier_id
),
control AS (  -- one row per supplier: its group (top of the chain) and whether a controller is high-risk
  SELECT c.supplier_id,
         (pg_catalog.array_agg(c.controller_id ORDER BY c.depth DESC))[1] AS group_id,
         COALESCE(pg_catalog.bool_or(o.own_basis IS NOT NULL) FILTER (WHERE c.depth OPERATOR(pg_catalog.>) 0), false) AS controlled_by_high_risk
  FROM chain c
  LEFT JOIN own o ON o.supplier_id OPERATOR(pg_catalog.=) c.controller_id
  GROUP BY c.supplier_id
)
SELECT o.supplier_id, s.name, i.group_id,
       (o.p).technical_score, (o.p).non_technical_score, (o.p).risk_score, (o.p).risk_level,
       (o.own_basis IS NOT NULL OR COALESCE(i.controlled_by_high_risk, false)),
       COALESCE(o.own_basis, CASE WHEN i.controlled_by_high_risk THEN 'group' END),
       (o.p).coverage, (o.p).top_factors
FROM own o
JOIN @extschema@.supplier s ON s.supplier_id OPERATOR(pg_catalog.=) o.supplier_id
JOIN control i ON i.supplier_id OPERATOR(pg_catalog.=) o.supplier_id
$$;
COMMENT ON FUNCTION @extschema@.supplier_risk_of(date, text, bigint[]) IS
  'Risk profile of every supplier (suppliers NULL) or of the given suppliers (only they and their controllers are scored), from the assessments and designations in force at as_of, under a methodology (NULL: the supplyrisk.methodology setting). supplier_risk_at''s computation.';

CREATE OR REPLACE FUNCTION @extschema@.supplier_risk_at(as_of date DEFAULT CURRENT_DATE, methodology text DEFAULT NULL, supplier bigint DEFAULT NULL)
RETURNS TABLE (supplier_id bigint, supplier_name text, group_id bigint, technical_score float8,
               non_technical_score float8, risk_score float8, risk_level text, high_risk boolean,
               high_risk_basis text, coverage float8, top_factors text[])
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT * FROM @extschema@.supplier_risk_of($1, $2, CASE WHEN $3 IS NOT NULL THEN ARRAY[$3] END)
$$;
COMMENT ON FUNCTION @extschema@.supplier_risk_at(date, text, bigint) IS
  'Risk profile of every supplier (or only one) from the assessments and designations in force at as_of, under a methodology (default: the supplyrisk.methodology setting).';

-- The toolbox and contract gaps (issue 15) and the federation's coordinator tables (issue 14),
-- before the functions that read them. (sql/sync_upgrade.py copies the sources between the marks.)
-- >>> sync: 36_toolbox.sql 37_contract_gaps.sql 38_change_tracking.sql 39_exact_sum.sql 43_federation_tables.sql 44_cross_sector_tables.sql 53_supplier_rollup.sql
-- The toolbox itself (issue 15): catalogues of measures (toolbox, measure; shipped rows
-- read-only and not dumped), dated observations of their implementation (measure_status)
-- and the contract clauses of Implementing Regulation (EU) 2024/2690 point 5.1.4 recorded per
-- entity and supplier (contract_control).

CREATE TABLE @extschema@.toolbox (
  code       text PRIMARY KEY CONSTRAINT toolbox_code_format CHECK (@extschema@.constraint_check(code ~ '^[a-z0-9][a-z0-9.-]*$', code, 'toolbox_code_format', 'toolbox code',
    'A toolbox code is lower-case letters, digits, dots and hyphens, such as 5g-2020.')),
  name       text NOT NULL,
  adopted_on date,
  source     text NOT NULL CONSTRAINT toolbox_source_nonempty CHECK (@extschema@.constraint_check(source <> '', source, 'toolbox_source_nonempty', 'source',
    'Every toolbox names its source: the publication it is taken from.')),
  shipped    boolean NOT NULL DEFAULT false
);
COMMENT ON TABLE @extschema@.toolbox IS 'Catalogues of risk-mitigating measures and requirements: the shipped 5g-2020, ict-2026 and nis2-ir-2024-2690 (read-only, not dumped) and users'' own.';
COMMENT ON COLUMN @extschema@.toolbox.code IS 'Catalogue code.';
COMMENT ON COLUMN @extschema@.toolbox.name IS 'Name.';
COMMENT ON COLUMN @extschema@.toolbox.adopted_on IS 'Date of adoption or publication.';
COMMENT ON COLUMN @extschema@.toolbox.source IS 'The publication the catalogue is taken from.';
COMMENT ON COLUMN @extschema@.toolbox.shipped IS 'True for rows shipped with the extension (read-only, not dumped).';

CREATE TABLE @extschema@.measure (
  toolbox_code   text NOT NULL REFERENCES @extschema@.toolbox (code),
  code           text NOT NULL,
  kind           text NOT NULL CONSTRAINT measure_kind_valid CHECK (@extschema@.constraint_check(kind IN ('strategic', 'technical', 'supporting', 'pillar', 'entity_requirement', 'measure'), kind, 'measure_kind_valid', 'kind',
    'kind is one of strategic, technical, supporting (5G Toolbox), pillar (a pillar of a toolbox), entity_requirement (Implementing Regulation 2024/2690), measure (any other).')),
  title          text NOT NULL,
  pillar         text,
  review_theme   text NOT NULL CONSTRAINT measure_review_theme_valid CHECK (@extschema@.constraint_check(review_theme IN ('risk_management', 'multi_vendor', 'cooperation'), review_theme, 'measure_review_theme_valid', 'review_theme',
    'review_theme is one of risk_management, multi_vendor, cooperation: the themes of the one-year review.')),
  addresses      text[] NOT NULL DEFAULT '{}' CONSTRAINT measure_addresses_valid CHECK (@extschema@.constraint_check(addresses <@ ARRAY['high_risk_supplier', 'multi_vendor_gap', 'contract_gap'], addresses, 'measure_addresses_valid', 'addresses',
    'addresses lists what the measure mitigates, from high_risk_supplier, multi_vendor_gap, contract_gap; empty when the sources do not say.')),
  risk_scenarios text[] NOT NULL DEFAULT '{}',
  source         text NOT NULL CONSTRAINT measure_source_nonempty CHECK (@extschema@.constraint_check(source <> '', source, 'measure_source_nonempty', 'source',
    'Every measure names its source: the publication and the place in it.')),
  shipped        boolean NOT NULL DEFAULT false,
  PRIMARY KEY (toolbox_code, code),
  CONSTRAINT measure_pillar_fk FOREIGN KEY (toolbox_code, pillar) REFERENCES @extschema@.measure (toolbox_code, code)
);
COMMENT ON TABLE @extschema@.measure IS 'Measures and requirements of each toolbox, with their source; shipped rows read-only and not dumped, users add their own (for instance the measures of the full 2026 text).';
COMMENT ON COLUMN @extschema@.measure.toolbox_code IS 'Toolbox.';
COMMENT ON COLUMN @extschema@.measure.code IS 'Code within the toolbox (SM01, TM08, 5.1.4, ...).';
COMMENT ON COLUMN @extschema@.measure.kind IS 'strategic, technical, supporting, pillar, entity_requirement or measure.';
COMMENT ON COLUMN @extschema@.measure.title IS 'Short title.';
COMMENT ON COLUMN @extschema@.measure.pillar IS 'The pillar (a measure of kind pillar of the same toolbox) the measure belongs to, if any.';
COMMENT ON COLUMN @extschema@.measure.review_theme IS 'Theme of the one-year review it is reported under: risk_management, multi_vendor or cooperation (supplyrisk''s grouping for review_report).';
COMMENT ON COLUMN @extschema@.measure.addresses IS 'What it mitigates where the sources say so: high_risk_supplier, multi_vendor_gap, contract_gap (multi_vendor_gaps and contract_gaps name these measures).';
COMMENT ON COLUMN @extschema@.measure.risk_scenarios IS 'Risk scenarios addressed (R1..R9 of the 5G coordinated risk assessment) where the source records them; empty otherwise.';
COMMENT ON COLUMN @extschema@.measure.source IS 'The publication and the place in it.';
COMMENT ON COLUMN @extschema@.measure.shipped IS 'True for rows shipped with the extension (read-only, not dumped).';

CREATE SEQUENCE @extschema@.measure_status_id_seq AS bigint;
CREATE TABLE @extschema@.measure_status (
  status_id       bigint PRIMARY KEY DEFAULT pg_catalog.nextval('@extschema@.measure_status_id_seq'::pg_catalog.regclass),
  toolbox_code    text NOT NULL,
  measure_code    text NOT NULL,
  member_state    text NOT NULL REFERENCES @extschema@.country (code),
  entity_id       bigint REFERENCES @extschema@.entity (entity_id),
  reporting_round text NOT NULL CONSTRAINT measure_status_round_format CHECK (@extschema@.constraint_check(reporting_round ~ '^[0-9]{4}(-[0-9A-Za-z]{1,10})?$', reporting_round, 'measure_status_round_format', 'reporting_round',
    'A reporting round is a year, optionally with a suffix: 2026, 2027-02, 2027-H1.')),
  legal_status    text NOT NULL CONSTRAINT measure_status_legal_valid CHECK (@extschema@.constraint_check(legal_status IN ('none', 'in_preparation', 'adopted'), legal_status, 'measure_status_legal_valid', 'legal_status',
    'legal_status is one of none, in_preparation, adopted.')),
  application     text NOT NULL CONSTRAINT measure_status_application_valid CHECK (@extschema@.constraint_check(application IN ('not_applied', 'being_implemented', 'applied', 'restrictions_imposed'), application, 'measure_status_application_valid', 'application',
    'application is one of not_applied, being_implemented, applied, restrictions_imposed.')),
  evidence        text,
  confidential    boolean NOT NULL DEFAULT false,
  recorded_on     date NOT NULL DEFAULT CURRENT_DATE,
  recorded_at     timestamptz NOT NULL DEFAULT pg_catalog.now(),
  FOREIGN KEY (toolbox_code, measure_code) REFERENCES @extschema@.measure (toolbox_code, code)
);
ALTER SEQUENCE @extschema@.measure_status_id_seq OWNED BY @extschema@.measure_status.status_id;
CREATE INDEX measure_status_round_idx ON @extschema@.measure_status (toolbox_code, measure_code, reporting_round, member_state);
COMMENT ON TABLE @extschema@.measure_status IS 'Dated observations of how far a member state (or one of its entities) implements a measure, per reporting round; never changed: a new observation supersedes (the latest per measure, member state, entity and round counts).';
COMMENT ON COLUMN @extschema@.measure_status.status_id IS 'Observation id.';
COMMENT ON COLUMN @extschema@.measure_status.toolbox_code IS 'Toolbox.';
COMMENT ON COLUMN @extschema@.measure_status.measure_code IS 'Measure.';
COMMENT ON COLUMN @extschema@.measure_status.member_state IS 'Member state (row-level security).';
COMMENT ON COLUMN @extschema@.measure_status.entity_id IS 'Entity, for entity-level measures (an entity of that member state); NULL for the member state.';
COMMENT ON COLUMN @extschema@.measure_status.reporting_round IS 'Reporting round: 2026, 2027-02, ...';
COMMENT ON COLUMN @extschema@.measure_status.legal_status IS 'Legal basis: none, in_preparation, adopted.';
COMMENT ON COLUMN @extschema@.measure_status.application IS 'Application: not_applied, being_implemented, applied, restrictions_imposed.';
COMMENT ON COLUMN @extschema@.measure_status.evidence IS 'Evidence (never shown in reports).';
COMMENT ON COLUMN @extschema@.measure_status.confidential IS 'Confidential: counted in measure_progress and reports, shown in detail only to roles of its member state and unscoped roles.';
COMMENT ON COLUMN @extschema@.measure_status.recorded_on IS 'Date of the observation: today or earlier.';
COMMENT ON COLUMN @extschema@.measure_status.recorded_at IS 'When the row was recorded; breaks ties within a day.';

CREATE TABLE @extschema@.contract_control (
  entity_id   bigint NOT NULL REFERENCES @extschema@.entity (entity_id),
  supplier_id bigint NOT NULL REFERENCES @extschema@.supplier (supplier_id),
  clause      text NOT NULL CONSTRAINT contract_control_clause_valid CHECK (@extschema@.constraint_check(clause IN ('5.1.4a', '5.1.4b', '5.1.4c', '5.1.4d', '5.1.4e', '5.1.4f', '5.1.4g', '5.1.4h'), clause, 'contract_control_clause_valid', 'clause',
    'clause is one of 5.1.4a .. 5.1.4h, the points of Implementing Regulation (EU) 2024/2690 annex point 5.1.4 (see supplyrisk.contract_clause).')),
  in_place    boolean NOT NULL,
  evidence    text,
  checked_on  date NOT NULL DEFAULT CURRENT_DATE,
  PRIMARY KEY (entity_id, supplier_id, clause, checked_on)
);
COMMENT ON TABLE @extschema@.contract_control IS 'Whether an entity''s contracts with a supplier specify each clause of Implementing Regulation (EU) 2024/2690 point 5.1.4, as checked on a day (the latest check counts).';
COMMENT ON COLUMN @extschema@.contract_control.entity_id IS 'Entity (row-level security follows it).';
COMMENT ON COLUMN @extschema@.contract_control.supplier_id IS 'Supplier.';
COMMENT ON COLUMN @extschema@.contract_control.clause IS '5.1.4a .. 5.1.4h (contract_clause).';
COMMENT ON COLUMN @extschema@.contract_control.in_place IS 'True when the contracts specify it.';
COMMENT ON COLUMN @extschema@.contract_control.evidence IS 'Evidence (contract reference).';
COMMENT ON COLUMN @extschema@.contract_control.checked_on IS 'Date of the check: today or earlier.';

-- Observations say what to fix: the toolbox or measure that does not exist with the known
-- ones, a date in the future, an entity of another member state; they are never changed.
CREATE FUNCTION @extschema@.check_measure_status() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  known text;
  ems   text;
BEGIN
  IF TG_OP OPERATOR(pg_catalog.=) 'UPDATE' THEN
    RAISE EXCEPTION 'measure_status observations are never changed' USING ERRCODE = 'restrict_violation',
      DETAIL = pg_catalog.format('Observation %s would be overwritten; the rounds are compared from the observations as recorded.', OLD.status_id),
      HINT = 'Record a new observation (it supersedes the earlier one of its round); delete one recorded by mistake.';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM @extschema@.toolbox t WHERE t.code OPERATOR(pg_catalog.=) NEW.toolbox_code) THEN
    SELECT pg_catalog.string_agg(t.code, ', ' ORDER BY t.code) INTO known FROM @extschema@.toolbox t;
    RAISE EXCEPTION 'toolbox "%" does not exist', NEW.toolbox_code USING ERRCODE = 'foreign_key_violation',
      HINT = pg_catalog.format('Known toolboxes: %s (supplyrisk.toolbox).', known);
  END IF;
  IF NOT EXISTS (SELECT 1 FROM @extschema@.measure m WHERE m.toolbox_code OPERATOR(pg_catalog.=) NEW.toolbox_code
                 AND m.code OPERATOR(pg_catalog.=) NEW.measure_code) THEN
    SELECT pg_catalog.string_agg(m.code, ', ' ORDER BY m.code) INTO known FROM @extschema@.measure m
    WHERE m.toolbox_code OPERATOR(pg_catalog.=) NEW.toolbox_code;
    RAISE EXCEPTION 'measure "%" is not in toolbox "%"', NEW.measure_code, NEW.toolbox_code USING ERRCODE = 'foreign_key_violation',
      HINT = pg_catalog.format('Its measures: %s.', COALESCE(known, 'none yet'));
  END IF;
  IF NOT EXISTS (SELECT 1 FROM @extschema@.country c WHERE c.code OPERATOR(pg_catalog.=) NEW.member_state AND c.eu_member) THEN
    RAISE EXCEPTION 'member state "%" is not an EU member state', NEW.member_state USING ERRCODE = 'check_violation',
      HINT = pg_catalog.format('Use one of %s.', pg_catalog.array_to_string(@extschema@.eu_member_codes(), ', '));
  END IF;
  IF NEW.recorded_on OPERATOR(pg_catalog.>) CURRENT_DATE THEN
    RAISE EXCEPTION 'recorded_on "%" is not allowed', NEW.recorded_on USING ERRCODE = 'check_violation',
      DETAIL = 'An observation records what was known on a day: today or earlier.';
  END IF;
  IF NEW.entity_id IS NOT NULL THEN
    SELECT e.member_state INTO ems FROM @extschema@.entity e WHERE e.entity_id OPERATOR(pg_catalog.=) NEW.entity_id;
    IF ems IS DISTINCT FROM NEW.member_state THEN
      RAISE EXCEPTION 'entity % is not an entity of member state %', NEW.entity_id, NEW.member_state USING ERRCODE = 'check_violation',
        DETAIL = pg_catalog.format('Its member state is %s.', COALESCE(ems, 'unknown (no such entity)'));
    END IF;
  END IF;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION @extschema@.check_measure_status() IS 'Trigger on measure_status: unknown toolbox or measure (23503, the known ones named), a member state that is not an EU member (23514, the members named), a date in the future or an entity of another member state (23514); refuses updates (23001).';
CREATE TRIGGER measure_status_check BEFORE INSERT OR UPDATE ON @extschema@.measure_status
  FOR EACH ROW EXECUTE FUNCTION @extschema@.check_measure_status();
CREATE TRIGGER measure_status_advance_id_sequence AFTER INSERT ON @extschema@.measure_status REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.advance_id_sequence('status_id', '@extschema@.measure_status_id_seq');

CREATE FUNCTION @extschema@.check_contract_control() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  IF NEW.checked_on OPERATOR(pg_catalog.>) CURRENT_DATE THEN
    RAISE EXCEPTION 'checked_on "%" is not allowed', NEW.checked_on USING ERRCODE = 'check_violation',
      DETAIL = 'A contract check records what was found on a day: today or earlier.';
  END IF;
  RETURN NEW;
END
$$;
COMMENT ON FUNCTION @extschema@.check_contract_control() IS 'Trigger on contract_control: a check dated in the future is refused (23514).';
CREATE TRIGGER contract_control_check BEFORE INSERT OR UPDATE ON @extschema@.contract_control
  FOR EACH ROW EXECUTE FUNCTION @extschema@.check_contract_control();

SELECT pg_catalog.pg_extension_config_dump('@extschema@.measure_status', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.measure_status_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.contract_control', '');

-- The shipped catalogues (domain: NIS Cooperation Group and Commission publications). Codes
-- and short titles as published; the ict-2026 pillars carry descriptive codes (the public
-- summaries give the pillars no codes); review_theme is supplyrisk's grouping for the
-- one-year review; addresses only where the source says so; risk_scenarios left empty where
-- the mapping is not recorded here.
INSERT INTO @extschema@.toolbox (code, name, adopted_on, source, shipped) VALUES
  ('5g-2020', 'Cybersecurity of 5G networks: EU Toolbox of risk mitigating measures', '2020-01-29',
   'NIS Cooperation Group, Cybersecurity of 5G networks - EU Toolbox of risk mitigating measures, 29 January 2020', true),
  ('ict-2026', 'ICT Supply Chain Security Toolbox', '2026-02-13',
   'NIS Cooperation Group, ICT Supply Chain Security Toolbox, 13 February 2026 (pillars as named in its public summaries)', true),
  ('nis2-ir-2024-2690', 'Supply chain security requirements for digital-infrastructure and digital-provider entities', '2024-10-17',
   'Commission Implementing Regulation (EU) 2024/2690 of 17 October 2024, annex, point 5', true);

INSERT INTO @extschema@.measure (toolbox_code, code, kind, title, review_theme, addresses, source, shipped)
SELECT '5g-2020', x.code, x.kind, x.title, x.theme, x.addr, pg_catalog.format('EU 5G Toolbox (29 January 2020), %s measure %s', x.kind, x.code), true
FROM (VALUES
  ('SM01', 'strategic', 'Strengthen the role and powers of national authorities', 'risk_management', '{}'::text[]),
  ('SM02', 'strategic', 'Audits on operators; power to require information', 'risk_management', '{}'),
  ('SM03', 'strategic', 'Assess suppliers'' risk profiles; restrictions (including exclusions) for high-risk suppliers for key assets', 'risk_management', '{high_risk_supplier}'),
  ('SM04', 'strategic', 'Control the use of managed service providers and equipment suppliers'' third-line support', 'risk_management', '{}'),
  ('SM05', 'strategic', 'Supplier diversity for each operator (multi-vendor strategies)', 'multi_vendor', '{multi_vendor_gap}'),
  ('SM06', 'strategic', 'Strengthen resilience at national level', 'risk_management', '{}'),
  ('SM07', 'strategic', 'Identify key assets; foster a diverse and sustainable ecosystem in the EU', 'multi_vendor', '{}'),
  ('SM08', 'strategic', 'Maintain and build diversity and EU capacities in future network technologies', 'multi_vendor', '{}'),
  ('TM01', 'technical', 'Baseline security requirements (secure network design and architecture)', 'risk_management', '{}'),
  ('TM02', 'technical', 'Ensure and evaluate the security measures in existing standards', 'risk_management', '{}'),
  ('TM03', 'technical', 'Strict access controls', 'risk_management', '{}'),
  ('TM04', 'technical', 'Security of virtualised network functions', 'risk_management', '{}'),
  ('TM05', 'technical', 'Secure network management, operation and monitoring', 'risk_management', '{}'),
  ('TM06', 'technical', 'Physical security', 'risk_management', '{}'),
  ('TM07', 'technical', 'Software integrity, update and patch management', 'risk_management', '{}'),
  ('TM08', 'technical', 'Raise suppliers'' process standards through robust procurement conditions', 'risk_management', '{contract_gap}'),
  ('TM09', 'technical', 'EU certification for network components, customer equipment and/or suppliers'' processes', 'risk_management', '{}'),
  ('TM10', 'technical', 'EU certification for other ICT products and services (connected devices, cloud)', 'risk_management', '{}'),
  ('TM11', 'technical', 'Resilience and continuity plans', 'risk_management', '{}'),
  ('SA01', 'supporting', 'Security guidelines and best practice', 'cooperation', '{}'),
  ('SA02', 'supporting', 'Testing and audit capabilities at national and EU level', 'cooperation', '{}'),
  ('SA03', 'supporting', 'Shaping standardisation', 'cooperation', '{}'),
  ('SA04', 'supporting', 'Guidance on security measures in existing standards', 'cooperation', '{}'),
  ('SA05', 'supporting', 'An EU-wide certification scheme', 'cooperation', '{}'),
  ('SA06', 'supporting', 'Exchange of best practice on strategic measures, in particular national supplier-risk frameworks', 'cooperation', '{}'),
  ('SA07', 'supporting', 'Incident response and crisis coordination', 'cooperation', '{}'),
  ('SA08', 'supporting', 'Audits of dependencies between networks and other critical services', 'risk_management', '{}'),
  ('SA09', 'supporting', 'Cooperation and information sharing', 'cooperation', '{}'),
  ('SA10', 'supporting', 'Cyber risk in publicly funded projects', 'risk_management', '{}')
) x(code, kind, title, theme, addr);

INSERT INTO @extschema@.measure (toolbox_code, code, kind, title, review_theme, addresses, source, shipped) VALUES
  ('ict-2026', 'critical-supplier-assessment', 'pillar', 'Assessment of critical suppliers', 'risk_management', '{}',
   'ICT Supply Chain Security Toolbox (13 February 2026), pillar 1 of its public summaries', true),
  ('ict-2026', 'multi-vendor-strategies', 'pillar', 'Multi-vendor strategies', 'multi_vendor', '{multi_vendor_gap}',
   'ICT Supply Chain Security Toolbox (13 February 2026), pillar 2 of its public summaries', true),
  ('ict-2026', 'high-risk-supplier-dependencies', 'pillar', 'Approaches to overcome dependencies on high-risk suppliers', 'risk_management', '{high_risk_supplier}',
   'ICT Supply Chain Security Toolbox (13 February 2026), pillar 3 of its public summaries', true);

INSERT INTO @extschema@.measure (toolbox_code, code, kind, title, review_theme, addresses, source, shipped)
SELECT 'nis2-ir-2024-2690', x.code, 'entity_requirement', x.title, x.theme, x.addr,
       pg_catalog.format('Implementing Regulation (EU) 2024/2690, annex point %s', x.code), true
FROM (VALUES
  ('5.1.1', 'Supply chain security policy; the entity''s role in the supply chain', 'risk_management', '{}'::text[]),
  ('5.1.2', 'Supplier selection criteria: cybersecurity practices, ability to meet the specifications, quality and resilience, ability to diversify supply and limit lock-in', 'risk_management', '{}'),
  ('5.1.3', 'Take Article 22 coordinated risk assessments into account', 'cooperation', '{}'),
  ('5.1.4', 'Contracts and service level agreements specify the clauses 5.1.4(a) to (h)', 'risk_management', '{contract_gap}'),
  ('5.1.5', 'Apply the criteria in selection and procurement', 'risk_management', '{}'),
  ('5.1.6', 'Review the policy and monitor supplier practices at planned intervals and on significant change', 'risk_management', '{}'),
  ('5.1.7', 'Monitor service level reports, review supplier incidents, decide on unscheduled reviews, analyse risks from supplier changes', 'risk_management', '{}'),
  ('5.2.1', 'Registry of direct suppliers with contact points and the ICT products, services and processes supplied', 'risk_management', '{}')
) x(code, title, theme, addr);

CREATE TRIGGER toolbox_protect_shipped BEFORE INSERT OR UPDATE OR DELETE ON @extschema@.toolbox
  FOR EACH ROW EXECUTE FUNCTION @extschema@.protect_shipped();
CREATE TRIGGER measure_protect_shipped BEFORE INSERT OR UPDATE OR DELETE ON @extschema@.measure
  FOR EACH ROW EXECUTE FUNCTION @extschema@.protect_shipped();
SELECT pg_catalog.pg_extension_config_dump('@extschema@.toolbox', 'WHERE NOT shipped');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.measure', 'WHERE NOT shipped');
-- Contract gaps (issue 15): the eight clauses of Implementing Regulation (EU) 2024/2690
-- point 5.1.4, the critical or sensitive supply edges whose contracts miss one, and the
-- measures that address a kind of gap.

CREATE VIEW @extschema@.contract_clause WITH (security_invoker = true) AS
  SELECT x.clause, x.title, 'Implementing Regulation (EU) 2024/2690, annex point 5.1.4' OPERATOR(pg_catalog.||) x.letter AS source
  FROM (VALUES
    ('5.1.4a', '(a)', 'Cybersecurity requirements'),
    ('5.1.4b', '(b)', 'Staff awareness, training and certifications'),
    ('5.1.4c', '(c)', 'Staff background checks'),
    ('5.1.4d', '(d)', 'Incident notification without undue delay'),
    ('5.1.4e', '(e)', 'Right to audit or to receive audit reports'),
    ('5.1.4f', '(f)', 'Vulnerability handling'),
    ('5.1.4g', '(g)', 'Subcontracting rules'),
    ('5.1.4h', '(h)', 'Obligations at termination')) x(clause, letter, title);
COMMENT ON VIEW @extschema@.contract_clause IS 'The eight things a supplier contract must specify under Implementing Regulation (EU) 2024/2690 annex point 5.1.4, as coded in contract_control.';
COMMENT ON COLUMN @extschema@.contract_clause.clause IS 'Code: 5.1.4a .. 5.1.4h.';
COMMENT ON COLUMN @extschema@.contract_clause.title IS 'What the contract specifies.';
COMMENT ON COLUMN @extschema@.contract_clause.source IS 'Where the regulation says so.';

-- the measures (toolbox:code) that address a kind of gap, from measure.addresses
CREATE FUNCTION @extschema@.measures_addressing(what text) RETURNS text[]
LANGUAGE sql STABLE STRICT PARALLEL SAFE AS $$
  SELECT COALESCE(pg_catalog.array_agg(m.toolbox_code OPERATOR(pg_catalog.||) ':' OPERATOR(pg_catalog.||) m.code
                                       ORDER BY m.toolbox_code, m.code), '{}'::text[])
  FROM @extschema@.measure m WHERE $1 OPERATOR(pg_catalog.=) ANY (m.addresses)
$$;
COMMENT ON FUNCTION @extschema@.measures_addressing(text) IS 'The measures (as toolbox:code) whose addresses name a kind of gap: high_risk_supplier, multi_vendor_gap or contract_gap.';

-- the clauses whose latest check at as_of found them in place, per entity and supplier
CREATE FUNCTION @extschema@.contract_clauses_in_place(as_of date DEFAULT CURRENT_DATE)
RETURNS TABLE (entity_id bigint, supplier_id bigint, clause text)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT c.entity_id, c.supplier_id, c.clause
  FROM (SELECT DISTINCT ON (k.entity_id, k.supplier_id, k.clause) k.entity_id, k.supplier_id, k.clause, k.in_place
        FROM @extschema@.contract_control k WHERE k.checked_on OPERATOR(pg_catalog.<=) $1
        ORDER BY k.entity_id, k.supplier_id, k.clause, k.checked_on DESC) c
  WHERE c.in_place
$$;
COMMENT ON FUNCTION @extschema@.contract_clauses_in_place(date) IS 'The 5.1.4 clauses whose latest check (at or before as_of) found them in the contracts, per entity and supplier.';

-- the critical or sensitive supply edges valid at as_of
CREATE FUNCTION @extschema@.contract_edges_at(as_of date DEFAULT CURRENT_DATE)
RETURNS TABLE (entity_id bigint, supplier_id bigint, function_code text, criticality text)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT DISTINCT s.entity_id, s.supplier_id, s.function_code, fn.criticality
  FROM @extschema@.supply_valid_at($1) s
  JOIN @extschema@.ict_function fn ON fn.code OPERATOR(pg_catalog.=) s.function_code
  WHERE fn.criticality OPERATOR(pg_catalog.<>) 'standard'
$$;
COMMENT ON FUNCTION @extschema@.contract_edges_at(date) IS 'The critical or sensitive supply edges (entity, supplier, ICT function) valid at as_of: those whose contracts 5.1.4 is checked for.';

CREATE FUNCTION @extschema@.contract_gaps_at(as_of date DEFAULT CURRENT_DATE)
RETURNS TABLE (entity_id bigint, entity_name text, member_state text, sector_code text, supplier_id bigint,
               supplier_name text, function_code text, criticality text, clause text, clause_title text, measures text[])
LANGUAGE sql STABLE PARALLEL SAFE AS $$
SELECT g.entity_id, e.name, e.member_state, e.sector_code, g.supplier_id, p.name, g.function_code, g.criticality,
       cl.clause, cl.title, (SELECT @extschema@.measures_addressing('contract_gap'))
FROM @extschema@.contract_edges_at($1) g
CROSS JOIN @extschema@.contract_clause cl
JOIN @extschema@.entity e ON e.entity_id OPERATOR(pg_catalog.=) g.entity_id
JOIN @extschema@.supplier p ON p.supplier_id OPERATOR(pg_catalog.=) g.supplier_id
WHERE NOT EXISTS (SELECT 1 FROM @extschema@.contract_clauses_in_place($1) c
                  WHERE c.entity_id OPERATOR(pg_catalog.=) g.entity_id AND c.supplier_id OPERATOR(pg_catalog.=) g.supplier_id
                    AND c.clause OPERATOR(pg_catalog.=) cl.clause)
$$;
COMMENT ON FUNCTION @extschema@.contract_gaps_at(date) IS 'The rows of contract_gaps at any date.';

CREATE VIEW @extschema@.contract_gaps WITH (security_invoker = true) AS
  SELECT * FROM @extschema@.contract_gaps_at(CURRENT_DATE);
COMMENT ON VIEW @extschema@.contract_gaps IS 'One row per critical or sensitive supply edge valid today (entity, supplier, ICT function) and 5.1.4 clause its contracts are not recorded to specify (no check, or the latest check found it missing); a fully covered edge has no row.';
DO $cm$
DECLARE c record;
BEGIN
  FOR c IN SELECT * FROM (VALUES
    ('entity_id', 'Entity.'), ('entity_name', 'Entity name.'), ('member_state', 'Member state of the entity.'),
    ('sector_code', 'Sector of the entity.'), ('supplier_id', 'Supplier.'), ('supplier_name', 'Supplier name.'),
    ('function_code', 'ICT function supplied.'), ('criticality', 'critical or sensitive.'),
    ('clause', 'The clause missing: 5.1.4a .. 5.1.4h.'), ('clause_title', 'What the contract should specify.'),
    ('measures', 'Measures that address contract gaps (toolbox:code), e.g. 5g-2020:TM08 and nis2-ir-2024-2690:5.1.4.')) x(col, txt) LOOP
    EXECUTE pg_catalog.format('COMMENT ON COLUMN @extschema@.contract_gaps.%I IS %L', c.col, c.txt);
  END LOOP;
END $cm$;

-- Contract gaps are counted in the sector rows once the database records contract checks: until
-- then every critical edge would be a gap, and counting them (a de-duplication of every
-- critical supply edge) would cost a third of a refresh for a figure nobody tracks.
CREATE FUNCTION @extschema@.contracts_tracked() RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT EXISTS (SELECT 1 FROM @extschema@.contract_control)
$$;
COMMENT ON FUNCTION @extschema@.contracts_tracked() IS 'Whether the database records contract checks (contract_control has a row): the sector rows count contract gap edges only then (NULL before).';

-- supply edges with at least one contract gap, per sector, member state and ICT function
-- (an edge belongs to one of each: the counts add up across member states and functions)
CREATE FUNCTION @extschema@.contract_gap_edge_counts(as_of date DEFAULT CURRENT_DATE, scope text[] DEFAULT NULL)
RETURNS TABLE (sector_code text, member_state text, function_code text, edges bigint)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  WITH covered AS (  -- entity and supplier pairs with all eight clauses in place
    SELECT c.entity_id, c.supplier_id FROM @extschema@.contract_clauses_in_place($1) c
    GROUP BY c.entity_id, c.supplier_id HAVING pg_catalog.count(*) OPERATOR(pg_catalog.=) (SELECT pg_catalog.count(*) FROM @extschema@.contract_clause)
  )
  SELECT g.sector_code, g.member_state, g.function_code, pg_catalog.count(*)
  FROM (SELECT s.entity_id, s.supplier_id, s.function_code, s.sector_code, s.member_state  -- the edges of contract_edges_at
        FROM @extschema@.supply_in_scope($1, $2) s
        JOIN @extschema@.ict_function fn ON fn.code OPERATOR(pg_catalog.=) s.function_code
                                        AND fn.criticality OPERATOR(pg_catalog.<>) 'standard'
        GROUP BY s.entity_id, s.supplier_id, s.function_code, s.sector_code, s.member_state) g
  WHERE NOT EXISTS (SELECT 1 FROM covered f WHERE f.entity_id OPERATOR(pg_catalog.=) g.entity_id
                    AND f.supplier_id OPERATOR(pg_catalog.=) g.supplier_id)
    AND (SELECT @extschema@.contracts_tracked())  -- nothing to count (nor to pay for) without contract checks
  GROUP BY g.sector_code, g.member_state, g.function_code
$$;
COMMENT ON FUNCTION @extschema@.contract_gap_edge_counts(date, text[]) IS 'Critical or sensitive supply edges with at least one contract gap, per sector, member state and ICT function (contract_gap_edges in the sector rows), for the entities of the scope''s <sector>:<member state> keys (NULL: all); no row while no contract check is recorded (contracts_tracked).';
-- Change tracking (issue 17, its first part): statement-level triggers with transition tables
-- record which dashboard rows a change makes stale, cheaply on bulk loads (one row per
-- statement and sector and member state). rollup_status says how much changed since the
-- rollups were computed, and the reports say so; refresh() clears what it has seen. (The
-- incremental refresh that recomputes only these rows is the second part, not built yet.)

CREATE SEQUENCE @extschema@.rollup_change_id_seq AS bigint;
CREATE TABLE @extschema@.rollup_change (
  change_id    bigint PRIMARY KEY DEFAULT pg_catalog.nextval('@extschema@.rollup_change_id_seq'::pg_catalog.regclass),
  changed_at   timestamptz NOT NULL DEFAULT pg_catalog.now(),
  source       text NOT NULL,
  sector_code  text,
  member_state text,
  supplier_id  bigint,
  everything   boolean NOT NULL DEFAULT false
);
ALTER SEQUENCE @extschema@.rollup_change_id_seq OWNED BY @extschema@.rollup_change.change_id;
COMMENT ON TABLE @extschema@.rollup_change IS 'Changes since the last refresh() that make dashboard rows stale, written by triggers, cleared by refresh(): a sector and member state, a supplier (its rows wherever it supplies), suppliers added (to be scored), or everything (a methodology change, a TRUNCATE). Not dumped: a restore records its own loading here, so a restored database shows pending changes until its first refresh.';
COMMENT ON COLUMN @extschema@.rollup_change.change_id IS 'Change number.';
COMMENT ON COLUMN @extschema@.rollup_change.changed_at IS 'Start of the transaction that made the change.';
COMMENT ON COLUMN @extschema@.rollup_change.source IS 'The table changed.';
COMMENT ON COLUMN @extschema@.rollup_change.sector_code IS 'With member_state: the sector and member state whose rows are stale.';
COMMENT ON COLUMN @extschema@.rollup_change.member_state IS 'See sector_code.';
COMMENT ON COLUMN @extschema@.rollup_change.supplier_id IS 'A supplier whose assessments, designations or ownership changed: scored again, and stale wherever it (or its group) supplies. A supplier row with no supplier_id, sector or everything: suppliers were added (the next refresh scores those it has not scored).';
COMMENT ON COLUMN @extschema@.rollup_change.everything IS 'True when every row is stale (a methodology changed, or a tracked table was truncated).';

-- One trigger function for every tracked table: the transition tables of the statement (new_rows,
-- old_rows: whichever the trigger has) give the rows touched. Security definer, so that writers
-- need no privilege on rollup_change and row-level security does not hide the entities.
CREATE FUNCTION @extschema@.track_change() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  -- the rows the statement touched: the new ones, the old ones, or both (an update)
  r text := CASE TG_OP WHEN 'INSERT' THEN 'new_rows' WHEN 'DELETE' THEN 'old_rows'
                       ELSE '(SELECT * FROM new_rows UNION ALL SELECT * FROM old_rows)' END;
BEGIN
  IF TG_OP OPERATOR(pg_catalog.=) 'TRUNCATE' THEN  -- (no transition table: every row may be stale)
    INSERT INTO @extschema@.rollup_change (source, everything) VALUES (TG_TABLE_NAME, true);
  ELSIF TG_TABLE_NAME IN ('supply', 'contract_control') THEN
    EXECUTE pg_catalog.format('INSERT INTO @extschema@.rollup_change (source, sector_code, member_state)
      SELECT DISTINCT %L, e.sector_code, e.member_state FROM %s r JOIN @extschema@.entity e ON e.entity_id OPERATOR(pg_catalog.=) r.entity_id', TG_TABLE_NAME, r);
  ELSIF TG_TABLE_NAME OPERATOR(pg_catalog.=) 'entity' THEN
    EXECUTE pg_catalog.format('INSERT INTO @extschema@.rollup_change (source, sector_code, member_state)
      SELECT DISTINCT %L, r.sector_code, r.member_state FROM %s r', TG_TABLE_NAME, r);
  ELSIF TG_TABLE_NAME OPERATOR(pg_catalog.=) 'supplier' AND TG_OP OPERATOR(pg_catalog.=) 'INSERT' THEN
    -- suppliers added supply nothing yet: one row per statement says the next refresh must
    -- score the suppliers it has not scored (cheap on bulk loads)
    INSERT INTO @extschema@.rollup_change (source) SELECT TG_TABLE_NAME WHERE EXISTS (SELECT 1 FROM new_rows);
  ELSIF TG_TABLE_NAME IN ('supplier', 'assessment', 'designation') THEN
    EXECUTE pg_catalog.format('INSERT INTO @extschema@.rollup_change (source, supplier_id)
      SELECT DISTINCT %L, r.supplier_id FROM %s r', TG_TABLE_NAME, r);
  ELSE  -- methodology, methodology_weight
    EXECUTE pg_catalog.format('INSERT INTO @extschema@.rollup_change (source, everything) SELECT %L, true WHERE EXISTS (SELECT 1 FROM %s r)', TG_TABLE_NAME, r);
  END IF;
  RETURN NULL;
END
$$;
REVOKE EXECUTE ON FUNCTION @extschema@.track_change() FROM PUBLIC;
COMMENT ON FUNCTION @extschema@.track_change() IS 'Trigger (after each statement, with its transition tables) on the tables that feed the rollups: records the sectors and member states, suppliers or everything the statement made stale in rollup_change.';

-- The common case, inserts into supply (loads, single-row writes), without dynamic SQL: its
-- plan is prepared once per session, which keeps single-row inserts cheap.
CREATE FUNCTION @extschema@.track_supply_insert() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  INSERT INTO @extschema@.rollup_change (source, sector_code, member_state)
  SELECT DISTINCT 'supply', e.sector_code, e.member_state
  FROM new_rows r JOIN @extschema@.entity e ON e.entity_id OPERATOR(pg_catalog.=) r.entity_id;
  RETURN NULL;
END
$$;
REVOKE EXECUTE ON FUNCTION @extschema@.track_supply_insert() FROM PUBLIC;
COMMENT ON FUNCTION @extschema@.track_supply_insert() IS 'Trigger (after each INSERT statement on supply): track_change for the common case, with a prepared plan.';

DO $trk$
DECLARE
  t text;
  ev record;
BEGIN
  FOREACH t IN ARRAY ARRAY['supply', 'entity', 'supplier', 'assessment', 'designation', 'contract_control',
                           'methodology', 'methodology_weight'] LOOP
    FOR ev IN SELECT * FROM (VALUES ('insert', 'INSERT', 'NEW TABLE AS new_rows'), ('update', 'UPDATE', 'NEW TABLE AS new_rows OLD TABLE AS old_rows'),
                                    ('delete', 'DELETE', 'OLD TABLE AS old_rows')) x(name, op, ref) LOOP
      EXECUTE pg_catalog.format('CREATE TRIGGER %I AFTER %s ON @extschema@.%I REFERENCING %s FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.%I()',
                                t OPERATOR(pg_catalog.||) '_track_' OPERATOR(pg_catalog.||) ev.name, ev.op, t, ev.ref,
                                CASE WHEN t OPERATOR(pg_catalog.=) 'supply' AND ev.op OPERATOR(pg_catalog.=) 'INSERT' THEN 'track_supply_insert' ELSE 'track_change' END);
    END LOOP;
    -- TRUNCATE has no transition table: everything is stale
    EXECUTE pg_catalog.format('CREATE TRIGGER %I AFTER TRUNCATE ON @extschema@.%I FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.track_change()',
                              t OPERATOR(pg_catalog.||) '_track_truncate', t);
  END LOOP;
END $trk$;
-- exact_sum(float8): the correctly rounded sum of its inputs, whatever their order (PARALLEL SAFE).

CREATE FUNCTION @extschema@.exact_sum_trans(internal, float8) RETURNS internal
  AS 'MODULE_PATHNAME' LANGUAGE C CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION @extschema@.exact_sum_combine(internal, internal) RETURNS internal
  AS 'MODULE_PATHNAME' LANGUAGE C CALLED ON NULL INPUT PARALLEL SAFE;
CREATE FUNCTION @extschema@.exact_sum_serialize(internal) RETURNS bytea
  AS 'MODULE_PATHNAME' LANGUAGE C STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.exact_sum_deserialize(bytea, internal) RETURNS internal
  AS 'MODULE_PATHNAME' LANGUAGE C STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.exact_sum_final(internal) RETURNS float8
  AS 'MODULE_PATHNAME' LANGUAGE C CALLED ON NULL INPUT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.exact_sum_trans(internal, float8) IS 'Transition function of exact_sum.';
COMMENT ON FUNCTION @extschema@.exact_sum_combine(internal, internal) IS 'Combine function of exact_sum (parallel query): the exact sum of both states.';
COMMENT ON FUNCTION @extschema@.exact_sum_serialize(internal) IS 'Serialize function of exact_sum.';
COMMENT ON FUNCTION @extschema@.exact_sum_deserialize(bytea, internal) IS 'Deserialize function of exact_sum; a state that does not check out is an error (22P03).';
COMMENT ON FUNCTION @extschema@.exact_sum_final(internal) IS 'Final function of exact_sum: the exact sum rounded once to float8.';

CREATE AGGREGATE @extschema@.exact_sum(float8) (
  SFUNC = @extschema@.exact_sum_trans, STYPE = internal, SSPACE = 416,
  FINALFUNC = @extschema@.exact_sum_final,
  COMBINEFUNC = @extschema@.exact_sum_combine,
  SERIALFUNC = @extschema@.exact_sum_serialize,
  DESERIALFUNC = @extschema@.exact_sum_deserialize,
  PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.exact_sum(float8) IS
  'The float8 nearest to the exact sum of the non-NULL inputs (correctly rounded; NULL when there are none), whatever their order or grouping: serial, parallel, hashed and merged aggregations agree to the last bit. Infinite and NaN inputs sum as in sum(float8); a finite sum beyond the range of float8 is an error (22003).';
CREATE FUNCTION @extschema@.exact_sum_from_state(state bytea) RETURNS float8
  AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.exact_sum_from_state(bytea) IS 'The value of a serialized exact_sum state (as parallel workers send it; NULL for a state of no inputs), validated like the deserialize function (22P03).';
-- Federation, coordinator side: the member databases (federation_member) and what was
-- pulled from them (federation_state, federation_group). Filled by federation_add_member
-- and refresh(); read by sector_stats_levels. Empty on a database that is not a coordinator.

CREATE TABLE @extschema@.federation_member (
  member_state     text PRIMARY KEY REFERENCES @extschema@.country (code),
  server_name      name NOT NULL,
  added_at         timestamptz NOT NULL DEFAULT pg_catalog.now(),
  last_pull        timestamptz,
  last_as_of       date,
  last_version     text,
  last_methodology text,
  stale            boolean NOT NULL DEFAULT false,
  last_error       text,
  last_error_at    timestamptz
);
COMMENT ON TABLE @extschema@.federation_member IS 'Federation coordinator: one row per member state whose database is pulled by refresh() through a postgres_fdw server. Written by federation_add_member, federation_remove_member and refresh().';
COMMENT ON COLUMN @extschema@.federation_member.member_state IS 'The member state; its rows are pulled from the member database (rows of other member states there are not).';
COMMENT ON COLUMN @extschema@.federation_member.server_name IS 'The postgres_fdw foreign server of the member database (with a user mapping for the role that runs refresh).';
COMMENT ON COLUMN @extschema@.federation_member.added_at IS 'When the member was added.';
COMMENT ON COLUMN @extschema@.federation_member.last_pull IS 'When its states were last pulled (NULL: never).';
COMMENT ON COLUMN @extschema@.federation_member.last_as_of IS 'The date the member computed those states for.';
COMMENT ON COLUMN @extschema@.federation_member.last_version IS 'The member''s supplyrisk version at the last contact.';
COMMENT ON COLUMN @extschema@.federation_member.last_methodology IS 'The methodology the member scored with at the last pull.';
COMMENT ON COLUMN @extschema@.federation_member.stale IS 'True when the last refresh could not reach the member and went on without it (refresh(skip_unreachable => true)): the rollups hold its states of last_pull.';
COMMENT ON COLUMN @extschema@.federation_member.last_error IS 'Why the member was skipped, as the error said (NULL after a good pull).';
COMMENT ON COLUMN @extschema@.federation_member.last_error_at IS 'When that happened.';
SELECT pg_catalog.pg_extension_config_dump('@extschema@.federation_member', '');

CREATE TABLE @extschema@.federation_state (
  member_state      text NOT NULL REFERENCES @extschema@.federation_member (member_state) ON DELETE CASCADE,
  sector_code       text NOT NULL REFERENCES @extschema@.sector (code),
  function_code     text REFERENCES @extschema@.ict_function (code),
  group_mix         @extschema@.supply_mix,
  country_mix       @extschema@.supply_mix,
  entities          bigint NOT NULL,
  single_sourced    bigint NOT NULL,
  weight            float8 NOT NULL,
  hrv_weight        float8 NOT NULL,
  risk_weight       float8 NOT NULL,
  unassessed_weight float8 NOT NULL,
  gaps              bigint,
  contract_gap_edges bigint,
  CONSTRAINT federation_state_unique UNIQUE NULLS NOT DISTINCT (member_state, sector_code, function_code)
);
COMMENT ON TABLE @extschema@.federation_state IS 'Federation coordinator: the mergeable states pulled from each member (its federation_export rows), replaced member by member at every pull; the input of the coordinator''s rollups and snapshots.';
DO $cm$
DECLARE c record;
BEGIN
  FOR c IN SELECT * FROM (VALUES
    ('member_state', 'Member state (the member it was pulled from).'),
    ('sector_code', 'NIS2 sector.'),
    ('function_code', 'ICT function; NULL for the row that carries the entities registered and the gaps over all functions.'),
    ('group_mix', 'Mergeable state: supply weight per supplier group, keyed by the group''s global id, or by <member state>:<local id> for a group without one.'),
    ('country_mix', 'Mergeable state: supply weight per headquarters country of the supplier group.'),
    ('entities', 'Function rows: entities using the function; all-functions row: entities registered.'),
    ('single_sourced', 'Entity and function pairs served by a single supplier group.'),
    ('weight', 'Total supply weight.'),
    ('hrv_weight', 'Supply weight from high-risk suppliers (the member''s methodology).'),
    ('risk_weight', 'Sum of weight times risk_score.'),
    ('unassessed_weight', 'Supply weight from unassessed suppliers.'),
    ('gaps', 'Entities with a multi-vendor gap (in the function; all-functions row: in any function); pulled by take_snapshot, NULL after a refresh-only pull.'),
    ('contract_gap_edges', 'Critical or sensitive supply edges whose contracts miss a clause of point 5.1.4 (NULL: the member records no contract check).')) x(col, txt) LOOP
    EXECUTE pg_catalog.format('COMMENT ON COLUMN @extschema@.federation_state.%I IS %L', c.col, c.txt);
  END LOOP;
END $cm$;
SELECT pg_catalog.pg_extension_config_dump('@extschema@.federation_state', '');

CREATE TABLE @extschema@.federation_group (
  member_state text NOT NULL REFERENCES @extschema@.federation_member (member_state) ON DELETE CASCADE,
  key          text NOT NULL,
  name         text NOT NULL,
  PRIMARY KEY (member_state, key)
);
CREATE INDEX federation_group_key_idx ON @extschema@.federation_group (key);
COMMENT ON TABLE @extschema@.federation_group IS 'Federation coordinator: the names of the supplier groups behind the keys of the pulled group mixes, per member (a group with a global id may be named differently by two members: the first member state''s name is shown).';
COMMENT ON COLUMN @extschema@.federation_group.member_state IS 'Member it was pulled from.';
COMMENT ON COLUMN @extschema@.federation_group.key IS 'Key in the group mixes: global id, or <member state>:<local supplier id>.';
COMMENT ON COLUMN @extschema@.federation_group.name IS 'The group''s name in that member database.';
SELECT pg_catalog.pg_extension_config_dump('@extschema@.federation_group', '');
-- Cross-sector concentration (issue 18): the coordinated risk assessments as scopes of ICT
-- functions (coordinated_assessment, coordinated_assessment_function; shipped rows read-only
-- and not dumped), the rollups per ICT function pooling every sector (function_rollup) and
-- their snapshots (function_snapshot).

CREATE TABLE @extschema@.coordinated_assessment (
  code       text PRIMARY KEY CONSTRAINT coordinated_assessment_code_format CHECK (@extschema@.constraint_check(code ~ '^[a-z0-9][a-z0-9.-]*$', code, 'coordinated_assessment_code_format', 'coordinated assessment code',
    'A coordinated assessment code is lower-case letters, digits, dots and hyphens, such as cav-2026.')),
  name       text NOT NULL,
  adopted_on date,
  source     text NOT NULL CONSTRAINT coordinated_assessment_source_nonempty CHECK (@extschema@.constraint_check(source <> '', source, 'coordinated_assessment_source_nonempty', 'source',
    'Every coordinated assessment names its source: the publication it is taken from.')),
  shipped    boolean NOT NULL DEFAULT false
);
COMMENT ON TABLE @extschema@.coordinated_assessment IS 'Coordinated risk assessments (NIS2 Article 22) as scopes of ICT functions across sectors: the shipped 5g-2019, cav-2026 and border-detection-2026 (read-only, not dumped) and users'' own; assessment_overview(code) reports on one.';
COMMENT ON COLUMN @extschema@.coordinated_assessment.code IS 'Assessment code.';
COMMENT ON COLUMN @extschema@.coordinated_assessment.name IS 'Name.';
COMMENT ON COLUMN @extschema@.coordinated_assessment.adopted_on IS 'Date of publication.';
COMMENT ON COLUMN @extschema@.coordinated_assessment.source IS 'The publication the scope is taken from.';
COMMENT ON COLUMN @extschema@.coordinated_assessment.shipped IS 'True for rows shipped with the extension (read-only, not dumped).';

CREATE TABLE @extschema@.coordinated_assessment_function (
  assessment_code text NOT NULL REFERENCES @extschema@.coordinated_assessment (code),
  function_code   text NOT NULL REFERENCES @extschema@.ict_function (code),
  shipped         boolean NOT NULL DEFAULT false,
  PRIMARY KEY (assessment_code, function_code)
);
COMMENT ON TABLE @extschema@.coordinated_assessment_function IS 'The ICT functions in the scope of each coordinated assessment (shipped rows read-only and not dumped; users add their own).';
COMMENT ON COLUMN @extschema@.coordinated_assessment_function.assessment_code IS 'Coordinated assessment.';
COMMENT ON COLUMN @extschema@.coordinated_assessment_function.function_code IS 'An ICT function in its scope.';
COMMENT ON COLUMN @extschema@.coordinated_assessment_function.shipped IS 'True for rows shipped with the extension (read-only, not dumped).';

-- The shipped scopes (domain: nis2.md; the functions are the shipped catalogue's telecom.*,
-- cav.* and border.* families).
INSERT INTO @extschema@.coordinated_assessment (code, name, adopted_on, source, shipped) VALUES
  ('5g-2019', 'EU coordinated risk assessment of the cybersecurity of 5G networks', '2019-10-09',
   'NIS Cooperation Group, EU coordinated risk assessment of the cybersecurity of 5G networks, 9 October 2019 (core network, network management and orchestration, radio access, transport, support systems)', true),
  ('cav-2026', 'Coordinated risk assessment of connected and automated vehicles', '2026-02-13',
   'NIS Cooperation Group, coordinated risk assessment of connected and automated vehicles, published with the ICT Supply Chain Security Toolbox, 13 February 2026 (top concerns: vehicle control, processing and decision-making, communications, remote/OTA updates)', true),
  ('border-detection-2026', 'Coordinated risk assessment of detection equipment used at EU borders and customs', '2026-02-13',
   'NIS Cooperation Group, coordinated risk assessment of detection equipment used at EU borders and customs, published with the ICT Supply Chain Security Toolbox, 13 February 2026', true);
INSERT INTO @extschema@.coordinated_assessment_function (assessment_code, function_code, shipped)
SELECT CASE pg_catalog.split_part(f.code, '.', 1) WHEN 'telecom' THEN '5g-2019' WHEN 'cav' THEN 'cav-2026' ELSE 'border-detection-2026' END,
       f.code, true
FROM @extschema@.ict_function f
WHERE pg_catalog.split_part(f.code, '.', 1) IN ('telecom', 'cav', 'border');

CREATE TRIGGER coordinated_assessment_protect_shipped BEFORE INSERT OR UPDATE OR DELETE ON @extschema@.coordinated_assessment
  FOR EACH ROW EXECUTE FUNCTION @extschema@.protect_shipped();
CREATE TRIGGER coordinated_assessment_function_protect_shipped BEFORE INSERT OR UPDATE OR DELETE ON @extschema@.coordinated_assessment_function
  FOR EACH ROW EXECUTE FUNCTION @extschema@.protect_shipped();
SELECT pg_catalog.pg_extension_config_dump('@extschema@.coordinated_assessment', 'WHERE NOT shipped');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.coordinated_assessment_function', 'WHERE NOT shipped');

-- The function rows of the rollups: per ICT function and member state (NULL: EU-wide),
-- pooling every sector; written by refresh() from the same computation as sector_rollup.
CREATE TABLE @extschema@.function_rollup (
  function_code           text NOT NULL REFERENCES @extschema@.ict_function (code),
  member_state            text REFERENCES @extschema@.country (code),
  sectors                 integer NOT NULL,
  group_mix               @extschema@.supply_mix,
  country_mix             @extschema@.supply_mix,
  entities                bigint,
  single_sourced          bigint,
  single_sourced_critical bigint,
  weight                  float8,
  hrv_weight              float8,
  weight_critical         float8,
  hrv_weight_critical     float8,
  risk_weight             float8,
  suppliers               integer,
  hhi                     float8,
  cr1                     float8,
  cr4                     float8,
  effective_suppliers     float8,
  country_hhi             float8,
  hrv_share               float8,
  hrv_share_critical      float8,
  non_eu_share            float8,
  mean_risk               float8,
  concentration_level     text,
  top_suppliers           text,
  unassessed_weight       float8,
  unassessed_share        float8,
  contract_gap_edges      bigint,
  CONSTRAINT function_rollup_unique UNIQUE NULLS NOT DISTINCT (function_code, member_state)
);
COMMENT ON TABLE @extschema@.function_rollup IS 'Rollups written by refresh(): per ICT function and member state (NULL: EU-wide), every sector pooled (the function rows of sector_stats_levels, computed in the same pass as sector_rollup), read by function_overview and assessment_overview. Do not edit.';
DO $cm$
DECLARE c record;
BEGIN
  FOR c IN SELECT * FROM (VALUES
    ('function_code', 'ICT function.'),
    ('member_state', 'Member state; NULL for the EU-wide row.'),
    ('sectors', 'Sectors in which the function is supplied (rows of sector_rollup for it).'),
    ('group_mix', 'Mergeable state: supply weight per supplier group, every sector pooled.'),
    ('country_mix', 'Mergeable state: supply weight per headquarters country of the group.'),
    ('entities', 'Entities supplied with the function (an entity belongs to one sector: the sectors'' counts add up).'),
    ('single_sourced', 'Of those, entities with a single supplier group for it.'),
    ('single_sourced_critical', 'The same when the function is critical or sensitive.'),
    ('weight', 'Total supply weight.'),
    ('hrv_weight', 'Weight from high-risk suppliers.'),
    ('weight_critical', 'Weight when the function is critical or sensitive.'),
    ('hrv_weight_critical', 'High-risk weight when the function is critical or sensitive.'),
    ('risk_weight', 'Sum of weight * risk_score.'),
    ('suppliers', 'Distinct supplier groups.'),
    ('hhi', 'HHI over supplier groups (0..10000), every sector pooled.'),
    ('cr1', 'Share (0..1) of the largest group.'),
    ('cr4', 'Share (0..1) of the four largest groups.'),
    ('effective_suppliers', '10000 / hhi.'),
    ('country_hhi', 'HHI over the groups'' headquarters countries.'),
    ('hrv_share', 'Share (0..1) of the weight from high-risk suppliers.'),
    ('hrv_share_critical', 'The same when the function is critical or sensitive.'),
    ('non_eu_share', 'Share (0..1) of the weight from groups headquartered outside the EU.'),
    ('mean_risk', 'Supply-weighted mean risk_score (0..100).'),
    ('concentration_level', 'Band of hhi under the EU 2004 guidelines.'),
    ('top_suppliers', 'The three largest supplier groups with their shares, as text.'),
    ('unassessed_weight', 'Supply weight from unassessed suppliers.'),
    ('unassessed_share', 'Share (0..1) of the weight from unassessed suppliers.'),
    ('contract_gap_edges', 'Critical or sensitive supply edges whose contracts miss a 5.1.4 clause; NULL while no contract check is recorded.')) x(col, txt) LOOP
    EXECUTE pg_catalog.format('COMMENT ON COLUMN @extschema@.function_rollup.%I IS %L', c.col, c.txt);
  END LOOP;
END $cm$;
SELECT pg_catalog.pg_extension_config_dump('@extschema@.function_rollup', '');

-- The function rows of every snapshot (take_snapshot), for function_trend.
CREATE TABLE @extschema@.function_snapshot (
  snapshot_id   bigint NOT NULL REFERENCES @extschema@.snapshot (snapshot_id) ON DELETE CASCADE,
  function_code text NOT NULL REFERENCES @extschema@.ict_function (code),
  member_state  text REFERENCES @extschema@.country (code),
  group_mix     @extschema@.supply_mix,
  country_mix   @extschema@.supply_mix,
  metrics       jsonb NOT NULL CONSTRAINT function_snapshot_metrics_object CHECK (pg_catalog.jsonb_typeof(metrics) OPERATOR(pg_catalog.=) 'object'),
  CONSTRAINT function_snapshot_unique UNIQUE NULLS NOT DISTINCT (snapshot_id, function_code, member_state)
);
COMMENT ON TABLE @extschema@.function_snapshot IS 'Metrics stored per snapshot, ICT function and member state (NULL = EU-wide), every sector pooled, with their mergeable states (the rows of function_overview). User data: dumped, never changed by refresh().';
COMMENT ON COLUMN @extschema@.function_snapshot.snapshot_id IS 'Snapshot.';
COMMENT ON COLUMN @extschema@.function_snapshot.function_code IS 'ICT function.';
COMMENT ON COLUMN @extschema@.function_snapshot.member_state IS 'Member state; NULL for the EU-wide row.';
COMMENT ON COLUMN @extschema@.function_snapshot.group_mix IS 'Mergeable state: supply weight per supplier group.';
COMMENT ON COLUMN @extschema@.function_snapshot.country_mix IS 'Mergeable state: supply weight per headquarters country.';
COMMENT ON COLUMN @extschema@.function_snapshot.metrics IS 'The metrics and sums of the function row (name: value), sectors included.';
SELECT pg_catalog.pg_extension_config_dump('@extschema@.function_snapshot', '');
-- The supplier scores behind the rollups (issue 17): refresh() scores every supplier once (a
-- full refresh) or only those that changed (incremental), and computes the rollups' rows from
-- these scores, so that recomputing a sector and member state does not score its suppliers again.

CREATE TABLE @extschema@.supplier_rollup (
  supplier_id bigint PRIMARY KEY,
  group_id    bigint NOT NULL,
  risk_score  float8,
  high_risk   boolean NOT NULL,
  unassessed  boolean NOT NULL
);
COMMENT ON TABLE @extschema@.supplier_rollup IS 'Written by refresh(): every supplier''s risk as the rollups were computed with it (supplier_risk_of at rollup_status.as_of under its methodology). A full refresh scores every supplier; an incremental one only those that changed, were added, or whose assessments or designations began or ended, and the suppliers they control. Row-level security: unscoped roles only (the scores count every member state''s assessments).';
COMMENT ON COLUMN @extschema@.supplier_rollup.supplier_id IS 'Supplier (no foreign key: a deleted supplier''s row goes at the next refresh).';
COMMENT ON COLUMN @extschema@.supplier_rollup.group_id IS 'Its supplier group (the top of its control chain).';
COMMENT ON COLUMN @extschema@.supplier_rollup.risk_score IS 'risk_score (0..100; NULL when unassessed).';
COMMENT ON COLUMN @extschema@.supplier_rollup.high_risk IS 'high_risk (own score or designation, or a high-risk controller).';
COMMENT ON COLUMN @extschema@.supplier_rollup.unassessed IS 'risk_level is unassessed.';
SELECT pg_catalog.pg_extension_config_dump('@extschema@.supplier_rollup', '');
-- <<< sync

-- the name of a supplier group pulled from a federation member (NULL: not one)
CREATE FUNCTION @extschema@.federation_group_name(key text) RETURNS text
LANGUAGE sql STABLE STRICT PARALLEL SAFE AS $$
  SELECT g.name FROM @extschema@.federation_group g WHERE g.key OPERATOR(pg_catalog.=) $1
  ORDER BY g.member_state LIMIT 1
$$;
COMMENT ON FUNCTION @extschema@.federation_group_name(text) IS 'Name of the supplier group behind a key of a federated group mix (the first member state''s name when members differ); NULL when no member exported that key.';

-- Names for the keys of a mix.
CREATE FUNCTION @extschema@.key_type(mix @extschema@.supply_mix) RETURNS text
  AS 'MODULE_PATHNAME', 'supply_mix_key_type' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.key_type(@extschema@.supply_mix) IS 'The kind of keys of a mix: bigint, text, or empty (no key yet).';

CREATE FUNCTION @extschema@.top_shares_named(mix @extschema@.supply_mix, k integer)
RETURNS TABLE (rank integer, key text, name text, weight float8, share float8)
LANGUAGE sql STABLE STRICT PARALLEL SAFE AS $$
  SELECT t.rank, t.key,
         CASE WHEN @extschema@.key_type($1) OPERATOR(pg_catalog.=) 'bigint'
              THEN (SELECT s.name FROM @extschema@.supplier s WHERE s.supplier_id OPERATOR(pg_catalog.=) t.key::bigint)
              ELSE COALESCE(@extschema@.federation_group_name(t.key),
                            (SELECT c.name FROM @extschema@.country c WHERE c.code OPERATOR(pg_catalog.=) t.key), t.key) END,
         t.weight, t.share
  FROM @extschema@.top_shares($1, $2) t
$$;
COMMENT ON FUNCTION @extschema@.top_shares_named(@extschema@.supply_mix, integer) IS
  'top_shares with a readable name per key: the supplier''s name for bigint keys (supplier or group ids; NULL for an id that is not a supplier); for text keys the name of a supplier group pulled from a federation member, else the country''s name for a country code, else the key itself.';


-- unassessed_share beside hrv_share: the dashboard computation, the rollups and the
-- views over them gain the weight of unassessed suppliers. Return types change, so
-- the functions and the views that depend on them are dropped and created again.
DO $drop$
DECLARE s record;
BEGIN
  FOR s IN SELECT code FROM @extschema@.sector WHERE shipped ORDER BY code LOOP
    EXECUTE pg_catalog.format('DROP VIEW @extschema@.%I', 'sector_' || s.code);
  END LOOP;
END $drop$;
DROP VIEW @extschema@.sector_overview;
DROP FUNCTION @extschema@.sector_overview_at(date, text);
DROP FUNCTION @extschema@.sector_overview_rows(boolean, date, text);
DROP FUNCTION @extschema@.sector_function_overview(text, date, text);
DROP FUNCTION @extschema@.sector_function_rows(text, boolean, date, text);
DROP FUNCTION @extschema@.sector_stats_at(date, text, boolean);
DROP FUNCTION @extschema@.sector_function_stats(date, text);

-- The sectors (part 1) or member states (part 2) of '<sector>:<member state>' scope keys,
-- distinct. Immutable: with a constant scope the planner folds it into a constant array, and
-- estimates the rollup rows a scoped refresh reads (by index) from it.
CREATE FUNCTION @extschema@.scope_part(scope text[], part integer) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT COALESCE(pg_catalog.array_agg(DISTINCT pg_catalog.split_part(k, ':', $2)), '{}')
  FROM pg_catalog.unnest($1) k
$$;
COMMENT ON FUNCTION @extschema@.scope_part(text[], integer) IS 'The distinct sectors (part 1) or member states (part 2) of ''<sector>:<member state>'' scope keys (refresh()''s incremental recomputation).';

-- global_keys: the group mix is keyed by the group's global id, or by <member state>:<id>
-- for a group without one (what a federation member exports), instead of the group id.
CREATE FUNCTION @extschema@.sector_function_stats(as_of date DEFAULT CURRENT_DATE, methodology text DEFAULT NULL,
                                                  global_keys boolean DEFAULT false, scope text[] DEFAULT NULL,
                                                  stored_scores boolean DEFAULT false)
RETURNS TABLE (sector_code text, member_state text, function_code text, group_mix @extschema@.supply_mix,
               country_mix @extschema@.supply_mix, entities bigint, single_sourced bigint,
               weight float8, hrv_weight float8, risk_weight float8, unassessed_weight float8)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
WITH scoped AS NOT MATERIALIZED (  -- scoped: the scope's supply rows, by index (read once with stored_scores)
  SELECT s.* FROM @extschema@.supply_in_scope($1, $4) s WHERE $4 IS NOT NULL
),
r AS (  -- per supplier: group, the group's headquarters country, risk (scoped: the suppliers in the
         -- scope only), scored now or (stored_scores) as refresh() stored them
  SELECT x.supplier_id, x.group_id, g.global_id, g.hq_country, x.risk_score, x.high_risk,
         x.risk_level OPERATOR(pg_catalog.=) 'unassessed' AS unassessed
  FROM @extschema@.supplier_risk_of($1, $2,
         CASE WHEN $4 IS NOT NULL THEN ARRAY(SELECT DISTINCT s.supplier_id FROM scoped s) END) x
  JOIN @extschema@.supplier g ON g.supplier_id OPERATOR(pg_catalog.=) x.group_id
  WHERE NOT $5
  UNION ALL
  SELECT c.supplier_id, c.group_id, g.global_id, g.hq_country, c.risk_score, c.high_risk, c.unassessed
  FROM @extschema@.supplier_rollup c
  JOIN @extschema@.supplier g ON g.supplier_id OPERATOR(pg_catalog.=) c.group_id
  WHERE $5
),
sup AS (  -- every supply row valid at as_of (a parallel scan), or the scope's
  SELECT s.* FROM @extschema@.supply_in_scope($1, NULL) s WHERE $4 IS NULL
  UNION ALL
  SELECT s.* FROM scoped s WHERE $4 IS NOT NULL
),
base AS (
  SELECT s.sector_code, s.member_state, s.function_code,
         CASE WHEN $3
              THEN @extschema@.supply_mix_agg(COALESCE(r.global_id, s.member_state OPERATOR(pg_catalog.||) ':' OPERATOR(pg_catalog.||) r.group_id::text), s.weight) FILTER (WHERE $3)
              ELSE @extschema@.supply_mix_agg(r.group_id, s.weight) FILTER (WHERE NOT $3) END AS group_mix,
         @extschema@.supply_mix_agg(r.hq_country, s.weight) AS country_mix,
         @extschema@.sourcing(s.entity_id, r.group_id) AS src,
         pg_catalog.sum(s.weight) AS weight,
         COALESCE(pg_catalog.sum(s.weight) FILTER (WHERE r.high_risk), 0::float8) AS hrv_weight,
         COALESCE(pg_catalog.sum(s.weight OPERATOR(pg_catalog.*) r.risk_score), 0::float8) AS risk_weight,
         COALESCE(pg_catalog.sum(s.weight) FILTER (WHERE r.unassessed), 0::float8) AS unassessed_weight
  FROM sup s
  JOIN r ON r.supplier_id OPERATOR(pg_catalog.=) s.supplier_id
  GROUP BY s.sector_code, s.member_state, s.function_code
)
SELECT b.sector_code, b.member_state, b.function_code, b.group_mix, b.country_mix,
       (b.src).entities, (b.src).single_sourced, b.weight, b.hrv_weight, b.risk_weight, b.unassessed_weight
FROM base b
$$;
COMMENT ON FUNCTION @extschema@.sector_function_stats(date, text, boolean, text[], boolean) IS
  'Mergeable statistics per sector, member state and ICT function from the supply rows valid at as_of: supplier-group mix (keyed by group id; global_keys: by the group''s global id, else <member state>:<group id>), HQ-country mix, entities, single-sourced entities, weight, high-risk weight, risk-weighted weight, weight from unassessed suppliers. scope: only these <sector>:<member state> keys; stored_scores: the suppliers'' risk as refresh() stored it in supplier_rollup instead of scored now.';

-- federated: the input is the states pulled from the federation members (federation_state)
-- instead of this database's supply (a coordinator's refresh and snapshots); as_of and
-- methodology then only name the rows (the members computed the states).
CREATE FUNCTION @extschema@.sector_stats_levels(federated boolean, as_of date DEFAULT CURRENT_DATE, methodology text DEFAULT NULL,
                                                functions boolean DEFAULT true, scope text[] DEFAULT NULL,
                                                from_rollup boolean DEFAULT false, function_rows boolean DEFAULT false,
                                                function_scope text[] DEFAULT NULL, stored_scores boolean DEFAULT false)
RETURNS TABLE (sector_code text, member_state text, function_code text,
               group_mix @extschema@.supply_mix, country_mix @extschema@.supply_mix,
               entities bigint, single_sourced bigint, single_sourced_critical bigint,
               weight float8, hrv_weight float8, weight_critical float8, hrv_weight_critical float8,
               risk_weight float8, suppliers integer, hhi float8, cr1 float8, cr4 float8,
               effective_suppliers float8, country_hhi float8, hrv_share float8, hrv_share_critical float8,
               non_eu_share float8, mean_risk float8, concentration_level text, top_suppliers text,
               unassessed_weight float8, unassessed_share float8, contract_gap_edges bigint)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
WITH src AS (  -- this database's supply, or the members' states, or (from the rollups) states
               -- stored by refresh(); pooled: a state that counts only in the function rows
  SELECT x.*, CASE WHEN (SELECT @extschema@.contracts_tracked()) THEN COALESCE(cg.edges, 0) END AS contract_gap_edges,
         false AS pooled
  FROM @extschema@.sector_function_stats($2, $3, false, $5, $9) x
  LEFT JOIN @extschema@.contract_gap_edge_counts($2, $5) cg
    ON cg.sector_code OPERATOR(pg_catalog.=) x.sector_code AND cg.member_state OPERATOR(pg_catalog.=) x.member_state
   AND cg.function_code OPERATOR(pg_catalog.=) x.function_code
  WHERE NOT $1 AND NOT $6
  UNION ALL  -- the member-state states of the scope's sectors, for their EU-wide rows
  SELECT r.sector_code, r.member_state, r.function_code, r.group_mix, r.country_mix, r.entities, r.single_sourced,
         r.weight, r.hrv_weight, r.risk_weight, r.unassessed_weight, r.contract_gap_edges, false
  FROM @extschema@.sector_rollup r
  WHERE $6 AND r.member_state IS NOT NULL AND r.function_code IS NOT NULL
    AND r.sector_code OPERATOR(pg_catalog.=) ANY (@extschema@.scope_part($5, 1))
  UNION ALL  -- for the function rows: the scope's member states' sector states and the other
             -- member states' function states
  SELECT r.sector_code, r.member_state, r.function_code, r.group_mix, r.country_mix, r.entities, r.single_sourced,
         r.weight, r.hrv_weight, r.risk_weight, r.unassessed_weight, r.contract_gap_edges, true
  FROM @extschema@.sector_rollup r
  WHERE $6 AND $7 AND r.function_code IS NOT NULL
    AND r.member_state OPERATOR(pg_catalog.=) ANY (@extschema@.scope_part($5, 2))
    AND ($8 IS NULL OR r.function_code OPERATOR(pg_catalog.=) ANY ($8))
  UNION ALL
  SELECT NULL, r.member_state, r.function_code, r.group_mix, r.country_mix, r.entities, r.single_sourced,
         r.weight, r.hrv_weight, r.risk_weight, r.unassessed_weight, r.contract_gap_edges, true
  FROM @extschema@.function_rollup r
  WHERE $6 AND $7 AND r.member_state IS NOT NULL
    AND r.member_state OPERATOR(pg_catalog.<>) ALL (@extschema@.scope_part($5, 2))
    AND ($8 IS NULL OR r.function_code OPERATOR(pg_catalog.=) ANY ($8))
  UNION ALL
  SELECT s.sector_code, s.member_state, s.function_code, s.group_mix, s.country_mix, s.entities, s.single_sourced,
         s.weight, s.hrv_weight, s.risk_weight, s.unassessed_weight, s.contract_gap_edges, false
  FROM @extschema@.federation_state s WHERE $1 AND s.function_code IS NOT NULL
),
f AS (
  SELECT x.*, (fn.criticality OPERATOR(pg_catalog.<>) 'standard') AS crit,
         CASE WHEN $4 THEN x.function_code END AS fx  -- NULL when only the all-functions rows are wanted
  FROM src x
  JOIN @extschema@.ict_function fn ON fn.code OPERATOR(pg_catalog.=) x.function_code
),
cube AS (  -- each row once per level it counts in (the keys it is rolled up over NULL), for the
           -- levels this call returns only (a level not returned would merge every state for
           -- nothing); mixes, counts and exact float sums do not depend on the order of the
           -- rows, so one hashed pass gives rollups and live rows equal to the last bit
  SELECT l.lvl, CASE WHEN l.s THEN f.sector_code END AS sector_code, CASE WHEN l.m THEN f.member_state END AS member_state,
         CASE WHEN l.x THEN f.fx END AS function_code,
         @extschema@.supply_mix_union(f.group_mix) AS gm, @extschema@.supply_mix_union(f.country_mix) AS cm,
         pg_catalog.sum(f.entities)::bigint AS ent, pg_catalog.sum(f.single_sourced)::bigint AS ss,
         COALESCE(pg_catalog.sum(f.single_sourced) FILTER (WHERE f.crit), 0)::bigint AS ssc,
         @extschema@.exact_sum(f.weight) AS w, @extschema@.exact_sum(f.hrv_weight) AS hw,
         COALESCE(@extschema@.exact_sum(f.weight) FILTER (WHERE f.crit), 0::float8) AS wc,
         COALESCE(@extschema@.exact_sum(f.hrv_weight) FILTER (WHERE f.crit), 0::float8) AS hwc,
         @extschema@.exact_sum(f.risk_weight) AS rw, @extschema@.exact_sum(f.unassessed_weight) AS uw,
         pg_catalog.sum(f.contract_gap_edges)::bigint AS cge
  FROM f
  -- the levels: (sector, member state, function), (sector, function), (sector, member state),
  -- (sector), and the function rows (function, member state), (function)
  JOIN (VALUES (1, true, true, true), (2, true, false, true), (3, true, true, false), (4, true, false, false),
               (5, false, true, true), (6, false, false, true)) l(lvl, s, m, x)
    ON (NOT l.x OR $4)  -- without functions, only the all-functions levels
   AND CASE WHEN l.s AND l.m THEN NOT $6  -- member-state rows: from the supply (all or the scope's)
            WHEN l.s THEN NOT f.pooled AND ($5 IS NULL OR $6)  -- EU-wide: not scoped, or re-merged
            ELSE $7 AND ($5 IS NULL OR $6) AND (f.pooled OR NOT $6)  -- the function rows, asked for
                 AND (NOT l.m OR NOT $6  -- (from the rollups: the scope's member states', EU-wide)
                      OR f.member_state OPERATOR(pg_catalog.=) ANY (@extschema@.scope_part($5, 2)))
       END
  GROUP BY 1, 2, 3, 4
),
ents AS MATERIALIZED (  -- entities registered, for the all-functions rows (computed once)
  SELECT e.sector_code, e.member_state, pg_catalog.count(*) AS n
  FROM @extschema@.entity e
  WHERE NOT $1  -- scoped: the scope's sectors (from the rollups, for their EU-wide rows), or the
                -- scope's sectors and member states (their rows only), by index
    AND ($5 IS NULL OR e.sector_code OPERATOR(pg_catalog.=) ANY (@extschema@.scope_part($5, 1)))
    AND ($5 IS NULL OR $6 OR (e.member_state OPERATOR(pg_catalog.=) ANY (@extschema@.scope_part($5, 2))
                              AND (e.sector_code OPERATOR(pg_catalog.||) ':' OPERATOR(pg_catalog.||) e.member_state) OPERATOR(pg_catalog.=) ANY ($5)))
  GROUP BY GROUPING SETS ((e.sector_code, e.member_state), (e.sector_code))
  UNION ALL
  SELECT s.sector_code, s.member_state, pg_catalog.sum(s.entities)::bigint
  FROM @extschema@.federation_state s WHERE $1 AND s.function_code IS NULL
  GROUP BY GROUPING SETS ((s.sector_code, s.member_state), (s.sector_code))
),
rows AS (  -- every sector has an EU-wide all-functions row, with or without data
  SELECT c.sector_code, c.member_state, c.function_code, c.gm, c.cm, c.ent, c.ss, c.ssc, c.w, c.hw, c.wc, c.hwc, c.rw, c.uw, c.cge
  FROM cube c
  UNION ALL
  SELECT s.code, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
  FROM @extschema@.sector s
  WHERE NOT EXISTS (SELECT 1 FROM cube c WHERE c.sector_code OPERATOR(pg_catalog.=) s.code
                                          AND c.member_state IS NULL AND c.function_code IS NULL)
)
SELECT c.sector_code, c.member_state, c.function_code, c.gm, c.cm,
       CASE WHEN c.function_code IS NULL THEN COALESCE(en.n, 0) ELSE c.ent END,
       COALESCE(c.ss, 0), COALESCE(c.ssc, 0), COALESCE(c.w, 0::float8), COALESCE(c.hw, 0::float8),
       COALESCE(c.wc, 0::float8), COALESCE(c.hwc, 0::float8), COALESCE(c.rw, 0::float8),
       COALESCE(@extschema@.key_count(c.gm), 0), @extschema@.hhi(c.gm), @extschema@.cr(c.gm, 1),
       @extschema@.cr(c.gm, 4), @extschema@.effective_suppliers(c.gm), @extschema@.hhi(c.cm),
       CASE WHEN c.w OPERATOR(pg_catalog.>) 0::float8 THEN c.hw OPERATOR(pg_catalog./) c.w END,
       CASE WHEN c.wc OPERATOR(pg_catalog.>) 0::float8 THEN c.hwc OPERATOR(pg_catalog./) c.wc END,
       1 OPERATOR(pg_catalog.-) @extschema@.share(c.cm, (SELECT @extschema@.eu_member_codes())),
       CASE WHEN c.w OPERATOR(pg_catalog.>) 0::float8 THEN c.rw OPERATOR(pg_catalog./) c.w END,
       @extschema@.concentration_level(@extschema@.hhi(c.gm)),
       CASE WHEN c.function_code IS NOT NULL THEN @extschema@.top_supplier_names(c.gm, 3) END,
       COALESCE(c.uw, 0::float8),
       CASE WHEN c.w OPERATOR(pg_catalog.>) 0::float8 THEN c.uw OPERATOR(pg_catalog./) c.w END,
       -- counted once contract checks are recorded here (a coordinator: by a member); else NULL
       CASE WHEN (SELECT CASE WHEN $1 THEN EXISTS (SELECT 1 FROM @extschema@.federation_state s WHERE s.contract_gap_edges IS NOT NULL)
                              ELSE @extschema@.contracts_tracked() END)
            THEN COALESCE(c.cge, 0::bigint) END
FROM rows c
LEFT JOIN ents en ON c.function_code IS NULL AND en.sector_code OPERATOR(pg_catalog.=) c.sector_code
                 AND COALESCE(en.member_state, '') OPERATOR(pg_catalog.=) COALESCE(c.member_state, '')  -- hashable
-- EU-wide rows for roles that see every member state (row-level security)
WHERE (c.member_state IS NOT NULL OR (SELECT @extschema@.access_member_states()) IS NULL)
  -- scoped from the supply: only the scope's member-state rows (the others are not computed)
  AND ($5 IS NULL OR $6 OR c.member_state IS NOT NULL)
  -- from the rollups: the levels merged only what is merged again; of the EU-wide rows every
  -- sector has, only the scope's sectors'
  AND (NOT $6 OR c.sector_code IS NULL OR c.sector_code OPERATOR(pg_catalog.=) ANY (@extschema@.scope_part($5, 1)))
$$;
COMMENT ON FUNCTION @extschema@.sector_stats_levels(boolean, date, text, boolean, text[], boolean, boolean, text[], boolean) IS
  'Dashboard statistics per sector at four levels (member state or EU-wide NULL, ICT function or all functions NULL): mergeable group and country mixes, additive sums and the metrics derived from them (top_suppliers on function rows; contract_gap_edges: critical or sensitive supply edges missing a 5.1.4 clause), from this database''s supply valid at as_of, or (federated) from the states pulled from the federation members. functions false: only the all-functions rows; function_rows: also the rows per ICT function pooling every sector (sector_code NULL), per member state and EU-wide. The one computation behind the sector views, function_overview, the rollups and the snapshots.';

CREATE FUNCTION @extschema@.sector_stats_at(as_of date DEFAULT CURRENT_DATE, methodology text DEFAULT NULL,
                                            functions boolean DEFAULT true)
RETURNS TABLE (sector_code text, member_state text, function_code text,
               group_mix @extschema@.supply_mix, country_mix @extschema@.supply_mix,
               entities bigint, single_sourced bigint, single_sourced_critical bigint,
               weight float8, hrv_weight float8, weight_critical float8, hrv_weight_critical float8,
               risk_weight float8, suppliers integer, hhi float8, cr1 float8, cr4 float8,
               effective_suppliers float8, country_hhi float8, hrv_share float8, hrv_share_critical float8,
               non_eu_share float8, mean_risk float8, concentration_level text, top_suppliers text,
               unassessed_weight float8, unassessed_share float8, contract_gap_edges bigint)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT * FROM @extschema@.sector_stats_levels(false, $1, $2, $3)
$$;
COMMENT ON FUNCTION @extschema@.sector_stats_at(date, text, boolean) IS
  'Dashboard statistics per sector at four levels (member state or EU-wide NULL, ICT function or all functions NULL) from this database''s supply valid at as_of (sector_stats_levels). functions false: only the all-functions rows. The computation behind the sector views, the rollups and the snapshots.';

CREATE OR REPLACE FUNCTION @extschema@.top_supplier_names(mix @extschema@.supply_mix, k integer DEFAULT 3) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  -- the names of top_shares_named (a group key is never a country code)
  SELECT pg_catalog.string_agg(pg_catalog.format('%s %s%%', t.name, pg_catalog.round((t.share OPERATOR(pg_catalog.*) 100)::numeric, 0)), ', ' ORDER BY t.rank)
  FROM @extschema@.top_shares_named($1, $2) t
  WHERE t.name IS NOT NULL
$$;
COMMENT ON FUNCTION @extschema@.top_supplier_names(@extschema@.supply_mix, integer) IS 'The k heaviest supplier groups of a group mix as readable text: name and share in percent (bigint keys: supplier ids; text keys: groups pulled from federation members, by name, else the key).';

ALTER TABLE @extschema@.sector_rollup ADD COLUMN unassessed_weight float8, ADD COLUMN unassessed_share float8;
COMMENT ON COLUMN @extschema@.sector_rollup.unassessed_weight IS 'Supply weight from suppliers whose risk_level is unassessed (NULL in rollups refreshed before 0.2.0).';
COMMENT ON COLUMN @extschema@.sector_rollup.unassessed_share IS 'Share (0..1) of the weight from unassessed suppliers (coverage below the methodology''s min_coverage).';
-- the rows of some ICT functions, by index (issue 18)
CREATE INDEX sector_rollup_function_idx ON @extschema@.sector_rollup (function_code, member_state);
-- and the supply edges with a contract gap (issue 15)
ALTER TABLE @extschema@.sector_rollup ADD COLUMN contract_gap_edges bigint;
COMMENT ON COLUMN @extschema@.sector_rollup.contract_gap_edges IS 'Critical or sensitive supply edges (entity, supplier, function) whose contracts miss a clause of Implementing Regulation 2024/2690 point 5.1.4 (contract_gaps); NULL while the database records no contract check (contracts_tracked), and in rollups refreshed before.';
CREATE FUNCTION @extschema@.sector_stats_read(live boolean, as_of date, methodology text, functions boolean, sector text)
RETURNS SETOF @extschema@.sector_rollup
LANGUAGE plpgsql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp
-- planned for the values of each call, never a cached generic plan: the live rows come from
-- the same plan as refresh()'s, to the last bit (a generic plan sums in another order)
SET plan_cache_mode = force_custom_plan AS $$
BEGIN
  IF live OR NOT EXISTS (SELECT 1 FROM @extschema@.rollup_refresh) THEN
    -- the computation refresh() runs, whole (OFFSET 0: the sector filter is not pushed into it)
    RETURN QUERY SELECT x.* FROM (SELECT y.* FROM @extschema@.sector_stats_at(as_of, methodology, functions) y OFFSET 0) x
                 WHERE sector IS NULL OR x.sector_code OPERATOR(pg_catalog.=) sector;
  ELSE
    RETURN QUERY SELECT r.* FROM @extschema@.sector_rollup r
                 WHERE (functions OR r.function_code IS NULL) AND (sector IS NULL OR r.sector_code OPERATOR(pg_catalog.=) sector);
  END IF;
END
$$;
COMMENT ON FUNCTION @extschema@.sector_stats_read(boolean, date, text, boolean, text) IS
  'The rows of sector_stats_source for one sector (NULL: all), the branch chosen before planning: what sector_overview and the sector views read.';

CREATE FUNCTION @extschema@.sector_function_rows(sector text, live boolean, as_of date DEFAULT CURRENT_DATE, methodology text DEFAULT NULL)
RETURNS TABLE (member_state text, function_code text, function_name text, criticality text, entities bigint,
               suppliers integer, hhi float8, cr1 float8, cr4 float8, effective_suppliers float8, hrv_share float8,
               unassessed_share float8, non_eu_share float8, country_hhi float8, top_suppliers text,
               single_supplier_entities bigint, contract_gap_edges bigint)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
SELECT r.member_state, r.function_code, fn.name, fn.criticality, r.entities, r.suppliers, r.hhi, r.cr1, r.cr4,
       r.effective_suppliers, r.hrv_share, r.unassessed_share, r.non_eu_share, r.country_hhi, r.top_suppliers, r.single_sourced,
       r.contract_gap_edges
FROM @extschema@.sector_stats_read($2, $3, $4, true, $1) r
JOIN @extschema@.ict_function fn ON fn.code OPERATOR(pg_catalog.=) r.function_code
$$;
COMMENT ON FUNCTION @extschema@.sector_function_rows(text, boolean, date, text) IS
  'The rows of a sector_<code> view, live or from the rollups (see sector_stats_read).';

CREATE FUNCTION @extschema@.sector_function_overview(sector text, as_of date DEFAULT CURRENT_DATE, methodology text DEFAULT NULL)
RETURNS TABLE (member_state text, function_code text, function_name text, criticality text, entities bigint,
               suppliers integer, hhi float8, cr1 float8, cr4 float8, effective_suppliers float8, hrv_share float8,
               unassessed_share float8, non_eu_share float8, country_hhi float8, top_suppliers text,
               single_supplier_entities bigint, contract_gap_edges bigint)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT * FROM @extschema@.sector_function_rows($1, true, $2, $3)
$$;
COMMENT ON FUNCTION @extschema@.sector_function_overview(text, date, text) IS
  'The rows of a sector_<code> view for any sector, date and methodology, computed live.';

CREATE FUNCTION @extschema@.sector_overview_rows(live boolean, as_of date DEFAULT CURRENT_DATE, methodology text DEFAULT NULL)
RETURNS TABLE (sector_code text, sector_name text, member_state text, entities bigint, suppliers integer, hhi float8,
               cr4 float8, effective_suppliers float8, country_hhi float8, hrv_share float8, unassessed_share float8,
               hrv_share_critical float8, non_eu_share float8, single_supplier_critical bigint, mean_risk float8,
               concentration_level text, contract_gap_edges bigint)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
SELECT r.sector_code, s.name, r.member_state, r.entities, r.suppliers, r.hhi, r.cr4, r.effective_suppliers,
       r.country_hhi, r.hrv_share, r.unassessed_share, r.hrv_share_critical, r.non_eu_share, r.single_sourced_critical, r.mean_risk,
       r.concentration_level, r.contract_gap_edges
FROM @extschema@.sector_stats_read($1, $2, $3, false, NULL) r
JOIN @extschema@.sector s ON s.code OPERATOR(pg_catalog.=) r.sector_code
WHERE r.function_code IS NULL
$$;
COMMENT ON FUNCTION @extschema@.sector_overview_rows(boolean, date, text) IS
  'The rows of sector_overview, live or from the rollups (see sector_stats_read).';

CREATE FUNCTION @extschema@.sector_overview_at(as_of date DEFAULT CURRENT_DATE, methodology text DEFAULT NULL)
RETURNS TABLE (sector_code text, sector_name text, member_state text, entities bigint, suppliers integer, hhi float8,
               cr4 float8, effective_suppliers float8, country_hhi float8, hrv_share float8, unassessed_share float8,
               hrv_share_critical float8, non_eu_share float8, single_supplier_critical bigint, mean_risk float8,
               concentration_level text, contract_gap_edges bigint)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT * FROM @extschema@.sector_overview_rows(true, $1, $2)
$$;
COMMENT ON FUNCTION @extschema@.sector_overview_at(date, text) IS 'The rows of sector_overview for any date and methodology, computed live.';

CREATE VIEW @extschema@.sector_overview WITH (security_invoker = true) AS
  SELECT * FROM @extschema@.sector_overview_rows(false, CURRENT_DATE, NULL);
COMMENT ON VIEW @extschema@.sector_overview IS 'Per NIS2 sector: a row per member state and an EU-wide row (member_state NULL, the merge of the member states). Read from the rollups of the last refresh() (see rollup_status); computed live for today until the first refresh.';
COMMENT ON COLUMN @extschema@.sector_overview.sector_code IS 'NIS2 sector.';
COMMENT ON COLUMN @extschema@.sector_overview.sector_name IS 'Sector name.';
COMMENT ON COLUMN @extschema@.sector_overview.member_state IS 'Member state; NULL for the EU-wide row.';
COMMENT ON COLUMN @extschema@.sector_overview.entities IS 'Entities of the sector registered in the member state (EU-wide: all).';
COMMENT ON COLUMN @extschema@.sector_overview.suppliers IS 'Distinct supplier groups in the supply.';
COMMENT ON COLUMN @extschema@.sector_overview.hhi IS 'HHI (0..10000) of the supply pooled over the sector''s entities and functions, per supplier group.';
COMMENT ON COLUMN @extschema@.sector_overview.cr4 IS 'Share (0..1) of the four largest supplier groups.';
COMMENT ON COLUMN @extschema@.sector_overview.effective_suppliers IS 'Numbers equivalent 10000/HHI.';
COMMENT ON COLUMN @extschema@.sector_overview.country_hhi IS 'HHI of the supply by the headquarters country of the supplier group.';
COMMENT ON COLUMN @extschema@.sector_overview.hrv_share IS 'Share (0..1) of the supply weight from high-risk suppliers.';
COMMENT ON COLUMN @extschema@.sector_overview.unassessed_share IS 'Share (0..1) of the supply weight from unassessed suppliers (coverage below the methodology''s min_coverage): how much of hrv_share rests on unknowns.';
COMMENT ON COLUMN @extschema@.sector_overview.hrv_share_critical IS 'The same over critical and sensitive ICT functions only.';
COMMENT ON COLUMN @extschema@.sector_overview.non_eu_share IS 'Share (0..1) of the supply from supplier groups headquartered outside the EU.';
COMMENT ON COLUMN @extschema@.sector_overview.single_supplier_critical IS 'Entity and function pairs (critical or sensitive functions) served by a single supplier group.';
COMMENT ON COLUMN @extschema@.sector_overview.mean_risk IS 'Supply-weighted mean risk_score (0..100) of the suppliers.';
COMMENT ON COLUMN @extschema@.sector_overview.concentration_level IS 'Band of hhi under the EU 2004 guidelines (low, moderate, high).';
COMMENT ON COLUMN @extschema@.sector_overview.contract_gap_edges IS 'Critical or sensitive supply edges (entity, supplier, function) whose contracts miss a clause of point 5.1.4 (contract_gaps); NULL while no contract check is recorded.';

-- entity_exposure: concentration and exposure per entity and ICT function.

-- The 18 sector views: one definition, generated, identical columns.
DO $gen$
DECLARE
  s record;
  c record;
  v text;
BEGIN
  FOR s IN SELECT code, name FROM @extschema@.sector WHERE shipped ORDER BY code LOOP
    v := 'sector_' || s.code;
    EXECUTE pg_catalog.format('CREATE VIEW @extschema@.%I WITH (security_invoker = true) AS SELECT * FROM @extschema@.sector_function_rows(%L, false, CURRENT_DATE, NULL)', v, s.code);
    EXECUTE pg_catalog.format('COMMENT ON VIEW @extschema@.%I IS %L', v,
      pg_catalog.format('NIS2 sector %s: concentration per member state (NULL: EU-wide) and ICT function. Read from the rollups of the last refresh() (see rollup_status); computed live for today until the first refresh.', s.name));
    FOR c IN SELECT * FROM (VALUES
      ('member_state', 'Member state; NULL for the EU-wide row (the merge of the member-state rows).'),
      ('function_code', 'ICT function.'),
      ('function_name', 'ICT function name.'),
      ('criticality', 'critical, sensitive or standard.'),
      ('entities', 'Entities of the sector that use the function.'),
      ('suppliers', 'Distinct supplier groups.'),
      ('hhi', 'HHI (0..10000) over supplier groups, pooled over the entities.'),
      ('cr1', 'Share (0..1) of the largest supplier group.'),
      ('cr4', 'Share (0..1) of the four largest supplier groups.'),
      ('effective_suppliers', 'Numbers equivalent 10000/HHI.'),
      ('hrv_share', 'Share (0..1) of the weight from high-risk suppliers.'),
      ('unassessed_share', 'Share (0..1) of the weight from unassessed suppliers (coverage below the methodology''s min_coverage).'),
      ('non_eu_share', 'Share (0..1) of the weight from supplier groups headquartered outside the EU.'),
      ('country_hhi', 'HHI over the headquarters countries of the supplier groups.'),
      ('top_suppliers', 'The three largest supplier groups with their shares, as text.'),
      ('single_supplier_entities', 'Entities served by a single supplier group for the function.'),
      ('contract_gap_edges', 'Critical or sensitive supply edges whose contracts miss a clause of point 5.1.4 (contract_gaps).')) x(col, txt) LOOP
      EXECUTE pg_catalog.format('COMMENT ON COLUMN @extschema@.%I.%I IS %L', v, c.col, c.txt);
    END LOOP;
  END LOOP;
END $gen$;


-- entity_exposure and entity_deep_exposure read supply_valid_at (same results).
CREATE OR REPLACE FUNCTION @extschema@.entity_exposure_at(as_of date DEFAULT CURRENT_DATE, methodology text DEFAULT NULL)
RETURNS TABLE (entity_id bigint, entity_name text, member_state text, sector_code text, function_code text,
               criticality text, supplier_count integer, hhi float8, cr1 float8, effective_suppliers float8,
               hrv_share float8, non_eu_share float8, single_supplier boolean, exposure_score float8,
               mix @extschema@.supply_mix)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
WITH r AS (
  SELECT x.supplier_id, x.group_id, x.risk_score, x.high_risk FROM @extschema@.supplier_risk_at($1, $2) x
),
m AS (
  SELECT x.weight_critical, x.weight_sensitive, x.weight_standard FROM @extschema@.methodology x
  WHERE x.name OPERATOR(pg_catalog.=) @extschema@.methodology_name($2)
),
base AS (
  SELECT s.entity_id, s.function_code, @extschema@.supply_mix_agg(r.group_id, s.weight) AS mix,
         pg_catalog.sum(s.weight) AS w,
         COALESCE(pg_catalog.sum(s.weight) FILTER (WHERE r.high_risk), 0::float8) AS hw,
         COALESCE(pg_catalog.sum(s.weight) FILTER (WHERE NOT c.eu_member), 0::float8) AS nw,
         COALESCE(pg_catalog.sum(s.weight OPERATOR(pg_catalog.*) r.risk_score), 0::float8) AS rw
  FROM @extschema@.supply_valid_at($1) s
  JOIN r ON r.supplier_id OPERATOR(pg_catalog.=) s.supplier_id
  JOIN @extschema@.supplier g ON g.supplier_id OPERATOR(pg_catalog.=) r.group_id
  JOIN @extschema@.country c ON c.code OPERATOR(pg_catalog.=) g.hq_country
  GROUP BY s.entity_id, s.function_code
)
SELECT e.entity_id, e.name, e.member_state, e.sector_code, b.function_code, fn.criticality,
       @extschema@.key_count(b.mix), @extschema@.hhi(b.mix), @extschema@.cr(b.mix, 1), @extschema@.effective_suppliers(b.mix),
       b.hw OPERATOR(pg_catalog./) b.w, b.nw OPERATOR(pg_catalog./) b.w,
       @extschema@.key_count(b.mix) OPERATOR(pg_catalog.=) 1,
       b.rw OPERATOR(pg_catalog./) b.w OPERATOR(pg_catalog./) 100 OPERATOR(pg_catalog.*)
         CASE WHEN fn.criticality OPERATOR(pg_catalog.=) 'critical' THEN m.weight_critical
            WHEN fn.criticality OPERATOR(pg_catalog.=) 'sensitive' THEN m.weight_sensitive ELSE m.weight_standard END,
       b.mix
FROM base b
JOIN @extschema@.entity e ON e.entity_id OPERATOR(pg_catalog.=) b.entity_id
JOIN @extschema@.ict_function fn ON fn.code OPERATOR(pg_catalog.=) b.function_code
CROSS JOIN m
$$;
COMMENT ON FUNCTION @extschema@.entity_exposure_at(date, text) IS 'The rows of entity_exposure for any date and methodology.';

CREATE OR REPLACE FUNCTION @extschema@.entity_deep_exposure_at(as_of date DEFAULT CURRENT_DATE, max_depth integer DEFAULT 6)
RETURNS TABLE (entity_id bigint, entity_name text, member_state text, sector_code text, direct_suppliers integer,
               deep_suppliers integer, direct_hhi float8, deep_hhi float8, top_hidden_group_id bigint,
               top_hidden_group text, top_hidden_share float8, hidden_suppliers text)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
WITH gmap AS MATERIALIZED (  -- computed once, not once per entity
  SELECT x.supplier_id, x.group_id FROM @extschema@.supplier_group_map x
),
direct AS (
  SELECT s.entity_id, @extschema@.supply_mix_agg(s.supplier_id, s.weight) AS m
  FROM @extschema@.supply_valid_at($1) s
  GROUP BY s.entity_id
),
direct_groups AS (
  SELECT d.entity_id,
         (SELECT @extschema@.supply_mix_agg(gm.group_id, t.weight) FROM @extschema@.each(d.m) t
            JOIN gmap gm ON gm.supplier_id OPERATOR(pg_catalog.=) t.key::bigint) AS direct_g
  FROM direct d
),
groups AS (  -- the group mix propagated (a group's dependencies apply to its subsidiaries), regrouped
  SELECT d.entity_id, d.direct_g, @extschema@.total(d.direct_g) AS direct_total,
         (SELECT @extschema@.supply_mix_agg(gm.group_id, t.weight)
            FROM @extschema@.each(@extschema@.deep_mix(d.direct_g, $2)) t
            JOIN gmap gm ON gm.supplier_id OPERATOR(pg_catalog.=) t.key::bigint) AS deep_g
  FROM direct_groups d
),
hidden AS (  -- weight relying on a group beyond what the entity buys from it directly
  SELECT g.entity_id, t.key::bigint AS group_id,
         (t.weight OPERATOR(pg_catalog.-) COALESCE(@extschema@.share(g.direct_g, t.key::bigint) OPERATOR(pg_catalog.*) g.direct_total, 0::float8))
           OPERATOR(pg_catalog./) g.direct_total AS hidden_share
  FROM groups g, @extschema@.each(g.deep_g) t
),
ranked AS (
  SELECT h.*, pg_catalog.row_number() OVER (PARTITION BY h.entity_id ORDER BY h.hidden_share DESC, h.group_id) AS rk
  FROM hidden h WHERE h.hidden_share OPERATOR(pg_catalog.>) 1e-12
)
SELECT e.entity_id, e.name, e.member_state, e.sector_code,
       @extschema@.key_count(g.direct_g), @extschema@.key_count(g.deep_g),
       @extschema@.hhi(g.direct_g), @extschema@.hhi(g.deep_g),
       top.group_id, gs.name, top.hidden_share,
       (SELECT pg_catalog.string_agg(pg_catalog.format('%s %s%%', s2.name, pg_catalog.round((r2.hidden_share OPERATOR(pg_catalog.*) 100)::numeric, 0)), ', ' ORDER BY r2.rk)
          FROM ranked r2 JOIN @extschema@.supplier s2 ON s2.supplier_id OPERATOR(pg_catalog.=) r2.group_id
         WHERE r2.entity_id OPERATOR(pg_catalog.=) g.entity_id AND r2.rk OPERATOR(pg_catalog.<=) 3)
FROM groups g
JOIN @extschema@.entity e ON e.entity_id OPERATOR(pg_catalog.=) g.entity_id
LEFT JOIN ranked top ON top.entity_id OPERATOR(pg_catalog.=) g.entity_id AND top.rk OPERATOR(pg_catalog.=) 1
LEFT JOIN @extschema@.supplier gs ON gs.supplier_id OPERATOR(pg_catalog.=) top.group_id
$$;
COMMENT ON FUNCTION @extschema@.entity_deep_exposure_at(date, integer) IS 'The rows of entity_deep_exposure for any date and depth.';


-- Real data in (issue 13): organisation names that match, bills of materials read as they are.
-- The rules, in order (REFERENCE.md has examples): Unicode compatibility form (NFKC),
-- lower case; "&" becomes "and"; a web domain ending (.com .org .net .io .dev .eu) is
-- dropped; every other character that is not a letter, digit or space becomes a space,
-- apostrophes vanish; spaces collapse; single letters join up ("S.A." becomes "sa");
-- a leading "the" goes; trailing legal forms go,
-- repeatedly (inc, corp, corporation, ltd, llc, gmbh, ag, sa, sas, bv, ... and a dangling
-- "and co"). A name that would become empty keeps its lower-cased, collapsed form.
CREATE FUNCTION @extschema@.normalize_org_name(name text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  WITH a AS (
    SELECT pg_catalog.regexp_replace(pg_catalog.btrim(pg_catalog.lower(pg_catalog.normalize($1, 'NFKC'))), '\s+', ' ', 'g') AS plain
  ),
  b AS (
    SELECT a.plain,
           pg_catalog.btrim(pg_catalog.regexp_replace(pg_catalog.regexp_replace(pg_catalog.regexp_replace(pg_catalog.regexp_replace(
             pg_catalog.replace(a.plain, '&', ' and '),
             '\.(com|org|net|io|dev|eu)$', ''),
             '[''’`]', '', 'g'),
             '[^[:alnum:][:space:]]+', ' ', 'g'),
             '\s+', ' ', 'g')) AS s0
    FROM a
  ),
  j AS (  -- letters of an abbreviation join up again: "s a" (from S.A.) is "sa"
    SELECT b.plain, pg_catalog.regexp_replace(b.s0, '\m([[:alnum:]]) (?=[[:alnum:]]\M)', '\1', 'g') AS s
    FROM b
  ),
  c AS (
    SELECT j.plain,
           pg_catalog.btrim(pg_catalog.regexp_replace(pg_catalog.regexp_replace(j.s, '^the ', ''),
             '( (and co|co|inc|incorporated|corp|corporation|ltd|limited|llc|llp|lp|plc|gmbh|mbh|ag|kg|kgaa|se|sa|sas|sarl|srl|spa|bv|nv|oy|oyj|ab|as|asa|aps|pty|pte|kk|sl|sro|kft|zrt|sp z o o))+$',
             '')) AS s
    FROM j
  )
  SELECT CASE WHEN c.s OPERATOR(pg_catalog.=) '' THEN c.plain ELSE c.s END FROM c
$$;
COMMENT ON FUNCTION @extschema@.normalize_org_name(text) IS
  'An organisation name normalised for matching: NFKC, lower case, & as and, a web domain ending dropped, punctuation to spaces, spaces collapsed, single letters joined (S.A. as sa), a leading "the" and trailing legal forms (Inc, Corp, Ltd, LLC, GmbH, AG, SA, SAS, BV, ...) removed.';

CREATE TABLE @extschema@.org_alias (
  alias     text PRIMARY KEY,
  canonical text NOT NULL CONSTRAINT org_alias_canonical_nonempty CHECK (@extschema@.constraint_check(
    pg_catalog.btrim(canonical) OPERATOR(pg_catalog.<>) '', canonical, 'org_alias_canonical_nonempty', 'canonical',
    'canonical is the organisation''s name as it should appear (not empty).'))
);
COMMENT ON TABLE @extschema@.org_alias IS 'Organisation aliases: a normalised alias (normalize_org_name, applied on insert) maps to the canonical name of the organisation. The canonical name of any organisation is its alias target, else its normalised name.';
COMMENT ON COLUMN @extschema@.org_alias.alias IS 'An organisation name as documents spell it; stored normalised (normalize_org_name), so every spelling that normalises alike matches.';
COMMENT ON COLUMN @extschema@.org_alias.canonical IS 'The name the organisation goes by in mixes and suppliers.';

CREATE FUNCTION @extschema@.org_alias_normalize() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  NEW.alias := @extschema@.normalize_org_name(NEW.alias);
  IF NEW.alias IS NULL OR NEW.alias OPERATOR(pg_catalog.=) '' THEN
    RAISE EXCEPTION 'alias must name an organisation' USING ERRCODE = 'check_violation',
      HINT = 'Give the alias as documents spell it, e.g. ''The Apache Software Foundation''.';
  END IF;
  RETURN NEW;
END $$;
COMMENT ON FUNCTION @extschema@.org_alias_normalize() IS 'Trigger: stores org_alias.alias normalised (normalize_org_name).';
CREATE TRIGGER org_alias_normalize BEFORE INSERT OR UPDATE OF alias ON @extschema@.org_alias
  FOR EACH ROW EXECUTE FUNCTION @extschema@.org_alias_normalize();
SELECT pg_catalog.pg_extension_config_dump('@extschema@.org_alias', '');

CREATE FUNCTION @extschema@.canonical_org_name(name text) RETURNS text
LANGUAGE sql STABLE STRICT PARALLEL SAFE AS $$
  SELECT COALESCE((SELECT a.canonical FROM @extschema@.org_alias a
                   WHERE a.alias OPERATOR(pg_catalog.=) @extschema@.normalize_org_name($1)),
                  @extschema@.normalize_org_name($1))
$$;
COMMENT ON FUNCTION @extschema@.canonical_org_name(text) IS
  'The canonical name of an organisation: its org_alias target, else its normalised name.';

-- The kind and version of a document, or an error that says what was found.
CREATE FUNCTION @extschema@.bom_format(doc jsonb) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  v text;
  hint text := 'Supported: CycloneDX JSON 1.2 to 1.6 and SPDX JSON 2.2 and 2.3.';
BEGIN
  IF doc IS NULL THEN
    RAISE EXCEPTION 'bom document must not be null' USING ERRCODE = 'null_value_not_allowed';
  END IF;
  IF jsonb_typeof(doc) OPERATOR(pg_catalog.=) 'string' THEN
    v := btrim(doc #>> '{}');
    RAISE EXCEPTION 'not a JSON bill of materials: %', CASE
        WHEN v LIKE '<%' THEN 'an XML document (a JSON string starting with "<")'
        WHEN v ~* '^SPDXVersion:' THEN 'an SPDX tag-value document'
        ELSE format('a JSON string (%s)', left(v, 40)) END
      USING ERRCODE = 'invalid_parameter_value', HINT = hint || ' Convert XML or tag-value documents to JSON first.';
  END IF;
  IF jsonb_typeof(doc) OPERATOR(pg_catalog.<>) 'object' THEN
    RAISE EXCEPTION 'not a JSON bill of materials: a JSON %', jsonb_typeof(doc)
      USING ERRCODE = 'invalid_parameter_value', HINT = hint;
  END IF;
  IF doc ? 'bomFormat' THEN
    IF doc ->> 'bomFormat' OPERATOR(pg_catalog.<>) 'CycloneDX' THEN
      RAISE EXCEPTION 'unsupported bomFormat "%"', doc ->> 'bomFormat' USING ERRCODE = 'invalid_parameter_value', HINT = hint;
    END IF;
    v := doc ->> 'specVersion';
    IF v IS NULL OR v NOT IN ('1.2', '1.3', '1.4', '1.5', '1.6') THEN
      RAISE EXCEPTION 'unsupported CycloneDX specVersion "%"', COALESCE(v, 'missing')
        USING ERRCODE = 'invalid_parameter_value', HINT = hint;
    END IF;
    RETURN 'CycloneDX ' || v;
  END IF;
  IF doc ? 'spdxVersion' THEN
    v := doc ->> 'spdxVersion';
    IF v NOT IN ('SPDX-2.2', 'SPDX-2.3') THEN
      RAISE EXCEPTION 'unsupported spdxVersion "%"', v USING ERRCODE = 'invalid_parameter_value', HINT = hint;
    END IF;
    RETURN replace(v, '-', ' ');
  END IF;
  RAISE EXCEPTION 'not a bill of materials: the JSON object has neither "bomFormat" nor "spdxVersion"'
    USING ERRCODE = 'invalid_parameter_value', HINT = hint;
END $$;
COMMENT ON FUNCTION @extschema@.bom_format(jsonb) IS
  'The format of a JSON bill of materials ("CycloneDX 1.4", "SPDX 2.3"), or 22023 naming what was found (XML, tag-value, another format or version).';

CREATE FUNCTION @extschema@.bom_refuse(message text, hint text) RETURNS float8
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  RAISE EXCEPTION '%', message USING ERRCODE = 'invalid_parameter_value', HINT = hint;
END $$;
COMMENT ON FUNCTION @extschema@.bom_refuse(text, text) IS 'Internal: the 22023 errors of bom_components (a component that is not an object, a quantity that is not a positive number), raised from within its one pass over the document.';

-- Every component of a document, nested ones included, with the organisation behind it.
CREATE FUNCTION @extschema@.bom_components(doc jsonb)
RETURNS TABLE (path text, kind text, bom_ref text, name text, version text, purl text,
               organisation text, organisation_field text, quantity float8)
LANGUAGE plpgsql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  fmt text := @extschema@.bom_format(doc);
BEGIN
  IF fmt LIKE 'CycloneDX%' THEN
    RETURN QUERY
    WITH RECURSIVE c(path, kind, j) AS (
      SELECT format('components[%s]', o OPERATOR(pg_catalog.-) 1), 'component', e
      FROM jsonb_array_elements(CASE WHEN jsonb_typeof(doc -> 'components') OPERATOR(pg_catalog.=) 'array' THEN doc -> 'components' ELSE '[]' END)
           WITH ORDINALITY x(e, o)
      UNION ALL
      SELECT format('services[%s]', o OPERATOR(pg_catalog.-) 1), 'service', e
      FROM jsonb_array_elements(CASE WHEN jsonb_typeof(doc -> 'services') OPERATOR(pg_catalog.=) 'array' THEN doc -> 'services' ELSE '[]' END)
           WITH ORDINALITY x(e, o)
      UNION ALL
      SELECT format('%s.%s[%s]', c.path, k.key, o OPERATOR(pg_catalog.-) 1), CASE k.key WHEN 'services' THEN 'service' ELSE 'component' END, e
      FROM c CROSS JOIN (VALUES ('components'), ('services')) k(key)
      CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(c.j -> k.key) OPERATOR(pg_catalog.=) 'array'
                                                   THEN c.j -> k.key ELSE '[]' END) WITH ORDINALITY x(e, o)
    ),
    org AS (
      SELECT c.*, f.field, f.value
      FROM c
      LEFT JOIN LATERAL (
        SELECT v.field, v.value FROM (VALUES
          (1, 'manufacturer', NULLIF(btrim(c.j #>> '{manufacturer,name}'), '')),
          (2, 'supplier', NULLIF(btrim(c.j #>> '{supplier,name}'), '')),
          (3, 'publisher', CASE WHEN jsonb_typeof(c.j -> 'publisher') OPERATOR(pg_catalog.=) 'string' THEN NULLIF(btrim(c.j ->> 'publisher'), '') END),
          (4, 'provider', NULLIF(btrim(c.j #>> '{provider,name}'), ''))) v(rank, field, value)
        WHERE v.value IS NOT NULL
        ORDER BY v.rank LIMIT 1) f ON true
    ),
    qty AS (
      SELECT o.*, (SELECT p ->> 'value' FROM jsonb_array_elements(CASE WHEN jsonb_typeof(o.j -> 'properties') OPERATOR(pg_catalog.=) 'array'
                                                                      THEN o.j -> 'properties' ELSE '[]' END) p
                   WHERE p ->> 'name' OPERATOR(pg_catalog.=) 'cdx:device:quantity' LIMIT 1) AS q
      FROM org o
    )
    SELECT q.path, q.kind, q.j ->> 'bom-ref', q.j ->> 'name', q.j ->> 'version', q.j ->> 'purl', q.value, q.field,
           CASE WHEN jsonb_typeof(q.j) OPERATOR(pg_catalog.<>) 'object'
                THEN @extschema@.bom_refuse(format('%s is a JSON %s, not an object', q.path, jsonb_typeof(q.j)),
                                            'Every CycloneDX component and service is a JSON object.')
                WHEN q.q IS NULL THEN 1::float8
                WHEN q.q ~ '^\s*[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?\s*$' AND q.q::float8 OPERATOR(pg_catalog.>) 0
                     AND q.q::float8 OPERATOR(pg_catalog.<) 'Infinity'::float8 THEN q.q::float8
                ELSE @extschema@.bom_refuse(format('quantity of %s is "%s", not a positive number', q.path, q.q),
                                            'The property cdx:device:quantity holds a positive number of units, e.g. "12".') END
    FROM qty q
    ORDER BY q.path;
  ELSE
    RETURN QUERY
    SELECT format('packages[%s]', o OPERATOR(pg_catalog.-) 1), 'package', e ->> 'SPDXID', e ->> 'name', e ->> 'versionInfo',
           (SELECT r ->> 'referenceLocator' FROM jsonb_array_elements(CASE WHEN jsonb_typeof(e -> 'externalRefs') OPERATOR(pg_catalog.=) 'array'
                                                                          THEN e -> 'externalRefs' ELSE '[]' END) r
            WHERE r ->> 'referenceType' OPERATOR(pg_catalog.=) 'purl' LIMIT 1),
           f.value, f.field,
           CASE WHEN jsonb_typeof(e) OPERATOR(pg_catalog.<>) 'object'
                THEN @extschema@.bom_refuse(format('packages[%s] is a JSON %s, not an object', o OPERATOR(pg_catalog.-) 1, jsonb_typeof(e)),
                                            'Every SPDX package is a JSON object.')
                ELSE 1::float8 END
    FROM jsonb_array_elements(CASE WHEN jsonb_typeof(doc -> 'packages') OPERATOR(pg_catalog.=) 'array' THEN doc -> 'packages' ELSE '[]' END)
         WITH ORDINALITY x(e, o)
    LEFT JOIN LATERAL (
      SELECT v.field, NULLIF(btrim(substr(v.raw, length('Organization:') OPERATOR(pg_catalog.+) 1)), '') AS value
      FROM (VALUES (1, 'supplier', e ->> 'supplier'), (2, 'originator', e ->> 'originator')) v(rank, field, raw)
      WHERE v.raw ILIKE 'Organization:%' AND NULLIF(btrim(substr(v.raw, length('Organization:') OPERATOR(pg_catalog.+) 1)), '') IS NOT NULL
      ORDER BY v.rank LIMIT 1) f ON true
    ORDER BY o;
  END IF;
END $$;
COMMENT ON FUNCTION @extschema@.bom_components(jsonb) IS
  'Every component of a CycloneDX (components and services, nested ones included) or SPDX (packages) JSON document: path, kind, bom-ref or SPDXID, name, version, purl, the organisation behind it and the field it came from (CycloneDX manufacturer, supplier, publisher, provider; SPDX supplier, else originator, when an Organization), quantity (cdx:device:quantity, default 1).';

CREATE FUNCTION @extschema@.sbom_supplier_mix(doc jsonb, weight text DEFAULT 'count') RETURNS @extschema@.supply_mix
LANGUAGE plpgsql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  m @extschema@.supply_mix;
BEGIN
  IF weight IS NULL OR weight NOT IN ('count', 'quantity') THEN
    RAISE EXCEPTION 'unknown weight "%"', weight USING ERRCODE = 'invalid_parameter_value',
      HINT = 'Weigh components by count (each one 1) or by quantity (cdx:device:quantity, default 1).';
  END IF;
  -- each distinct spelling is normalised once
  SELECT @extschema@.supply_mix_agg(@extschema@.canonical_org_name(o.organisation), o.w)
  INTO m
  FROM (SELECT c.organisation, sum(CASE WHEN weight OPERATOR(pg_catalog.=) 'quantity' THEN c.quantity ELSE 1::float8 END) AS w
        FROM @extschema@.bom_components(doc) c
        WHERE c.organisation IS NOT NULL
        GROUP BY c.organisation) o;
  RETURN m;
END $$;
COMMENT ON FUNCTION @extschema@.sbom_supplier_mix(jsonb, text) IS
  'The concentration of a CycloneDX or SPDX JSON document''s components over the organisations that make or supply them (canonical names; components without an organisation are left out), weighted by count or by quantity.';

-- Real data in (issue 13): registers, row by row with every refusal reported.
CREATE FUNCTION @extschema@.import_rows(target regclass, rows jsonb, partial boolean DEFAULT false)
RETURNS TABLE (line integer, column_name text, sqlstate text, reason text)
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  allowed text[] := ARRAY['entity', 'supplier', 'supply', 'supplier_dependency', 'assessment', 'designation',
                          'org_alias', 'methodology', 'methodology_weight'];
  tab text;
  cols text[];
  r record;
  keys text[];
  unknown text[];
  n integer := 0;
  loaded integer := 0;
  st text; msg text; det text; con text; col text;
  refused jsonb := '[]';
BEGIN
  IF target IS NULL OR rows IS NULL THEN
    RAISE EXCEPTION 'target and rows must not be null' USING ERRCODE = 'null_value_not_allowed';
  END IF;
  SELECT c.relname INTO tab FROM pg_class c
  WHERE c.oid OPERATOR(pg_catalog.=) target AND c.relnamespace OPERATOR(pg_catalog.=) '@extschema@'::regnamespace;
  IF tab IS NULL OR NOT tab OPERATOR(pg_catalog.=) ANY (allowed) THEN
    RAISE EXCEPTION 'cannot import rows into %', target USING ERRCODE = 'invalid_parameter_value',
      HINT = format('import_rows loads the tables %s of schema @extschema@.', array_to_string(allowed, ', '));
  END IF;
  IF jsonb_typeof(rows) OPERATOR(pg_catalog.<>) 'array' THEN
    RAISE EXCEPTION 'rows must be a JSON array of objects, not a JSON %', jsonb_typeof(rows) USING ERRCODE = 'invalid_parameter_value',
      HINT = 'One object per row, e.g. [{"name": "Example GmbH", "hq_country": "DE"}]; from a CSV: jsonb_agg(to_jsonb(staging) ORDER BY line).';
  END IF;
  SELECT array_agg(a.attname::text ORDER BY a.attnum) INTO cols
  FROM pg_attribute a WHERE a.attrelid OPERATOR(pg_catalog.=) target AND a.attnum OPERATOR(pg_catalog.>) 0 AND NOT a.attisdropped;

  BEGIN  -- every row below; undone as a whole when something is refused and partial is false
    FOR r IN SELECT e AS obj, o::integer AS pos FROM jsonb_array_elements(rows) WITH ORDINALITY x(e, o) LOOP
      n := n OPERATOR(pg_catalog.+) 1;
      IF jsonb_typeof(r.obj) OPERATOR(pg_catalog.<>) 'object' THEN
        refused := refused OPERATOR(pg_catalog.||) jsonb_build_array(jsonb_build_object('line', r.pos, 'column', NULL,
                     'sqlstate', '22023', 'reason', format('the row is a JSON %s, not an object', jsonb_typeof(r.obj))));
        CONTINUE;
      END IF;
      SELECT array_agg(k ORDER BY k) INTO keys FROM jsonb_object_keys(r.obj) k;
      SELECT array_agg(k ORDER BY k) INTO unknown FROM unnest(keys) k WHERE NOT k OPERATOR(pg_catalog.=) ANY (cols);
      IF unknown IS NOT NULL THEN
        refused := refused OPERATOR(pg_catalog.||) jsonb_build_array(jsonb_build_object('line', r.pos, 'column', unknown[1],
                     'sqlstate', '42703', 'reason', format('%s has no column %s', tab, array_to_string(unknown, ', '))));
        CONTINUE;
      END IF;
      IF keys IS NULL THEN
        refused := refused OPERATOR(pg_catalog.||) jsonb_build_array(jsonb_build_object('line', r.pos, 'column', NULL,
                     'sqlstate', '22023', 'reason', 'the row has no column'));
        CONTINUE;
      END IF;
      BEGIN
        EXECUTE format('INSERT INTO @extschema@.%I (%s) SELECT %s FROM jsonb_populate_record(NULL::@extschema@.%I, $1) t',
                       tab, (SELECT string_agg(quote_ident(k), ', ') FROM unnest(keys) k),
                       (SELECT string_agg('t.' || quote_ident(k), ', ') FROM unnest(keys) k), tab)
          USING r.obj;
        loaded := loaded OPERATOR(pg_catalog.+) 1;
      EXCEPTION WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL,
                                con = CONSTRAINT_NAME, col = COLUMN_NAME;
        IF col IS NULL OR col OPERATOR(pg_catalog.=) '' THEN  -- the constraint's columns, else the value that did not convert
          SELECT string_agg(a.attname::text, ', ' ORDER BY a.attnum) INTO col
          FROM pg_constraint k JOIN pg_attribute a ON a.attrelid OPERATOR(pg_catalog.=) k.conrelid AND a.attnum OPERATOR(pg_catalog.=) ANY (k.conkey)
          WHERE k.conrelid OPERATOR(pg_catalog.=) target AND k.conname OPERATOR(pg_catalog.=) con;
        END IF;
        IF (col IS NULL OR col OPERATOR(pg_catalog.=) '') AND st LIKE '22%' THEN
          SELECT k INTO col FROM unnest(keys) k
          WHERE NOT @extschema@.import_value_converts(tab, k, r.obj OPERATOR(pg_catalog.->) k) LIMIT 1;
        END IF;
        refused := refused OPERATOR(pg_catalog.||) jsonb_build_array(jsonb_build_object('line', r.pos,
                     'column', NULLIF(col, ''), 'sqlstate', st,
                     'reason', msg OPERATOR(pg_catalog.||) COALESCE(' (' OPERATOR(pg_catalog.||) NULLIF(det, '') OPERATOR(pg_catalog.||) ')', '')));
      END;
    END LOOP;
    IF jsonb_array_length(refused) OPERATOR(pg_catalog.>) 0 AND NOT partial THEN
      RAISE EXCEPTION USING ERRCODE = 'SR001';  -- undo every row of this import
    END IF;
  EXCEPTION WHEN SQLSTATE 'SR001' THEN
    loaded := 0;
  END;
  RAISE NOTICE 'import_rows: % of % rows loaded into %, % refused%', loaded, n, tab, jsonb_array_length(refused),
    CASE WHEN jsonb_array_length(refused) OPERATOR(pg_catalog.>) 0 AND NOT partial
         THEN ' (nothing loaded: pass partial => true to load the valid rows)' ELSE '' END;
  RETURN QUERY
  SELECT (x OPERATOR(pg_catalog.->>) 'line')::integer, x OPERATOR(pg_catalog.->>) 'column',
         x OPERATOR(pg_catalog.->>) 'sqlstate', x OPERATOR(pg_catalog.->>) 'reason'
  FROM jsonb_array_elements(refused) x
  ORDER BY 1;
END $$;
COMMENT ON FUNCTION @extschema@.import_rows(regclass, jsonb, boolean) IS
  'Loads rows (a JSON array of objects, one key per column) into one of the loader tables, with the tables'' own rules; returns every refused row with its line (position in the array), column, SQLSTATE and reason. Nothing is loaded when a row is refused, unless partial is true.';

CREATE FUNCTION @extschema@.import_value_converts(tab text, col text, value jsonb) RETURNS boolean
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  EXECUTE format('SELECT (jsonb_populate_record(NULL::@extschema@.%I, jsonb_build_object(%L, $1))).%I', tab, col, col) USING value;
  RETURN true;
EXCEPTION WHEN OTHERS THEN
  RETURN false;
END $$;
COMMENT ON FUNCTION @extschema@.import_value_converts(text, text, jsonb) IS
  'Internal: whether a JSON value converts to the type of a column of a loader table (import_rows names the column of a conversion error with it).';

-- The trigger errors of entity, assessment, designation and supplier name their column.
CREATE OR REPLACE FUNCTION @extschema@.check_entity_member_state() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  is_eu boolean;
BEGIN
  SELECT c.eu_member INTO is_eu FROM @extschema@.country c WHERE c.code OPERATOR(pg_catalog.=) NEW.member_state;
  -- an unknown code is left to the foreign key (23503)
  IF is_eu IS NOT NULL AND NOT is_eu THEN
    IF TG_TABLE_NAME OPERATOR(pg_catalog.=) 'entity' THEN
      RAISE EXCEPTION 'member state "%" is not an EU member state', NEW.member_state
        USING ERRCODE = 'check_violation', COLUMN = 'member_state', TABLE = TG_TABLE_NAME, SCHEMA = TG_TABLE_SCHEMA,
              DETAIL = pg_catalog.format('Entity %s (%s) must be established in an EU member state.', NEW.entity_id, NEW.name),
              HINT = 'See supplyrisk.country where eu_member.';
    END IF;
    RAISE EXCEPTION 'member state "%" is not an EU member state', NEW.member_state
      USING ERRCODE = 'check_violation', COLUMN = 'member_state', TABLE = TG_TABLE_NAME, SCHEMA = TG_TABLE_SCHEMA,
            DETAIL = pg_catalog.format('The member_state of a %s row names the member state it belongs to (NULL: shared by all).', TG_TABLE_NAME),
            HINT = 'See supplyrisk.country where eu_member.';
  END IF;
  RETURN NEW;
END $$;
COMMENT ON FUNCTION @extschema@.check_entity_member_state() IS 'Trigger: the member_state of an entity, assessment or designation must be an EU member state.';
CREATE OR REPLACE FUNCTION @extschema@.check_supplier_ownership() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  cur  bigint := NEW.parent_supplier_id;
  path text := NEW.supplier_id::text;
  hops integer := 0;
BEGIN
  IF cur IS NULL THEN
    RETURN NEW;
  END IF;
  -- serialise ownership changes so two concurrent updates cannot close a cycle
  PERFORM pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('supplyrisk.supplier_ownership'));
  WHILE cur IS NOT NULL AND hops < 1000000 LOOP
    path := path || ' -> ' || cur::text;
    IF cur OPERATOR(pg_catalog.=) NEW.supplier_id THEN
      RAISE EXCEPTION 'ownership cycle: supplier % cannot be controlled by supplier %', NEW.supplier_id, NEW.parent_supplier_id
        USING ERRCODE = 'check_violation', COLUMN = 'parent_supplier_id', TABLE = TG_TABLE_NAME, SCHEMA = TG_TABLE_SCHEMA,
              DETAIL = pg_catalog.format('The chain of control would be %s.', path),
              HINT = 'A supplier group must have exactly one ultimate controller.';
    END IF;
    hops := hops + 1;
    SELECT s.parent_supplier_id INTO cur FROM @extschema@.supplier s WHERE s.supplier_id OPERATOR(pg_catalog.=) cur;
  END LOOP;
  RETURN NEW;
END $$;
COMMENT ON FUNCTION @extschema@.check_supplier_ownership() IS 'Trigger: refuses a parent_supplier_id that would create an ownership cycle.';


-- Supplier identity across databases: supplier.global_id.
CREATE FUNCTION @extschema@.valid_global_id(id text) RETURNS boolean
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE
    WHEN $1 OPERATOR(pg_catalog.~) '^[0-9A-Z]{18}[0-9]{2}$' THEN  -- LEI: letters count 10..35, the whole number mod 97 is 1
      (SELECT pg_catalog.mod(pg_catalog.string_agg(CASE WHEN c OPERATOR(pg_catalog.~) '[0-9]' THEN c
                                                        ELSE (pg_catalog.ascii(c) OPERATOR(pg_catalog.-) 55)::text END, '' ORDER BY i)::numeric, 97)
         OPERATOR(pg_catalog.=) 1
       FROM pg_catalog.unnest(pg_catalog.string_to_array($1, NULL)) WITH ORDINALITY x(c, i))
    WHEN $1 OPERATOR(pg_catalog.~) '^EUID:[A-Z]{2}[0-9A-Z.\-]{2,60}$' THEN true
    WHEN $1 OPERATOR(pg_catalog.~) '^VAT:[A-Z]{2}[0-9A-Z]{2,13}$' THEN true
    ELSE false
  END
$$;
COMMENT ON FUNCTION @extschema@.valid_global_id(text) IS
  'Whether a text is a global supplier identifier: an LEI (20 characters, ISO 17442, check digits mod 97-10), EUID:<EUID> or VAT:<country code><number>, in capitals.';

ALTER TABLE @extschema@.supplier ADD COLUMN global_id text
  CONSTRAINT supplier_global_id_unique UNIQUE
  CONSTRAINT supplier_global_id_valid CHECK (@extschema@.constraint_check(@extschema@.valid_global_id(global_id), global_id,
    'supplier_global_id_valid', 'global_id',
    'global_id is an LEI (20 characters of capitals and digits whose check digits verify, ISO 17442), EUID:<European unique identifier> or VAT:<country code><number>, in capitals; NULL when unknown.'));
COMMENT ON COLUMN @extschema@.supplier.global_id IS 'Global identifier (optional, unique): an LEI (ISO 17442), EUID:<EUID> or VAT:<CC><number>. Databases that share a global id mean the same supplier.';

-- Real data in (issue 13): import_bom.
-- Suppliers found in documents have no known headquarters: ZZ, the code ISO 3166 leaves to
-- users, stands for an unknown or unspecified country (outside the EU: unknown origin is not
-- taken for EU origin). Shipped like the ISO codes.
ALTER TABLE @extschema@.country DISABLE TRIGGER country_protect_shipped;
INSERT INTO @extschema@.country (code, name, eu_member, eea_member, shipped)
  VALUES ('ZZ', 'Unknown or unspecified country (user-assigned code)', false, false, true);
ALTER TABLE @extschema@.country ENABLE TRIGGER country_protect_shipped;

-- matching organisations to suppliers by normalised name is an index lookup
CREATE INDEX supplier_normalized_name_idx ON @extschema@.supplier (@extschema@.normalize_org_name(name));

CREATE SEQUENCE @extschema@.bom_id_seq AS bigint;
CREATE TABLE @extschema@.bom (
  bom_id              bigint PRIMARY KEY DEFAULT pg_catalog.nextval('@extschema@.bom_id_seq'::pg_catalog.regclass),
  document_key        text NOT NULL CONSTRAINT bom_document_key_unique UNIQUE,
  format              text NOT NULL,
  name                text,
  product_supplier_id bigint REFERENCES @extschema@.supplier (supplier_id),
  function_code       text REFERENCES @extschema@.ict_function (code),
  document            jsonb NOT NULL,
  imported_at         timestamptz NOT NULL DEFAULT pg_catalog.now()
);
ALTER SEQUENCE @extschema@.bom_id_seq OWNED BY @extschema@.bom.bom_id;
COMMENT ON TABLE @extschema@.bom IS 'Bills of materials imported by import_bom, one row per document (the same document imported again replaces its row).';
COMMENT ON COLUMN @extschema@.bom.bom_id IS 'Import id.';
COMMENT ON COLUMN @extschema@.bom.document_key IS 'What makes a document the same one: CycloneDX serialNumber/version, SPDX documentNamespace, else the md5 of the document.';
COMMENT ON COLUMN @extschema@.bom.format IS 'Format and version, e.g. CycloneDX 1.4, SPDX 2.3.';
COMMENT ON COLUMN @extschema@.bom.name IS 'The product the document describes (CycloneDX metadata.component, SPDX document name).';
COMMENT ON COLUMN @extschema@.bom.product_supplier_id IS 'Supplier of the product: the argument of import_bom, else the document''s own supplier or manufacturer; the supplier_dependency rows start from it.';
COMMENT ON COLUMN @extschema@.bom.function_code IS 'ICT function the dependencies are recorded for (NULL: all of the product supplier''s deliveries).';
COMMENT ON COLUMN @extschema@.bom.document IS 'The document as imported.';
COMMENT ON COLUMN @extschema@.bom.imported_at IS 'When it was imported.';

CREATE TABLE @extschema@.bom_component (
  bom_id             bigint NOT NULL REFERENCES @extschema@.bom (bom_id) ON DELETE CASCADE,
  path               text NOT NULL,
  kind               text NOT NULL,
  bom_ref            text,
  name               text,
  version            text,
  purl               text,
  organisation       text,
  organisation_field text,
  quantity           float8 NOT NULL,
  supplier_id        bigint REFERENCES @extschema@.supplier (supplier_id),
  component          jsonb NOT NULL,
  PRIMARY KEY (bom_id, path)
);
CREATE INDEX bom_component_supplier_idx ON @extschema@.bom_component (supplier_id) WHERE supplier_id IS NOT NULL;
COMMENT ON TABLE @extschema@.bom_component IS 'Every component of an imported document (nested ones included), with the organisation behind it and the supplier it was matched to.';
COMMENT ON COLUMN @extschema@.bom_component.bom_id IS 'The import.';
COMMENT ON COLUMN @extschema@.bom_component.path IS 'Where the component stands in the document, e.g. components[3].components[0], packages[7].';
COMMENT ON COLUMN @extschema@.bom_component.kind IS 'component, service (CycloneDX) or package (SPDX).';
COMMENT ON COLUMN @extschema@.bom_component.bom_ref IS 'CycloneDX bom-ref or SPDX SPDXID.';
COMMENT ON COLUMN @extschema@.bom_component.name IS 'Component name.';
COMMENT ON COLUMN @extschema@.bom_component.version IS 'Component version.';
COMMENT ON COLUMN @extschema@.bom_component.purl IS 'Package URL, when the document gives one.';
COMMENT ON COLUMN @extschema@.bom_component.organisation IS 'The organisation as the document spells it; NULL when none (unattributed).';
COMMENT ON COLUMN @extschema@.bom_component.organisation_field IS 'The field it came from: manufacturer, supplier, publisher, provider (CycloneDX); supplier, originator (SPDX).';
COMMENT ON COLUMN @extschema@.bom_component.quantity IS 'cdx:device:quantity, default 1.';
COMMENT ON COLUMN @extschema@.bom_component.supplier_id IS 'The supplier the organisation was matched to or created as.';
COMMENT ON COLUMN @extschema@.bom_component.component IS 'The component''s JSON as imported.';

CREATE TABLE @extschema@.bom_dependency (
  bom_id       bigint NOT NULL REFERENCES @extschema@.bom (bom_id) ON DELETE CASCADE,
  ref          text NOT NULL,
  depends_on   text NOT NULL,
  relationship text NOT NULL
);
CREATE INDEX bom_dependency_bom_idx ON @extschema@.bom_dependency (bom_id);
COMMENT ON TABLE @extschema@.bom_dependency IS 'The document''s own dependency graph, kept for traceability: CycloneDX dependencies, SPDX relationships (the *_OF types reversed, so that ref always depends on or contains depends_on).';
COMMENT ON COLUMN @extschema@.bom_dependency.bom_id IS 'The import.';
COMMENT ON COLUMN @extschema@.bom_dependency.ref IS 'The component that depends (bom-ref or SPDXID).';
COMMENT ON COLUMN @extschema@.bom_dependency.depends_on IS 'The component it depends on.';
COMMENT ON COLUMN @extschema@.bom_dependency.relationship IS 'dependsOn or provides (CycloneDX); the SPDX relationship type as written.';

ALTER TABLE @extschema@.supplier_dependency ADD COLUMN source_bom_id bigint REFERENCES @extschema@.bom (bom_id) ON DELETE CASCADE;
COMMENT ON COLUMN @extschema@.supplier_dependency.source_bom_id IS 'The import (bom) that wrote the row; NULL for rows entered otherwise. Rows of an import go when it is replaced or deleted.';

SELECT pg_catalog.pg_extension_config_dump('@extschema@.bom', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.bom_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.bom_component', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.bom_dependency', '');

CREATE TYPE @extschema@.bom_import AS (
  bom_id               bigint,
  components           integer,
  attributed           integer,
  unattributed         integer,
  suppliers_matched    integer,
  suppliers_created    integer,
  dependencies_written integer
);
COMMENT ON TYPE @extschema@.bom_import IS 'What import_bom did: the import id, components (attributed to an organisation or not), organisations matched to existing suppliers or created as suppliers, supplier_dependency rows written.';

CREATE FUNCTION @extschema@.import_bom(doc jsonb, product_supplier bigint DEFAULT NULL, function_code text DEFAULT NULL)
RETURNS @extschema@.bom_import
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  fmt  text := @extschema@.bom_format(doc);
  cdx  boolean := fmt LIKE 'CycloneDX%';
  key  text;
  bid  bigint;
  prod bigint := product_supplier;
  prod_org text;
  res  @extschema@.bom_import;
  dangling integer;
  written integer := 0;
BEGIN
  IF prod IS NOT NULL AND NOT EXISTS (SELECT 1 FROM @extschema@.supplier s WHERE s.supplier_id OPERATOR(pg_catalog.=) prod) THEN
    RAISE EXCEPTION 'unknown supplier %', prod USING ERRCODE = 'invalid_parameter_value',
      HINT = 'product_supplier is the supplier_id of the product''s supplier, or NULL to take the document''s own supplier or manufacturer.';
  END IF;
  IF function_code IS NOT NULL AND NOT EXISTS (SELECT 1 FROM @extschema@.ict_function f WHERE f.code OPERATOR(pg_catalog.=) function_code) THEN
    RAISE EXCEPTION 'unknown ICT function "%"', function_code USING ERRCODE = 'invalid_parameter_value',
      HINT = 'See supplyrisk.ict_function; NULL records the dependencies for all of the supplier''s deliveries.';
  END IF;

  CREATE TEMP TABLE supplyrisk_bom_stage ON COMMIT DROP AS
    SELECT c.*, NULL::text AS canonical, NULL::bigint AS supplier_id
    FROM @extschema@.bom_components(doc) c;
  UPDATE supplyrisk_bom_stage s SET canonical = n.canonical  -- each distinct spelling normalised once
  FROM (SELECT d.organisation, @extschema@.canonical_org_name(d.organisation) AS canonical
        FROM (SELECT DISTINCT t.organisation FROM supplyrisk_bom_stage t WHERE t.organisation IS NOT NULL) d) n
  WHERE n.organisation = s.organisation;
  key := CASE WHEN cdx THEN COALESCE((doc ->> 'serialNumber') || '/' || COALESCE(doc ->> 'version', '1'), md5(doc::text))
              ELSE COALESCE(doc ->> 'documentNamespace', md5(doc::text)) END;

  -- the document's own organisation, when no product supplier is given
  IF prod IS NULL THEN
    prod_org := CASE WHEN cdx THEN COALESCE(NULLIF(btrim(doc #>> '{metadata,manufacturer,name}'), ''),
                                            NULLIF(btrim(doc #>> '{metadata,manufacture,name}'), ''),
                                            NULLIF(btrim(doc #>> '{metadata,supplier,name}'), ''),
                                            NULLIF(btrim(doc #>> '{metadata,component,manufacturer,name}'), ''),
                                            NULLIF(btrim(doc #>> '{metadata,component,supplier,name}'), ''))
                     ELSE (SELECT s.organisation FROM supplyrisk_bom_stage s
                           WHERE s.bom_ref IN (SELECT r ->> 'relatedSpdxElement'
                                               FROM jsonb_array_elements(CASE WHEN jsonb_typeof(doc -> 'relationships') = 'array'
                                                                              THEN doc -> 'relationships' ELSE '[]' END) r
                                               WHERE r ->> 'spdxElementId' = doc ->> 'SPDXID' AND r ->> 'relationshipType' = 'DESCRIBES')
                             AND s.organisation IS NOT NULL
                           ORDER BY s.path LIMIT 1) END;
  END IF;

  -- replace an earlier import of the same document (its components, graph and dependencies go with it)
  DELETE FROM @extschema@.bom b WHERE b.document_key = key;
  INSERT INTO @extschema@.bom (document_key, format, name, product_supplier_id, function_code, document)
  VALUES (key, fmt, CASE WHEN cdx THEN doc #>> '{metadata,component,name}' ELSE doc ->> 'name' END, prod, function_code, doc)
  RETURNING bom_id INTO bid;

  -- organisations: an existing supplier whose canonical name is the same, else a new supplier
  CREATE TEMP TABLE supplyrisk_bom_orgs ON COMMIT DROP AS
    SELECT o.canonical, o.spelling, m.supplier_id, m.supplier_id IS NOT NULL AS matched
    FROM (SELECT s.canonical, (pg_catalog.array_agg(s.organisation ORDER BY s.path))[1] AS spelling
          FROM (SELECT canonical, organisation, path FROM supplyrisk_bom_stage WHERE organisation IS NOT NULL
                UNION ALL
                SELECT @extschema@.canonical_org_name(prod_org), prod_org, '' WHERE prod_org IS NOT NULL) s
          GROUP BY s.canonical) o
    LEFT JOIN LATERAL (
      SELECT p.supplier_id FROM @extschema@.supplier p
      WHERE @extschema@.normalize_org_name(p.name) IN (SELECT @extschema@.normalize_org_name(o.canonical)
                                                       UNION SELECT a.alias FROM @extschema@.org_alias a WHERE a.canonical = o.canonical)
        AND @extschema@.canonical_org_name(p.name) = o.canonical
      ORDER BY p.supplier_id LIMIT 1) m ON true;
  WITH created AS (
    INSERT INTO @extschema@.supplier (name, hq_country)
    SELECT o.spelling, 'ZZ' FROM supplyrisk_bom_orgs o WHERE o.supplier_id IS NULL ORDER BY o.canonical
    RETURNING supplier_id, name
  )
  UPDATE supplyrisk_bom_orgs o SET supplier_id = c.supplier_id
  FROM created c WHERE o.supplier_id IS NULL AND c.name = o.spelling;
  UPDATE supplyrisk_bom_stage s SET supplier_id = o.supplier_id FROM supplyrisk_bom_orgs o WHERE o.canonical = s.canonical;
  IF prod IS NULL AND prod_org IS NOT NULL THEN
    SELECT o.supplier_id INTO prod FROM supplyrisk_bom_orgs o WHERE o.canonical = @extschema@.canonical_org_name(prod_org);
    UPDATE @extschema@.bom SET product_supplier_id = prod WHERE bom_id = bid;
  END IF;

  INSERT INTO @extschema@.bom_component (bom_id, path, kind, bom_ref, name, version, purl, organisation, organisation_field,
                                         quantity, supplier_id, component)
  SELECT bid, s.path, s.kind, s.bom_ref, s.name, s.version, s.purl, s.organisation, s.organisation_field, s.quantity, s.supplier_id,
         COALESCE(doc #> (SELECT array_agg(p ORDER BY o)
                          FROM regexp_split_to_table(regexp_replace(s.path, '\[([0-9]+)\]', '.\1', 'g'), '\.') WITH ORDINALITY t(p, o)), 'null')
  FROM supplyrisk_bom_stage s;

  -- the document's own graph
  IF cdx THEN
    INSERT INTO @extschema@.bom_dependency (bom_id, ref, depends_on, relationship)
    SELECT bid, d ->> 'ref', x.t, x.rel
    FROM jsonb_array_elements(CASE WHEN jsonb_typeof(doc -> 'dependencies') = 'array' THEN doc -> 'dependencies' ELSE '[]' END) d
    CROSS JOIN LATERAL (
      SELECT v, 'dependsOn' FROM jsonb_array_elements_text(CASE WHEN jsonb_typeof(d -> 'dependsOn') = 'array' THEN d -> 'dependsOn' ELSE '[]' END) v
      UNION ALL
      SELECT v, 'provides' FROM jsonb_array_elements_text(CASE WHEN jsonb_typeof(d -> 'provides') = 'array' THEN d -> 'provides' ELSE '[]' END) v
    ) x(t, rel)
    WHERE d ->> 'ref' IS NOT NULL;
  ELSE
    INSERT INTO @extschema@.bom_dependency (bom_id, ref, depends_on, relationship)
    SELECT bid,
           CASE WHEN r ->> 'relationshipType' LIKE '%\_OF' THEN r ->> 'relatedSpdxElement' ELSE r ->> 'spdxElementId' END,
           CASE WHEN r ->> 'relationshipType' LIKE '%\_OF' THEN r ->> 'spdxElementId' ELSE r ->> 'relatedSpdxElement' END,
           r ->> 'relationshipType'
    FROM jsonb_array_elements(CASE WHEN jsonb_typeof(doc -> 'relationships') = 'array' THEN doc -> 'relationships' ELSE '[]' END) r
    WHERE r ->> 'spdxElementId' IS NOT NULL AND r ->> 'relatedSpdxElement' IS NOT NULL;
  END IF;
  SELECT count(*) INTO dangling FROM @extschema@.bom_dependency d
  WHERE d.bom_id = bid AND d.relationship <> 'DESCRIBES'
    AND NOT EXISTS (SELECT 1 FROM supplyrisk_bom_stage s WHERE s.bom_ref = d.depends_on)
    AND d.depends_on IS DISTINCT FROM (CASE WHEN cdx THEN doc #>> '{metadata,component,bom-ref}' END);
  IF dangling > 0 THEN
    RAISE WARNING 'import_bom: % dependency references name no component of the document; kept as written', dangling;
  END IF;

  -- the product supplier relies on each component supplier for its part of the components
  IF prod IS NOT NULL THEN
    INSERT INTO @extschema@.supplier_dependency AS d (supplier_id, depends_on_supplier_id, function_code, share, source_bom_id)
    SELECT prod, s.supplier_id, function_code, sum(s.quantity) / (SELECT sum(t.quantity) FROM supplyrisk_bom_stage t WHERE t.supplier_id IS NOT NULL), bid
    FROM supplyrisk_bom_stage s
    WHERE s.supplier_id IS NOT NULL AND s.supplier_id <> prod
    GROUP BY s.supplier_id
    ON CONFLICT ON CONSTRAINT supplier_dependency_unique
      DO UPDATE SET share = EXCLUDED.share, source_bom_id = EXCLUDED.source_bom_id;
    GET DIAGNOSTICS written = ROW_COUNT;
  END IF;
  res.dependencies_written := written;

  res.bom_id := bid;
  SELECT count(*), count(*) FILTER (WHERE organisation IS NOT NULL), count(*) FILTER (WHERE organisation IS NULL)
    INTO res.components, res.attributed, res.unattributed FROM supplyrisk_bom_stage;
  SELECT count(*) FILTER (WHERE matched), count(*) FILTER (WHERE NOT matched)
    INTO res.suppliers_matched, res.suppliers_created FROM supplyrisk_bom_orgs;
  DROP TABLE supplyrisk_bom_stage;
  DROP TABLE supplyrisk_bom_orgs;
  RETURN res;
END $$;
COMMENT ON FUNCTION @extschema@.import_bom(jsonb, bigint, text) IS
  'Imports a CycloneDX or SPDX JSON document: stores it and every component (bom, bom_component, bom_dependency), matches its organisations to suppliers by canonical name or creates them (headquarters ZZ, unknown), and writes supplier_dependency rows from the product supplier (argument, else the document''s own) to the component suppliers, share = their part of the components by quantity. The same document imported again replaces its rows.';

-- assess roles write the import tables (grant_access)
CREATE OR REPLACE FUNCTION @extschema@.grant_access(role regrole, access text, member_states text[] DEFAULT NULL) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  r   text := pg_catalog.quote_ident((SELECT a.rolname FROM pg_catalog.pg_roles a WHERE a.oid OPERATOR(pg_catalog.=) role::oid));
  bad text;
  ms  text[];
BEGIN
  IF role IS NULL OR access IS NULL THEN
    RAISE EXCEPTION 'role and access must not be null' USING ERRCODE = 'null_value_not_allowed';
  END IF;
  PERFORM @extschema@.access_require_admin('grant');
  IF access NOT IN ('read', 'assess', 'admin', 'federation') THEN
    RAISE EXCEPTION 'unknown access level "%"', access USING ERRCODE = 'invalid_parameter_value',
      HINT = 'Use read, assess, admin or federation.';
  END IF;
  IF (SELECT a.rolsuper FROM pg_catalog.pg_roles a WHERE a.oid OPERATOR(pg_catalog.=) role::oid) THEN
    RAISE EXCEPTION 'role "%" is a superuser', role USING ERRCODE = 'invalid_parameter_value',
      DETAIL = 'Superusers bypass row-level security; a grant would not limit them.';
  END IF;
  IF member_states IS NOT NULL THEN
    IF access OPERATOR(pg_catalog.=) 'admin' THEN
      RAISE EXCEPTION 'admin access cannot be limited to member states' USING ERRCODE = 'invalid_parameter_value',
        DETAIL = 'Admins refresh the rollups and take snapshots, which need every row.', HINT = 'Grant assess instead.';
    END IF;
    IF pg_catalog.cardinality(member_states) OPERATOR(pg_catalog.=) 0 OR pg_catalog.array_position(member_states, NULL) IS NOT NULL THEN
      RAISE EXCEPTION 'member_states must list at least one member state and no NULL' USING ERRCODE = 'invalid_parameter_value',
        HINT = 'Pass NULL for all member states; revoke_access removes access.';
    END IF;
    SELECT pg_catalog.string_agg(m, ', ') INTO bad FROM pg_catalog.unnest(member_states) m
    WHERE NOT EXISTS (SELECT 1 FROM @extschema@.country c WHERE c.code OPERATOR(pg_catalog.=) m AND c.eu_member);
    IF bad IS NOT NULL THEN
      RAISE EXCEPTION 'not an EU member state: "%"', bad USING ERRCODE = 'invalid_parameter_value',
        HINT = 'See supplyrisk.country where eu_member.';
    END IF;
    SELECT pg_catalog.array_agg(DISTINCT m ORDER BY m) INTO ms FROM pg_catalog.unnest(member_states) m;
  END IF;
  -- start from nothing, then grant the level
  PERFORM @extschema@.revoke_privileges(r);
  PERFORM @extschema@.grant_privileges(r, access);
  INSERT INTO @extschema@.access_grant AS g (role_name, access, member_states)
  VALUES ((SELECT a.rolname FROM pg_catalog.pg_roles a WHERE a.oid OPERATOR(pg_catalog.=) role::oid), access, ms)
  ON CONFLICT (role_name) DO UPDATE SET access = EXCLUDED.access, member_states = EXCLUDED.member_states,
                                        granted_at = pg_catalog.now(), granted_by = SESSION_USER;
END
$$;
COMMENT ON FUNCTION @extschema@.grant_access(regrole, text, text[]) IS 'Gives a role read, assess, admin or federation access to supplyrisk, limited to some member states (NULL: all); replaces any earlier grant of the role. federation: the federation_* views only, for a coordinator''s user mapping.';

-- Federation (issue 14): the refresh log says which members were stale; refresh() and
-- take_snapshot() pull the members' states on a coordinator; members export their states
-- to roles granted federation access.
ALTER TABLE @extschema@.rollup_refresh ADD COLUMN stale_members text[], ADD COLUMN mode text, ADD COLUMN recomputed integer, ADD COLUMN version text;
COMMENT ON COLUMN @extschema@.rollup_refresh.mode IS 'full or incremental (NULL: refreshed before 0.2.0).';
COMMENT ON COLUMN @extschema@.rollup_refresh.recomputed IS 'Incremental: sector and member-state rows recomputed; NULL for a full refresh.';
COMMENT ON COLUMN @extschema@.rollup_refresh.version IS 'supplyrisk version that computed the rollups (another version: the next refresh is full).';
COMMENT ON COLUMN @extschema@.rollup_refresh.stale_members IS 'Federation coordinator: members that could not be pulled (skip_unreachable), whose earlier states were used; {} when all were pulled; NULL on a database that is not a coordinator.';
CREATE OR REPLACE VIEW @extschema@.rollup_status WITH (security_invoker = true) AS
SELECT CASE WHEN r.refresh_id IS NULL THEN 'live' ELSE 'rollup' END AS source,
       r.refresh_id, r.finished_at AS refreshed_at, r.finished_at OPERATOR(pg_catalog.-) r.started_at AS duration,
       pg_catalog.now() OPERATOR(pg_catalog.-) r.finished_at AS age, r.as_of,
       r.as_of OPERATOR(pg_catalog.<) CURRENT_DATE AS outdated, r.methodology, r.rollup_rows, r.stale_members,
       c.n AS pending_changes, c.since AS changed_since, r.mode, r.recomputed
FROM (SELECT 1) one
LEFT JOIN (SELECT x.* FROM @extschema@.rollup_refresh x ORDER BY x.refresh_id DESC LIMIT 1) r ON true
CROSS JOIN (SELECT pg_catalog.count(*) AS n, pg_catalog.min(k.changed_at) AS since FROM @extschema@.rollup_change k) c;

COMMENT ON COLUMN @extschema@.rollup_status.pending_changes IS 'Changes recorded since the rollups were computed (rollup_change): 0 when they are current.';
COMMENT ON COLUMN @extschema@.rollup_status.mode IS 'full or incremental: how the last refresh computed the rollups.';
COMMENT ON COLUMN @extschema@.rollup_status.recomputed IS 'Incremental: the sector and member-state rows recomputed (their sectors'' EU-wide rows merged again); NULL for a full refresh.';
COMMENT ON COLUMN @extschema@.rollup_status.changed_since IS 'When the earliest of those changes was made (NULL: none).';
COMMENT ON COLUMN @extschema@.rollup_status.stale_members IS 'Federation coordinator: members whose states in the rollups are from an earlier pull (skipped as unreachable); NULL elsewhere.';
DROP PROCEDURE @extschema@.refresh();
CREATE PROCEDURE @extschema@.refresh(skip_unreachable boolean DEFAULT false, full boolean DEFAULT false)
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  t0   timestamptz := pg_catalog.clock_timestamp();
  d    date := CURRENT_DATE;
  m    text := @extschema@.methodology_name(NULL);
  fed  boolean := EXISTS (SELECT 1 FROM @extschema@.federation_member);
  stale text[];
  n    bigint;
  last record;
  mode text := 'full';
  keys text[];
  secs text[];
  mss  text[];
  par  text;
  jit  text;
  gone bigint := 0;
  added bigint := 0;
  fns  text[];
  dirty bigint[];
  mj   text;
  every boolean;
  added_sup boolean;
  chsup bigint[];
  chkeys text[];
BEGIN
  -- one refresh at a time; readers (ACCESS SHARE) and supply writers are not blocked
  LOCK TABLE @extschema@.sector_rollup IN SHARE ROW EXCLUSIVE MODE;
  -- the supply meets the suppliers' stored scores by a hash join: the planner has no statistics
  -- for the scores once they are one branch of a union, and would sort every supply row for a
  -- merge join instead (a seventh of a full refresh; at an incremental one, the scope's rows)
  mj := pg_catalog.current_setting('enable_mergejoin');
  PERFORM pg_catalog.set_config('enable_mergejoin', 'off', true);
  SELECT r.* INTO last FROM @extschema@.rollup_refresh r ORDER BY r.refresh_id DESC LIMIT 1;
  -- the changes this refresh consumes: read and removed in one statement (one snapshot), so
  -- that a change committed meanwhile stays for the next refresh and none is lost
  WITH gone AS (DELETE FROM @extschema@.rollup_change RETURNING *)
  SELECT pg_catalog.count(*), COALESCE(pg_catalog.bool_or(g.everything), false),
         COALESCE(pg_catalog.bool_or(g.source OPERATOR(pg_catalog.=) 'supplier' AND g.supplier_id IS NULL AND NOT g.everything), false),
         pg_catalog.array_agg(DISTINCT g.supplier_id) FILTER (WHERE g.supplier_id IS NOT NULL),
         pg_catalog.array_agg(DISTINCT g.sector_code OPERATOR(pg_catalog.||) ':' OPERATOR(pg_catalog.||) g.member_state)
           FILTER (WHERE g.sector_code IS NOT NULL)
  INTO n, every, added_sup, chsup, chkeys FROM gone g;
  -- incremental ($2: full => true forces a full one) when the rollups were computed by this
  -- version, under this methodology, with contract tracking unchanged, and no change made
  -- everything stale; otherwise full
  IF NOT $2 AND NOT fed AND last.refresh_id IS NOT NULL AND last.as_of OPERATOR(pg_catalog.<=) d
     AND last.methodology OPERATOR(pg_catalog.=) m AND last.version OPERATOR(pg_catalog.=) @extschema@.version()
     AND NOT every
     -- (the rollups count contract gaps when tracked: every sector's EU-wide row, by index, says)
     AND @extschema@.contracts_tracked() OPERATOR(pg_catalog.=)
         EXISTS (SELECT 1 FROM @extschema@.sector_rollup r WHERE r.function_code IS NULL AND r.member_state IS NULL
                                                             AND r.contract_gap_edges IS NOT NULL) THEN
    mode := 'incremental';
  END IF;
  IF mode OPERATOR(pg_catalog.=) 'incremental' THEN
    -- a few thousand rows read by index: JIT-compiling plans costed with the full scans they
    -- do not run (a changed supplier's rows, the whole supply) would cost more than the reading
    jit := pg_catalog.current_setting('jit');
    PERFORM pg_catalog.set_config('jit', 'off', true);
  END IF;
  IF mode OPERATOR(pg_catalog.=) 'incremental' AND (n OPERATOR(pg_catalog.>) 0 OR last.as_of OPERATOR(pg_catalog.<) d) THEN
    -- the suppliers to score again: those changed (and the suppliers they control: their group
    -- changed too), those not scored yet when suppliers were added, and since the rollups' date
    -- those whose assessments or designations began or ended
    WITH RECURSIVE sup AS (
      SELECT c.supplier_id FROM pg_catalog.unnest(chsup) c(supplier_id)
      UNION
      SELECT s.supplier_id FROM @extschema@.supplier s
      WHERE added_sup AND NOT EXISTS (SELECT 1 FROM @extschema@.supplier_rollup c WHERE c.supplier_id OPERATOR(pg_catalog.=) s.supplier_id)
      UNION
      SELECT a.supplier_id FROM @extschema@.assessment a
      WHERE last.as_of OPERATOR(pg_catalog.<) d
        AND ((a.assessed_on OPERATOR(pg_catalog.>) last.as_of AND a.assessed_on OPERATOR(pg_catalog.<=) d)
             OR (a.valid_until OPERATOR(pg_catalog.>) last.as_of AND a.valid_until OPERATOR(pg_catalog.<=) d))
      UNION
      SELECT g.supplier_id FROM @extschema@.designation g
      WHERE last.as_of OPERATOR(pg_catalog.<) d AND g.decided_on OPERATOR(pg_catalog.>) last.as_of AND g.decided_on OPERATOR(pg_catalog.<=) d
      UNION
      SELECT s.supplier_id FROM @extschema@.supplier s JOIN sup ON s.parent_supplier_id OPERATOR(pg_catalog.=) sup.supplier_id
    )
    SELECT pg_catalog.array_agg(sup.supplier_id ORDER BY sup.supplier_id) INTO dirty FROM sup;
    -- the stale member-state rows: those named, wherever a supplier to score again supplies, and
    -- since the rollups' date the rows whose validity began or ended
    SELECT pg_catalog.array_agg(DISTINCT k ORDER BY k) INTO keys FROM (
      SELECT c.k FROM pg_catalog.unnest(chkeys) c(k)
      UNION ALL
      SELECT e.sector_code OPERATOR(pg_catalog.||) ':' OPERATOR(pg_catalog.||) e.member_state
      FROM @extschema@.supply s JOIN @extschema@.entity e ON e.entity_id OPERATOR(pg_catalog.=) s.entity_id
      WHERE s.supplier_id OPERATOR(pg_catalog.=) ANY (dirty)  -- (by index; none when NULL)
      UNION ALL
      SELECT e.sector_code OPERATOR(pg_catalog.||) ':' OPERATOR(pg_catalog.||) e.member_state
      FROM @extschema@.supply s JOIN @extschema@.entity e ON e.entity_id OPERATOR(pg_catalog.=) s.entity_id
      WHERE last.as_of OPERATOR(pg_catalog.<) d
        AND ((s.valid_from OPERATOR(pg_catalog.>) last.as_of AND s.valid_from OPERATOR(pg_catalog.<=) d)
             OR (s.valid_to OPERATOR(pg_catalog.>) last.as_of AND s.valid_to OPERATOR(pg_catalog.<=) d))) x;
  END IF;
  -- the suppliers' scores the rows are computed with, kept for the incremental refreshes after
  -- this one: every supplier's (full; none on a coordinator), or those to score again (a deleted
  -- supplier's row goes)
  IF mode OPERATOR(pg_catalog.=) 'full' OR dirty IS NOT NULL THEN
    DELETE FROM @extschema@.supplier_rollup c
    WHERE mode OPERATOR(pg_catalog.=) 'full' OR c.supplier_id OPERATOR(pg_catalog.=) ANY (dirty);
    INSERT INTO @extschema@.supplier_rollup
    SELECT x.supplier_id, x.group_id, x.risk_score, x.high_risk, x.risk_level OPERATOR(pg_catalog.=) 'unassessed'
    FROM @extschema@.supplier_risk_of(d, m, dirty) x  -- (full: dirty is NULL, every supplier)
    WHERE NOT fed;
  END IF;
  IF fed THEN
    -- a coordinator: the members' states, pulled now (the methodology is the members')
    stale := @extschema@.federation_pull(false, skip_unreachable);
    SELECT pg_catalog.string_agg(DISTINCT f.last_methodology, ', ' ORDER BY f.last_methodology) INTO m
    FROM @extschema@.federation_member f;
  END IF;
  IF mode OPERATOR(pg_catalog.=) 'full' THEN
    -- computed first (CREATE TABLE AS may use parallel query, INSERT ... SELECT may not),
    -- then swapped in: readers see the previous rollups until this transaction commits
    -- (the function rows, sector_code NULL, come from the same pass)
    CREATE TEMP TABLE supplyrisk_refresh_stage ON COMMIT DROP AS
      SELECT * FROM @extschema@.sector_stats_levels(fed, d, CASE WHEN NOT fed THEN m END, true, NULL, false, true, NULL, NOT fed);
    DELETE FROM @extschema@.sector_rollup;
    INSERT INTO @extschema@.sector_rollup SELECT * FROM pg_temp.supplyrisk_refresh_stage x WHERE x.sector_code IS NOT NULL;
    GET DIAGNOSTICS n = ROW_COUNT;
  ELSIF keys IS NOT NULL THEN
    -- the stale member-state rows, computed from the supply by the same code, scoped: a few
    -- thousand rows read by index, where starting parallel workers would cost more than the
    -- computation
    par := pg_catalog.current_setting('max_parallel_workers_per_gather');
    PERFORM pg_catalog.set_config('max_parallel_workers_per_gather', '0', true);
    CREATE TEMP TABLE supplyrisk_refresh_stage ON COMMIT DROP AS
      SELECT x.* FROM @extschema@.sector_stats_levels(false, d, m, true, keys, false, false, NULL, true) x WHERE x.member_state IS NOT NULL;
    secs := @extschema@.scope_part(keys, 1);
    mss := @extschema@.scope_part(keys, 2);
    -- (the functions of the rows replaced, before and after: their function rows are stale)
    WITH gone_rows AS (
      DELETE FROM @extschema@.sector_rollup r  -- (by the index on the sector)
      WHERE r.sector_code OPERATOR(pg_catalog.=) ANY (secs) AND r.member_state IS NOT NULL
        AND (r.sector_code OPERATOR(pg_catalog.||) ':' OPERATOR(pg_catalog.||) r.member_state) OPERATOR(pg_catalog.=) ANY (keys)
      RETURNING r.function_code)
    SELECT pg_catalog.count(*), pg_catalog.array_agg(DISTINCT g.function_code) FILTER (WHERE g.function_code IS NOT NULL)
    INTO gone, fns FROM gone_rows g;
    INSERT INTO @extschema@.sector_rollup SELECT * FROM pg_temp.supplyrisk_refresh_stage;
    GET DIAGNOSTICS added = ROW_COUNT;
    fns := ARRAY(SELECT f FROM pg_catalog.unnest(fns) f UNION
                 SELECT x.function_code FROM pg_temp.supplyrisk_refresh_stage x WHERE x.function_code IS NOT NULL);
    DROP TABLE pg_temp.supplyrisk_refresh_stage;
    -- their sectors' EU-wide rows, and the function rows of those functions (of the scope's
    -- member states and EU-wide), merged again from the states in the rollups, in one pass
    CREATE TEMP TABLE supplyrisk_refresh_stage ON COMMIT DROP AS
      SELECT x.* FROM @extschema@.sector_stats_levels(false, d, m, true, keys, true, true, fns) x;
    DELETE FROM @extschema@.sector_rollup r WHERE r.member_state IS NULL AND r.sector_code OPERATOR(pg_catalog.=) ANY (secs);
    GET DIAGNOSTICS n = ROW_COUNT;
    gone := gone OPERATOR(pg_catalog.+) n;
    INSERT INTO @extschema@.sector_rollup SELECT * FROM pg_temp.supplyrisk_refresh_stage x WHERE x.sector_code IS NOT NULL;
    GET DIAGNOSTICS n = ROW_COUNT;
    added := added OPERATOR(pg_catalog.+) n;
    PERFORM pg_catalog.set_config('max_parallel_workers_per_gather', par, true);
  END IF;
  IF mode OPERATOR(pg_catalog.=) 'full' OR keys IS NOT NULL THEN
    -- the function rows of the stage (all, or those of the functions recomputed), with the
    -- number of sectors each function is supplied in
    DELETE FROM @extschema@.function_rollup r
    WHERE mode OPERATOR(pg_catalog.=) 'full'
       OR (r.function_code OPERATOR(pg_catalog.=) ANY (fns)
           AND (r.member_state IS NULL OR r.member_state OPERATOR(pg_catalog.=) ANY (mss)));
    INSERT INTO @extschema@.function_rollup
    SELECT x.function_code, x.member_state, COALESCE(c.n, 0)::integer, x.group_mix, x.country_mix, x.entities, x.single_sourced,
           x.single_sourced_critical, x.weight, x.hrv_weight, x.weight_critical, x.hrv_weight_critical, x.risk_weight,
           x.suppliers, x.hhi, x.cr1, x.cr4, x.effective_suppliers, x.country_hhi, x.hrv_share, x.hrv_share_critical,
           x.non_eu_share, x.mean_risk, x.concentration_level, x.top_suppliers, x.unassessed_weight, x.unassessed_share,
           x.contract_gap_edges
    FROM pg_temp.supplyrisk_refresh_stage x
    LEFT JOIN (SELECT r.function_code, COALESCE(r.member_state, '') AS ms, pg_catalog.count(*) AS n
               FROM @extschema@.sector_rollup r  -- (incremental: the functions recomputed, by index)
               WHERE r.function_code IS NOT NULL
                 AND (mode OPERATOR(pg_catalog.=) 'full'
                      OR (r.function_code OPERATOR(pg_catalog.=) ANY (fns)
                          AND (r.member_state IS NULL OR r.member_state OPERATOR(pg_catalog.=) ANY (mss))))
               GROUP BY 1, 2) c
      ON c.function_code OPERATOR(pg_catalog.=) x.function_code AND c.ms OPERATOR(pg_catalog.=) COALESCE(x.member_state, '')
    WHERE x.sector_code IS NULL;
    DROP TABLE pg_temp.supplyrisk_refresh_stage;
  END IF;
  IF mode OPERATOR(pg_catalog.=) 'incremental' THEN
    n := last.rollup_rows OPERATOR(pg_catalog.-) gone OPERATOR(pg_catalog.+) added;
    PERFORM pg_catalog.set_config('jit', jit, true);
  END IF;
  PERFORM pg_catalog.set_config('enable_mergejoin', mj, true);
  INSERT INTO @extschema@.rollup_refresh (started_at, finished_at, as_of, methodology, rollup_rows, stale_members, mode, recomputed, version)
  VALUES (t0, pg_catalog.clock_timestamp(), d, COALESCE(m, @extschema@.methodology_name(NULL)), n, stale, mode,
          CASE WHEN mode OPERATOR(pg_catalog.=) 'incremental' THEN COALESCE(pg_catalog.cardinality(keys), 0) END, @extschema@.version());
  DELETE FROM @extschema@.rollup_refresh
  WHERE refresh_id OPERATOR(pg_catalog.<=) (SELECT pg_catalog.max(r.refresh_id) OPERATOR(pg_catalog.-) 100
                                            FROM @extschema@.rollup_refresh r);
END
$$;
COMMENT ON PROCEDURE @extschema@.refresh(boolean, boolean) IS
  'Rebuilds the rollups (sector_rollup) in one transaction: dashboards keep reading the previous rollups until it commits; concurrent refreshes wait for each other. Incremental when it can (same version, methodology and contract tracking, no methodology change: only the member-state rows that rollup_change names, and those whose supply, assessments or designations began or ended since the rollups'' date, are recomputed from the supply with the same code, with the suppliers'' scores stored in supplier_rollup (only the suppliers added or changed are scored again), and their sectors'' EU-wide rows and their functions'' rows merged again from the stored states); full otherwise (a TRUNCATE of a tracked table, another version or methodology) or with full => true. On a federation coordinator, from every member''s states, pulled now (a member that cannot be pulled fails the refresh, or with skip_unreachable is marked stale and keeps its states of the last pull).';

REVOKE EXECUTE ON PROCEDURE @extschema@.refresh(boolean, boolean) FROM PUBLIC;
-- Entities with a multi-vendor gap at the four levels of sector_stats_levels: from this
-- database's supply, or (federated) the counts pulled from the members (an entity belongs
-- to one member state, so member-state counts add up to the EU-wide ones).
CREATE FUNCTION @extschema@.sector_gap_counts(federated boolean, as_of date DEFAULT CURRENT_DATE, methodology text DEFAULT NULL)
RETURNS TABLE (sector_code text, member_state text, function_code text, gaps bigint)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT p.sector_code, p.member_state, p.function_code, pg_catalog.count(*)
  FROM (SELECT DISTINCT y.sector_code, y.member_state, y.function_code, y.entity_id
        FROM @extschema@.multi_vendor_gaps_at($2, $3) y WHERE NOT $1) p
  GROUP BY GROUPING SETS ((p.sector_code, p.member_state, p.function_code), (p.sector_code, p.function_code),
                          (p.sector_code, p.member_state), (p.sector_code))
  UNION ALL
  SELECT s.sector_code, s.member_state, s.function_code, s.gaps
  FROM @extschema@.federation_state s WHERE $1 AND s.gaps IS NOT NULL
  UNION ALL
  SELECT s.sector_code, NULL, s.function_code, pg_catalog.sum(s.gaps)::bigint
  FROM @extschema@.federation_state s WHERE $1 AND s.gaps IS NOT NULL
  GROUP BY s.sector_code, s.function_code
$$;
COMMENT ON FUNCTION @extschema@.sector_gap_counts(boolean, date, text) IS
  'Entities with a multi-vendor gap per sector, member state (NULL: EU-wide) and ICT function (NULL: any), from this database''s supply valid at as_of or (federated) from the counts pulled from the federation members.';

-- the helpers of trend and function_trend (issue 18)
-- every metric of two snapshot rows as {from, to, delta} (delta for numbers)
CREATE FUNCTION @extschema@.metrics_delta(from_metrics jsonb, to_metrics jsonb) RETURNS jsonb
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT pg_catalog.jsonb_object_agg(k.key, pg_catalog.jsonb_build_object(
           'from', $1 OPERATOR(pg_catalog.->) k.key, 'to', $2 OPERATOR(pg_catalog.->) k.key,
           'delta', CASE WHEN pg_catalog.jsonb_typeof($1 OPERATOR(pg_catalog.->) k.key) OPERATOR(pg_catalog.=) 'number'
                          AND pg_catalog.jsonb_typeof($2 OPERATOR(pg_catalog.->) k.key) OPERATOR(pg_catalog.=) 'number'
                         THEN ($2 OPERATOR(pg_catalog.->>) k.key)::float8 OPERATOR(pg_catalog.-) ($1 OPERATOR(pg_catalog.->>) k.key)::float8 END))
  FROM pg_catalog.jsonb_object_keys($1 OPERATOR(pg_catalog.||) $2) k(key)
$$;
COMMENT ON FUNCTION @extschema@.metrics_delta(jsonb, jsonb) IS 'Every key of two metrics objects as {"from": .., "to": .., "delta": ..}, delta = to - from when both are numbers: the metrics column of trend and function_trend.';

-- snapshots named by a trend must exist
CREATE FUNCTION @extschema@.snapshot_check(ids bigint[]) RETURNS void
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  sid bigint;
BEGIN
  FOREACH sid IN ARRAY ids LOOP
    IF NOT EXISTS (SELECT 1 FROM @extschema@.snapshot s WHERE s.snapshot_id OPERATOR(pg_catalog.=) sid) THEN
      RAISE EXCEPTION 'snapshot % does not exist', sid USING ERRCODE = 'invalid_parameter_value',
        HINT = 'The snapshots are listed in supplyrisk.snapshot.';
    END IF;
  END LOOP;
END
$$;
COMMENT ON FUNCTION @extschema@.snapshot_check(bigint[]) IS 'Raises 22023 naming the first of the snapshots that does not exist (trend_between, function_trend_between).';

CREATE OR REPLACE FUNCTION @extschema@.take_snapshot(label text DEFAULT NULL) RETURNS bigint
LANGUAGE plpgsql SET extra_float_digits = 1 SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  sid bigint;
  d   date := CURRENT_DATE;
  m   text := @extschema@.methodology_name(NULL);
  fed boolean := EXISTS (SELECT 1 FROM @extschema@.federation_member);
BEGIN
  IF fed THEN
    -- a coordinator: every member's states and gap counts, pulled now
    PERFORM @extschema@.federation_pull(true, false);
    SELECT pg_catalog.string_agg(DISTINCT f.last_methodology, ', ' ORDER BY f.last_methodology) INTO m
    FROM @extschema@.federation_member f;
  END IF;
  INSERT INTO @extschema@.snapshot (label, as_of, methodology) VALUES ($1, d, m) RETURNING snapshot_id INTO sid;
  -- the sector rows and the function rows (every sector pooled) of one computation
  CREATE TEMP TABLE supplyrisk_snapshot_stage ON COMMIT DROP AS
    SELECT * FROM @extschema@.sector_stats_levels(fed, d, CASE WHEN NOT fed THEN m END, true, NULL, false, true);
  INSERT INTO @extschema@.function_snapshot (snapshot_id, function_code, member_state, group_mix, country_mix, metrics)
  SELECT sid, x.function_code, x.member_state, x.group_mix, x.country_mix,
         (pg_catalog.to_jsonb(x) OPERATOR(pg_catalog.-)
            ARRAY['sector_code', 'member_state', 'function_code', 'group_mix', 'country_mix']::text[])
         OPERATOR(pg_catalog.||) pg_catalog.jsonb_build_object('sectors', COALESCE(c.n, 0))
  FROM pg_temp.supplyrisk_snapshot_stage x
  LEFT JOIN (SELECT y.function_code, COALESCE(y.member_state, '') AS ms, pg_catalog.count(*) AS n
             FROM pg_temp.supplyrisk_snapshot_stage y WHERE y.sector_code IS NOT NULL AND y.function_code IS NOT NULL GROUP BY 1, 2) c
    ON c.function_code OPERATOR(pg_catalog.=) x.function_code AND c.ms OPERATOR(pg_catalog.=) COALESCE(x.member_state, '')
  WHERE x.sector_code IS NULL;
  INSERT INTO @extschema@.metric_snapshot (snapshot_id, sector_code, member_state, function_code, group_mix,
                                           country_mix, metrics)
  SELECT sid, x.sector_code, x.member_state, x.function_code, x.group_mix, x.country_mix,
         (pg_catalog.to_jsonb(x) OPERATOR(pg_catalog.-)
            ARRAY['sector_code', 'member_state', 'function_code', 'group_mix', 'country_mix']::text[])
         OPERATOR(pg_catalog.||) pg_catalog.jsonb_build_object('gaps', COALESCE(g.gaps, 0))
  FROM pg_temp.supplyrisk_snapshot_stage x
  LEFT JOIN @extschema@.sector_gap_counts(fed, d, CASE WHEN NOT fed THEN m END) g
    ON g.sector_code OPERATOR(pg_catalog.=) x.sector_code
   AND (g.member_state OPERATOR(pg_catalog.=) x.member_state OR (g.member_state IS NULL AND x.member_state IS NULL))
   AND (g.function_code OPERATOR(pg_catalog.=) x.function_code OR (g.function_code IS NULL AND x.function_code IS NULL))
  WHERE x.sector_code IS NOT NULL;
  DROP TABLE pg_temp.supplyrisk_snapshot_stage;
  RETURN sid;
END
$$;
COMMENT ON FUNCTION @extschema@.take_snapshot(text) IS
  'Stores every sector metric (sector_stats_at, per member state and EU-wide, per function and overall, with the mergeable states) and the multi-vendor gap counts, and the function rows (function_snapshot: every sector pooled, per ICT function and member state), computed live for today (on a federation coordinator: pulled now from every member); returns the snapshot id.';

CREATE OR REPLACE FUNCTION @extschema@.trend_between(from_id bigint, to_id bigint)
RETURNS TABLE (sector_code text, member_state text, from_snapshot bigint, to_snapshot bigint,
               from_taken_at timestamptz, to_taken_at timestamptz,
               hhi_from float8, hhi_to float8, hhi_delta float8,
               hrv_share_from float8, hrv_share_to float8, hrv_share_delta float8,
               gaps_from bigint, gaps_to bigint, gaps_closed bigint, metrics jsonb)
LANGUAGE plpgsql STABLE STRICT SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  PERFORM @extschema@.snapshot_check(ARRAY[$1, $2]);
  RETURN QUERY
  WITH a AS (SELECT m.* FROM @extschema@.metric_snapshot m
             WHERE m.snapshot_id OPERATOR(pg_catalog.=) $1 AND m.function_code IS NULL),
       b AS (SELECT m.* FROM @extschema@.metric_snapshot m
             WHERE m.snapshot_id OPERATOR(pg_catalog.=) $2 AND m.function_code IS NULL),
       j AS (SELECT COALESCE(a.sector_code, b.sector_code) AS sc, COALESCE(a.member_state, b.member_state) AS ms,
                    COALESCE(a.metrics, '{}'::jsonb) AS am, COALESCE(b.metrics, '{}'::jsonb) AS bm
             FROM a FULL JOIN b ON a.sector_code OPERATOR(pg_catalog.=) b.sector_code
                               AND (a.member_state OPERATOR(pg_catalog.=) b.member_state OR (a.member_state IS NULL AND b.member_state IS NULL)))
  SELECT j.sc, j.ms, $1, $2, sa.taken_at, sb.taken_at,
         (j.am OPERATOR(pg_catalog.->>) 'hhi')::float8, (j.bm OPERATOR(pg_catalog.->>) 'hhi')::float8,
         (j.bm OPERATOR(pg_catalog.->>) 'hhi')::float8 OPERATOR(pg_catalog.-) (j.am OPERATOR(pg_catalog.->>) 'hhi')::float8,
         (j.am OPERATOR(pg_catalog.->>) 'hrv_share')::float8, (j.bm OPERATOR(pg_catalog.->>) 'hrv_share')::float8,
         (j.bm OPERATOR(pg_catalog.->>) 'hrv_share')::float8 OPERATOR(pg_catalog.-) (j.am OPERATOR(pg_catalog.->>) 'hrv_share')::float8,
         COALESCE((j.am OPERATOR(pg_catalog.->>) 'gaps')::bigint, 0), COALESCE((j.bm OPERATOR(pg_catalog.->>) 'gaps')::bigint, 0),
         COALESCE((j.am OPERATOR(pg_catalog.->>) 'gaps')::bigint, 0) OPERATOR(pg_catalog.-) COALESCE((j.bm OPERATOR(pg_catalog.->>) 'gaps')::bigint, 0),
         @extschema@.metrics_delta(j.am, j.bm)
  FROM j
  CROSS JOIN (SELECT s.taken_at FROM @extschema@.snapshot s WHERE s.snapshot_id OPERATOR(pg_catalog.=) $1) sa
  CROSS JOIN (SELECT s.taken_at FROM @extschema@.snapshot s WHERE s.snapshot_id OPERATOR(pg_catalog.=) $2) sb
  ORDER BY j.sc, j.ms NULLS FIRST;
END
$$;
COMMENT ON FUNCTION @extschema@.trend_between(bigint, bigint) IS
  'Change of every sector metric between two snapshots, per sector and member state (NULL: EU-wide): the headline figures as columns and every metric as {from, to, delta} in metrics.';

-- multi_vendor_gaps names the measures that address each gap (issue 15): a new column, so the
-- function and its view are created again.
DROP VIEW @extschema@.multi_vendor_gaps;
DROP FUNCTION @extschema@.multi_vendor_gaps_at(date, text);
-- >>> sync: 65_multi_vendor_gaps.sql
-- multi_vendor_gaps: entity and function pairs that break the multi-vendor guidance.

CREATE FUNCTION @extschema@.multi_vendor_gaps_at(as_of date DEFAULT CURRENT_DATE, methodology text DEFAULT NULL)
RETURNS TABLE (entity_id bigint, entity_name text, member_state text, sector_code text, function_code text,
               criticality text, gap text, supplier_count integer, top_group_id bigint, top_share float8,
               hrv_share float8, cap float8, measures text[])
LANGUAGE sql STABLE PARALLEL SAFE AS $$
SELECT x.entity_id, x.entity_name, x.member_state, x.sector_code, x.function_code, x.criticality, g.gap,
       x.supplier_count, (SELECT t.key::bigint FROM @extschema@.top_shares(x.mix, 1) t), x.cr1, x.hrv_share,
       m.multi_vendor_cap,
       CASE WHEN g.gap OPERATOR(pg_catalog.=) 'high_risk_supplier' THEN (SELECT @extschema@.measures_addressing('high_risk_supplier'))
            ELSE (SELECT @extschema@.measures_addressing('multi_vendor_gap')) END
FROM @extschema@.entity_exposure_at($1, $2) x
CROSS JOIN (SELECT y.multi_vendor_cap FROM @extschema@.methodology y
            WHERE y.name OPERATOR(pg_catalog.=) @extschema@.methodology_name($2)) m
CROSS JOIN LATERAL (VALUES
  ('single_supplier', x.criticality OPERATOR(pg_catalog.<>) 'standard' AND x.supplier_count OPERATOR(pg_catalog.=) 1),
  ('high_risk_supplier', x.criticality OPERATOR(pg_catalog.=) 'critical' AND x.hrv_share OPERATOR(pg_catalog.>) 0),
  ('above_cap', x.criticality OPERATOR(pg_catalog.<>) 'standard' AND x.supplier_count OPERATOR(pg_catalog.>) 1
                AND x.cr1 OPERATOR(pg_catalog.>) m.multi_vendor_cap)
) g(gap, hit)
WHERE g.hit
$$;
COMMENT ON FUNCTION @extschema@.multi_vendor_gaps_at(date, text) IS 'The rows of multi_vendor_gaps for any date and methodology.';
CREATE VIEW @extschema@.multi_vendor_gaps WITH (security_invoker = true) AS
  SELECT * FROM @extschema@.multi_vendor_gaps_at(CURRENT_DATE, NULL);
COMMENT ON VIEW @extschema@.multi_vendor_gaps IS 'Entity and function pairs that break the multi-vendor guidance, one row per gap.';
COMMENT ON COLUMN @extschema@.multi_vendor_gaps.entity_id IS 'Entity.';
COMMENT ON COLUMN @extschema@.multi_vendor_gaps.entity_name IS 'Entity name.';
COMMENT ON COLUMN @extschema@.multi_vendor_gaps.member_state IS 'Member state of the entity.';
COMMENT ON COLUMN @extschema@.multi_vendor_gaps.sector_code IS 'Sector of the entity.';
COMMENT ON COLUMN @extschema@.multi_vendor_gaps.function_code IS 'ICT function.';
COMMENT ON COLUMN @extschema@.multi_vendor_gaps.criticality IS 'critical or sensitive (standard functions have no gaps).';
COMMENT ON COLUMN @extschema@.multi_vendor_gaps.gap IS 'single_supplier (one supplier group for a critical or sensitive function), high_risk_supplier (high-risk supply in a critical function) or above_cap (a group above the methodology''s cap share, several groups present).';
COMMENT ON COLUMN @extschema@.multi_vendor_gaps.supplier_count IS 'Distinct supplier groups.';
COMMENT ON COLUMN @extschema@.multi_vendor_gaps.top_group_id IS 'The largest supplier group.';
COMMENT ON COLUMN @extschema@.multi_vendor_gaps.top_share IS 'Its share (0..1).';
COMMENT ON COLUMN @extschema@.multi_vendor_gaps.hrv_share IS 'Share (0..1) of the weight from high-risk suppliers.';
COMMENT ON COLUMN @extschema@.multi_vendor_gaps.cap IS 'The methodology''s multi-vendor cap.';
COMMENT ON COLUMN @extschema@.multi_vendor_gaps.measures IS 'The toolbox measures that address the gap (toolbox:code): for high_risk_supplier those addressing high-risk suppliers (5g-2020:SM03, ...), else those addressing multi-vendor gaps (5g-2020:SM05, ...).';
-- <<< sync

-- >>> sync: 68_federation_export.sql 69_federation_pull.sql 74_review.sql 75_report_charts.sql 76_function_overview.sql
-- Federation, member side: what a member database exports to the EU coordinator. Roles
-- granted 'federation' access read these four views and nothing else: the views call
-- security-definer functions that return aggregate states only (no entity, supply,
-- assessment or supplier row), scoped to the member states of the role's grant.

-- The state format the coordinator must be able to read: the columns of federation_export
-- and the text form of supply_mix. A coordinator refuses a member of another format.
CREATE FUNCTION @extschema@.federation_format() RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT 1 $$;
COMMENT ON FUNCTION @extschema@.federation_format() IS 'Format of the federation export this version writes and, as a coordinator, reads (1 since 0.2.0).';

-- the member states the session's federation role may export (NULL: all)
CREATE FUNCTION @extschema@.federation_scope() RETURNS text[]
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
  SELECT @extschema@.access_member_states_for(SESSION_USER)
$$;
REVOKE EXECUTE ON FUNCTION @extschema@.federation_scope() FROM PUBLIC;
COMMENT ON FUNCTION @extschema@.federation_scope() IS 'Internal: the member states the session user may export (NULL: all), from its grant.';

CREATE FUNCTION @extschema@.federation_info_row()
RETURNS TABLE (version text, state_format integer, schema_name text, methodology text, as_of date, member_states text[])
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
  SELECT (SELECT x.extversion FROM pg_catalog.pg_extension x WHERE x.extname OPERATOR(pg_catalog.=) 'supplyrisk'),
         @extschema@.federation_format(), '@extschema@'::text, @extschema@.methodology_name(NULL), CURRENT_DATE,
         (SELECT pg_catalog.array_agg(DISTINCT e.member_state ORDER BY e.member_state) FROM @extschema@.entity e
          WHERE (SELECT @extschema@.federation_scope()) IS NULL OR e.member_state OPERATOR(pg_catalog.=) ANY (CAST((SELECT @extschema@.federation_scope()) AS text[])))
$$;
COMMENT ON FUNCTION @extschema@.federation_info_row() IS 'Internal (federation_info): version, state format, schema, methodology, date and member states of this member database.';

CREATE FUNCTION @extschema@.federation_export_rows()
RETURNS TABLE (sector_code text, member_state text, function_code text, group_mix @extschema@.supply_mix,
               country_mix @extschema@.supply_mix, entities bigint, single_sourced bigint, weight float8,
               hrv_weight float8, risk_weight float8, unassessed_weight float8, contract_gap_edges bigint)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
  SELECT x.* FROM (
    SELECT f.sector_code, f.member_state, f.function_code, f.group_mix, f.country_mix, f.entities, f.single_sourced,
           f.weight, f.hrv_weight, f.risk_weight, f.unassessed_weight,
           CASE WHEN (SELECT @extschema@.contracts_tracked()) THEN COALESCE(cg.edges, 0) END
    FROM @extschema@.sector_function_stats(CURRENT_DATE, NULL, true) f
    LEFT JOIN @extschema@.contract_gap_edge_counts(CURRENT_DATE) cg
      ON cg.sector_code OPERATOR(pg_catalog.=) f.sector_code AND cg.member_state OPERATOR(pg_catalog.=) f.member_state
     AND cg.function_code OPERATOR(pg_catalog.=) f.function_code
    UNION ALL  -- entities registered per sector and member state, for the all-functions rows
    SELECT e.sector_code, e.member_state, NULL, NULL, NULL, pg_catalog.count(*), 0, 0, 0, 0, 0, NULL
    FROM @extschema@.entity e GROUP BY e.sector_code, e.member_state
  ) x
  WHERE (SELECT @extschema@.federation_scope()) IS NULL OR x.member_state OPERATOR(pg_catalog.=) ANY (CAST((SELECT @extschema@.federation_scope()) AS text[]))
$$;
COMMENT ON FUNCTION @extschema@.federation_export_rows() IS 'Internal (federation_export): the mergeable states per sector, member state and ICT function, computed today under the default methodology.';

CREATE FUNCTION @extschema@.federation_gap_rows()
RETURNS TABLE (sector_code text, member_state text, function_code text, gaps bigint)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
  SELECT p.sector_code, p.member_state, p.function_code, pg_catalog.count(*)
  FROM (SELECT DISTINCT y.sector_code, y.member_state, y.function_code, y.entity_id
        FROM @extschema@.multi_vendor_gaps_at(CURRENT_DATE, NULL) y
        WHERE (SELECT @extschema@.federation_scope()) IS NULL OR y.member_state OPERATOR(pg_catalog.=) ANY (CAST((SELECT @extschema@.federation_scope()) AS text[]))) p
  GROUP BY GROUPING SETS ((p.sector_code, p.member_state, p.function_code), (p.sector_code, p.member_state))
$$;
COMMENT ON FUNCTION @extschema@.federation_gap_rows() IS 'Internal (federation_gaps): entities with a multi-vendor gap per sector, member state and ICT function, and per sector and member state over all functions.';

CREATE FUNCTION @extschema@.federation_group_rows()
RETURNS TABLE (member_state text, key text, name text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
  SELECT m.member_state, COALESCE(s.global_id, m.member_state OPERATOR(pg_catalog.||) ':' OPERATOR(pg_catalog.||) s.supplier_id::text), s.name
  FROM @extschema@.supplier s
  CROSS JOIN (SELECT DISTINCT e.member_state FROM @extschema@.entity e
              WHERE (SELECT @extschema@.federation_scope()) IS NULL OR e.member_state OPERATOR(pg_catalog.=) ANY (CAST((SELECT @extschema@.federation_scope()) AS text[]))) m
  WHERE s.parent_supplier_id IS NULL
$$;
COMMENT ON FUNCTION @extschema@.federation_group_rows() IS 'Internal (federation_groups): the key and name of every supplier group (a supplier without a controlling owner), per member state.';

DO $ex$
DECLARE f text;
BEGIN
  FOREACH f IN ARRAY ARRAY['federation_info_row', 'federation_export_rows', 'federation_gap_rows', 'federation_group_rows'] LOOP
    EXECUTE pg_catalog.format('REVOKE EXECUTE ON FUNCTION @extschema@.%I() FROM PUBLIC', f);
  END LOOP;
END $ex$;

CREATE VIEW @extschema@.federation_info WITH (security_invoker = true) AS
  SELECT * FROM @extschema@.federation_info_row();
COMMENT ON VIEW @extschema@.federation_info IS 'Federation member: what the coordinator checks before it pulls (roles with federation access).';
COMMENT ON COLUMN @extschema@.federation_info.version IS 'supplyrisk version installed here.';
COMMENT ON COLUMN @extschema@.federation_info.state_format IS 'Format of federation_export (federation_format()).';
COMMENT ON COLUMN @extschema@.federation_info.schema_name IS 'Schema of the extension (the coordinator''s must be the same: aggregates are shipped by name).';
COMMENT ON COLUMN @extschema@.federation_info.methodology IS 'Default methodology the states are scored with.';
COMMENT ON COLUMN @extschema@.federation_info.as_of IS 'Date the states are computed for (today here).';
COMMENT ON COLUMN @extschema@.federation_info.member_states IS 'Member states with entities here (within the role''s grant).';

CREATE VIEW @extschema@.federation_export WITH (security_invoker = true) AS
  SELECT * FROM @extschema@.federation_export_rows();
COMMENT ON VIEW @extschema@.federation_export IS 'Federation member: the mergeable states behind the sector rows, per sector, member state and ICT function, plus one row per sector and member state (function_code NULL) with the entities registered. Read by the coordinator''s refresh() through postgres_fdw; no raw row leaves the database.';
DO $cm$
DECLARE c record;
BEGIN
  FOR c IN SELECT * FROM (VALUES
    ('sector_code', 'NIS2 sector.'),
    ('member_state', 'Member state.'),
    ('function_code', 'ICT function; NULL for the row with the entities registered.'),
    ('group_mix', 'Supply weight per supplier group, keyed by the group''s global id, or <member state>:<supplier id> for a group without one.'),
    ('country_mix', 'Supply weight per headquarters country of the supplier group.'),
    ('entities', 'Function rows: entities using the function; NULL-function row: entities registered.'),
    ('single_sourced', 'Entity and function pairs served by a single supplier group.'),
    ('weight', 'Total supply weight.'),
    ('hrv_weight', 'Supply weight from high-risk suppliers.'),
    ('risk_weight', 'Sum of weight times risk_score.'),
    ('unassessed_weight', 'Supply weight from unassessed suppliers.'),
    ('contract_gap_edges', 'Critical or sensitive supply edges whose contracts miss a clause of point 5.1.4.')) x(col, txt) LOOP
    EXECUTE pg_catalog.format('COMMENT ON COLUMN @extschema@.federation_export.%I IS %L', c.col, c.txt);
  END LOOP;
END $cm$;

CREATE VIEW @extschema@.federation_gaps WITH (security_invoker = true) AS
  SELECT * FROM @extschema@.federation_gap_rows();
COMMENT ON VIEW @extschema@.federation_gaps IS 'Federation member: entities with a multi-vendor gap per sector, member state and ICT function (NULL: in any function); pulled by a coordinator''s take_snapshot.';
COMMENT ON COLUMN @extschema@.federation_gaps.sector_code IS 'NIS2 sector.';
COMMENT ON COLUMN @extschema@.federation_gaps.member_state IS 'Member state.';
COMMENT ON COLUMN @extschema@.federation_gaps.function_code IS 'ICT function; NULL over all functions (an entity counts once).';
COMMENT ON COLUMN @extschema@.federation_gaps.gaps IS 'Entities with at least one multi-vendor gap.';

CREATE VIEW @extschema@.federation_groups WITH (security_invoker = true) AS
  SELECT * FROM @extschema@.federation_group_rows();
COMMENT ON VIEW @extschema@.federation_groups IS 'Federation member: the name behind each supplier-group key of federation_export, per member state.';
COMMENT ON COLUMN @extschema@.federation_groups.member_state IS 'Member state.';
COMMENT ON COLUMN @extschema@.federation_groups.key IS 'Key in group_mix: the global id, or <member state>:<supplier id>.';
COMMENT ON COLUMN @extschema@.federation_groups.name IS 'Supplier group name.';
-- Federation, coordinator side: members are added and removed, checked, and their states
-- pulled through postgres_fdw (by refresh() and take_snapshot()). The foreign tables are
-- temporary (pg_temp, this session only): nothing of a member is left in the catalogue.

-- The coordinator's view of one member: its foreign tables (re)created, reachability,
-- extension, version and state format checked; an error names the member and the cause.
CREATE FUNCTION @extschema@.federation_connect(member_state text, server name)
RETURNS TABLE (version text, methodology text, as_of date)
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  t   text := 'supplyrisk_fed_' OPERATOR(pg_catalog.||) pg_catalog.lower(member_state);
  who text := pg_catalog.format('federation member %s (server %s)', member_state, server);
  sfx text;
  ver text;
  st  text;
  msg text;
  dt  text;
  inf record;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_foreign_server s
                 JOIN pg_catalog.pg_foreign_data_wrapper w ON w.oid OPERATOR(pg_catalog.=) s.srvfdw
                 WHERE s.srvname OPERATOR(pg_catalog.=) server AND w.fdwname OPERATOR(pg_catalog.=) 'postgres_fdw') THEN
    RAISE EXCEPTION '% has no postgres_fdw server "%"', who, server USING ERRCODE = 'undefined_object',
      HINT = 'Create it: CREATE SERVER ... FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host ..., port ..., dbname ..., extensions ''supplyrisk'', async_capable ''true''), with a user mapping (OPERATIONS.md, Federation).';
  END IF;
  FOREACH sfx IN ARRAY ARRAY['_ext', '_info', '_export', '_gaps', '_groups'] LOOP
    IF pg_catalog.to_regclass(pg_catalog.format('pg_temp.%I', t OPERATOR(pg_catalog.||) sfx)) IS NOT NULL THEN
      EXECUTE pg_catalog.format('DROP FOREIGN TABLE pg_temp.%I', t OPERATOR(pg_catalog.||) sfx);
    END IF;
  END LOOP;
  EXECUTE pg_catalog.format('CREATE FOREIGN TABLE pg_temp.%I (extname name, extversion text) SERVER %I OPTIONS (schema_name %L, table_name %L)',
                            t OPERATOR(pg_catalog.||) '_ext', server, 'pg_catalog', 'pg_extension');
  EXECUTE pg_catalog.format('CREATE FOREIGN TABLE pg_temp.%I (version text, state_format integer, schema_name text, methodology text, as_of date, member_states text[]) SERVER %I OPTIONS (schema_name %L, table_name %L)',
                            t OPERATOR(pg_catalog.||) '_info', server, '@extschema@', 'federation_info');
  EXECUTE pg_catalog.format('CREATE FOREIGN TABLE pg_temp.%I (sector_code text, member_state text, function_code text, group_mix @extschema@.supply_mix, country_mix @extschema@.supply_mix, entities bigint, single_sourced bigint, weight float8, hrv_weight float8, risk_weight float8, unassessed_weight float8, contract_gap_edges bigint) SERVER %I OPTIONS (schema_name %L, table_name %L)',
                            t OPERATOR(pg_catalog.||) '_export', server, '@extschema@', 'federation_export');
  EXECUTE pg_catalog.format('CREATE FOREIGN TABLE pg_temp.%I (sector_code text, member_state text, function_code text, gaps bigint) SERVER %I OPTIONS (schema_name %L, table_name %L)',
                            t OPERATOR(pg_catalog.||) '_gaps', server, '@extschema@', 'federation_gaps');
  EXECUTE pg_catalog.format('CREATE FOREIGN TABLE pg_temp.%I (member_state text, key text, name text) SERVER %I OPTIONS (schema_name %L, table_name %L)',
                            t OPERATOR(pg_catalog.||) '_groups', server, '@extschema@', 'federation_groups');
  BEGIN
    EXECUTE pg_catalog.format('SELECT x.extversion FROM pg_temp.%I x WHERE x.extname OPERATOR(pg_catalog.=) %L',
                              t OPERATOR(pg_catalog.||) '_ext', 'supplyrisk') INTO ver;
  EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, dt = PG_EXCEPTION_DETAIL;
    RAISE EXCEPTION USING ERRCODE = st,
      MESSAGE = pg_catalog.format('%s cannot be reached: %s', who,
                  pg_catalog.concat_ws(': ', msg, NULLIF(pg_catalog.btrim(pg_catalog.regexp_replace(dt, '\s+', ' ', 'g')), ''))),
      HINT = 'Check that the member''s server is up, the server''s options (host, port, dbname) and the user mapping of the role running this (user, password).';
  END;
  IF ver IS NULL THEN
    RAISE EXCEPTION '% has no supplyrisk extension in its database', who USING ERRCODE = 'undefined_object',
      HINT = 'On the member database: CREATE EXTENSION supplyrisk, then SELECT supplyrisk.grant_access(''<role of the user mapping>'', ''federation'').';
  END IF;
  IF ver OPERATOR(pg_catalog.=) '0.1.0' THEN
    RAISE EXCEPTION '% runs supplyrisk %, which has no federation export', who, ver USING ERRCODE = 'feature_not_supported',
      HINT = pg_catalog.format('This coordinator reads state format %s (supplyrisk 0.2.0 and later): on the member, ALTER EXTENSION supplyrisk UPDATE, then grant the role of the user mapping federation access.', @extschema@.federation_format());
  END IF;
  BEGIN
    EXECUTE pg_catalog.format('SELECT i.* FROM pg_temp.%I i', t OPERATOR(pg_catalog.||) '_info') INTO inf;
  EXCEPTION
    WHEN undefined_table THEN
      RAISE EXCEPTION '% has supplyrisk % but no relation %.federation_info', who, ver, '@extschema@' USING ERRCODE = 'undefined_table',
        DETAIL = 'The coordinator ships the aggregates by name: the extension must live in the same schema on both sides.',
        HINT = pg_catalog.format('Install supplyrisk in schema %s on the member (or in the member''s schema here).', '@extschema@');
    WHEN insufficient_privilege THEN
      RAISE EXCEPTION '% refuses the federation export to the role of the user mapping', who USING ERRCODE = 'insufficient_privilege',
        HINT = 'On the member: SELECT supplyrisk.grant_access(''<role of the user mapping>'', ''federation'').';
    WHEN OTHERS THEN
      GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
      RAISE EXCEPTION USING ERRCODE = st, MESSAGE = pg_catalog.format('%s: %s', who, msg);
  END;
  IF inf.state_format IS DISTINCT FROM @extschema@.federation_format() THEN
    RAISE EXCEPTION '% writes federation state format % (supplyrisk %), this coordinator reads format % (supplyrisk %)',
      who, inf.state_format, ver, @extschema@.federation_format(), @extschema@.version() USING ERRCODE = 'feature_not_supported',
      HINT = 'Update the older side so that both run a supplyrisk version of the same state format.';
  END IF;
  IF NOT (member_state OPERATOR(pg_catalog.=) ANY (COALESCE(inf.member_states, '{}'::text[]))) THEN
    RAISE WARNING '% has no entity of member state % visible to the role of the user mapping', who, member_state
      USING HINT = 'Its rows will be empty: check the member''s data and the member states of the role''s federation grant.';
  END IF;
  RETURN QUERY SELECT ver, inf.methodology, inf.as_of;
END
$$;
REVOKE EXECUTE ON FUNCTION @extschema@.federation_connect(text, name) FROM PUBLIC;
COMMENT ON FUNCTION @extschema@.federation_connect(text, name) IS 'Internal: creates the session''s temporary foreign tables of a member and checks it (reachable, supplyrisk installed, same schema, readable state format); an error names the member and the cause.';

-- The query that pulls from members already connected: one foreign scan per server (the
-- member states it serves, together), in one UNION ALL so that async_capable servers answer
-- concurrently. kind export: the states, merged by an aggregate pushed down (extensions
-- 'supplyrisk'); gaps: the gap counts; groups: the names of the group keys.
CREATE FUNCTION @extschema@.federation_pull_query(members text[], kind text DEFAULT 'export') RETURNS text
LANGUAGE sql STABLE STRICT PARALLEL SAFE AS $$
  SELECT pg_catalog.string_agg(pg_catalog.format(
    CASE
      WHEN $2 OPERATOR(pg_catalog.=) 'export' THEN
        'SELECT f.member_state, f.sector_code, f.function_code, '
        '@extschema@.supply_mix_union(f.group_mix) AS group_mix, @extschema@.supply_mix_union(f.country_mix) AS country_mix, '
        'pg_catalog.sum(f.entities)::bigint AS entities, pg_catalog.sum(f.single_sourced)::bigint AS single_sourced, '
        'pg_catalog.sum(f.weight) AS weight, pg_catalog.sum(f.hrv_weight) AS hrv_weight, pg_catalog.sum(f.risk_weight) AS risk_weight, '
        'pg_catalog.sum(f.unassessed_weight) AS unassessed_weight, pg_catalog.sum(f.contract_gap_edges)::bigint AS contract_gap_edges '
        'FROM pg_temp.%1$I f WHERE f.member_state OPERATOR(pg_catalog.=) ANY (%2$L::text[]) '
        'GROUP BY f.member_state, f.sector_code, f.function_code'
      WHEN $2 OPERATOR(pg_catalog.=) 'gaps' THEN
        'SELECT f.member_state, f.sector_code, f.function_code, f.gaps FROM pg_temp.%1$I f '
        'WHERE f.member_state OPERATOR(pg_catalog.=) ANY (%2$L::text[])'
      WHEN $2 OPERATOR(pg_catalog.=) 'groups' THEN
        'SELECT f.member_state, f.key, f.name FROM pg_temp.%1$I f WHERE f.member_state OPERATOR(pg_catalog.=) ANY (%2$L::text[])'
    END,
    'supplyrisk_fed_' OPERATOR(pg_catalog.||) pg_catalog.lower(s.first) OPERATOR(pg_catalog.||) '_' OPERATOR(pg_catalog.||) $2, s.states),
    ' UNION ALL ' ORDER BY s.first)
  FROM (SELECT pg_catalog.min(m.member_state) AS first, pg_catalog.array_agg(m.member_state ORDER BY m.member_state) AS states
        FROM @extschema@.federation_member m
        WHERE m.member_state OPERATOR(pg_catalog.=) ANY ($1)
        GROUP BY m.server_name) s
$$;
COMMENT ON FUNCTION @extschema@.federation_pull_query(text[], text) IS 'Internal: the SQL that pulls the states (kind export), gap counts (gaps) or group names (groups) of connected members, one foreign scan per server (federation_explain shows the plan of the states).';

-- Pulls every member's states into federation_state (and, with gaps, their gap counts).
-- A member that fails makes the pull fail, unless skip_unreachable: then it is marked
-- stale and keeps its states of the last pull. Returns the stale members.
CREATE FUNCTION @extschema@.federation_pull(gaps boolean DEFAULT false, skip_unreachable boolean DEFAULT false) RETURNS text[]
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  mem record;
  inf record;
  ok  text[] := '{}';
  msg text;
  bad record;
  ms  text;
BEGIN
  FOR mem IN SELECT f.member_state, f.server_name FROM @extschema@.federation_member f ORDER BY f.member_state LOOP
    BEGIN
      SELECT * INTO inf FROM @extschema@.federation_connect(mem.member_state, mem.server_name);
      UPDATE @extschema@.federation_member f SET last_version = inf.version, last_methodology = inf.methodology, last_as_of = inf.as_of
      WHERE f.member_state OPERATOR(pg_catalog.=) mem.member_state;
      ok := ok OPERATOR(pg_catalog.||) mem.member_state;
    EXCEPTION WHEN OTHERS THEN
      IF NOT skip_unreachable THEN
        RAISE;
      END IF;
      GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT;
      RAISE WARNING '%', msg USING HINT = 'skip_unreachable: the refresh goes on without this member; its states of the last pull stay (federation_member.stale).';
      UPDATE @extschema@.federation_member f SET stale = true, last_error = msg, last_error_at = pg_catalog.now()
      WHERE f.member_state OPERATOR(pg_catalog.=) mem.member_state;
    END;
  END LOOP;
  IF pg_catalog.cardinality(ok) OPERATOR(pg_catalog.>) 0 THEN
    EXECUTE 'CREATE TEMP TABLE supplyrisk_fed_pull AS ' OPERATOR(pg_catalog.||) @extschema@.federation_pull_query(ok);
    SELECT p.member_state, p.function_code INTO bad FROM pg_temp.supplyrisk_fed_pull p
    WHERE p.function_code IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM @extschema@.ict_function fn WHERE fn.code OPERATOR(pg_catalog.=) p.function_code)
    LIMIT 1;
    IF FOUND THEN
      RAISE EXCEPTION 'federation member % exports ICT function "%", which this coordinator does not know', bad.member_state, bad.function_code
        USING ERRCODE = 'foreign_key_violation',
        HINT = 'Add the function to supplyrisk.ict_function here, with the member''s code and criticality, then refresh again.';
    END IF;
    DELETE FROM @extschema@.federation_state s WHERE s.member_state OPERATOR(pg_catalog.=) ANY (ok);
    INSERT INTO @extschema@.federation_state (member_state, sector_code, function_code, group_mix, country_mix, entities,
                                              single_sourced, weight, hrv_weight, risk_weight, unassessed_weight, contract_gap_edges)
    SELECT p.* FROM pg_temp.supplyrisk_fed_pull p;
    DROP TABLE pg_temp.supplyrisk_fed_pull;
    IF gaps THEN
      EXECUTE 'CREATE TEMP TABLE supplyrisk_fed_gaps AS ' OPERATOR(pg_catalog.||) @extschema@.federation_pull_query(ok, 'gaps');
      UPDATE @extschema@.federation_state s
      SET gaps = COALESCE((SELECT g.gaps FROM pg_temp.supplyrisk_fed_gaps g
                           WHERE g.member_state OPERATOR(pg_catalog.=) s.member_state AND g.sector_code OPERATOR(pg_catalog.=) s.sector_code
                             AND g.function_code IS NOT DISTINCT FROM s.function_code), 0)
      WHERE s.member_state OPERATOR(pg_catalog.=) ANY (ok);
      DROP TABLE pg_temp.supplyrisk_fed_gaps;
    END IF;
    DELETE FROM @extschema@.federation_group g WHERE g.member_state OPERATOR(pg_catalog.=) ANY (ok);
    EXECUTE 'INSERT INTO @extschema@.federation_group (member_state, key, name) ' OPERATOR(pg_catalog.||) @extschema@.federation_pull_query(ok, 'groups');
    UPDATE @extschema@.federation_member f SET last_pull = pg_catalog.clock_timestamp(), stale = false, last_error = NULL, last_error_at = NULL
    WHERE f.member_state OPERATOR(pg_catalog.=) ANY (ok);
  END IF;
  RETURN (SELECT COALESCE(pg_catalog.array_agg(f.member_state ORDER BY f.member_state), '{}'::text[])
          FROM @extschema@.federation_member f WHERE f.stale);
END
$$;
REVOKE EXECUTE ON FUNCTION @extschema@.federation_pull(boolean, boolean) FROM PUBLIC;
COMMENT ON FUNCTION @extschema@.federation_pull(boolean, boolean) IS 'Internal (refresh, take_snapshot on a coordinator): pulls every member''s states into federation_state and federation_group (gaps: also the gap counts); returns the stale members.';

CREATE FUNCTION @extschema@.federation_add_member(member_state text, server name) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  opts text[];
  inf  record;
  cur  name;
BEGIN
  IF member_state IS NULL OR server IS NULL THEN
    RAISE EXCEPTION 'member_state and server must not be null' USING ERRCODE = 'null_value_not_allowed';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM @extschema@.country c WHERE c.code OPERATOR(pg_catalog.=) member_state AND c.eu_member) THEN
    RAISE EXCEPTION 'not an EU member state: "%"', member_state USING ERRCODE = 'invalid_parameter_value',
      HINT = pg_catalog.format('Use one of %s.', pg_catalog.array_to_string(@extschema@.eu_member_codes(), ', '));
  END IF;
  SELECT f.server_name INTO cur FROM @extschema@.federation_member f WHERE f.member_state OPERATOR(pg_catalog.=) $1;
  IF FOUND THEN
    RAISE EXCEPTION 'member state % is already a federation member (server %)', member_state, cur USING ERRCODE = 'unique_violation',
      HINT = pg_catalog.format('To move it to another server: SELECT supplyrisk.federation_remove_member(%L) first.', member_state);
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_extension x WHERE x.extname OPERATOR(pg_catalog.=) 'postgres_fdw') THEN
    RAISE EXCEPTION 'a federation coordinator needs postgres_fdw' USING ERRCODE = 'undefined_object',
      HINT = 'CREATE EXTENSION postgres_fdw in this database, then create a server per member.';
  END IF;
  SELECT s.srvoptions INTO opts FROM pg_catalog.pg_foreign_server s
  JOIN pg_catalog.pg_foreign_data_wrapper w ON w.oid OPERATOR(pg_catalog.=) s.srvfdw
  WHERE s.srvname OPERATOR(pg_catalog.=) server AND w.fdwname OPERATOR(pg_catalog.=) 'postgres_fdw';
  IF NOT FOUND THEN
    RAISE EXCEPTION 'postgres_fdw server "%" does not exist', server USING ERRCODE = 'undefined_object',
      HINT = 'CREATE SERVER ... FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host ..., port ..., dbname ..., extensions ''supplyrisk'', async_capable ''true''), and a user mapping.';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.unnest(opts) o
                 WHERE o OPERATOR(pg_catalog.~) '^extensions=' AND 'supplyrisk' OPERATOR(pg_catalog.=) ANY (
                   SELECT pg_catalog.btrim(e) FROM pg_catalog.regexp_split_to_table(pg_catalog.substr(o, 12), ',') e)) THEN
    RAISE EXCEPTION 'server "%" does not list supplyrisk in its extensions option', server USING ERRCODE = 'invalid_parameter_value',
      DETAIL = 'Without it postgres_fdw cannot ship supplyrisk''s aggregates and type to the member: whole rows would be fetched and merged here.',
      HINT = pg_catalog.format('ALTER SERVER %I OPTIONS (ADD extensions ''supplyrisk'') (SET, with the other extensions, when the option exists).', server);
  END IF;
  IF NOT ('async_capable=true' OPERATOR(pg_catalog.=) ANY (opts)) THEN
    RAISE NOTICE 'server "%" is not async_capable: the members will be pulled one after another', server
      USING HINT = pg_catalog.format('ALTER SERVER %I OPTIONS (ADD async_capable ''true'') to pull them concurrently.', server);
  END IF;
  SELECT * INTO inf FROM @extschema@.federation_connect(member_state, server);
  INSERT INTO @extschema@.federation_member (member_state, server_name, last_version, last_methodology, last_as_of)
  VALUES (member_state, server, inf.version, inf.methodology, inf.as_of);
  IF EXISTS (SELECT 1 FROM @extschema@.supply) THEN
    RAISE WARNING 'this database is now a federation coordinator: its own supply rows are not in its rollups'
      USING HINT = 'A coordinator''s refresh() fills the rollups from the members'' states only; keep a member state''s data in a member database.';
  END IF;
END
$$;
REVOKE EXECUTE ON FUNCTION @extschema@.federation_add_member(text, name) FROM PUBLIC;
COMMENT ON FUNCTION @extschema@.federation_add_member(text, name) IS
  'Makes this database a federation coordinator (or adds to one): the member state''s rows are pulled from the member database behind a postgres_fdw server (options extensions ''supplyrisk'' and async_capable ''true''; a user mapping for the role that runs refresh). The member is checked at once.';

CREATE FUNCTION @extschema@.federation_remove_member(member_state text) RETURNS boolean
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  IF member_state IS NULL THEN
    RAISE EXCEPTION 'member_state must not be null' USING ERRCODE = 'null_value_not_allowed';
  END IF;
  DELETE FROM @extschema@.federation_member f WHERE f.member_state OPERATOR(pg_catalog.=) $1;
  RETURN FOUND;
END
$$;
REVOKE EXECUTE ON FUNCTION @extschema@.federation_remove_member(text) FROM PUBLIC;
COMMENT ON FUNCTION @extschema@.federation_remove_member(text) IS 'Removes a member and the states pulled from it (the rollups keep its rows until the next refresh); false when it was not a member.';

CREATE FUNCTION @extschema@.federation_explain() RETURNS SETOF text
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  mem record;
  ok  text[] := '{}';
BEGIN
  FOR mem IN SELECT f.member_state, f.server_name FROM @extschema@.federation_member f ORDER BY f.member_state LOOP
    PERFORM @extschema@.federation_connect(mem.member_state, mem.server_name);
    ok := ok OPERATOR(pg_catalog.||) mem.member_state;
  END LOOP;
  IF pg_catalog.cardinality(ok) OPERATOR(pg_catalog.=) 0 THEN
    RAISE EXCEPTION 'this database has no federation member' USING ERRCODE = 'object_not_in_prerequisite_state',
      HINT = 'Add members with supplyrisk.federation_add_member(member_state, server).';
  END IF;
  RETURN QUERY EXECUTE 'EXPLAIN (VERBOSE, COSTS OFF) ' OPERATOR(pg_catalog.||) @extschema@.federation_pull_query(ok);
END
$$;
REVOKE EXECUTE ON FUNCTION @extschema@.federation_explain() FROM PUBLIC;
COMMENT ON FUNCTION @extschema@.federation_explain() IS 'The plan of the query refresh() pulls the members'' states with (EXPLAIN VERBOSE): the remote SQL of each member, the aggregates pushed down, Async Foreign Scan when the servers are async_capable.';
-- The one-year review (issue 15): measure progress per round and review_report, which puts
-- side by side the measure progress of two reporting rounds and, from the snapshots nearest
-- each round, the change in concentration, high-risk share and gaps.

-- The latest observation per measure, member state, entity and round, counted over every
-- row: confidential observations and those of member states the caller may not see count,
-- but nothing of them but the count leaves this function.
CREATE FUNCTION @extschema@.measure_progress_rows()
RETURNS TABLE (toolbox_code text, measure_code text, reporting_round text, member_states bigint,
               legal_none bigint, legal_in_preparation bigint, legal_adopted bigint,
               not_applied bigint, being_implemented bigint, applied bigint, restrictions_imposed bigint,
               entities bigint, entities_applied bigint, first_recorded date, last_recorded date)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
  WITH latest AS (
    SELECT DISTINCT ON (o.toolbox_code, o.measure_code, o.member_state, o.entity_id, o.reporting_round)
           o.toolbox_code, o.measure_code, o.member_state, o.entity_id, o.reporting_round, o.legal_status, o.application, o.recorded_on
    FROM @extschema@.measure_status o
    ORDER BY o.toolbox_code, o.measure_code, o.member_state, o.entity_id, o.reporting_round, o.recorded_on DESC, o.recorded_at DESC, o.status_id DESC
  )
  SELECT l.toolbox_code, l.measure_code, l.reporting_round,
         pg_catalog.count(*) FILTER (WHERE l.entity_id IS NULL),
         pg_catalog.count(*) FILTER (WHERE l.entity_id IS NULL AND l.legal_status OPERATOR(pg_catalog.=) 'none'),
         pg_catalog.count(*) FILTER (WHERE l.entity_id IS NULL AND l.legal_status OPERATOR(pg_catalog.=) 'in_preparation'),
         pg_catalog.count(*) FILTER (WHERE l.entity_id IS NULL AND l.legal_status OPERATOR(pg_catalog.=) 'adopted'),
         pg_catalog.count(*) FILTER (WHERE l.entity_id IS NULL AND l.application OPERATOR(pg_catalog.=) 'not_applied'),
         pg_catalog.count(*) FILTER (WHERE l.entity_id IS NULL AND l.application OPERATOR(pg_catalog.=) 'being_implemented'),
         pg_catalog.count(*) FILTER (WHERE l.entity_id IS NULL AND l.application OPERATOR(pg_catalog.=) 'applied'),
         pg_catalog.count(*) FILTER (WHERE l.entity_id IS NULL AND l.application OPERATOR(pg_catalog.=) 'restrictions_imposed'),
         pg_catalog.count(*) FILTER (WHERE l.entity_id IS NOT NULL),
         pg_catalog.count(*) FILTER (WHERE l.entity_id IS NOT NULL AND l.application IN ('applied', 'restrictions_imposed')),
         pg_catalog.min(l.recorded_on), pg_catalog.max(l.recorded_on)
  FROM latest l
  GROUP BY l.toolbox_code, l.measure_code, l.reporting_round
$$;
REVOKE EXECUTE ON FUNCTION @extschema@.measure_progress_rows() FROM PUBLIC;
COMMENT ON FUNCTION @extschema@.measure_progress_rows() IS 'Internal (measure_progress, review_report): counts of the latest observations per measure and round over every row (confidential ones and other member states'' included; counts only).';

CREATE VIEW @extschema@.measure_progress WITH (security_invoker = true) AS
  SELECT p.toolbox_code, p.measure_code, m.title, m.kind, m.review_theme, p.reporting_round, p.member_states,
         p.legal_none, p.legal_in_preparation, p.legal_adopted, p.not_applied, p.being_implemented, p.applied,
         p.restrictions_imposed, p.entities, p.entities_applied
  FROM @extschema@.measure_progress_rows() p
  JOIN @extschema@.measure m ON m.toolbox_code OPERATOR(pg_catalog.=) p.toolbox_code AND m.code OPERATOR(pg_catalog.=) p.measure_code;
COMMENT ON VIEW @extschema@.measure_progress IS 'Per toolbox, measure and reporting round: member states per legal_status and per application (the latest observation of each member state in the round), and entities reporting at entity level. Confidential observations are counted (never shown: measure_status applies row-level security).';
DO $cm$
DECLARE c record;
BEGIN
  FOR c IN SELECT * FROM (VALUES
    ('toolbox_code', 'Toolbox.'), ('measure_code', 'Measure.'), ('title', 'Measure title.'), ('kind', 'Kind of measure.'),
    ('review_theme', 'Theme of the review: risk_management, multi_vendor, cooperation.'), ('reporting_round', 'Reporting round.'),
    ('member_states', 'Member states with a member-state-level observation in the round.'),
    ('legal_none', 'Of them: legal_status none.'), ('legal_in_preparation', 'legal_status in_preparation.'), ('legal_adopted', 'legal_status adopted.'),
    ('not_applied', 'application not_applied.'), ('being_implemented', 'application being_implemented.'), ('applied', 'application applied.'),
    ('restrictions_imposed', 'application restrictions_imposed.'),
    ('entities', 'Entities with an entity-level observation in the round.'),
    ('entities_applied', 'Of them: applied or restrictions_imposed.')) x(col, txt) LOOP
    EXECUTE pg_catalog.format('COMMENT ON COLUMN @extschema@.measure_progress.%I IS %L', c.col, c.txt);
  END LOOP;
END $cm$;

-- "a -> b (+d)" for the review tables (NULL side: "-")
CREATE FUNCTION @extschema@.review_change(a numeric, b numeric, digits integer DEFAULT 0) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT COALESCE(x.a::text, '-') OPERATOR(pg_catalog.||) ' → ' OPERATOR(pg_catalog.||) COALESCE(x.b::text, '-') OPERATOR(pg_catalog.||)
         CASE WHEN x.a IS NULL OR x.b IS NULL THEN ''
              ELSE ' (' OPERATOR(pg_catalog.||) CASE WHEN x.b OPERATOR(pg_catalog.>=) x.a THEN '+' ELSE '' END
                   OPERATOR(pg_catalog.||) (x.b OPERATOR(pg_catalog.-) x.a)::text OPERATOR(pg_catalog.||) ')' END
  FROM (SELECT pg_catalog.round($1, $3) AS a, pg_catalog.round($2, $3) AS b) x
$$;
COMMENT ON FUNCTION @extschema@.review_change(numeric, numeric, integer) IS 'A change as the review report prints it: "a → b (+d)", a and b rounded to digits and d their difference; "-" for a missing side.';

-- the snapshot that stands for a reporting round: one labelled with the round, else the one
-- taken nearest the round's last observation (the earlier of two as near)
CREATE FUNCTION @extschema@.review_round_snapshot(round text) RETURNS bigint
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT COALESCE(
    (SELECT s.snapshot_id FROM @extschema@.snapshot s WHERE s.label OPERATOR(pg_catalog.=) $1
     ORDER BY s.taken_at DESC, s.snapshot_id DESC LIMIT 1),
    (SELECT s.snapshot_id FROM @extschema@.snapshot s
     CROSS JOIN (SELECT pg_catalog.max(p.last_recorded) AS d FROM @extschema@.measure_progress_rows() p
                 WHERE p.reporting_round OPERATOR(pg_catalog.=) $1) r
     WHERE r.d IS NOT NULL
     ORDER BY pg_catalog.abs((s.taken_at AT TIME ZONE 'UTC')::date OPERATOR(pg_catalog.-) r.d), s.taken_at, s.snapshot_id LIMIT 1))
$$;
COMMENT ON FUNCTION @extschema@.review_round_snapshot(text) IS 'The snapshot review_report compares for a reporting round: the latest labelled with the round, else the one taken nearest the round''s last observation; NULL without snapshots.';

CREATE FUNCTION @extschema@.review_report(from_round text, to_round text, format text DEFAULT 'markdown') RETURNS text
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  fmt    text := pg_catalog.lower(format);
  rounds text;
  sa     bigint;
  sb     bigint;
  th     record;
  body   text := '';
  t      text;
  m      text;
  snapln text;
  h2     text;
  para   text;
  lab    text[];
  va     float8[];
  vb     float8[];
  mx     float8;
BEGIN
  IF fmt IS NULL OR fmt NOT IN ('markdown', 'html') THEN
    RAISE EXCEPTION 'unknown report format "%"', format USING ERRCODE = 'invalid_parameter_value', HINT = 'Use markdown or html.';
  END IF;
  SELECT pg_catalog.string_agg(DISTINCT p.reporting_round, ', ' ORDER BY p.reporting_round) INTO rounds FROM @extschema@.measure_progress_rows() p;
  FOREACH t IN ARRAY ARRAY[from_round, to_round] LOOP
    IF t IS NULL OR NOT EXISTS (SELECT 1 FROM @extschema@.measure_progress_rows() p WHERE p.reporting_round OPERATOR(pg_catalog.=) t) THEN
      RAISE EXCEPTION 'reporting round "%" does not exist', t USING ERRCODE = 'invalid_parameter_value',
        HINT = CASE WHEN rounds IS NULL THEN 'No measure_status observation is recorded yet.'
                    ELSE pg_catalog.format('Known rounds: %s.', rounds) END;
    END IF;
  END LOOP;
  h2 := CASE WHEN fmt OPERATOR(pg_catalog.=) 'html' THEN E'<section>\n<h2>%s</h2>\n' ELSE E'\n## %s\n\n' END;
  para := CASE WHEN fmt OPERATOR(pg_catalog.=) 'html' THEN E'<p>%s</p>\n' ELSE E'%s\n\n' END;
  sa := @extschema@.review_round_snapshot(from_round);
  sb := @extschema@.review_round_snapshot(to_round);
  snapln := CASE WHEN sa IS NULL OR sb IS NULL
                 THEN 'No snapshot stands for both rounds: concentration and gaps are not compared (take_snapshot at each round, labelled with the round).'
                 ELSE (SELECT pg_catalog.format('Concentration and gaps: snapshot %s (%s, %s) against snapshot %s (%s, %s).',
                              a.snapshot_id, pg_catalog.to_char(a.taken_at AT TIME ZONE 'UTC', 'YYYY-MM-DD'), COALESCE(a.label, 'unlabelled'),
                              b.snapshot_id, pg_catalog.to_char(b.taken_at AT TIME ZONE 'UTC', 'YYYY-MM-DD'), COALESCE(b.label, 'unlabelled'))
                       FROM @extschema@.snapshot a, @extschema@.snapshot b
                       WHERE a.snapshot_id OPERATOR(pg_catalog.=) sa AND b.snapshot_id OPERATOR(pg_catalog.=) sb) END;

  FOR th IN SELECT * FROM (VALUES (1, 'risk_management', 'Strengthening risk management'),
                                  (2, 'multi_vendor', 'Fostering multi-vendor strategies'),
                                  (3, 'cooperation', 'Enhancing cooperation')) x(i, code, title) ORDER BY 1 LOOP
    body := body OPERATOR(pg_catalog.||) pg_catalog.format(h2, @extschema@.report_escape(th.title, fmt));
    -- measure progress: member states per status in each round and the change (the table rows,
    -- and the chart's labels and counts, from one pass)
    SELECT pg_catalog.string_agg(@extschema@.report_line(ARRAY[
             x.toolbox_code OPERATOR(pg_catalog.||) ':' OPERATOR(pg_catalog.||) x.code OPERATOR(pg_catalog.||) ' ' OPERATOR(pg_catalog.||) x.title,
             @extschema@.review_change(a.member_states, b.member_states),
             @extschema@.review_change(a.legal_in_preparation, b.legal_in_preparation),
             @extschema@.review_change(a.legal_adopted, b.legal_adopted),
             @extschema@.review_change(a.being_implemented, b.being_implemented),
             @extschema@.review_change(a.applied OPERATOR(pg_catalog.+) a.restrictions_imposed, b.applied OPERATOR(pg_catalog.+) b.restrictions_imposed),
             @extschema@.review_change(a.entities_applied, b.entities_applied)], fmt), E'\n' ORDER BY x.toolbox_code, x.code),
           pg_catalog.array_agg(x.toolbox_code OPERATOR(pg_catalog.||) ':' OPERATOR(pg_catalog.||) x.code OPERATOR(pg_catalog.||) ' ' OPERATOR(pg_catalog.||) x.title ORDER BY x.toolbox_code, x.code),
           pg_catalog.array_agg(COALESCE(a.legal_adopted, 0)::float8 ORDER BY x.toolbox_code, x.code),
           pg_catalog.array_agg(COALESCE(b.legal_adopted, 0)::float8 ORDER BY x.toolbox_code, x.code),
           GREATEST(pg_catalog.max(a.member_states), pg_catalog.max(b.member_states))::float8
    INTO t, lab, va, vb, mx
    FROM @extschema@.measure x
    LEFT JOIN @extschema@.measure_progress_rows() a ON a.toolbox_code OPERATOR(pg_catalog.=) x.toolbox_code AND a.measure_code OPERATOR(pg_catalog.=) x.code
                                                   AND a.reporting_round OPERATOR(pg_catalog.=) from_round
    LEFT JOIN @extschema@.measure_progress_rows() b ON b.toolbox_code OPERATOR(pg_catalog.=) x.toolbox_code AND b.measure_code OPERATOR(pg_catalog.=) x.code
                                                   AND b.reporting_round OPERATOR(pg_catalog.=) to_round
    WHERE x.review_theme OPERATOR(pg_catalog.=) th.code AND (a.toolbox_code IS NOT NULL OR b.toolbox_code IS NOT NULL);
    IF t IS NULL THEN
      body := body OPERATOR(pg_catalog.||) pg_catalog.format(para, @extschema@.report_escape(
                pg_catalog.format('No measure of this theme has an observation in round %s or %s.', from_round, to_round), fmt));
    ELSE
      IF fmt OPERATOR(pg_catalog.=) 'html' THEN  -- the chart: member states with the legal basis adopted, in each round
        m := @extschema@.report_svg_bars('adopted-' OPERATOR(pg_catalog.||) th.code,
               pg_catalog.format('%s: legal basis adopted, round %s and round %s', th.title, from_round, to_round),
               pg_catalog.format('Member states with the legal basis of each measure of the theme adopted, in round %s and in round %s (counts include confidential observations).', from_round, to_round),
               lab, va, vb, ARRAY['Round ' OPERATOR(pg_catalog.||) from_round, 'Round ' OPERATOR(pg_catalog.||) to_round],
               GREATEST(5::float8, @extschema@.report_nice_max(mx)), 'Member states', 'int',
               'measure_status (latest observation per member state and round)');
        body := body OPERATOR(pg_catalog.||) m OPERATOR(pg_catalog.||) E'\n';
      END IF;
      t := @extschema@.report_line(ARRAY['Measure', 'Member states reporting', 'Legal basis in preparation', 'Legal basis adopted',
                                         'Being implemented', 'Applied or restrictions imposed', 'Entities applying'], fmt, true)
           OPERATOR(pg_catalog.||) E'\n' OPERATOR(pg_catalog.||) t;
      body := body OPERATOR(pg_catalog.||) pg_catalog.format(para, @extschema@.report_escape(
                pg_catalog.format('Measure progress, round %s → round %s (member states; change in brackets).', from_round, to_round), fmt))
              OPERATOR(pg_catalog.||) CASE WHEN fmt OPERATOR(pg_catalog.=) 'html' THEN E'<table>\n' OPERATOR(pg_catalog.||) t OPERATOR(pg_catalog.||) E'\n</table>\n'
                                           ELSE t OPERATOR(pg_catalog.||) E'\n\n' END;
    END IF;
    -- the metrics of the theme, per sector and member state, from the two snapshots
    IF th.code OPERATOR(pg_catalog.<>) 'cooperation' AND sa IS NOT NULL AND sb IS NOT NULL THEN
      WITH a AS (SELECT s.sector_code, s.member_state, s.metrics FROM @extschema@.metric_snapshot s
                 WHERE s.snapshot_id OPERATOR(pg_catalog.=) sa AND s.function_code IS NULL),
           b AS (SELECT s.sector_code, s.member_state, s.metrics FROM @extschema@.metric_snapshot s
                 WHERE s.snapshot_id OPERATOR(pg_catalog.=) sb AND s.function_code IS NULL),
           j AS (SELECT COALESCE(a.sector_code, b.sector_code) AS sc, COALESCE(a.member_state, b.member_state) AS ms,
                        COALESCE(a.metrics, '{}'::jsonb) AS am, COALESCE(b.metrics, '{}'::jsonb) AS bm
                 FROM a FULL JOIN b ON a.sector_code OPERATOR(pg_catalog.=) b.sector_code
                                   AND (a.member_state OPERATOR(pg_catalog.=) b.member_state OR (a.member_state IS NULL AND b.member_state IS NULL)))
      SELECT pg_catalog.string_agg(@extschema@.report_line(
               ARRAY[sec.name, COALESCE(j.ms, 'EU')] OPERATOR(pg_catalog.||) CASE WHEN th.code OPERATOR(pg_catalog.=) 'risk_management' THEN ARRAY[
                 @extschema@.review_change((j.am OPERATOR(pg_catalog.->>) 'hrv_share')::numeric OPERATOR(pg_catalog.*) 100, (j.bm OPERATOR(pg_catalog.->>) 'hrv_share')::numeric OPERATOR(pg_catalog.*) 100, 1),
                 @extschema@.review_change((j.am OPERATOR(pg_catalog.->>) 'unassessed_share')::numeric OPERATOR(pg_catalog.*) 100, (j.bm OPERATOR(pg_catalog.->>) 'unassessed_share')::numeric OPERATOR(pg_catalog.*) 100, 1),
                 @extschema@.review_change((j.am OPERATOR(pg_catalog.->>) 'contract_gap_edges')::numeric, (j.bm OPERATOR(pg_catalog.->>) 'contract_gap_edges')::numeric)]
               ELSE ARRAY[
                 @extschema@.review_change((j.am OPERATOR(pg_catalog.->>) 'hhi')::numeric, (j.bm OPERATOR(pg_catalog.->>) 'hhi')::numeric),
                 @extschema@.review_change((j.am OPERATOR(pg_catalog.->>) 'cr4')::numeric OPERATOR(pg_catalog.*) 100, (j.bm OPERATOR(pg_catalog.->>) 'cr4')::numeric OPERATOR(pg_catalog.*) 100, 1),
                 @extschema@.review_change((j.am OPERATOR(pg_catalog.->>) 'effective_suppliers')::numeric, (j.bm OPERATOR(pg_catalog.->>) 'effective_suppliers')::numeric, 1),
                 @extschema@.review_change((j.am OPERATOR(pg_catalog.->>) 'gaps')::numeric, (j.bm OPERATOR(pg_catalog.->>) 'gaps')::numeric)] END, fmt),
               E'\n' ORDER BY sec.name, j.ms NULLS FIRST)
      INTO m
      FROM j JOIN @extschema@.sector sec ON sec.code OPERATOR(pg_catalog.=) j.sc
      -- rows with supply in either snapshot (a sector without data has nothing to compare)
      WHERE COALESCE((j.am OPERATOR(pg_catalog.->>) 'weight')::float8, 0::float8) OPERATOR(pg_catalog.>) 0::float8
         OR COALESCE((j.bm OPERATOR(pg_catalog.->>) 'weight')::float8, 0::float8) OPERATOR(pg_catalog.>) 0::float8;
      IF m IS NULL THEN
        body := body OPERATOR(pg_catalog.||) pg_catalog.format(para, @extschema@.report_escape(snapln OPERATOR(pg_catalog.||) ' They hold no sector row with supply that you may see.', fmt));
      ELSE
        m := @extschema@.report_line(CASE WHEN th.code OPERATOR(pg_catalog.=) 'risk_management'
                                          THEN ARRAY['Sector', 'Member state', 'High-risk %', 'Unassessed %', 'Contract gap edges']
                                          ELSE ARRAY['Sector', 'Member state', 'HHI', 'CR4 %', 'Effective suppliers', 'Multi-vendor gaps'] END, fmt, true)
             OPERATOR(pg_catalog.||) E'\n' OPERATOR(pg_catalog.||) m;
        body := body OPERATOR(pg_catalog.||) pg_catalog.format(para, @extschema@.report_escape(snapln, fmt))
                OPERATOR(pg_catalog.||) CASE WHEN fmt OPERATOR(pg_catalog.=) 'html' THEN E'<table>\n' OPERATOR(pg_catalog.||) m OPERATOR(pg_catalog.||) E'\n</table>\n'
                                             ELSE m OPERATOR(pg_catalog.||) E'\n' END;
      END IF;
    ELSIF th.code OPERATOR(pg_catalog.<>) 'cooperation' THEN
      body := body OPERATOR(pg_catalog.||) pg_catalog.format(para, @extschema@.report_escape(snapln, fmt));
    END IF;
    IF fmt OPERATOR(pg_catalog.=) 'html' THEN
      body := body OPERATOR(pg_catalog.||) E'</section>\n';
    END IF;
  END LOOP;
  t := pg_catalog.format('One-year review: round %s to round %s', from_round, to_round);
  IF fmt OPERATOR(pg_catalog.=) 'html' THEN
    RETURN @extschema@.report_html_document(t, pg_catalog.format(E'<h1>%s</h1>\n%s', @extschema@.report_escape(t, 'html'), pg_catalog.rtrim(body, E'\n')));
  END IF;
  RETURN pg_catalog.format(E'# %s\n%s', @extschema@.report_escape(t, 'markdown'), pg_catalog.rtrim(body, E'\n') OPERATOR(pg_catalog.||) E'\n');
END
$$;
COMMENT ON FUNCTION @extschema@.review_report(text, text, text) IS
  'The one-year review as Markdown or HTML text, by theme (risk management, multi-vendor strategies, cooperation): measure progress between two reporting rounds (member states per status in each round and the change; confidential observations counted, never shown) and, from the snapshots standing for the rounds (review_round_snapshot), the change in high-risk share, unassessed share and contract gaps, or in HHI, CR4, effective suppliers and multi-vendor gaps, per sector and member state.';
-- Reports people look at (issue 16): inline SVG charts and the self-contained HTML document
-- around them. No script, no external resource; every chart has a <title> and a <desc> (its
-- text alternative), axis labels with units and its source line; colours from the Okabe-Ito
-- palette (colour-blind safe); names escaped, isolated for right-to-left text, cut to fit.

-- A name or label as SVG or HTML text: escaped (& < > " '), cut to maxlen characters with an
-- ellipsis (0: not cut), between Unicode isolates (FSI ... PDI) so that right-to-left names do
-- not reorder the text around them.
CREATE FUNCTION @extschema@.report_svg_text(v text, maxlen integer DEFAULT 0) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT pg_catalog.chr(8296) OPERATOR(pg_catalog.||)
         @extschema@.report_escape(CASE WHEN $2 OPERATOR(pg_catalog.>) 0 AND pg_catalog.length(COALESCE($1, '')) OPERATOR(pg_catalog.>) $2
                                        THEN pg_catalog.left($1, $2 OPERATOR(pg_catalog.-) 1) OPERATOR(pg_catalog.||) pg_catalog.chr(8230)
                                        ELSE COALESCE($1, '') END, 'html')
         OPERATOR(pg_catalog.||) pg_catalog.chr(8297)
$$;
COMMENT ON FUNCTION @extschema@.report_svg_text(text, integer) IS 'Text for an SVG chart or HTML report: escaped, cut to maxlen characters with an ellipsis (0: whole), isolated for right-to-left text (U+2068 ... U+2069).';

-- A number as a chart prints it: 'int' (rounded), 'pct' (a share 0..1 as percent, one decimal)
CREATE FUNCTION @extschema@.report_number(v float8, fmt text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN $1 IS NULL THEN 'n/a'
              WHEN $2 OPERATOR(pg_catalog.=) 'pct' THEN pg_catalog.round(($1 OPERATOR(pg_catalog.*) 100)::numeric, 1)::text OPERATOR(pg_catalog.||) '%'
              ELSE pg_catalog.round($1::numeric, 0)::text END
$$;
COMMENT ON FUNCTION @extschema@.report_number(float8, text) IS 'A value as charts print it: int (rounded) or pct (a 0..1 share in percent, one decimal); n/a for NULL.';

-- (The PL/pgSQL chart functions pin search_path = pg_catalog, pg_temp, so their plain operators
-- are pg_catalog's and keep their precedence; OPERATOR() would make every operator left-associative.)

-- A horizontal bar chart: one row per label, one or two series (vals2 NULL: one), values from
-- 0 to xmax; zones: the eu2004 concentration bands (HHI) drawn behind the bars. The height
-- grows with the rows (20 px each), so 27 member states or long names never overlap.
CREATE FUNCTION @extschema@.report_svg_bars(cid text, title text, description text, labels text[], vals float8[],
                                            vals2 float8[], series text[], xmax float8, unit text, fmt text,
                                            source text, zones boolean DEFAULT false) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  w   CONSTANT integer := 760;
  l   CONSTANT integer := 250;   -- label column
  pw  CONSTANT integer := 430;   -- plot width
  rh  CONSTANT integer := 20;    -- row height
  t   CONSTANT integer := 52;    -- title, legend
  n   integer := COALESCE(pg_catalog.cardinality(labels), 0);
  h   integer;
  xm  float8 := CASE WHEN xmax IS NULL OR xmax <= 0 THEN 1 ELSE xmax END;
  out text;
  i   integer;
  y   integer;
  bw  float8;
  two boolean := vals2 IS NOT NULL;
  col CONSTANT text[] := ARRAY['#0072B2', '#E69F00'];
  z   record;
BEGIN
  h := t + n * rh + 58;
  out := pg_catalog.format('<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="%1$s-t %1$s-d" width="%2$s" height="%3$s" viewBox="0 0 %2$s %3$s" font-family="DejaVu Sans, Arial, sans-serif" font-size="11">'
                           '<title id="%1$s-t">%4$s</title><desc id="%1$s-d">%5$s</desc>'
                           '<text x="0" y="16" font-size="14" font-weight="bold">%4$s</text>',
                           cid, w, h, @extschema@.report_svg_text(title), @extschema@.report_svg_text(description));
  IF zones THEN  -- eu2004: low below 1000, moderate 1000 to 2000, high above
    FOR z IN SELECT * FROM (VALUES (0::float8, 1000::float8, 'low', '#E3F1E8'), (1000, 2000, 'moderate', '#FBF0D5'),
                                   (2000, 10000, 'high', '#F7DDD3')) x(a, b, name, fill) LOOP
      IF z.a < xm THEN
        out := out || pg_catalog.format(
          '<rect x="%s" y="%s" width="%s" height="%s" fill="%s"/><text x="%s" y="%s" font-size="8" fill="#555">%s</text>',
          pg_catalog.round((l + pw * z.a / xm)::numeric, 1), t - 4,
          pg_catalog.round((pw * (LEAST(z.b, xm) - z.a) / xm)::numeric, 1),
          n * rh + 4, z.fill,
          pg_catalog.round((l + 3 + pw * z.a / xm)::numeric, 1), t - 7,
          z.name);
      END IF;
    END LOOP;
  END IF;
  IF zones THEN
    out := out || pg_catalog.format('<text x="%s" y="33" font-size="9" fill="#555">Bands (EU 2004 guidelines): low below 1,000; moderate 1,000 to 2,000; high above 2,000</text>', l);
  END IF;
  IF two THEN  -- legend
    out := out || pg_catalog.format(
      '<rect x="%s" y="24" width="10" height="10" fill="%s"/><text x="%s" y="33">%s</text><rect x="%s" y="24" width="10" height="10" fill="%s"/><text x="%s" y="33">%s</text>',
      l, col[1], l + 14, @extschema@.report_svg_text(series[1], 30),
      l + 220, col[2], l + 234, @extschema@.report_svg_text(series[2], 30));
  END IF;
  -- grid, ticks and their values
  FOR i IN 0..5 LOOP
    out := out || pg_catalog.format(
      '<line x1="%1$s" y1="%2$s" x2="%1$s" y2="%3$s" stroke="#BBBBBB" stroke-width="0.5"/><text x="%1$s" y="%4$s" text-anchor="middle" font-size="9">%5$s</text>',
      pg_catalog.round((l + pw * i / 5.0)::numeric, 1), t,
      t + n * rh, t + n * rh + 13,
      @extschema@.report_number(xm * i / 5.0, fmt));
  END LOOP;
  out := out || pg_catalog.format(
    '<text x="%s" y="%s" text-anchor="middle" font-size="10">%s</text>',
    l + pw / 2, t + n * rh + 28, @extschema@.report_svg_text(unit));
  -- the rows
  FOR i IN 1..n LOOP
    y := t + (i - 1) * rh;
    out := out || pg_catalog.format(
      '<g><title>%s</title><text x="%s" y="%s" text-anchor="end">%s</text>',
      @extschema@.report_svg_text(labels[i] || ': ' || @extschema@.report_number(vals[i], fmt)
                                  || CASE WHEN two THEN ', ' || @extschema@.report_number(vals2[i], fmt) ELSE '' END),
      l - 6, y + 14, @extschema@.report_svg_text(labels[i], 38));
    bw := pw * LEAST(GREATEST(COALESCE(vals[i], 0), 0), xm) / xm;
    out := out || pg_catalog.format(
      '<rect x="%s" y="%s" width="%s" height="%s" fill="%s"/><text x="%s" y="%s" font-size="9">%s</text>',
      l, y + CASE WHEN two THEN 2 ELSE 4 END, pg_catalog.round(bw::numeric, 1), CASE WHEN two THEN 8 ELSE 12 END, col[1],
      pg_catalog.round((l + bw + 3)::numeric, 1), y + CASE WHEN two THEN 9 ELSE 14 END,
      @extschema@.report_number(vals[i], fmt));
    IF two THEN
      bw := pw * LEAST(GREATEST(COALESCE(vals2[i], 0), 0), xm) / xm;
      out := out || pg_catalog.format(
        '<rect x="%s" y="%s" width="%s" height="8" fill="%s"/><text x="%s" y="%s" font-size="9">%s</text>',
        l, y + 11, pg_catalog.round(bw::numeric, 1), col[2],
        pg_catalog.round((l + bw + 3)::numeric, 1), y + 18,
        @extschema@.report_number(vals2[i], fmt));
    END IF;
    out := out || '</g>';
  END LOOP;
  out := out || pg_catalog.format('<text x="0" y="%s" font-size="9" fill="#555">Source: %s</text></svg>',
                                                       h - 6, @extschema@.report_svg_text(source, 130));
  RETURN out;
END
$$;
COMMENT ON FUNCTION @extschema@.report_svg_bars(text, text, text, text[], float8[], float8[], text[], float8, text, text, text, boolean) IS
  'An inline SVG horizontal bar chart (id cid): title and desc, one row per label (names cut to 38 characters, whole in the row''s title), one or two series with a legend, ticks and an axis label with the unit, the eu2004 concentration bands behind HHI bars (zones), the source line.';

-- A round upper bound for an axis: 1, 2 or 5 times a power of ten, at least v
CREATE FUNCTION @extschema@.report_nice_max(v float8) RETURNS float8
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN $1 IS NULL OR $1 OPERATOR(pg_catalog.<=) 0 THEN 1::float8
              ELSE (SELECT pg_catalog.min(m OPERATOR(pg_catalog.*) p) FROM (SELECT pg_catalog.power(10::float8, pg_catalog.floor(pg_catalog.log($1)))) x(p),
                           (VALUES (1::float8), (2), (5), (10)) y(m)
                    WHERE m OPERATOR(pg_catalog.*) p OPERATOR(pg_catalog.>=) $1) END
$$;
COMMENT ON FUNCTION @extschema@.report_nice_max(float8) IS 'A round axis maximum for a value: the least of 1, 2, 5 or 10 times a power of ten that is at least v (1 for NULL or v <= 0).';

-- A line chart of one series over labelled points (snapshots), values from 0 to ymax
CREATE FUNCTION @extschema@.report_svg_line(cid text, title text, description text, xlabels text[], vals float8[],
                                            ymax float8, unit text, fmt text, source text) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  w   CONSTANT integer := 760;
  l   CONSTANT integer := 70;
  pw  CONSTANT integer := 650;
  t   CONSTANT integer := 36;
  ph  CONSTANT integer := 200;
  h   CONSTANT integer := 36 + 200 + 64;
  n   integer := COALESCE(pg_catalog.cardinality(vals), 0);
  ym  float8 := CASE WHEN ymax IS NULL OR ymax <= 0 THEN 1 ELSE ymax END;
  out text;
  pts text := '';
  i   integer;
  x   float8;
  y   float8;
  every integer := GREATEST(1, pg_catalog.ceil(n / 8.0)::integer);
BEGIN
  out := pg_catalog.format('<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="%1$s-t %1$s-d" width="%2$s" height="%3$s" viewBox="0 0 %2$s %3$s" font-family="DejaVu Sans, Arial, sans-serif" font-size="11">'
                           '<title id="%1$s-t">%4$s</title><desc id="%1$s-d">%5$s</desc>'
                           '<text x="0" y="16" font-size="14" font-weight="bold">%4$s</text>',
                           cid, w, h, @extschema@.report_svg_text(title), @extschema@.report_svg_text(description));
  FOR i IN 0..4 LOOP
    y := t + ph - ph * i / 4.0;
    out := out || pg_catalog.format(
      '<line x1="%1$s" y1="%2$s" x2="%3$s" y2="%2$s" stroke="#BBBBBB" stroke-width="0.5"/><text x="%4$s" y="%5$s" text-anchor="end" font-size="9">%6$s</text>',
      l, pg_catalog.round(y::numeric, 1), l + pw, l - 4, pg_catalog.round((y + 3)::numeric, 1),
      @extschema@.report_number(ym * i / 4.0, fmt));
  END LOOP;
  out := out || pg_catalog.format(
    '<text x="12" y="%s" text-anchor="middle" font-size="10" transform="rotate(-90 12 %s)">%s</text>',
    t + ph / 2, t + ph / 2, @extschema@.report_svg_text(unit));
  FOR i IN 1..n LOOP
    x := l + CASE WHEN n = 1 THEN pw / 2.0
                                       ELSE pw * (i - 1) / (n - 1)::float8 END;
    y := t + ph - ph * LEAST(GREATEST(COALESCE(vals[i], 0), 0), ym) / ym;
    pts := pts || pg_catalog.format('%s,%s ', pg_catalog.round(x::numeric, 1), pg_catalog.round(y::numeric, 1));
    out := out || pg_catalog.format('<circle cx="%s" cy="%s" r="3" fill="#D55E00"><title>%s</title></circle>',
             pg_catalog.round(x::numeric, 1), pg_catalog.round(y::numeric, 1),
             @extschema@.report_svg_text(xlabels[i] || ': ' || @extschema@.report_number(vals[i], fmt)));
    IF (i - 1) % every = 0 OR i = n THEN
      out := out || pg_catalog.format('<text x="%s" y="%s" text-anchor="middle" font-size="9">%s</text>',
               pg_catalog.round(x::numeric, 1), t + ph + 14, @extschema@.report_svg_text(xlabels[i], 16));
    END IF;
  END LOOP;
  out := out || pg_catalog.format('<polyline points="%s" fill="none" stroke="#D55E00" stroke-width="2"/>', pg_catalog.rtrim(pts))
         || pg_catalog.format('<text x="%s" y="%s" text-anchor="middle" font-size="10">Snapshot (date taken)</text>',
                                                   l + pw / 2, t + ph + 32)
         || pg_catalog.format('<text x="0" y="%s" font-size="9" fill="#555">Source: %s</text></svg>',
                                                   h - 6, @extschema@.report_svg_text(source, 130));
  RETURN out;
END
$$;
COMMENT ON FUNCTION @extschema@.report_svg_line(text, text, text, text[], float8[], float8, text, text, text) IS
  'An inline SVG line chart (id cid): title and desc, one point per label (at most eight labels printed, every point titled), the value axis with its unit, the source line.';

-- The self-contained HTML document of a report: inline CSS (screen and A4 print: each section
-- on a page of its own), no script, no external resource.
CREATE FUNCTION @extschema@.report_html_document(title text, body text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT pg_catalog.format(E'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
    '<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>%s</title>\n<style>\n'
    'body{font-family:"DejaVu Sans",Arial,sans-serif;font-size:12px;color:#222;margin:24px;max-width:1000px}\n'
    'h1{font-size:20px;margin:0 0 4px}h2{font-size:15px;margin:18px 0 6px}\n'
    'table{border-collapse:collapse;font-size:11px;margin:4px 0}th,td{border:1px solid #BBB;padding:2px 6px;text-align:left}th{background:#EEE}\n'
    '.source{color:#555;font-size:11px}.notice{border-left:4px solid #D55E00;background:#FDF0E6;padding:4px 8px}\n'
    '.empty{color:#555;font-style:italic}svg{display:block;max-width:100%%;height:auto}\n'
    '@page{size:A4;margin:12mm}\n'
    '@media print{body{margin:0;max-width:none}section{break-before:page}section:first-of-type{break-before:auto}'
    'svg,tr{break-inside:avoid}}\n'
    '</style>\n</head>\n<body>\n%s\n</body>\n</html>\n',
    @extschema@.report_escape($1, 'html'), $2)
$$;
COMMENT ON FUNCTION @extschema@.report_html_document(text, text) IS 'A self-contained HTML5 report around its body: inline CSS (A4 print, each section on its own page), no script, no external resource.';

-- "<section><h2>heading</h2>content</section>", or the reason it is empty
CREATE FUNCTION @extschema@.report_section(heading text, content text, empty_reason text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT pg_catalog.format(E'<section>\n<h2>%s</h2>\n%s\n</section>\n', @extschema@.report_escape($1, 'html'),
           COALESCE($2, pg_catalog.format('<p class="empty">%s</p>', @extschema@.report_escape($3, 'html'))))
$$;
COMMENT ON FUNCTION @extschema@.report_section(text, text, text) IS 'A section of an HTML report: its heading and content, or a paragraph saying why it is empty.';

-- The chart sections of sector_report (one sector, or the EU overview with sector NULL), from
-- the rows the dashboard views read (rollups, or live before the first refresh) and the
-- snapshots; each chart from the rows the caller may see (row-level security).
CREATE FUNCTION @extschema@.sector_report_charts(sector text, source text) RETURNS text
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  eu   boolean := sector IS NULL;
  lab  text[];
  v1   float8[];
  v2   float8[];
  gm   @extschema@.supply_mix;
  cm   @extschema@.supply_mix;
  out  text := '';
  none text := CASE WHEN sector IS NULL THEN 'No supply is recorded in any sector you may see: there is nothing to chart.'
                    ELSE 'No supply is recorded for this sector in the member states you may see: there is nothing to chart.' END;
  what text := CASE WHEN sector IS NULL THEN 'all sectors' ELSE 'the sector' END;
BEGIN
  -- concentration: by member state (a sector) or by sector (the EU overview)
  IF eu THEN
    SELECT pg_catalog.array_agg(o.sector_name ORDER BY o.hhi DESC, o.sector_code), pg_catalog.array_agg(o.hhi ORDER BY o.hhi DESC, o.sector_code)
    INTO lab, v1 FROM @extschema@.sector_overview o WHERE o.member_state IS NULL AND o.hhi IS NOT NULL;
  ELSE
    SELECT pg_catalog.array_agg(COALESCE(c.name, o.member_state) || ' (' || o.member_state || ')' ORDER BY o.hhi DESC, o.member_state),
           pg_catalog.array_agg(o.hhi ORDER BY o.hhi DESC, o.member_state)
    INTO lab, v1 FROM @extschema@.sector_overview o LEFT JOIN @extschema@.country c ON c.code = o.member_state
    WHERE o.sector_code = sector AND o.member_state IS NOT NULL AND o.hhi IS NOT NULL;
  END IF;
  out := out || @extschema@.report_section(
    CASE WHEN eu THEN 'Concentration by sector' ELSE 'Concentration by member state' END,
    CASE WHEN lab IS NOT NULL THEN @extschema@.report_svg_bars('hhi',
      CASE WHEN eu THEN 'HHI of each sector, EU-wide' ELSE 'HHI by member state' END,
      pg_catalog.format('Herfindahl-Hirschman index over supplier groups, %s, on 0 to 10,000, with the EU 2004 concentration bands (low below 1,000, high above 2,000). Highest: %s, %s.',
                        CASE WHEN eu THEN 'per sector pooled over the member states' ELSE 'per member state' END, lab[1], pg_catalog.round(v1[1]::numeric, 0)),
      lab, v1, NULL, NULL, 10000, 'HHI (0 to 10,000)', 'int', source, true) END, none);
  -- the largest supplier groups and the country of origin: the merge of the visible member-state rows
  SELECT @extschema@.supply_mix_union(r.group_mix), @extschema@.supply_mix_union(r.country_mix) INTO gm, cm
  FROM @extschema@.sector_stats_read(false, CURRENT_DATE, NULL, false, sector) r
  WHERE r.member_state IS NOT NULL AND r.function_code IS NULL AND r.group_mix IS NOT NULL;
  lab := NULL; v1 := NULL;
  IF gm IS NOT NULL AND @extschema@.key_count(gm) > 0 THEN
    SELECT pg_catalog.array_agg(COALESCE(t.name, t.key) ORDER BY t.rank), pg_catalog.array_agg(t.share ORDER BY t.rank) INTO lab, v1
    FROM @extschema@.top_shares_named(gm, 10) t;
  END IF;
  out := out || @extschema@.report_section('Largest supplier groups',
    CASE WHEN lab IS NOT NULL THEN @extschema@.report_svg_bars('top',
      pg_catalog.format('The %s largest supplier groups', pg_catalog.cardinality(lab)),
      pg_catalog.format('Share of the supply weight of %s held by each of the largest supplier groups (ultimate controllers); the largest, %s, holds %s.',
                        what, lab[1], @extschema@.report_number(v1[1], 'pct')),
      lab, v1, NULL, NULL, LEAST(1.0, pg_catalog.ceil(v1[1] * 10) / 10), 'Share of the supply weight (%)', 'pct', source) END, none);
  lab := NULL; v1 := NULL;
  IF cm IS NOT NULL AND @extschema@.key_count(cm) > 0 THEN
    SELECT ARRAY['EU member states (all)', 'Outside the EU (all)'] || pg_catalog.array_agg(COALESCE(t.name, t.key) ORDER BY t.rank),
           ARRAY[@extschema@.share(cm, (SELECT @extschema@.eu_member_codes())), 1 - @extschema@.share(cm, (SELECT @extschema@.eu_member_codes()))]
             || pg_catalog.array_agg(t.share ORDER BY t.rank)
    INTO lab, v1 FROM @extschema@.top_shares_named(cm, 8) t;
  END IF;
  out := out || @extschema@.report_section('Country of origin',
    CASE WHEN lab IS NOT NULL THEN @extschema@.report_svg_bars('origin', 'Country of origin of the supply',
      pg_catalog.format('Share of the supply weight of %s by headquarters country of the supplier group: %s from the EU, %s from outside; then the largest countries.',
                        what, @extschema@.report_number(v1[1], 'pct'), @extschema@.report_number(v1[2], 'pct')),
      lab, v1, NULL, NULL, 1, 'Share of the supply weight (%)', 'pct', source) END, none);
  -- high-risk and unassessed share
  lab := NULL; v1 := NULL;
  IF eu THEN
    SELECT pg_catalog.array_agg(o.sector_name ORDER BY o.hrv_share DESC NULLS LAST, o.sector_code), pg_catalog.array_agg(o.hrv_share ORDER BY o.hrv_share DESC NULLS LAST, o.sector_code),
           pg_catalog.array_agg(o.unassessed_share ORDER BY o.hrv_share DESC NULLS LAST, o.sector_code)
    INTO lab, v1, v2 FROM @extschema@.sector_overview o WHERE o.member_state IS NULL AND o.hhi IS NOT NULL;
  ELSE
    SELECT pg_catalog.array_agg(COALESCE(c.name, o.member_state) || ' (' || o.member_state || ')' ORDER BY o.hrv_share DESC NULLS LAST, o.member_state),
           pg_catalog.array_agg(o.hrv_share ORDER BY o.hrv_share DESC NULLS LAST, o.member_state),
           pg_catalog.array_agg(o.unassessed_share ORDER BY o.hrv_share DESC NULLS LAST, o.member_state)
    INTO lab, v1, v2 FROM @extschema@.sector_overview o LEFT JOIN @extschema@.country c ON c.code = o.member_state
    WHERE o.sector_code = sector AND o.member_state IS NOT NULL AND o.hhi IS NOT NULL;
  END IF;
  out := out || @extschema@.report_section('High-risk and unassessed supply',
    CASE WHEN lab IS NOT NULL THEN @extschema@.report_svg_bars('risk',
      CASE WHEN eu THEN 'High-risk and unassessed share by sector' ELSE 'High-risk and unassessed share by member state' END,
      pg_catalog.format('Share of the supply weight from high-risk suppliers and from suppliers not assessed enough to be scored, %s. Highest high-risk share: %s, %s.',
                        CASE WHEN eu THEN 'per sector' ELSE 'per member state' END, lab[1], @extschema@.report_number(v1[1], 'pct')),
      lab, v1, v2, ARRAY['High-risk suppliers', 'Unassessed suppliers'], 1, 'Share of the supply weight (%)', 'pct', source) END, none);
  -- the HHI trend across the snapshots: the merge of the visible member-state states of each
  lab := NULL; v1 := NULL;
  SELECT pg_catalog.array_agg(x.lbl ORDER BY x.taken_at, x.snapshot_id), pg_catalog.array_agg(x.h ORDER BY x.taken_at, x.snapshot_id) INTO lab, v1
  FROM (SELECT s.snapshot_id, s.taken_at, pg_catalog.to_char(s.taken_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS lbl,
               @extschema@.hhi(@extschema@.supply_mix_union(m.group_mix)) AS h
        FROM @extschema@.snapshot s JOIN @extschema@.metric_snapshot m ON m.snapshot_id = s.snapshot_id
        WHERE m.member_state IS NOT NULL AND m.function_code IS NULL AND m.group_mix IS NOT NULL
          AND (sector IS NULL OR m.sector_code = sector)
        GROUP BY s.snapshot_id, s.taken_at) x
  WHERE x.h IS NOT NULL;
  out := out || @extschema@.report_section('Concentration over time',
    CASE WHEN pg_catalog.cardinality(lab) >= 2 THEN @extschema@.report_svg_line('trend', 'HHI across the snapshots',
      pg_catalog.format('HHI over supplier groups of %s at each of %s snapshots, from %s on %s to %s on %s.', what, pg_catalog.cardinality(lab),
                        pg_catalog.round(v1[1]::numeric, 0), lab[1], pg_catalog.round(v1[pg_catalog.cardinality(v1)]::numeric, 0), lab[pg_catalog.cardinality(lab)]),
      lab, v1, @extschema@.report_nice_max((SELECT pg_catalog.max(u) FROM pg_catalog.unnest(v1) u)),
      'HHI (0 to 10,000)', 'int', 'snapshots (take_snapshot); ' || source) END,
    CASE WHEN COALESCE(pg_catalog.cardinality(lab), 0) = 1 THEN 'One snapshot only: a trend needs two (take_snapshot, e.g. monthly with schedule_snapshot).'
         ELSE 'No snapshot with supply yet: a trend needs two (take_snapshot, e.g. monthly with schedule_snapshot).' END);
  RETURN out;
END
$$;
COMMENT ON FUNCTION @extschema@.sector_report_charts(text, text) IS
  'The chart sections of sector_report''s html: concentration by member state (a sector) or by sector (the EU overview) with the concentration bands, the largest supplier groups, the country of origin, high-risk and unassessed share, and the HHI trend across the snapshots (from two); each chart over the rows the caller may see, or a sentence saying why it is empty.';
-- Cross-sector concentration (issue 18): function_overview (per ICT function, every sector
-- pooled), assessment_overview (the scope of a coordinated risk assessment), and the function
-- rows of the snapshots (function_trend).

-- The function rows of sector_stats_levels for a date and methodology, computed live, with the
-- number of sectors each function is supplied in (what refresh() writes into function_rollup).
CREATE FUNCTION @extschema@.function_stats_at(as_of date DEFAULT CURRENT_DATE, methodology text DEFAULT NULL)
RETURNS SETOF @extschema@.function_rollup
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  WITH x AS MATERIALIZED (  -- one computation: the function rows and the sector rows they are counted in
    SELECT y.* FROM @extschema@.sector_stats_levels(false, $1, $2, true, NULL, false, true) y WHERE y.function_code IS NOT NULL
  )
  SELECT x.function_code, x.member_state, COALESCE(c.n, 0)::integer, x.group_mix, x.country_mix, x.entities, x.single_sourced,
         x.single_sourced_critical, x.weight, x.hrv_weight, x.weight_critical, x.hrv_weight_critical, x.risk_weight,
         x.suppliers, x.hhi, x.cr1, x.cr4, x.effective_suppliers, x.country_hhi, x.hrv_share, x.hrv_share_critical,
         x.non_eu_share, x.mean_risk, x.concentration_level, x.top_suppliers, x.unassessed_weight, x.unassessed_share,
         x.contract_gap_edges
  FROM x
  LEFT JOIN (SELECT s.function_code, COALESCE(s.member_state, '') AS ms, pg_catalog.count(*) AS n
             FROM x s WHERE s.sector_code IS NOT NULL GROUP BY 1, 2) c
    ON c.function_code OPERATOR(pg_catalog.=) x.function_code AND c.ms OPERATOR(pg_catalog.=) COALESCE(x.member_state, '')
  WHERE x.sector_code IS NULL
$$;
COMMENT ON FUNCTION @extschema@.function_stats_at(date, text) IS
  'Statistics per ICT function and member state (NULL: EU-wide), every sector pooled, from the supply valid at as_of: the function rows of sector_stats_levels (the same pass as the sector rows) with the number of sectors each function is supplied in. What refresh() stores in function_rollup.';

-- What function_overview and assessment_overview read: the rollups once refresh() has run,
-- else (or when live) the live computation; the branch is chosen before planning (see
-- sector_stats_read).
CREATE FUNCTION @extschema@.function_stats_read(live boolean, as_of date DEFAULT CURRENT_DATE, methodology text DEFAULT NULL,
                                                functions text[] DEFAULT NULL, eu_only boolean DEFAULT false)
RETURNS SETOF @extschema@.function_rollup
LANGUAGE plpgsql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp
SET plan_cache_mode = force_custom_plan AS $$
BEGIN
  -- live too while the rollups hold no function row (refreshed before 0.2.0, or no supply)
  IF live OR NOT EXISTS (SELECT 1 FROM @extschema@.rollup_refresh) OR NOT EXISTS (SELECT 1 FROM @extschema@.function_rollup) THEN
    RETURN QUERY SELECT x.* FROM @extschema@.function_stats_at(as_of, methodology) x
                 WHERE (functions IS NULL OR x.function_code OPERATOR(pg_catalog.=) ANY (functions)) AND (NOT eu_only OR x.member_state IS NULL);
  ELSE  -- (some functions, or the EU-wide rows: by function_rollup_unique)
    RETURN QUERY SELECT r.* FROM @extschema@.function_rollup r
                 WHERE (functions IS NULL OR r.function_code OPERATOR(pg_catalog.=) ANY (functions)) AND (NOT eu_only OR r.member_state IS NULL);
  END IF;
END
$$;
COMMENT ON FUNCTION @extschema@.function_stats_read(boolean, date, text, text[], boolean) IS
  'The function rows (of some functions, NULL: all; eu_only: the EU-wide rows only): from the rollups of the last refresh() (function_rollup), or computed live (function_stats_at) when live is true, before the first refresh, or while function_rollup is empty (rollups refreshed before 0.2.0).';

CREATE FUNCTION @extschema@.function_overview_rows(live boolean, as_of date DEFAULT CURRENT_DATE, methodology text DEFAULT NULL)
RETURNS TABLE (function_code text, function_name text, criticality text, member_state text, sectors integer,
               entities bigint, suppliers integer, hhi float8, cr1 float8, cr4 float8, effective_suppliers float8,
               hrv_share float8, unassessed_share float8, non_eu_share float8, country_hhi float8, top_suppliers text,
               single_supplier_entities bigint, concentration_level text, contract_gap_edges bigint)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
SELECT r.function_code, fn.name, fn.criticality, r.member_state, r.sectors, r.entities, r.suppliers, r.hhi, r.cr1, r.cr4,
       r.effective_suppliers, r.hrv_share, r.unassessed_share, r.non_eu_share, r.country_hhi, r.top_suppliers,
       r.single_sourced, r.concentration_level, r.contract_gap_edges
FROM @extschema@.function_stats_read($1, $2, $3) r
JOIN @extschema@.ict_function fn ON fn.code OPERATOR(pg_catalog.=) r.function_code
$$;
COMMENT ON FUNCTION @extschema@.function_overview_rows(boolean, date, text) IS
  'The rows of function_overview, live or from the rollups (see function_stats_read).';

CREATE FUNCTION @extschema@.function_overview_at(as_of date DEFAULT CURRENT_DATE, methodology text DEFAULT NULL)
RETURNS TABLE (function_code text, function_name text, criticality text, member_state text, sectors integer,
               entities bigint, suppliers integer, hhi float8, cr1 float8, cr4 float8, effective_suppliers float8,
               hrv_share float8, unassessed_share float8, non_eu_share float8, country_hhi float8, top_suppliers text,
               single_supplier_entities bigint, concentration_level text, contract_gap_edges bigint)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT * FROM @extschema@.function_overview_rows(true, $1, $2)
$$;
COMMENT ON FUNCTION @extschema@.function_overview_at(date, text) IS 'The rows of function_overview for any date and methodology, computed live.';

CREATE VIEW @extschema@.function_overview WITH (security_invoker = true) AS
  SELECT * FROM @extschema@.function_overview_rows(false, CURRENT_DATE, NULL);
COMMENT ON VIEW @extschema@.function_overview IS 'Per ICT function, every sector pooled: a row per member state and an EU-wide row (member_state NULL). The systemic view: the same supplier group behind a function in many sectors at once. Read from the rollups of the last refresh() (function_rollup); computed live for today until the first refresh.';
DO $cm$
DECLARE c record;
BEGIN
  FOR c IN SELECT * FROM (VALUES
    ('function_code', 'ICT function.'),
    ('function_name', 'Its name.'),
    ('criticality', 'critical, sensitive or standard.'),
    ('member_state', 'Member state; NULL for the EU-wide row (the merge of the member states).'),
    ('sectors', 'Number of sectors in which the function is supplied.'),
    ('entities', 'Entities supplied with the function, all sectors.'),
    ('suppliers', 'Distinct supplier groups.'),
    ('hhi', 'HHI (0..10000) per supplier group of the supply pooled over every sector.'),
    ('cr1', 'Share (0..1) of the largest supplier group.'),
    ('cr4', 'Share (0..1) of the four largest supplier groups.'),
    ('effective_suppliers', 'Numbers equivalent 10000/HHI.'),
    ('hrv_share', 'Share (0..1) of the supply weight from high-risk suppliers.'),
    ('unassessed_share', 'Share (0..1) of the supply weight from unassessed suppliers.'),
    ('non_eu_share', 'Share (0..1) of the supply from supplier groups headquartered outside the EU.'),
    ('country_hhi', 'HHI of the supply by the headquarters country of the supplier group.'),
    ('top_suppliers', 'The three largest supplier groups with their shares, as text.'),
    ('single_supplier_entities', 'Entities served by a single supplier group for the function.'),
    ('concentration_level', 'Band of hhi under the EU 2004 guidelines (low, moderate, high).'),
    ('contract_gap_edges', 'Critical or sensitive supply edges whose contracts miss a clause of point 5.1.4; NULL while no contract check is recorded.')) x(col, txt) LOOP
    EXECUTE pg_catalog.format('COMMENT ON COLUMN @extschema@.function_overview.%I IS %L', c.col, c.txt);
  END LOOP;
END $cm$;

-- The sector rows of some ICT functions (sector, member state or EU-wide, group mix): from the
-- rollups, by index, or live before the first refresh; what the whole-scope and systemic rows
-- count sectors from (a narrow read, not every sector row).
CREATE FUNCTION @extschema@.sector_function_states(functions text[], eu_only boolean DEFAULT false)
RETURNS TABLE (sector_code text, member_state text, function_code text, group_mix @extschema@.supply_mix)
LANGUAGE plpgsql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM @extschema@.rollup_refresh) THEN
    RETURN QUERY SELECT x.sector_code, x.member_state, x.function_code, x.group_mix
                 FROM @extschema@.sector_stats_at(CURRENT_DATE, NULL) x
                 WHERE x.function_code OPERATOR(pg_catalog.=) ANY (functions) AND (NOT eu_only OR x.member_state IS NULL);
  ELSIF eu_only THEN  -- (by sector_rollup_function_idx)
    RETURN QUERY SELECT r.sector_code, r.member_state, r.function_code, r.group_mix
                 FROM @extschema@.sector_rollup r WHERE r.function_code OPERATOR(pg_catalog.=) ANY (functions) AND r.member_state IS NULL;
  ELSE
    RETURN QUERY SELECT r.sector_code, r.member_state, r.function_code, r.group_mix
                 FROM @extschema@.sector_rollup r WHERE r.function_code OPERATOR(pg_catalog.=) ANY (functions);
  END IF;
END
$$;
COMMENT ON FUNCTION @extschema@.sector_function_states(text[], boolean) IS
  'The sector rows (per member state and EU-wide; eu_only: EU-wide only) of some ICT functions with their group mix: from the rollups (by index), or live before the first refresh. What assessment_overview and systemic_dependencies count sectors from.';

-- The scope of a coordinated risk assessment: the function_overview rows of its ICT functions
-- and, per member state and EU-wide, a row for the whole scope (function_code NULL) merging
-- the states of its functions.
CREATE FUNCTION @extschema@.assessment_overview(code text)
RETURNS TABLE (assessment_code text, function_code text, function_name text, criticality text, member_state text,
               sectors integer, entities bigint, suppliers integer, hhi float8, cr1 float8, cr4 float8,
               effective_suppliers float8, hrv_share float8, unassessed_share float8, non_eu_share float8,
               country_hhi float8, top_suppliers text, single_supplier_entities bigint, concentration_level text,
               contract_gap_edges bigint)
LANGUAGE plpgsql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  known text;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM @extschema@.coordinated_assessment a WHERE a.code OPERATOR(pg_catalog.=) $1) THEN
    SELECT pg_catalog.string_agg(a.code, ', ' ORDER BY a.code) INTO known FROM @extschema@.coordinated_assessment a;
    RAISE EXCEPTION 'unknown coordinated assessment "%"', $1 USING ERRCODE = 'invalid_parameter_value',
      DETAIL = pg_catalog.format('The coordinated assessments are: %s.', COALESCE(known, 'none')),
      HINT = 'Add your own scope to supplyrisk.coordinated_assessment and supplyrisk.coordinated_assessment_function.';
  END IF;
  RETURN QUERY
  WITH scope AS (SELECT f.function_code FROM @extschema@.coordinated_assessment_function f
                 WHERE f.assessment_code OPERATOR(pg_catalog.=) $1),
  r AS MATERIALIZED (SELECT x.* FROM @extschema@.function_stats_read(false, CURRENT_DATE, NULL, ARRAY(SELECT scope.function_code FROM scope)) x),
  whole AS (  -- the functions' states merged: exact for the mixes and sums (entities are not
              -- additive across functions: an entity may use several)
    SELECT r.member_state, @extschema@.supply_mix_union(r.group_mix) AS gm, @extschema@.supply_mix_union(r.country_mix) AS cm,
           @extschema@.exact_sum(r.weight) AS w, @extschema@.exact_sum(r.hrv_weight) AS hw,
           @extschema@.exact_sum(r.unassessed_weight) AS uw, pg_catalog.sum(r.contract_gap_edges)::bigint AS cge
    FROM r GROUP BY r.member_state
  ),
  secs AS (  -- sectors in which any function of the scope is supplied
    SELECT COALESCE(s.member_state, '') AS ms, pg_catalog.count(DISTINCT s.sector_code)::integer AS n
    FROM @extschema@.sector_function_states(ARRAY(SELECT scope.function_code FROM scope)) s
    GROUP BY 1
  )
  SELECT $1, r.function_code, fn.name, fn.criticality, r.member_state, r.sectors, r.entities, r.suppliers, r.hhi, r.cr1, r.cr4,
         r.effective_suppliers, r.hrv_share, r.unassessed_share, r.non_eu_share, r.country_hhi, r.top_suppliers,
         r.single_sourced, r.concentration_level, r.contract_gap_edges
  FROM r JOIN @extschema@.ict_function fn ON fn.code OPERATOR(pg_catalog.=) r.function_code
  UNION ALL
  SELECT $1, NULL, NULL, NULL, w.member_state, COALESCE(c.n, 0), NULL, COALESCE(@extschema@.key_count(w.gm), 0),
         @extschema@.hhi(w.gm), @extschema@.cr(w.gm, 1), @extschema@.cr(w.gm, 4), @extschema@.effective_suppliers(w.gm),
         CASE WHEN w.w OPERATOR(pg_catalog.>) 0::float8 THEN w.hw OPERATOR(pg_catalog./) w.w END,
         CASE WHEN w.w OPERATOR(pg_catalog.>) 0::float8 THEN w.uw OPERATOR(pg_catalog./) w.w END,
         1 OPERATOR(pg_catalog.-) @extschema@.share(w.cm, (SELECT @extschema@.eu_member_codes())),
         @extschema@.hhi(w.cm), @extschema@.top_supplier_names(w.gm, 3), NULL,
         @extschema@.concentration_level(@extschema@.hhi(w.gm)), w.cge
  FROM whole w LEFT JOIN secs c ON c.ms OPERATOR(pg_catalog.=) COALESCE(w.member_state, '')
  ORDER BY 2 NULLS FIRST, 5 NULLS FIRST;
END
$$;
COMMENT ON FUNCTION @extschema@.assessment_overview(text) IS
  'The scope of a coordinated risk assessment (coordinated_assessment): the function_overview rows of its ICT functions and, per member state and EU-wide, a row for the whole scope (function_code NULL) merging its functions'' supplier-group and country mixes and sums; entities and single_supplier_entities are NULL there (an entity may use several functions of the scope). From the rollups, like function_overview. Unknown code: SQLSTATE 22023 naming the known ones.';

-- The systemic dependencies: the ICT functions whose EU-wide supplier-group concentration is
-- highest, with the largest group and the number of sectors it supplies the function in.
CREATE FUNCTION @extschema@.systemic_dependencies(k integer DEFAULT 10)
RETURNS TABLE (rank integer, function_code text, function_name text, criticality text, sectors integer, entities bigint,
               hhi float8, concentration_level text, top_group text, top_group_share float8, top_group_sectors integer)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  WITH f AS (
    SELECT r.*, t.key AS tkey, t.name AS tname, t.share AS tshare
    FROM @extschema@.function_stats_read(false, CURRENT_DATE, NULL, NULL, true) r
    CROSS JOIN LATERAL @extschema@.top_shares_named(r.group_mix, 1) t
    WHERE r.hhi IS NOT NULL
    ORDER BY r.hhi DESC, r.function_code LIMIT $1
  ),
  s AS (  -- the EU-wide sector rows of those functions
    SELECT x.sector_code, x.function_code, x.group_mix
    FROM @extschema@.sector_function_states(ARRAY(SELECT f.function_code FROM f), true) x
  )
  SELECT (pg_catalog.row_number() OVER (ORDER BY f.hhi DESC, f.function_code))::integer, f.function_code, fn.name, fn.criticality,
         f.sectors, f.entities, f.hhi, f.concentration_level, COALESCE(f.tname, f.tkey), f.tshare,
         (SELECT pg_catalog.count(*)::integer FROM s
          WHERE s.function_code OPERATOR(pg_catalog.=) f.function_code
            AND CASE WHEN @extschema@.key_type(s.group_mix) OPERATOR(pg_catalog.=) 'bigint'
                     THEN @extschema@.share(s.group_mix, f.tkey::bigint) ELSE @extschema@.share(s.group_mix, f.tkey) END OPERATOR(pg_catalog.>) 0::float8)
  FROM f JOIN @extschema@.ict_function fn ON fn.code OPERATOR(pg_catalog.=) f.function_code
  ORDER BY 1
$$;
COMMENT ON FUNCTION @extschema@.systemic_dependencies(integer) IS
  'The k ICT functions with the highest EU-wide supplier-group HHI, every sector pooled (function_overview): sectors and entities supplied, the largest group, its share and the number of sectors in which it supplies the function. The "systemic dependencies" section of the EU report.';

-- The function rows of two snapshots compared, per ICT function and member state (NULL:
-- EU-wide).
CREATE FUNCTION @extschema@.function_trend_between(from_id bigint, to_id bigint)
RETURNS TABLE (function_code text, member_state text, from_snapshot bigint, to_snapshot bigint,
               from_taken_at timestamptz, to_taken_at timestamptz,
               hhi_from float8, hhi_to float8, hhi_delta float8,
               hrv_share_from float8, hrv_share_to float8, hrv_share_delta float8,
               sectors_from integer, sectors_to integer, metrics jsonb)
LANGUAGE plpgsql STABLE STRICT SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  PERFORM @extschema@.snapshot_check(ARRAY[$1, $2]);
  RETURN QUERY
  WITH a AS (SELECT m.* FROM @extschema@.function_snapshot m WHERE m.snapshot_id OPERATOR(pg_catalog.=) $1),
       b AS (SELECT m.* FROM @extschema@.function_snapshot m WHERE m.snapshot_id OPERATOR(pg_catalog.=) $2),
       j AS (SELECT COALESCE(a.function_code, b.function_code) AS fc, COALESCE(a.member_state, b.member_state) AS ms,
                    COALESCE(a.metrics, '{}'::jsonb) AS am, COALESCE(b.metrics, '{}'::jsonb) AS bm
             FROM a FULL JOIN b ON a.function_code OPERATOR(pg_catalog.=) b.function_code
                               AND COALESCE(a.member_state, '') OPERATOR(pg_catalog.=) COALESCE(b.member_state, ''))
  SELECT j.fc, j.ms, $1, $2, sa.taken_at, sb.taken_at,
         (j.am OPERATOR(pg_catalog.->>) 'hhi')::float8, (j.bm OPERATOR(pg_catalog.->>) 'hhi')::float8,
         (j.bm OPERATOR(pg_catalog.->>) 'hhi')::float8 OPERATOR(pg_catalog.-) (j.am OPERATOR(pg_catalog.->>) 'hhi')::float8,
         (j.am OPERATOR(pg_catalog.->>) 'hrv_share')::float8, (j.bm OPERATOR(pg_catalog.->>) 'hrv_share')::float8,
         (j.bm OPERATOR(pg_catalog.->>) 'hrv_share')::float8 OPERATOR(pg_catalog.-) (j.am OPERATOR(pg_catalog.->>) 'hrv_share')::float8,
         COALESCE((j.am OPERATOR(pg_catalog.->>) 'sectors')::integer, 0), COALESCE((j.bm OPERATOR(pg_catalog.->>) 'sectors')::integer, 0),
         @extschema@.metrics_delta(j.am, j.bm)
  FROM j
  CROSS JOIN (SELECT s.taken_at FROM @extschema@.snapshot s WHERE s.snapshot_id OPERATOR(pg_catalog.=) $1) sa
  CROSS JOIN (SELECT s.taken_at FROM @extschema@.snapshot s WHERE s.snapshot_id OPERATOR(pg_catalog.=) $2) sb
  ORDER BY j.fc, j.ms NULLS FIRST;
END
$$;
COMMENT ON FUNCTION @extschema@.function_trend_between(bigint, bigint) IS
  'Change of every function_overview metric between two snapshots, per ICT function and member state (NULL: EU-wide): the headline figures as columns and every metric as {from, to, delta} in metrics.';

CREATE VIEW @extschema@.function_trend WITH (security_invoker = true) AS
  SELECT t.* FROM @extschema@.function_trend_between(
    (SELECT s.snapshot_id FROM @extschema@.snapshot s ORDER BY s.taken_at, s.snapshot_id LIMIT 1),
    (SELECT s.snapshot_id FROM @extschema@.snapshot s ORDER BY s.taken_at DESC, s.snapshot_id DESC LIMIT 1)) t;
COMMENT ON VIEW @extschema@.function_trend IS 'Change of every function_overview metric between the first and the latest snapshot, per ICT function and member state (NULL: EU-wide). Empty without snapshots; function_trend_between compares any two.';
DO $cm$
DECLARE c record;
BEGIN
  FOR c IN SELECT * FROM (VALUES
    ('function_code', 'ICT function.'),
    ('member_state', 'Member state; NULL for the EU-wide row.'),
    ('from_snapshot', 'The earlier snapshot.'),
    ('to_snapshot', 'The later snapshot.'),
    ('from_taken_at', 'When the earlier snapshot was taken.'),
    ('to_taken_at', 'When the later snapshot was taken.'),
    ('hhi_from', 'HHI over supplier groups, every sector pooled, at the earlier snapshot.'),
    ('hhi_to', 'HHI at the later snapshot.'),
    ('hhi_delta', 'hhi_to - hhi_from (negative: less concentrated).'),
    ('hrv_share_from', 'Share (0..1) of high-risk supply at the earlier snapshot.'),
    ('hrv_share_to', 'The same at the later snapshot.'),
    ('hrv_share_delta', 'hrv_share_to - hrv_share_from.'),
    ('sectors_from', 'Sectors the function was supplied in at the earlier snapshot.'),
    ('sectors_to', 'The same at the later snapshot.'),
    ('metrics', 'Every stored metric as {"from": .., "to": .., "delta": ..} (delta for numbers).')) x(col, txt) LOOP
    EXECUTE pg_catalog.format('COMMENT ON COLUMN @extschema@.function_trend.%I IS %L', c.col, c.txt);
  END LOOP;
END $cm$;
-- <<< sync

-- reports people look at (issue 16): sector_report's html is a document with charts
CREATE OR REPLACE FUNCTION @extschema@.sector_report(sector text DEFAULT NULL, format text DEFAULT 'markdown') RETURNS text
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  fmt   text := pg_catalog.lower(format);
  title text;
  src   text;
  t1    text;
  t2    text := NULL;
  t2_title text;
  t2_note  text;
  notice text;
  pct   CONSTANT text := 'FM990.0';
BEGIN
  IF fmt IS NULL OR fmt NOT IN ('markdown', 'html') THEN
    RAISE EXCEPTION 'unknown report format "%"', format USING ERRCODE = 'invalid_parameter_value',
      HINT = 'Use markdown or html.';
  END IF;
  IF sector IS NOT NULL THEN
    SELECT s.name INTO title FROM @extschema@.sector s WHERE s.code OPERATOR(pg_catalog.=) sector;
    IF title IS NULL THEN
      RAISE EXCEPTION 'unknown sector "%"', sector USING ERRCODE = 'invalid_parameter_value',
        HINT = 'The sector codes are listed in supplyrisk.sector.';
    END IF;
  ELSE
    title := 'EU overview of the NIS2 sectors';
  END IF;
  SELECT CASE r.source WHEN 'rollup' THEN pg_catalog.format('rollups of %s (supply valid on %s, methodology %s)',
                                            pg_catalog.to_char(r.refreshed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI "UTC"'),
                                            pg_catalog.to_char(r.as_of, 'YYYY-MM-DD'), r.methodology)
         ELSE pg_catalog.format('computed live (supply valid on %s, methodology %s)', pg_catalog.to_char(CURRENT_DATE, 'YYYY-MM-DD'),
                                @extschema@.methodology_name(NULL)) END
  INTO src FROM @extschema@.rollup_status r;

  SELECT @extschema@.report_line(ARRAY[CASE WHEN sector IS NULL THEN 'Sector' ELSE 'Member state' END, 'Entities',
           'Supplier groups', 'HHI', 'CR4 %', 'Effective suppliers', 'High-risk %', 'Non-EU %',
           'Single-supplier critical', 'Level'], fmt, true)
         OPERATOR(pg_catalog.||) E'\n' OPERATOR(pg_catalog.||)
         COALESCE(pg_catalog.string_agg(@extschema@.report_line(ARRAY[
           CASE WHEN sector IS NULL THEN o.sector_name ELSE COALESCE(o.member_state, 'EU') END,
           o.entities::text, o.suppliers::text, pg_catalog.round(o.hhi::numeric, 0)::text,
           pg_catalog.to_char(o.cr4 OPERATOR(pg_catalog.*) 100, pct), pg_catalog.round(o.effective_suppliers::numeric, 1)::text,
           pg_catalog.to_char(o.hrv_share OPERATOR(pg_catalog.*) 100, pct), pg_catalog.to_char(o.non_eu_share OPERATOR(pg_catalog.*) 100, pct),
           o.single_supplier_critical::text, o.concentration_level], fmt), E'\n'
           ORDER BY o.sector_code, o.member_state NULLS FIRST), '')
  INTO t1
  FROM @extschema@.sector_overview o
  WHERE CASE WHEN sector IS NULL THEN o.member_state IS NULL ELSE o.sector_code OPERATOR(pg_catalog.=) sector END;

  IF sector IS NOT NULL THEN
    SELECT @extschema@.report_line(ARRAY['ICT function', 'Criticality', 'Entities', 'Supplier groups', 'HHI', 'CR1 %',
             'High-risk %', 'Non-EU %', 'Single-supplier entities', 'Largest suppliers'], fmt, true)
           OPERATOR(pg_catalog.||) E'\n' OPERATOR(pg_catalog.||)
           COALESCE(pg_catalog.string_agg(@extschema@.report_line(ARRAY[
             f.function_name, f.criticality, f.entities::text, f.suppliers::text, pg_catalog.round(f.hhi::numeric, 0)::text,
             pg_catalog.to_char(f.cr1 OPERATOR(pg_catalog.*) 100, pct), pg_catalog.to_char(f.hrv_share OPERATOR(pg_catalog.*) 100, pct),
             pg_catalog.to_char(f.non_eu_share OPERATOR(pg_catalog.*) 100, pct), f.single_supplier_entities::text, f.top_suppliers], fmt), E'\n'
             ORDER BY CASE f.criticality WHEN 'critical' THEN 1 WHEN 'sensitive' THEN 2 ELSE 3 END, f.function_code), '')
    INTO t2
    FROM @extschema@.sector_function_rows(sector, false) f
    WHERE f.member_state IS NULL;
  ELSE
    -- the EU overview: the systemic dependencies, every sector pooled per ICT function
    SELECT @extschema@.report_line(ARRAY['ICT function', 'Criticality', 'Sectors', 'Entities', 'HHI', 'Level',
             'Largest supplier group', 'Its share %', 'Sectors it supplies'], fmt, true)
           OPERATOR(pg_catalog.||) E'\n' OPERATOR(pg_catalog.||)
           COALESCE(pg_catalog.string_agg(@extschema@.report_line(ARRAY[
             d.function_name, d.criticality, d.sectors::text, d.entities::text, pg_catalog.round(d.hhi::numeric, 0)::text,
             d.concentration_level, d.top_group, pg_catalog.to_char(d.top_group_share OPERATOR(pg_catalog.*) 100, pct),
             d.top_group_sectors::text], fmt), E'\n' ORDER BY d.rank), '')
    INTO t2
    FROM @extschema@.systemic_dependencies(10) d;
  END IF;

  IF sector IS NOT NULL THEN
    t2_title := 'ICT functions, EU-wide';
  ELSE
    t2_title := 'Systemic dependencies: ICT functions across sectors';
    t2_note := 'The ICT functions whose supply, every sector and member state pooled, is the most concentrated on supplier groups (HHI), with the largest group and the number of sectors in which it supplies the function: one group behind the same function in many sectors is a dependency no sector view shows.';
  END IF;
  IF fmt OPERATOR(pg_catalog.=) 'html' THEN
    -- a self-contained document: the charts, then the tables; stale rollups said so
    SELECT CASE WHEN r.source OPERATOR(pg_catalog.=) 'live' THEN NULL
                WHEN r.pending_changes OPERATOR(pg_catalog.>) 0 THEN pg_catalog.format('The data changed after the rollups were computed (%s, for the supply valid on %s): %s changes recorded since %s are not in this report. Run CALL supplyrisk.refresh() (or schedule it) for current figures.',
                                                       pg_catalog.to_char(r.refreshed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI "UTC"'), pg_catalog.to_char(r.as_of, 'YYYY-MM-DD'),
                                                       r.pending_changes, pg_catalog.to_char(r.changed_since AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI "UTC"'))
                WHEN r.outdated THEN pg_catalog.format('The rollups are from %s, for the supply valid on %s: data recorded since are not in this report. Run CALL supplyrisk.refresh() (or schedule it) for current figures.',
                                                       pg_catalog.to_char(r.refreshed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI "UTC"'), pg_catalog.to_char(r.as_of, 'YYYY-MM-DD'))
                WHEN r.stale_members IS NOT NULL AND pg_catalog.cardinality(r.stale_members) OPERATOR(pg_catalog.>) 0
                  THEN pg_catalog.format('Federation members %s could not be reached at the last refresh: their figures are from an earlier pull.',
                                         pg_catalog.array_to_string(r.stale_members, ', ')) END
    INTO notice FROM @extschema@.rollup_status r;
    RETURN @extschema@.report_html_document(title,
             pg_catalog.format(E'<h1>%s</h1>\n<p class="source">Source: %s.</p>\n%s%s%s%s',
               @extschema@.report_escape(title, 'html'), @extschema@.report_escape(src, 'html'),
               CASE WHEN notice IS NULL THEN '' ELSE pg_catalog.format(E'<p class="notice">%s</p>\n', @extschema@.report_escape(notice, 'html')) END,
               @extschema@.sector_report_charts(sector, src),
               @extschema@.report_section(CASE WHEN sector IS NULL THEN 'Sectors, EU-wide' ELSE 'Member states' END,
                                          pg_catalog.format(E'<table>\n%s\n</table>', t1), NULL),
               @extschema@.report_section(t2_title, pg_catalog.format(E'%s<table>\n%s\n</table>',
                 CASE WHEN t2_note IS NULL THEN '' ELSE pg_catalog.format(E'<p>%s</p>\n', @extschema@.report_escape(t2_note, 'html')) END, t2), NULL)));
  END IF;
  RETURN pg_catalog.format(E'# %s\n\nSource: %s.\n\n%s\n\n## %s\n\n%s%s\n', @extschema@.report_escape(title, 'markdown'), src, t1,
           t2_title, CASE WHEN t2_note IS NULL THEN '' ELSE t2_note OPERATOR(pg_catalog.||) E'\n\n' END, t2);
END
$$;
COMMENT ON FUNCTION @extschema@.sector_report(text, text) IS
  'A report as Markdown or HTML: one sector (member states, EU-wide ICT functions) or, with sector NULL, the EU overview of all sectors and its systemic dependencies (systemic_dependencies: the most concentrated ICT functions across sectors); read from the same source as the dashboard views. html: a self-contained document with inline SVG charts (sector_report_charts), a notice when the rollups are outdated, printable on A4.';

-- row-level security on the function rollups and snapshots (issue 18)
ALTER TABLE @extschema@.function_rollup ENABLE ROW LEVEL SECURITY;
CREATE POLICY function_rollup_by_member_state ON @extschema@.function_rollup
  USING (((SELECT @extschema@.access_member_states()) IS NULL OR member_state OPERATOR(pg_catalog.=) ANY (CAST((SELECT @extschema@.access_member_states()) AS text[]))));
ALTER TABLE @extschema@.function_snapshot ENABLE ROW LEVEL SECURITY;
CREATE POLICY function_snapshot_by_member_state ON @extschema@.function_snapshot
  USING (((SELECT @extschema@.access_member_states()) IS NULL OR member_state OPERATOR(pg_catalog.=) ANY (CAST((SELECT @extschema@.access_member_states()) AS text[]))));
COMMENT ON POLICY function_rollup_by_member_state ON @extschema@.function_rollup IS 'Function rollup rows of the role''s member states; EU-wide rows for unscoped roles only.';
COMMENT ON POLICY function_snapshot_by_member_state ON @extschema@.function_snapshot IS 'Function snapshot rows of the role''s member states; EU-wide rows for unscoped roles only.';

-- row-level security on the observations and contract checks (issue 15)
ALTER TABLE @extschema@.measure_status ENABLE ROW LEVEL SECURITY;
CREATE POLICY measure_status_read ON @extschema@.measure_status FOR SELECT
  USING (((SELECT @extschema@.access_member_states()) IS NULL OR member_state OPERATOR(pg_catalog.=) ANY (CAST((SELECT @extschema@.access_member_states()) AS text[])) OR (NOT confidential AND pg_catalog.cardinality((SELECT @extschema@.access_member_states())) OPERATOR(pg_catalog.>) 0)));
CREATE POLICY measure_status_write ON @extschema@.measure_status FOR ALL
  USING (((SELECT @extschema@.access_member_states()) IS NULL OR member_state OPERATOR(pg_catalog.=) ANY (CAST((SELECT @extschema@.access_member_states()) AS text[])))) WITH CHECK (((SELECT @extschema@.access_member_states()) IS NULL OR member_state OPERATOR(pg_catalog.=) ANY (CAST((SELECT @extschema@.access_member_states()) AS text[]))));
ALTER TABLE @extschema@.contract_control ENABLE ROW LEVEL SECURITY;
CREATE POLICY contract_control_by_entity ON @extschema@.contract_control  -- the entity's own policy scopes the subquery
  USING (entity_id IN (SELECT e.entity_id FROM @extschema@.entity e));
COMMENT ON POLICY measure_status_read ON @extschema@.measure_status IS 'Observations of the role''s member states, and the other member states'' that are not confidential (measure_progress counts them all).';
COMMENT ON POLICY measure_status_write ON @extschema@.measure_status IS 'A scoped role records observations of its member states only.';
COMMENT ON POLICY contract_control_by_entity ON @extschema@.contract_control IS 'Contract checks follow their entity.';
-- the stored supplier scores: unscoped roles only (issue 17)
ALTER TABLE @extschema@.supplier_rollup ENABLE ROW LEVEL SECURITY;
CREATE POLICY supplier_rollup_unscoped ON @extschema@.supplier_rollup
  USING ((SELECT @extschema@.access_member_states()) IS NULL);
COMMENT ON POLICY supplier_rollup_unscoped ON @extschema@.supplier_rollup IS 'Only unscoped roles see the stored supplier scores (they count every member state''s assessments).';
ALTER TABLE @extschema@.access_grant DROP CONSTRAINT access_grant_level,
  ADD CONSTRAINT access_grant_level CHECK (access IN ('read', 'assess', 'admin', 'federation'));
COMMENT ON COLUMN @extschema@.access_grant.access IS 'read (views and tables), assess (also writes entities, supply, assessments, designations), admin (everything, refresh, snapshots, grants, federation members), federation (the federation_* views only: the aggregate states a coordinator pulls, no table).';
CREATE OR REPLACE FUNCTION @extschema@.revoke_privileges(role_sql text) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  sch text := pg_catalog.quote_ident('@extschema@');
BEGIN
  EXECUTE pg_catalog.format('REVOKE ALL ON ALL TABLES IN SCHEMA %s FROM %s', sch, role_sql);
  EXECUTE pg_catalog.format('REVOKE ALL ON ALL SEQUENCES IN SCHEMA %s FROM %s', sch, role_sql);
  EXECUTE pg_catalog.format('REVOKE EXECUTE ON PROCEDURE %s.refresh(boolean, boolean) FROM %s', sch, role_sql);
  EXECUTE pg_catalog.format('REVOKE EXECUTE ON FUNCTION %1$s.take_snapshot(text), %1$s.cron_schedule_job(text, text, text), %1$s.schedule_refresh(text), %1$s.schedule_snapshot(text, text), %1$s.unschedule(text), %1$s.grant_access(regrole, text, text[]), %1$s.revoke_access(regrole), %1$s.federation_add_member(text, name), %1$s.federation_remove_member(text), %1$s.federation_explain(), %1$s.federation_connect(text, name), %1$s.federation_pull(boolean, boolean), %1$s.federation_info_row(), %1$s.federation_export_rows(), %1$s.federation_gap_rows(), %1$s.federation_group_rows(), %1$s.federation_scope(), %1$s.measure_progress_rows() FROM %2$s', sch, role_sql);
  EXECUTE pg_catalog.format('REVOKE USAGE ON SCHEMA %s FROM %s', sch, role_sql);
END
$$;
REVOKE EXECUTE ON FUNCTION @extschema@.revoke_privileges(text) FROM PUBLIC;
COMMENT ON FUNCTION @extschema@.revoke_privileges(text) IS 'Internal: removes every privilege grant_access gives (role as an SQL identifier); called by grant_access and revoke_access.';


-- The privileges of an access level (role as an SQL identifier); one definition, used by
-- grant_access and by the upgrade to give earlier grants the objects it adds or re-creates.
CREATE FUNCTION @extschema@.grant_privileges(role_sql text, access text) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  sch text := pg_catalog.quote_ident('@extschema@');
  r   text := role_sql;
BEGIN
  EXECUTE pg_catalog.format('GRANT USAGE ON SCHEMA %s TO %s', sch, r);
  IF access OPERATOR(pg_catalog.=) 'federation' THEN
    -- the aggregate states a coordinator pulls, nothing else (no table, no other view)
    EXECUTE pg_catalog.format('GRANT SELECT ON %1$s.federation_info, %1$s.federation_export, %1$s.federation_gaps, %1$s.federation_groups TO %2$s', sch, r);
  ELSE
    EXECUTE pg_catalog.format('GRANT SELECT ON ALL TABLES IN SCHEMA %s TO %s', sch, r);
  END IF;
  IF access OPERATOR(pg_catalog.<>) 'federation' THEN
    EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION %1$s.measure_progress_rows() TO %2$s', sch, r);
  END IF;
  -- every level reads the federation views (the aggregates of its member states)
  EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION %1$s.federation_info_row(), %1$s.federation_export_rows(), %1$s.federation_gap_rows(), %1$s.federation_group_rows(), %1$s.federation_scope() TO %2$s', sch, r);
  IF access IN ('assess', 'admin') THEN
    EXECUTE pg_catalog.format('GRANT INSERT, UPDATE, DELETE ON %1$s.entity, %1$s.supply, %1$s.assessment, %1$s.designation TO %2$s', sch, r);
    EXECUTE pg_catalog.format('GRANT INSERT ON %1$s.supplier TO %2$s', sch, r);
    EXECUTE pg_catalog.format('GRANT INSERT, UPDATE, DELETE ON %1$s.supplier_dependency, %1$s.bom, %1$s.bom_component, %1$s.bom_dependency, %1$s.measure_status, %1$s.contract_control TO %2$s', sch, r);
    EXECUTE pg_catalog.format('GRANT USAGE ON ALL SEQUENCES IN SCHEMA %s TO %s', sch, r);
  END IF;
  IF access OPERATOR(pg_catalog.=) 'admin' THEN
    EXECUTE pg_catalog.format('GRANT INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA %s TO %s', sch, r);
    EXECUTE pg_catalog.format('GRANT EXECUTE ON PROCEDURE %s.refresh(boolean, boolean) TO %s', sch, r);
    EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION %1$s.take_snapshot(text), %1$s.cron_schedule_job(text, text, text), %1$s.schedule_refresh(text), %1$s.schedule_snapshot(text, text), %1$s.unschedule(text), %1$s.grant_access(regrole, text, text[]), %1$s.revoke_access(regrole), %1$s.federation_add_member(text, name), %1$s.federation_remove_member(text), %1$s.federation_explain(), %1$s.federation_connect(text, name), %1$s.federation_pull(boolean, boolean) TO %2$s', sch, r);
  END IF;
END
$$;
REVOKE EXECUTE ON FUNCTION @extschema@.grant_privileges(text, text) FROM PUBLIC;
COMMENT ON FUNCTION @extschema@.grant_privileges(text, text) IS 'Internal: grants the privileges of an access level (read, assess, admin, federation) to a role (as an SQL identifier); called by grant_access.';

-- Roles granted access before the update get the privileges of their level again, as
-- grant_access gives them: on the objects 0.2.0 adds and on those it re-creates (views).
DO $grants$
DECLARE g record;
BEGIN
  FOR g IN SELECT a.role_name, a.access FROM @extschema@.access_grant a
           WHERE EXISTS (SELECT 1 FROM pg_catalog.pg_roles r WHERE r.rolname OPERATOR(pg_catalog.=) a.role_name) LOOP
    PERFORM @extschema@.grant_privileges(pg_catalog.quote_ident(g.role_name), g.access);
  END LOOP;
END $grants$;
