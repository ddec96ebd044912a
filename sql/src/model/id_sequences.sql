-- Loading with explicit ids keeps the id sequences ahead: after an INSERT or COPY
-- that gave ids itself, the table's sequence is moved past the largest id, so a
-- later insert without an id does not collide with a loaded row (23505). One
-- statement-level trigger per table with an id sequence; setval only when needed.

CREATE OR REPLACE FUNCTION @extschema@.advance_id_sequence() RETURNS trigger
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
