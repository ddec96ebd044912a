-- Access control, 3/3: grant_access, revoke_access and their helpers.

-- the session user must be a superuser or a supplyrisk admin (called by the security-definer
-- grant functions, whose current user is the owner: the session user is the caller)
CREATE OR REPLACE FUNCTION @extschema@.access_require_admin(action text) RETURNS void
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  IF NOT (SELECT a.rolsuper FROM pg_catalog.pg_roles a WHERE a.rolname OPERATOR(pg_catalog.=) SESSION_USER)
     AND NOT EXISTS (SELECT 1 FROM @extschema@.access_grant g WHERE g.access OPERATOR(pg_catalog.=) 'admin'
                     AND @extschema@.access_grant_reaches(g.role_id, g.role_name, SESSION_USER)) THEN
    RAISE EXCEPTION 'permission denied to % supplyrisk access', action USING ERRCODE = 'insufficient_privilege',
      HINT = 'Grants are made and changed by superusers and supplyrisk admins.';
  END IF;
END
$$;
REVOKE EXECUTE ON FUNCTION @extschema@.access_require_admin(text) FROM PUBLIC;
COMMENT ON FUNCTION @extschema@.access_require_admin(text) IS 'Internal: 42501 unless the session user is a superuser or a supplyrisk admin; called by grant_access and revoke_access.';

CREATE OR REPLACE FUNCTION @extschema@.grant_access(role regrole, access text, member_states text[] DEFAULT NULL) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  r   text := pg_catalog.quote_ident((SELECT a.rolname FROM pg_catalog.pg_roles a WHERE a.oid OPERATOR(pg_catalog.=) role::oid));
  bad text;
  ms  text[];
BEGIN
  IF role IS NULL OR access IS NULL THEN
    RAISE EXCEPTION 'role and access must not be null' USING ERRCODE = 'null_value_not_allowed';
  END IF;
  PERFORM @extschema@.access_require_admin('grant');
  IF access NOT IN ('read', 'assess', 'admin', 'federation') THEN
    RAISE EXCEPTION 'unknown access level "%"', access USING ERRCODE = 'invalid_parameter_value',
      HINT = 'Use read, assess, admin or federation.';
  END IF;
  IF (SELECT a.rolsuper FROM pg_catalog.pg_roles a WHERE a.oid OPERATOR(pg_catalog.=) role::oid) THEN
    RAISE EXCEPTION 'role "%" is a superuser', role USING ERRCODE = 'invalid_parameter_value',
      DETAIL = 'Superusers bypass row-level security; a grant would not limit them.';
  END IF;
  IF member_states IS NOT NULL THEN
    IF access OPERATOR(pg_catalog.=) 'admin' THEN
      RAISE EXCEPTION 'admin access cannot be limited to member states' USING ERRCODE = 'invalid_parameter_value',
        DETAIL = 'Admins refresh the rollups and take snapshots, which need every row.', HINT = 'Grant assess instead.';
    END IF;
    IF pg_catalog.cardinality(member_states) OPERATOR(pg_catalog.=) 0 OR pg_catalog.array_position(member_states, NULL) IS NOT NULL THEN
      RAISE EXCEPTION 'member_states must list at least one member state and no NULL' USING ERRCODE = 'invalid_parameter_value',
        HINT = 'Pass NULL for all member states; revoke_access removes access.';
    END IF;
    SELECT pg_catalog.string_agg(m, ', ') INTO bad FROM pg_catalog.unnest(member_states) m
    WHERE NOT EXISTS (SELECT 1 FROM @extschema@.country c WHERE c.code OPERATOR(pg_catalog.=) m AND c.eu_member);
    IF bad IS NOT NULL THEN
      RAISE EXCEPTION 'not an EU member state: "%"', bad USING ERRCODE = 'invalid_parameter_value',
        HINT = 'See supplyrisk.country where eu_member.';
    END IF;
    SELECT pg_catalog.array_agg(DISTINCT m ORDER BY m) INTO ms FROM pg_catalog.unnest(member_states) m;
  END IF;
  -- start from nothing, then grant the level
  PERFORM @extschema@.revoke_privileges(r);
  PERFORM @extschema@.grant_privileges(r, access);
  INSERT INTO @extschema@.access_grant AS g (role_name, role_id, access, member_states)
  VALUES ((SELECT a.rolname FROM pg_catalog.pg_roles a WHERE a.oid OPERATOR(pg_catalog.=) role::oid), role::oid, access, ms)
  ON CONFLICT (role_name) DO UPDATE SET role_id = EXCLUDED.role_id, access = EXCLUDED.access, member_states = EXCLUDED.member_states,
                                        granted_at = pg_catalog.now(), granted_by = SESSION_USER;
