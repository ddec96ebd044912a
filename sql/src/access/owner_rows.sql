-- Access control, 2b/3 (issue 27.6): every table that holds member-state-owned rows has an owner
-- column, member_state (NULL: EU-wide, written by an unscoped role), that defaults to the writing
-- role's member state when its grant names exactly one, and row-level security by owner. The
-- install script and the 0.2.0 -> 0.3.0 migration both run this file.

-- The owner a row written by the current user gets by default: its one member state, else NULL
-- (unscoped roles write EU-wide rows; a role of several member states names the owner).
CREATE OR REPLACE FUNCTION @extschema@.access_owner_default() RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN pg_catalog.cardinality(m.ms) OPERATOR(pg_catalog.=) 1 THEN m.ms[1] END
  FROM (SELECT @extschema@.access_member_states() AS ms) m
$$;
COMMENT ON FUNCTION @extschema@.access_owner_default() IS 'The default owner (member_state) of a row the current user writes: the one member state of its grant, else NULL (EU-wide; a scoped role of several member states names the owner, and row-level security refuses NULL from it).';

-- the owner columns: assessments and designations had one; tier-n edges and BOMs get one
ALTER TABLE @extschema@.assessment ALTER COLUMN member_state SET DEFAULT @extschema@.access_owner_default();
ALTER TABLE @extschema@.designation ALTER COLUMN member_state SET DEFAULT @extschema@.access_owner_default();
ALTER TABLE @extschema@.supplier_dependency
  ADD COLUMN member_state text REFERENCES @extschema@.country (code) DEFAULT @extschema@.access_owner_default();
ALTER TABLE @extschema@.supplier_dependency DROP CONSTRAINT supplier_dependency_unique,
  ADD CONSTRAINT supplier_dependency_unique UNIQUE NULLS NOT DISTINCT (supplier_id, depends_on_supplier_id, function_code, member_state);
COMMENT ON COLUMN @extschema@.supplier_dependency.member_state IS 'Member state that owns the edge (row-level security; it counts only in that member state''s deep_mix); NULL: EU-wide, counted everywhere. Default: the writing role''s member state when its grant names exactly one.';
-- deep_mix reads the EU-wide edges and one member state's by this index, not past every other
-- member state's edges
CREATE INDEX supplier_dependency_owner_idx ON @extschema@.supplier_dependency (member_state, supplier_id);
CREATE TRIGGER supplier_dependency_member_state_eu BEFORE INSERT OR UPDATE OF member_state ON @extschema@.supplier_dependency
  FOR EACH ROW WHEN (NEW.member_state IS NOT NULL) EXECUTE FUNCTION @extschema@.check_entity_member_state();
ALTER TABLE @extschema@.bom
  ADD COLUMN member_state text REFERENCES @extschema@.country (code) DEFAULT @extschema@.access_owner_default();
ALTER TABLE @extschema@.bom DROP CONSTRAINT bom_document_key_unique,
  ADD CONSTRAINT bom_document_key_unique UNIQUE NULLS NOT DISTINCT (document_key, member_state);
COMMENT ON COLUMN @extschema@.bom.member_state IS 'Member state that owns the import (row-level security; a document imported again replaces only the same owner''s import); NULL: EU-wide. Default: the writing role''s member state when its grant names exactly one.';
CREATE TRIGGER bom_member_state_eu BEFORE INSERT OR UPDATE OF member_state ON @extschema@.bom
  FOR EACH ROW WHEN (NEW.member_state IS NOT NULL) EXECUTE FUNCTION @extschema@.check_entity_member_state();

