-- Scheduling with pg_cron, when it is installed; nothing is scheduled by the
-- extension itself.

-- pg_cron: called only when it is installed; nothing is scheduled by the extension itself
CREATE OR REPLACE FUNCTION @extschema@.cron_schedule_job(job text, cron text, command text) RETURNS bigint
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  id bigint;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_extension e WHERE e.extname OPERATOR(pg_catalog.=) 'pg_cron') THEN
    RAISE EXCEPTION 'pg_cron is not installed in database "%"', pg_catalog.current_database()
      USING ERRCODE = 'object_not_in_prerequisite_state',
            DETAIL = 'Scheduling uses the pg_cron extension; supplyrisk does not require it.',
            HINT = 'Install the postgresql-15-cron package, set shared_preload_libraries = ''pg_cron'' and cron.database_name to this database, restart the server and run CREATE EXTENSION pg_cron; or call supplyrisk.refresh() from another scheduler.';
  END IF;
  IF cron IS NULL OR pg_catalog.btrim(cron) OPERATOR(pg_catalog.=) '' THEN
    RAISE EXCEPTION 'cron schedule must not be empty' USING ERRCODE = 'invalid_parameter_value',
      HINT = 'Use the cron syntax, e.g. ''15 * * * *'' (every hour at :15) or ''@daily''.';
  END IF;
  EXECUTE 'SELECT cron.schedule($1::text, $2::text, $3::text)' INTO id USING job, cron, command;
  RETURN id;
END
$$;
COMMENT ON FUNCTION @extschema@.cron_schedule_job(text, text, text) IS 'Schedules (or reschedules) a named pg_cron job in this database; the common part of schedule_refresh and schedule_snapshot.';

CREATE OR REPLACE FUNCTION @extschema@.schedule_refresh(cron text) RETURNS bigint
LANGUAGE sql AS $$
  SELECT @extschema@.cron_schedule_job('supplyrisk_refresh', $1,
                                       pg_catalog.format('CALL %I.refresh()', '@extschema@'))
$$;
COMMENT ON FUNCTION @extschema@.schedule_refresh(text) IS 'Schedules CALL refresh() with pg_cron as job supplyrisk_refresh (rescheduling replaces it); returns the pg_cron job id. Needs pg_cron.';

CREATE OR REPLACE FUNCTION @extschema@.schedule_snapshot(cron text, label text DEFAULT NULL) RETURNS bigint
LANGUAGE sql AS $$
  SELECT @extschema@.cron_schedule_job('supplyrisk_snapshot', $1,
           pg_catalog.format('SELECT %I.take_snapshot(%L)', '@extschema@', $2))
$$;
COMMENT ON FUNCTION @extschema@.schedule_snapshot(text, text) IS 'Schedules take_snapshot(label) with pg_cron as job supplyrisk_snapshot (rescheduling replaces it); returns the pg_cron job id. Needs pg_cron.';

CREATE OR REPLACE FUNCTION @extschema@.unschedule(job text) RETURNS boolean
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  j text := CASE WHEN job IN ('refresh', 'snapshot') THEN 'supplyrisk_' OPERATOR(pg_catalog.||) job ELSE job END;
  found_job boolean;
BEGIN
  IF j IS NULL OR j NOT IN ('supplyrisk_refresh', 'supplyrisk_snapshot') THEN
    RAISE EXCEPTION 'unknown supplyrisk job "%"', job USING ERRCODE = 'invalid_parameter_value',
      HINT = 'The jobs are refresh and snapshot.';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_extension e WHERE e.extname OPERATOR(pg_catalog.=) 'pg_cron') THEN
    RAISE EXCEPTION 'pg_cron is not installed in database "%"', pg_catalog.current_database()
      USING ERRCODE = 'object_not_in_prerequisite_state',
            HINT = 'Nothing can have been scheduled through pg_cron here.';
  END IF;
  EXECUTE 'SELECT EXISTS (SELECT 1 FROM cron.job WHERE jobname OPERATOR(pg_catalog.=) $1 AND username OPERATOR(pg_catalog.=) CURRENT_USER)'
    INTO found_job USING j;
  IF NOT found_job THEN
    RETURN false;
  END IF;
  EXECUTE 'SELECT cron.unschedule($1::name)' INTO found_job USING j;
  RETURN found_job;
END
$$;
COMMENT ON FUNCTION @extschema@.unschedule(text) IS 'Removes the pg_cron job refresh or snapshot (supplyrisk_refresh, supplyrisk_snapshot) of the current user; false when it was not scheduled. Needs pg_cron.';
