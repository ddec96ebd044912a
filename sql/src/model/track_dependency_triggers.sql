-- Change tracking of supplier_dependency (issue 28.6: the per-entity deep rollups depend on the
-- tier-n edges): the same statement-level triggers as the other tracked tables
-- (change_tracking.sql), through track_change.
CREATE TRIGGER supplier_dependency_track_insert AFTER INSERT ON @extschema@.supplier_dependency
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.track_change();
CREATE TRIGGER supplier_dependency_track_update AFTER UPDATE ON @extschema@.supplier_dependency
  REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.track_change();
CREATE TRIGGER supplier_dependency_track_delete AFTER DELETE ON @extschema@.supplier_dependency
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.track_change();
CREATE TRIGGER supplier_dependency_track_truncate AFTER TRUNCATE ON @extschema@.supplier_dependency
  FOR EACH STATEMENT EXECUTE FUNCTION @extschema@.track_change();
