-- Access control, 1/3: access_grant and the member states a user may see.

CREATE TABLE @extschema@.access_grant (
  role_name     name PRIMARY KEY,
  access        text NOT NULL CONSTRAINT access_grant_level CHECK (access IN ('read', 'assess', 'admin', 'federation')),
  member_states text[] CONSTRAINT access_grant_states_nonempty CHECK (pg_catalog.cardinality(member_states) OPERATOR(pg_catalog.>) 0),
  granted_at    timestamptz NOT NULL DEFAULT pg_catalog.now(),
  granted_by    name NOT NULL DEFAULT CURRENT_USER
);
COMMENT ON TABLE @extschema@.access_grant IS 'Who may use supplyrisk: one row per role, written by grant_access and revoke_access only.';
COMMENT ON COLUMN @extschema@.access_grant.role_name IS 'The role (members of it inherit the grant).';
COMMENT ON COLUMN @extschema@.access_grant.access IS 'read (views and tables), assess (also writes entities, supply, assessments, designations), admin (everything, refresh, snapshots, grants, federation members), federation (the federation_* views only: the aggregate states a coordinator pulls, no table).';
COMMENT ON COLUMN @extschema@.access_grant.member_states IS 'The member states whose rows the role sees and changes; NULL: all, including EU-wide rows.';
COMMENT ON COLUMN @extschema@.access_grant.granted_at IS 'When the grant was made.';
COMMENT ON COLUMN @extschema@.access_grant.granted_by IS 'Who made it.';
SELECT pg_catalog.pg_extension_config_dump('@extschema@.access_grant', '');

-- The member states a user may see: NULL = all (superusers, unscoped grants), an
-- empty array = none (no grant). Security definer, as access_grant is readable by
-- admins only; it answers for the session user and the roles it may act as only.
CREATE OR REPLACE FUNCTION @extschema@.access_member_states_for(who name) RETURNS text[]
LANGUAGE plpgsql STABLE PARALLEL SAFE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  states text[];
  unscoped boolean;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles r WHERE r.rolname OPERATOR(pg_catalog.=) who)
     OR NOT pg_catalog.pg_has_role(SESSION_USER, who, 'MEMBER') THEN
    RETURN '{}'::text[];
  END IF;
  IF (SELECT r.rolsuper OR r.rolbypassrls FROM pg_catalog.pg_roles r WHERE r.rolname OPERATOR(pg_catalog.=) who) THEN
    RETURN NULL;
  END IF;
  SELECT pg_catalog.bool_or(g.member_states IS NULL),
         pg_catalog.array_agg(DISTINCT s.ms ORDER BY s.ms) FILTER (WHERE s.ms IS NOT NULL)
  INTO unscoped, states
  FROM @extschema@.access_grant g
  LEFT JOIN LATERAL pg_catalog.unnest(g.member_states) s(ms) ON true
  WHERE pg_catalog.pg_has_role(who, g.role_name, 'MEMBER');
  IF unscoped THEN
    RETURN NULL;
  END IF;
  RETURN COALESCE(states, '{}'::text[]);
END
$$;
COMMENT ON FUNCTION @extschema@.access_member_states_for(name) IS 'Member states whose rows a role may see (NULL: all; {}: none), the union over its grants; answers only for the session user and roles it is a member of.';

CREATE OR REPLACE FUNCTION @extschema@.access_member_states() RETURNS text[]
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT @extschema@.access_member_states_for(CURRENT_USER)
$$;
COMMENT ON FUNCTION @extschema@.access_member_states() IS 'Member states whose rows the current user may see: NULL for all (superuser or an unscoped grant), {} for none.';
