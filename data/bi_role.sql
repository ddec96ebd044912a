-- The read role a BI tool (Grafana, Metabase, Superset) connects as: `make demo` creates it in
-- the demo database; the same statements serve a production database (give it a password
-- and a pg_hba.conf line of its own there). Settings, per role:
--   search_path                    the views by their names (sector_overview, not supplyrisk.sector_overview)
--   jit = off                      dashboard reads are short; compiling a plan costs more than it saves
--   default_transaction_read_only  a dashboard never writes, whatever a panel's SQL says
--   statement_timeout              a runaway panel query is cancelled, not left running
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = 'supplyrisk_bi') THEN
    CREATE ROLE supplyrisk_bi LOGIN;
  END IF;
END $$;
SELECT supplyrisk.grant_access(role => 'supplyrisk_bi', access => 'read');
ALTER ROLE supplyrisk_bi SET search_path = supplyrisk, public;
ALTER ROLE supplyrisk_bi SET jit = off;
ALTER ROLE supplyrisk_bi SET default_transaction_read_only = on;
ALTER ROLE supplyrisk_bi SET statement_timeout = '30s';
