-- Access control, 1b/3: whom a grant reaches, and the member states a user may see (read by
-- the row-level security policies).

-- Whether a grant (role_id, role_name) reaches a role: the granted role must still exist under
-- both its OID and its name (a dropped role's grant never passes to a new role of the same
-- name, nor to another role that reuses its OID after a restore), and the role must be it or
-- a member of it. Never an error for a role that no longer exists.
CREATE OR REPLACE FUNCTION @extschema@.access_grant_reaches(role_id oid, role_name name, who name) RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_catalog.pg_roles r WHERE r.oid OPERATOR(pg_catalog.=) $1 AND r.rolname OPERATOR(pg_catalog.=) $2)
              THEN pg_catalog.pg_has_role($3, $1, 'MEMBER') ELSE false END
$$;
COMMENT ON FUNCTION @extschema@.access_grant_reaches(oid, name, name) IS 'Internal: whether the grant of role (role_id, role_name) reaches role who: the granted role still exists under that OID and name, and who is it or a member of it.';

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
  WHERE @extschema@.access_grant_reaches(g.role_id, g.role_name, who);
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
