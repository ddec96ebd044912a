-- The trigger behind id_sequences.sql: moves a table's id sequence past the largest id an
-- INSERT or COPY gave itself. It runs as the writing role (SECURITY INVOKER): moving a shared
-- sequence takes UPDATE on it, which admins have (grant_access) and assessors have not, so a
-- scoped role cannot push a sequence to its end (2^63 - 1) and stop every other member state's
-- inserts; its explicit ids below the sequence are inserted as before.
CREATE OR REPLACE FUNCTION @extschema@.advance_id_sequence() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
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
    IF NOT pg_catalog.has_sequence_privilege(seq, 'UPDATE') THEN
      RAISE EXCEPTION 'an explicit % beyond sequence % needs admin access', TG_ARGV[0], seq
        USING ERRCODE = 'insufficient_privilege',
              DETAIL = pg_catalog.format('The statement gave %s %s, beyond the last value the sequence handed out; moving a sequence every member state shares is for admins.', TG_ARGV[0], top),
              HINT = pg_catalog.format('Leave %s out so that it is assigned, or have an admin load rows with explicit ids.', TG_ARGV[0]);
    END IF;
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
  'Trigger (after INSERT, per statement): moves the id sequence (argument 2) past the largest id (column argument 1) the statement inserted, so rows loaded with explicit ids and rows that take the default mix. Runs as the writing role: an id beyond the sequence needs UPDATE on it (admins; 42501 otherwise).';
