-- The stored metrics of every snapshot (metric_snapshot), and the dump registrations of the
-- rollup tables (sector_rollup, rollup_refresh) and the snapshots' metrics.

CREATE TABLE @extschema@.metric_snapshot (
  snapshot_id   bigint NOT NULL REFERENCES @extschema@.snapshot (snapshot_id) ON DELETE CASCADE,
  sector_code   text NOT NULL REFERENCES @extschema@.sector (code),
  member_state  text REFERENCES @extschema@.country (code),
  function_code text REFERENCES @extschema@.ict_function (code),
  group_mix     @extschema@.supply_mix,
  country_mix   @extschema@.supply_mix,
  metrics       jsonb NOT NULL CONSTRAINT metric_snapshot_metrics_object CHECK (pg_catalog.jsonb_typeof(metrics) OPERATOR(pg_catalog.=) 'object'),
  CONSTRAINT metric_snapshot_unique UNIQUE NULLS NOT DISTINCT (snapshot_id, sector_code, member_state, function_code)
);
COMMENT ON TABLE @extschema@.metric_snapshot IS 'Metrics stored per snapshot, sector, member state (NULL = EU-wide) and ICT function (NULL = all), with their mergeable states. User data: dumped, never changed by refresh().';
COMMENT ON COLUMN @extschema@.metric_snapshot.snapshot_id IS 'Snapshot.';
COMMENT ON COLUMN @extschema@.metric_snapshot.sector_code IS 'Sector.';
COMMENT ON COLUMN @extschema@.metric_snapshot.member_state IS 'Member state; NULL for the EU-wide row.';
COMMENT ON COLUMN @extschema@.metric_snapshot.function_code IS 'ICT function; NULL for all functions.';
COMMENT ON COLUMN @extschema@.metric_snapshot.group_mix IS 'Mergeable state: supply weight per supplier group.';
COMMENT ON COLUMN @extschema@.metric_snapshot.country_mix IS 'Mergeable state: supply weight per headquarters country.';
COMMENT ON COLUMN @extschema@.metric_snapshot.metrics IS 'The metrics and sums of sector_stats_at (name: value) and gaps, the entity and function pairs with a multi-vendor gap.';
SELECT pg_catalog.pg_extension_config_dump('@extschema@.metric_snapshot', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.sector_rollup', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.rollup_refresh', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.rollup_refresh_id_seq', '');
