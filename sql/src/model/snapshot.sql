-- User data: snapshots, and the dump registration of every user table and sequence.

CREATE SEQUENCE @extschema@.snapshot_id_seq AS bigint;
CREATE TABLE @extschema@.snapshot (
  snapshot_id bigint PRIMARY KEY DEFAULT pg_catalog.nextval('@extschema@.snapshot_id_seq'::pg_catalog.regclass),
  taken_at    timestamptz NOT NULL DEFAULT pg_catalog.now(),
  label       text,
  as_of       date NOT NULL DEFAULT CURRENT_DATE,
  methodology text
);
ALTER SEQUENCE @extschema@.snapshot_id_seq OWNED BY @extschema@.snapshot.snapshot_id;
COMMENT ON TABLE @extschema@.snapshot IS 'Snapshots of the sector metrics, for trends (the toolbox''s one-year review).';
COMMENT ON COLUMN @extschema@.snapshot.snapshot_id IS 'Snapshot id.';
COMMENT ON COLUMN @extschema@.snapshot.taken_at IS 'When the snapshot was taken.';
COMMENT ON COLUMN @extschema@.snapshot.label IS 'Free label, e.g. baseline 2026.';
COMMENT ON COLUMN @extschema@.snapshot.as_of IS 'Date the supply was taken as valid at.';
COMMENT ON COLUMN @extschema@.snapshot.methodology IS 'Scoring methodology used.';

SELECT pg_catalog.pg_extension_config_dump('@extschema@.entity', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.entity_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.supplier', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.supplier_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.supply', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.supply_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.supplier_dependency', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.assessment', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.assessment_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.designation', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.designation_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.snapshot', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.snapshot_id_seq', '');
