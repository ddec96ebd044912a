-- Loading with explicit ids keeps the id sequences ahead: after an INSERT or COPY
-- that gave ids itself, the table's sequence is moved past the largest id, so a
-- later insert without an id does not collide with a loaded row (23505). One
-- statement-level trigger per table with an id sequence; setval only when needed.
-- (the trigger function: id_sequence_trigger.sql)

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