-- row-level security: a scoped role reads its member states' rows and the EU-wide ones, and
-- writes its member states' only; components and graphs follow their BOM
ALTER TABLE @extschema@.supplier_dependency ENABLE ROW LEVEL SECURITY;
CREATE POLICY supplier_dependency_read ON @extschema@.supplier_dependency FOR SELECT
  USING (((SELECT @extschema@.access_member_states()) IS NULL OR member_state OPERATOR(pg_catalog.=) ANY (CAST((SELECT @extschema@.access_member_states()) AS text[])) OR (member_state IS NULL AND pg_catalog.cardinality((SELECT @extschema@.access_member_states())) OPERATOR(pg_catalog.>) 0)));
CREATE POLICY supplier_dependency_write ON @extschema@.supplier_dependency FOR ALL
  USING (((SELECT @extschema@.access_member_states()) IS NULL OR member_state OPERATOR(pg_catalog.=) ANY (CAST((SELECT @extschema@.access_member_states()) AS text[]))))
  WITH CHECK (((SELECT @extschema@.access_member_states()) IS NULL OR member_state OPERATOR(pg_catalog.=) ANY (CAST((SELECT @extschema@.access_member_states()) AS text[]))) AND (source_bom_id IS NULL OR source_bom_id IN (SELECT b.bom_id FROM @extschema@.bom b WHERE ((SELECT @extschema@.access_member_states()) IS NULL OR b.member_state OPERATOR(pg_catalog.=) ANY (CAST((SELECT @extschema@.access_member_states()) AS text[]))))));
ALTER TABLE @extschema@.bom ENABLE ROW LEVEL SECURITY;
CREATE POLICY bom_read ON @extschema@.bom FOR SELECT
  USING (((SELECT @extschema@.access_member_states()) IS NULL OR member_state OPERATOR(pg_catalog.=) ANY (CAST((SELECT @extschema@.access_member_states()) AS text[])) OR (member_state IS NULL AND pg_catalog.cardinality((SELECT @extschema@.access_member_states())) OPERATOR(pg_catalog.>) 0)));
CREATE POLICY bom_write ON @extschema@.bom FOR ALL
  USING (((SELECT @extschema@.access_member_states()) IS NULL OR member_state OPERATOR(pg_catalog.=) ANY (CAST((SELECT @extschema@.access_member_states()) AS text[])))) WITH CHECK (((SELECT @extschema@.access_member_states()) IS NULL OR member_state OPERATOR(pg_catalog.=) ANY (CAST((SELECT @extschema@.access_member_states()) AS text[]))));
ALTER TABLE @extschema@.bom_component ENABLE ROW LEVEL SECURITY;
CREATE POLICY bom_component_read ON @extschema@.bom_component FOR SELECT  -- the BOM's own policies scope the subquery
  USING (bom_id IN (SELECT b.bom_id FROM @extschema@.bom b));
CREATE POLICY bom_component_write ON @extschema@.bom_component FOR ALL  -- written only with a BOM the writer owns
  USING (bom_id IN (SELECT b.bom_id FROM @extschema@.bom b WHERE ((SELECT @extschema@.access_member_states()) IS NULL OR b.member_state OPERATOR(pg_catalog.=) ANY (CAST((SELECT @extschema@.access_member_states()) AS text[])))))
  WITH CHECK (bom_id IN (SELECT b.bom_id FROM @extschema@.bom b WHERE ((SELECT @extschema@.access_member_states()) IS NULL OR b.member_state OPERATOR(pg_catalog.=) ANY (CAST((SELECT @extschema@.access_member_states()) AS text[])))));
ALTER TABLE @extschema@.bom_dependency ENABLE ROW LEVEL SECURITY;
CREATE POLICY bom_dependency_read ON @extschema@.bom_dependency FOR SELECT
  USING (bom_id IN (SELECT b.bom_id FROM @extschema@.bom b));
CREATE POLICY bom_dependency_write ON @extschema@.bom_dependency FOR ALL
  USING (bom_id IN (SELECT b.bom_id FROM @extschema@.bom b WHERE ((SELECT @extschema@.access_member_states()) IS NULL OR b.member_state OPERATOR(pg_catalog.=) ANY (CAST((SELECT @extschema@.access_member_states()) AS text[])))))
  WITH CHECK (bom_id IN (SELECT b.bom_id FROM @extschema@.bom b WHERE ((SELECT @extschema@.access_member_states()) IS NULL OR b.member_state OPERATOR(pg_catalog.=) ANY (CAST((SELECT @extschema@.access_member_states()) AS text[])))));