END
$$;
COMMENT ON FUNCTION @extschema@.grant_access(regrole, text, text[]) IS 'Gives a role read, assess, admin or federation access to supplyrisk, limited to some member states (NULL: all); replaces any earlier grant of the role. federation: the federation_* views only, for a coordinator''s user mapping.';

-- The privileges of an access level (role as an SQL identifier); one definition, used by
-- grant_access and by the upgrade to give earlier grants the objects it adds or re-creates.
CREATE OR REPLACE FUNCTION @extschema@.grant_privileges(role_sql text, access text) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  sch text := pg_catalog.quote_ident('@extschema@');
  r   text := role_sql;
BEGIN
  EXECUTE pg_catalog.format('GRANT USAGE ON SCHEMA %s TO %s', sch, r);
  IF access OPERATOR(pg_catalog.=) 'federation' THEN
    -- the aggregate states a coordinator pulls, nothing else (no table, no other view)
    EXECUTE pg_catalog.format('GRANT SELECT ON %1$s.federation_info, %1$s.federation_export, %1$s.federation_gaps, %1$s.federation_groups TO %2$s', sch, r);
  ELSE
    EXECUTE pg_catalog.format('GRANT SELECT ON ALL TABLES IN SCHEMA %s TO %s', sch, r);
  END IF;
  IF access OPERATOR(pg_catalog.<>) 'federation' THEN
    EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION %1$s.measure_progress_rows() TO %2$s', sch, r);
  END IF;
  -- the federation views (the aggregate states of the role's member states, computed as the
  -- owner): for the coordinator's federation role and for admins only
  IF access IN ('federation', 'admin') THEN
    EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION %1$s.federation_info_row(), %1$s.federation_export_rows(), %1$s.federation_gap_rows(), %1$s.federation_group_rows(), %1$s.federation_scope() TO %2$s', sch, r);
  END IF;
  IF access IN ('assess', 'admin') THEN
    EXECUTE pg_catalog.format('GRANT INSERT, UPDATE, DELETE ON %1$s.entity, %1$s.supply, %1$s.assessment, %1$s.designation TO %2$s', sch, r);
    EXECUTE pg_catalog.format('GRANT INSERT ON %1$s.supplier TO %2$s', sch, r);
    EXECUTE pg_catalog.format('GRANT INSERT, UPDATE, DELETE ON %1$s.supplier_dependency, %1$s.bom, %1$s.bom_component, %1$s.bom_dependency, %1$s.measure_status, %1$s.contract_control TO %2$s', sch, r);
    EXECUTE pg_catalog.format('GRANT USAGE ON ALL SEQUENCES IN SCHEMA %s TO %s', sch, r);
  END IF;
  IF access OPERATOR(pg_catalog.=) 'admin' THEN
    EXECUTE pg_catalog.format('GRANT INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA %s TO %s', sch, r);
    -- loads with explicit ids move the shared id sequences (advance_id_sequence)
    EXECUTE pg_catalog.format('GRANT UPDATE ON ALL SEQUENCES IN SCHEMA %s TO %s', sch, r);
    EXECUTE pg_catalog.format('GRANT EXECUTE ON PROCEDURE %s.refresh(boolean, boolean) TO %s', sch, r);
    EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION %1$s.take_snapshot(text), %1$s.cron_schedule_job(text, text, text), %1$s.schedule_refresh(text), %1$s.schedule_snapshot(text, text), %1$s.unschedule(text), %1$s.grant_access(regrole, text, text[]), %1$s.revoke_access(regrole), %1$s.federation_add_member(text, name), %1$s.federation_remove_member(text), %1$s.federation_explain(), %1$s.federation_connect(text, name), %1$s.federation_pull(boolean, boolean) TO %2$s', sch, r);
  END IF;
