-- Shipped reference rows are read-only: they are not dumped, so a change to one
-- would be lost by pg_dump. The trigger below guards every reference table;
-- upgrade scripts set supplyrisk.maintenance = on to change shipped rows. The setting is
-- the library's, superuser-only, and read through maintenance_mode(), which loads the
-- library first: a placeholder value set before it was loaded does not count.
CREATE OR REPLACE FUNCTION @extschema@.maintenance_mode() RETURNS boolean
  AS 'MODULE_PATHNAME', 'supplyrisk_maintenance_mode' LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.maintenance_mode() IS 'Whether supplyrisk.maintenance is on (a superuser-only setting: upgrade scripts switch it on to change shipped reference rows).';

CREATE OR REPLACE FUNCTION @extschema@.protect_shipped() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  IF @extschema@.maintenance_mode() THEN
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
  END IF;
  -- a weight of one's own on a shipped methodology would change how it scores without
  -- touching a shipped row: for superusers only (trusted; pg_restore of such a dump)
  -- (nested: NEW.methodology exists on methodology_weight only)
  IF TG_TABLE_NAME = 'methodology_weight' AND TG_OP <> 'DELETE' THEN
    IF NOT NEW.shipped
       AND EXISTS (SELECT 1 FROM @extschema@.methodology m WHERE m.name = NEW.methodology AND m.shipped)
       AND NOT (SELECT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.rolname = CURRENT_USER) THEN
      RAISE EXCEPTION 'cannot add a weight to the shipped methodology "%"', NEW.methodology
        USING ERRCODE = 'restrict_violation',
              DETAIL = 'The shipped methodologies score as shipped; a weight of your own would change every score they give.',
              HINT = 'Copy the methodology under a new name (with its weights) and weight that one.';
    END IF;
  END IF;
  IF TG_OP = 'INSERT' THEN
    IF NEW.shipped THEN
      RAISE EXCEPTION 'cannot insert a row marked shipped into %', TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation',
              DETAIL = 'Only the extension ships reference rows; shipped rows are not dumped by pg_dump.',
              HINT = 'Insert your own rows with shipped = false (the default).';
    END IF;
    RETURN NEW;
  END IF;
  IF OLD.shipped THEN
    RAISE EXCEPTION 'cannot % shipped reference row of %', pg_catalog.lower(TG_OP), TG_TABLE_NAME
      USING ERRCODE = 'restrict_violation',
            DETAIL = pg_catalog.format('Row %s is shipped with the extension and is not dumped by pg_dump.', OLD),
            HINT = 'Add your own rows instead (for a methodology: copy it under a new name).';
  END IF;
  IF TG_OP = 'UPDATE' AND NEW.shipped THEN
    RAISE EXCEPTION 'cannot mark a row of % as shipped', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
  END IF;
  RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END $$;
COMMENT ON FUNCTION @extschema@.protect_shipped() IS
  'Trigger: refuses changes to reference rows shipped with the extension (they are not dumped).';