-- pending changes name member states (and suppliers, whose rows any member state may have changed)
ALTER TABLE @extschema@.rollup_change ENABLE ROW LEVEL SECURITY;
CREATE POLICY rollup_change_by_member_state ON @extschema@.rollup_change
  USING (((SELECT @extschema@.access_member_states()) IS NULL OR member_state OPERATOR(pg_catalog.=) ANY (CAST((SELECT @extschema@.access_member_states()) AS text[]))));
-- the states a federation coordinator pulled: each member's rows
ALTER TABLE @extschema@.federation_member ENABLE ROW LEVEL SECURITY;
CREATE POLICY federation_member_by_member_state ON @extschema@.federation_member
  USING (((SELECT @extschema@.access_member_states()) IS NULL OR member_state OPERATOR(pg_catalog.=) ANY (CAST((SELECT @extschema@.access_member_states()) AS text[]))));
ALTER TABLE @extschema@.federation_state ENABLE ROW LEVEL SECURITY;
CREATE POLICY federation_state_by_member_state ON @extschema@.federation_state
  USING (((SELECT @extschema@.access_member_states()) IS NULL OR member_state OPERATOR(pg_catalog.=) ANY (CAST((SELECT @extschema@.access_member_states()) AS text[]))));
ALTER TABLE @extschema@.federation_group ENABLE ROW LEVEL SECURITY;
CREATE POLICY federation_group_by_member_state ON @extschema@.federation_group
  USING (((SELECT @extschema@.access_member_states()) IS NULL OR member_state OPERATOR(pg_catalog.=) ANY (CAST((SELECT @extschema@.access_member_states()) AS text[]))));
COMMENT ON POLICY supplier_dependency_read ON @extschema@.supplier_dependency IS 'Tier-n edges of the role''s member states and EU-wide ones (member_state NULL).';
COMMENT ON POLICY supplier_dependency_write ON @extschema@.supplier_dependency IS 'A scoped role writes edges of its member states only, naming as source_bom_id only an import of its own (checked before the foreign key: another owner''s import and a missing one are refused alike); EU-wide ones need an unscoped role.';
COMMENT ON POLICY bom_read ON @extschema@.bom IS 'Imports of the role''s member states and EU-wide ones (member_state NULL).';
COMMENT ON POLICY bom_write ON @extschema@.bom IS 'A scoped role imports, replaces and deletes its member states'' imports only.';
COMMENT ON POLICY bom_component_read ON @extschema@.bom_component IS 'Components follow their import: readable with it.';
COMMENT ON POLICY bom_component_write ON @extschema@.bom_component IS 'Components are written only with an import of the writer''s own member states (an EU-wide import: unscoped roles).';
COMMENT ON POLICY bom_dependency_read ON @extschema@.bom_dependency IS 'A document''s graph follows its import: readable with it.';
COMMENT ON POLICY bom_dependency_write ON @extschema@.bom_dependency IS 'A document''s graph is written only with an import of the writer''s own member states.';
COMMENT ON POLICY rollup_change_by_member_state ON @extschema@.rollup_change IS 'Pending changes of the role''s member states; supplier and everything changes for unscoped roles only.';
COMMENT ON POLICY federation_member_by_member_state ON @extschema@.federation_member IS 'Federation members of the role''s member states.';
COMMENT ON POLICY federation_state_by_member_state ON @extschema@.federation_state IS 'States pulled from the members of the role''s member states.';
COMMENT ON POLICY federation_group_by_member_state ON @extschema@.federation_group IS 'Group names pulled from the members of the role''s member states.';
