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
COMMENT ON TABLE @extschema@.function_rollup IS 'Rollups written by refresh(): per ICT function and member state (NULL: EU-wide), every sector pooled (the function rows of sector_stats_compute, computed in the same pass as sector_rollup), read by function_overview and assessment_overview. Do not edit.';
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
