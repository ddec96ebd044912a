-- Rollups: sector_rollup (the rows of sector_stats_at at the last refresh) and
-- rollup_refresh (the refresh log).

-- Rollups: the last refresh() of sector_stats_at, read by the dashboard views.
CREATE TABLE @extschema@.sector_rollup (
  sector_code             text NOT NULL REFERENCES @extschema@.sector (code),
  member_state            text REFERENCES @extschema@.country (code),
  function_code           text REFERENCES @extschema@.ict_function (code),
  group_mix               @extschema@.supply_mix,
  country_mix             @extschema@.supply_mix,
  entities                bigint NOT NULL,
  single_sourced          bigint NOT NULL,
  single_sourced_critical bigint NOT NULL,
  weight                  float8 NOT NULL,
  hrv_weight              float8 NOT NULL,
  weight_critical         float8 NOT NULL,
  hrv_weight_critical     float8 NOT NULL,
  risk_weight             float8 NOT NULL,
  suppliers               integer NOT NULL,
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
  supplier_mix            @extschema@.supply_mix,
  CONSTRAINT sector_rollup_unique UNIQUE NULLS NOT DISTINCT (sector_code, function_code, member_state)
);
-- the rows of some ICT functions (assessment_overview, systemic_dependencies), by index
CREATE INDEX sector_rollup_function_idx ON @extschema@.sector_rollup (function_code, member_state);
COMMENT ON TABLE @extschema@.sector_rollup IS 'Rollups written by refresh(): the rows of sector_stats_at at the last refresh, read by sector_overview and the sector_<code> views. Rebuilt as a whole by every refresh; do not edit.';
DO $cm$
DECLARE c record;
BEGIN
  FOR c IN SELECT * FROM (VALUES
    ('sector_code', 'NIS2 sector.'),
    ('member_state', 'Member state; NULL for the EU-wide row (the merge of the member states).'),
    ('function_code', 'ICT function; NULL for the row over all functions.'),
    ('group_mix', 'Mergeable state: supply weight per supplier group.'),
    ('country_mix', 'Mergeable state: supply weight per headquarters country of the supplier group.'),
    ('entities', 'Function rows: entities using the function; all-functions rows: entities registered.'),
    ('single_sourced', 'Entity and function pairs served by a single supplier group.'),
    ('single_sourced_critical', 'The same, critical and sensitive functions only.'),
    ('weight', 'Total supply weight.'),
    ('hrv_weight', 'Supply weight from high-risk suppliers.'),
    ('weight_critical', 'Supply weight in critical and sensitive functions.'),
    ('hrv_weight_critical', 'High-risk supply weight in critical and sensitive functions.'),
    ('risk_weight', 'Sum of weight times the supplier''s risk_score.'),
    ('suppliers', 'Distinct supplier groups.'),
    ('hhi', 'HHI (0..10000) over supplier groups.'),
    ('cr1', 'Share (0..1) of the largest supplier group.'),
    ('cr4', 'Share (0..1) of the four largest supplier groups.'),
    ('effective_suppliers', 'Numbers equivalent 10000/HHI.'),
    ('country_hhi', 'HHI over the headquarters countries of the supplier groups.'),
    ('hrv_share', 'Share (0..1) of the weight from high-risk suppliers.'),
    ('hrv_share_critical', 'The same over critical and sensitive functions.'),
    ('non_eu_share', 'Share (0..1) of the weight from supplier groups headquartered outside the EU.'),
    ('mean_risk', 'Supply-weighted mean risk_score (0..100).'),
    ('concentration_level', 'Band of hhi under the EU 2004 guidelines.'),
    ('top_suppliers', 'The three largest supplier groups with their shares, as text (function rows).'),
    ('unassessed_weight', 'Supply weight from suppliers whose risk_level is unassessed (NULL in rollups refreshed before 0.2.0).'),
    ('unassessed_share', 'Share (0..1) of the weight from unassessed suppliers (coverage below the methodology''s min_coverage).'),
    ('contract_gap_edges', 'Critical or sensitive supply edges (entity, supplier, function) whose contracts miss a clause of Implementing Regulation 2024/2690 point 5.1.4 (contract_gaps); NULL while the database records no contract check (contracts_tracked), and in rollups refreshed before.'),
    ('supplier_mix', 'Member-state function rows: mergeable state of the supply weight per supplier (supplier ids), which refresh() re-weights the row''s risk columns from when only suppliers'' risk changed; NULL on the other rows.')) x(col, txt) LOOP
    EXECUTE pg_catalog.format('COMMENT ON COLUMN @extschema@.sector_rollup.%I IS %L', c.col, c.txt);
  END LOOP;
END $cm$;

CREATE SEQUENCE @extschema@.rollup_refresh_id_seq AS bigint;
CREATE TABLE @extschema@.rollup_refresh (
  refresh_id   bigint PRIMARY KEY DEFAULT pg_catalog.nextval('@extschema@.rollup_refresh_id_seq'::pg_catalog.regclass),
  started_at   timestamptz NOT NULL,
  finished_at  timestamptz NOT NULL,
  as_of        date NOT NULL,
  methodology  text NOT NULL,
  rollup_rows  bigint NOT NULL,
  stale_members text[],
  mode         text,
  recomputed   integer,
  version      text,
  reweighted   integer
);
ALTER SEQUENCE @extschema@.rollup_refresh_id_seq OWNED BY @extschema@.rollup_refresh.refresh_id;
COMMENT ON TABLE @extschema@.rollup_refresh IS 'One row per refresh() that committed (the last 100 are kept); the newest row describes the rollups the dashboard views read.';
COMMENT ON COLUMN @extschema@.rollup_refresh.refresh_id IS 'Refresh number.';
COMMENT ON COLUMN @extschema@.rollup_refresh.started_at IS 'When the refresh started.';
COMMENT ON COLUMN @extschema@.rollup_refresh.finished_at IS 'When it finished computing (it became visible when its transaction committed).';
COMMENT ON COLUMN @extschema@.rollup_refresh.as_of IS 'Date the supply and assessments were taken as valid at.';
COMMENT ON COLUMN @extschema@.rollup_refresh.methodology IS 'Scoring methodology used.';
COMMENT ON COLUMN @extschema@.rollup_refresh.rollup_rows IS 'Rows written to sector_rollup.';
COMMENT ON COLUMN @extschema@.rollup_refresh.mode IS 'full, incremental (rows recomputed from the supply) or reweight (only suppliers'' risk changed: rows re-weighted from their supplier mixes, none recomputed); NULL: refreshed before 0.2.0.';
COMMENT ON COLUMN @extschema@.rollup_refresh.reweighted IS 'Incremental or reweight: member-state function rows whose risk columns were re-weighted from their supplier mixes (their sectors'' and functions'' rows summed again); NULL for a full refresh and before 0.3.0.';
COMMENT ON COLUMN @extschema@.rollup_refresh.recomputed IS 'Incremental: sector and member-state rows recomputed; NULL for a full refresh.';
COMMENT ON COLUMN @extschema@.rollup_refresh.version IS 'supplyrisk version that computed the rollups (another version: the next refresh is full).';
COMMENT ON COLUMN @extschema@.rollup_refresh.stale_members IS 'Federation coordinator: members that could not be pulled (skip_unreachable), whose earlier states were used; {} when all were pulled; NULL on a database that is not a coordinator.';
