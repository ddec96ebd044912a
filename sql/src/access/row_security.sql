-- Access control, 2/3: row-level security policies by member state.

ALTER TABLE @extschema@.entity ENABLE ROW LEVEL SECURITY;
CREATE POLICY entity_by_member_state ON @extschema@.entity
  USING (((SELECT @extschema@.access_member_states()) IS NULL OR member_state OPERATOR(pg_catalog.=) ANY (CAST((SELECT @extschema@.access_member_states()) AS text[]))));
ALTER TABLE @extschema@.supply ENABLE ROW LEVEL SECURITY;
CREATE POLICY supply_by_entity ON @extschema@.supply  -- the entity's own policy scopes the subquery
  USING (entity_id IN (SELECT e.entity_id FROM @extschema@.entity e));
ALTER TABLE @extschema@.assessment ENABLE ROW LEVEL SECURITY;
CREATE POLICY assessment_read ON @extschema@.assessment FOR SELECT
  USING (((SELECT @extschema@.access_member_states()) IS NULL OR member_state OPERATOR(pg_catalog.=) ANY (CAST((SELECT @extschema@.access_member_states()) AS text[])) OR (member_state IS NULL AND pg_catalog.cardinality((SELECT @extschema@.access_member_states())) OPERATOR(pg_catalog.>) 0)));
CREATE POLICY assessment_write ON @extschema@.assessment FOR ALL
  USING (((SELECT @extschema@.access_member_states()) IS NULL OR member_state OPERATOR(pg_catalog.=) ANY (CAST((SELECT @extschema@.access_member_states()) AS text[])))) WITH CHECK (((SELECT @extschema@.access_member_states()) IS NULL OR member_state OPERATOR(pg_catalog.=) ANY (CAST((SELECT @extschema@.access_member_states()) AS text[]))));
ALTER TABLE @extschema@.designation ENABLE ROW LEVEL SECURITY;
CREATE POLICY designation_read ON @extschema@.designation FOR SELECT
  USING (((SELECT @extschema@.access_member_states()) IS NULL OR member_state OPERATOR(pg_catalog.=) ANY (CAST((SELECT @extschema@.access_member_states()) AS text[])) OR (member_state IS NULL AND pg_catalog.cardinality((SELECT @extschema@.access_member_states())) OPERATOR(pg_catalog.>) 0)));
CREATE POLICY designation_write ON @extschema@.designation FOR ALL
  USING (((SELECT @extschema@.access_member_states()) IS NULL OR member_state OPERATOR(pg_catalog.=) ANY (CAST((SELECT @extschema@.access_member_states()) AS text[])))) WITH CHECK (((SELECT @extschema@.access_member_states()) IS NULL OR member_state OPERATOR(pg_catalog.=) ANY (CAST((SELECT @extschema@.access_member_states()) AS text[]))));
ALTER TABLE @extschema@.sector_rollup ENABLE ROW LEVEL SECURITY;
CREATE POLICY sector_rollup_by_member_state ON @extschema@.sector_rollup
  USING (((SELECT @extschema@.access_member_states()) IS NULL OR member_state OPERATOR(pg_catalog.=) ANY (CAST((SELECT @extschema@.access_member_states()) AS text[]))));
ALTER TABLE @extschema@.function_rollup ENABLE ROW LEVEL SECURITY;
CREATE POLICY function_rollup_by_member_state ON @extschema@.function_rollup
  USING (((SELECT @extschema@.access_member_states()) IS NULL OR member_state OPERATOR(pg_catalog.=) ANY (CAST((SELECT @extschema@.access_member_states()) AS text[]))));
ALTER TABLE @extschema@.supplier_rollup ENABLE ROW LEVEL SECURITY;
CREATE POLICY supplier_rollup_unscoped ON @extschema@.supplier_rollup
  USING ((SELECT @extschema@.access_member_states()) IS NULL);
ALTER TABLE @extschema@.function_snapshot ENABLE ROW LEVEL SECURITY;
CREATE POLICY function_snapshot_by_member_state ON @extschema@.function_snapshot
  USING (((SELECT @extschema@.access_member_states()) IS NULL OR member_state OPERATOR(pg_catalog.=) ANY (CAST((SELECT @extschema@.access_member_states()) AS text[]))));
