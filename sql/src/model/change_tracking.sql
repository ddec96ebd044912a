-- Change tracking (issue 17): statement-level triggers with transition tables record which
-- dashboard rows a change makes stale, cheaply on bulk loads (one row per statement and sector
-- and member state). rollup_status says how much changed since the rollups were computed, and
-- the reports say so. refresh() consumes what it has seen and, when it can, recomputes only
-- these rows: the incremental refresh in sql/src/rollup/refresh.sql (refresh_take_changes,
-- refresh_find_stale, refresh_recompute_stale).

CREATE SEQUENCE @extschema@.rollup_change_id_seq AS bigint;
CREATE TABLE @extschema@.rollup_change (
  change_id    bigint PRIMARY KEY DEFAULT pg_catalog.nextval('@extschema@.rollup_change_id_seq'::pg_catalog.regclass),
  changed_at   timestamptz NOT NULL DEFAULT pg_catalog.now(),
  source       text NOT NULL,
  sector_code  text,
  member_state text,
  supplier_id  bigint,
  everything   boolean NOT NULL DEFAULT false,
  methodology  text
);
ALTER SEQUENCE @extschema@.rollup_change_id_seq OWNED BY @extschema@.rollup_change.change_id;
COMMENT ON TABLE @extschema@.rollup_change IS 'Changes since the last refresh() that make dashboard rows stale, written by triggers, cleared by refresh(): a sector and member state, a supplier (its rows wherever it supplies), suppliers added (to be scored), a methodology (its suppliers'' scores, where it is the one in use), or everything (a TRUNCATE). Not dumped: a restore records its own loading here, so a restored database shows pending changes until its first refresh.';
COMMENT ON COLUMN @extschema@.rollup_change.change_id IS 'Change number.';
COMMENT ON COLUMN @extschema@.rollup_change.changed_at IS 'Start of the transaction that made the change.';
COMMENT ON COLUMN @extschema@.rollup_change.source IS 'The table changed.';
COMMENT ON COLUMN @extschema@.rollup_change.sector_code IS 'With member_state: the sector and member state whose rows are stale.';
COMMENT ON COLUMN @extschema@.rollup_change.member_state IS 'With sector_code: see there. With supplier_id: the owner of the assessment or designation that changed (its rows only are stale); NULL: EU-wide.';
COMMENT ON COLUMN @extschema@.rollup_change.supplier_id IS 'A supplier whose assessments, designations or ownership changed: scored again, and stale wherever it (or its group) supplies. A supplier row with no supplier_id, sector or everything: suppliers were added (the next refresh scores those it has not scored).';
COMMENT ON COLUMN @extschema@.rollup_change.everything IS 'True when every row is stale (a tracked table was truncated).';
COMMENT ON COLUMN @extschema@.rollup_change.methodology IS 'A methodology or its weights changed (its name; a rename records both): where it is the one the rollups were computed with, every supplier is scored again and every row re-weighted; another methodology makes nothing stale.';

-- The common case, inserts into supply (loads, single-row writes), without dynamic SQL: its
-- plan is prepared once per session, which keeps single-row inserts cheap.
CREATE OR REPLACE FUNCTION @extschema@.track_supply_insert() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  INSERT INTO @extschema@.rollup_change (source, sector_code, member_state)
  SELECT DISTINCT 'supply', e.sector_code, e.member_state
  FROM new_rows r JOIN @extschema@.entity e ON e.entity_id OPERATOR(pg_catalog.=) r.entity_id;
  RETURN NULL;
END
$$;
REVOKE EXECUTE ON FUNCTION @extschema@.track_supply_insert() FROM PUBLIC;
COMMENT ON FUNCTION @extschema@.track_supply_insert() IS 'Trigger (after each INSERT statement on supply): track_change for the common case, with a prepared plan.';

DO $trk$
DECLARE
  t text;
  ev record;
BEGIN
  FOREACH t IN ARRAY ARRAY['supply', 'entity', 'supplier', 'assessment', 'designation', 'contract_control',
                           'methodology', 'methodology_weight'] LOOP
    FOR ev IN SELECT * FROM (VALUES ('insert', 'INSERT', 'NEW TABLE AS new_rows'), ('update', 'UPDATE', 'NEW TABLE AS new_rows OLD TABLE AS old_rows'),
                                    ('delete', 'DELETE', 'OLD TABLE AS old_rows')) x(name, op, ref) LOOP
      EXECUTE pg_catalog.format('CREATE TRIGGER %I AFTER %s ON @extschema@.%I REFERENCING %s FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.%I()',
                                t OPERATOR(pg_catalog.||) '_track_' OPERATOR(pg_catalog.||) ev.name, ev.op, t, ev.ref,
                                CASE WHEN t OPERATOR(pg_catalog.=) 'supply' AND ev.op OPERATOR(pg_catalog.=) 'INSERT' THEN 'track_supply_insert' ELSE 'track_change' END);
    END LOOP;
    -- TRUNCATE has no transition table: everything is stale
    EXECUTE pg_catalog.format('CREATE TRIGGER %I AFTER TRUNCATE ON @extschema@.%I FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.track_change()',
                              t OPERATOR(pg_catalog.||) '_track_truncate', t);
  END LOOP;
END $trk$;
