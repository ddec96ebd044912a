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
CREATE OR REPLACE FUNCTION @extschema@.check_measure_status() RETURNS trigger
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

CREATE OR REPLACE FUNCTION @extschema@.check_contract_control() RETURNS trigger
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