END
$$;
REVOKE EXECUTE ON FUNCTION @extschema@.grant_privileges(text, text) FROM PUBLIC;
COMMENT ON FUNCTION @extschema@.grant_privileges(text, text) IS 'Internal: grants the privileges of an access level (read, assess, admin, federation) to a role (as an SQL identifier); called by grant_access.';

CREATE OR REPLACE FUNCTION @extschema@.revoke_privileges(role_sql text) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  sch text := pg_catalog.quote_ident('@extschema@');
BEGIN
  EXECUTE pg_catalog.format('REVOKE ALL ON ALL TABLES IN SCHEMA %s FROM %s', sch, role_sql);
  EXECUTE pg_catalog.format('REVOKE ALL ON ALL SEQUENCES IN SCHEMA %s FROM %s', sch, role_sql);
  EXECUTE pg_catalog.format('REVOKE EXECUTE ON PROCEDURE %s.refresh(boolean, boolean) FROM %s', sch, role_sql);
  EXECUTE pg_catalog.format('REVOKE EXECUTE ON FUNCTION %1$s.take_snapshot(text), %1$s.cron_schedule_job(text, text, text), %1$s.schedule_refresh(text), %1$s.schedule_snapshot(text, text), %1$s.unschedule(text), %1$s.grant_access(regrole, text, text[]), %1$s.revoke_access(regrole), %1$s.federation_add_member(text, name), %1$s.federation_remove_member(text), %1$s.federation_explain(), %1$s.federation_connect(text, name), %1$s.federation_pull(boolean, boolean), %1$s.federation_info_row(), %1$s.federation_export_rows(), %1$s.federation_gap_rows(), %1$s.federation_group_rows(), %1$s.federation_scope(), %1$s.measure_progress_rows() FROM %2$s', sch, role_sql);
  EXECUTE pg_catalog.format('REVOKE USAGE ON SCHEMA %s FROM %s', sch, role_sql);
END
$$;
REVOKE EXECUTE ON FUNCTION @extschema@.revoke_privileges(text) FROM PUBLIC;
COMMENT ON FUNCTION @extschema@.revoke_privileges(text) IS 'Internal: removes every privilege grant_access gives (role as an SQL identifier); called by grant_access and revoke_access.';

CREATE OR REPLACE FUNCTION @extschema@.revoke_access(role regrole) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  n text := (SELECT a.rolname FROM pg_catalog.pg_roles a WHERE a.oid OPERATOR(pg_catalog.=) role::oid);
BEGIN
  IF role IS NULL THEN
    RAISE EXCEPTION 'role must not be null' USING ERRCODE = 'null_value_not_allowed';
  END IF;
  PERFORM @extschema@.access_require_admin('revoke');
  PERFORM @extschema@.revoke_privileges(pg_catalog.quote_ident(n));
  DELETE FROM @extschema@.access_grant g WHERE g.role_id OPERATOR(pg_catalog.=) role::oid OR g.role_name OPERATOR(pg_catalog.=) n;
  RETURN FOUND;
END
$$;
COMMENT ON FUNCTION @extschema@.revoke_access(regrole) IS 'Removes a role''s supplyrisk access and privileges; false when it had no grant.';
REVOKE EXECUTE ON FUNCTION @extschema@.grant_access(regrole, text, text[]) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION @extschema@.revoke_access(regrole) FROM PUBLIC;
