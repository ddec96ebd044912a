-- Row-level security of the per-entity rollups (rollup/entity_rollup.sql): a scoped role reads
-- the rows of its member states' entities, as it reads their supply.
ALTER TABLE @extschema@.entity_rollup ENABLE ROW LEVEL SECURITY;
CREATE POLICY entity_rollup_by_member_state ON @extschema@.entity_rollup
  USING (((SELECT @extschema@.access_member_states()) IS NULL OR member_state OPERATOR(pg_catalog.=) ANY (CAST((SELECT @extschema@.access_member_states()) AS text[]))));
COMMENT ON POLICY entity_rollup_by_member_state ON @extschema@.entity_rollup IS 'Entity rollup rows of the role''s member states (unscoped roles: all).';
ALTER TABLE @extschema@.entity_deep_rollup ENABLE ROW LEVEL SECURITY;
CREATE POLICY entity_deep_rollup_by_member_state ON @extschema@.entity_deep_rollup
  USING (((SELECT @extschema@.access_member_states()) IS NULL OR member_state OPERATOR(pg_catalog.=) ANY (CAST((SELECT @extschema@.access_member_states()) AS text[]))));
COMMENT ON POLICY entity_deep_rollup_by_member_state ON @extschema@.entity_deep_rollup IS 'Entity deep rollup rows of the role''s member states (unscoped roles: all).';
