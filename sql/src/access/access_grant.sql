-- Access control, 1/3: access_grant and the member states a user may see.

CREATE TABLE @extschema@.access_grant (
  role_name     name PRIMARY KEY,
  access        text NOT NULL CONSTRAINT access_grant_level CHECK (access IN ('read', 'assess', 'admin', 'federation')),
  member_states text[] CONSTRAINT access_grant_states_nonempty CHECK (pg_catalog.cardinality(member_states) OPERATOR(pg_catalog.>) 0),
  granted_at    timestamptz NOT NULL DEFAULT pg_catalog.now(),
  granted_by    name NOT NULL DEFAULT CURRENT_USER,
  role_id       oid
);
COMMENT ON TABLE @extschema@.access_grant IS 'Who may use supplyrisk: one row per role, written by grant_access and revoke_access only.';
COMMENT ON COLUMN @extschema@.access_grant.role_name IS 'The role (members of it inherit the grant).';
COMMENT ON COLUMN @extschema@.access_grant.access IS 'read (views and tables), assess (also writes entities, supply, assessments, designations), admin (everything, refresh, snapshots, grants, federation members), federation (the federation_* views only: the aggregate states a coordinator pulls, no table).';
COMMENT ON COLUMN @extschema@.access_grant.member_states IS 'The member states whose rows the role sees and changes; NULL: all, including EU-wide rows.';
COMMENT ON COLUMN @extschema@.access_grant.granted_at IS 'When the grant was made.';
COMMENT ON COLUMN @extschema@.access_grant.granted_by IS 'Who made it.';
COMMENT ON COLUMN @extschema@.access_grant.role_id IS 'The OID of the role at grant time: a grant holds only while a role with this OID and role_name exists (a dropped role''s grant goes to no later role of the same name; after a restore into another cluster, grant again).';
SELECT pg_catalog.pg_extension_config_dump('@extschema@.access_grant', '');
-- (whom a grant reaches, and the member states a user may see: member_states.sql)