ALTER TABLE @extschema@.metric_snapshot ENABLE ROW LEVEL SECURITY;
CREATE POLICY metric_snapshot_by_member_state ON @extschema@.metric_snapshot
  USING (((SELECT @extschema@.access_member_states()) IS NULL OR member_state OPERATOR(pg_catalog.=) ANY (CAST((SELECT @extschema@.access_member_states()) AS text[]))));
ALTER TABLE @extschema@.measure_status ENABLE ROW LEVEL SECURITY;
CREATE POLICY measure_status_read ON @extschema@.measure_status FOR SELECT
  USING (((SELECT @extschema@.access_member_states()) IS NULL OR member_state OPERATOR(pg_catalog.=) ANY (CAST((SELECT @extschema@.access_member_states()) AS text[])) OR (NOT confidential AND pg_catalog.cardinality((SELECT @extschema@.access_member_states())) OPERATOR(pg_catalog.>) 0)));
CREATE POLICY measure_status_write ON @extschema@.measure_status FOR ALL
  USING (((SELECT @extschema@.access_member_states()) IS NULL OR member_state OPERATOR(pg_catalog.=) ANY (CAST((SELECT @extschema@.access_member_states()) AS text[])))) WITH CHECK (((SELECT @extschema@.access_member_states()) IS NULL OR member_state OPERATOR(pg_catalog.=) ANY (CAST((SELECT @extschema@.access_member_states()) AS text[]))));
ALTER TABLE @extschema@.contract_control ENABLE ROW LEVEL SECURITY;
CREATE POLICY contract_control_by_entity ON @extschema@.contract_control  -- the entity's own policy scopes the subquery
  USING (entity_id IN (SELECT e.entity_id FROM @extschema@.entity e));
ALTER TABLE @extschema@.access_grant ENABLE ROW LEVEL SECURITY;
CREATE POLICY access_grant_admins ON @extschema@.access_grant
  USING ((SELECT @extschema@.access_member_states()) IS NULL);
COMMENT ON POLICY entity_by_member_state ON @extschema@.entity IS 'A scoped role sees and changes the entities of its member states only.';
COMMENT ON POLICY supply_by_entity ON @extschema@.supply IS 'Supply rows follow their entity.';
COMMENT ON POLICY assessment_read ON @extschema@.assessment IS 'Assessments of the role''s member states and shared ones (member_state NULL).';
COMMENT ON POLICY assessment_write ON @extschema@.assessment IS 'A scoped role writes assessments of its member states only; shared ones need an unscoped role.';
COMMENT ON POLICY designation_read ON @extschema@.designation IS 'Designations of the role''s member states and shared ones (member_state NULL).';
COMMENT ON POLICY designation_write ON @extschema@.designation IS 'A scoped role writes designations of its member states only.';
COMMENT ON POLICY sector_rollup_by_member_state ON @extschema@.sector_rollup IS 'Rollup rows of the role''s member states; EU-wide rows for unscoped roles only.';
COMMENT ON POLICY metric_snapshot_by_member_state ON @extschema@.metric_snapshot IS 'Snapshot rows of the role''s member states; EU-wide rows for unscoped roles only.';
COMMENT ON POLICY function_rollup_by_member_state ON @extschema@.function_rollup IS 'Function rollup rows of the role''s member states; EU-wide rows for unscoped roles only.';
COMMENT ON POLICY supplier_rollup_unscoped ON @extschema@.supplier_rollup IS 'Only unscoped roles see the stored supplier scores (they count every member state''s assessments).';
COMMENT ON POLICY function_snapshot_by_member_state ON @extschema@.function_snapshot IS 'Function snapshot rows of the role''s member states; EU-wide rows for unscoped roles only.';
COMMENT ON POLICY access_grant_admins ON @extschema@.access_grant IS 'Only unscoped roles see the grants.';
COMMENT ON POLICY measure_status_read ON @extschema@.measure_status IS 'Observations of the role''s member states, and the other member states'' that are not confidential (measure_progress counts them all).';
COMMENT ON POLICY measure_status_write ON @extschema@.measure_status IS 'A scoped role records observations of its member states only.';
COMMENT ON POLICY contract_control_by_entity ON @extschema@.contract_control IS 'Contract checks follow their entity.';

-- only admins run the jobs and change access
REVOKE EXECUTE ON PROCEDURE @extschema@.refresh(boolean, boolean) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION @extschema@.take_snapshot(text) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION @extschema@.cron_schedule_job(text, text, text) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION @extschema@.schedule_refresh(text) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION @extschema@.schedule_snapshot(text, text) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION @extschema@.unschedule(text) FROM PUBLIC;
