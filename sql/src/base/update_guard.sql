-- An update owns its schema (ALTER EXTENSION supplyrisk UPDATE): the first statement of every
-- upgrade script. A role other than the extension's owner that may create objects in the
-- schema (or owns it) could have planted look-alikes of what the script calls, run by the
-- update as the updating superuser: refused until that privilege is revoked.
DO $guard$
DECLARE
  who text;
BEGIN
  SELECT pg_catalog.string_agg(DISTINCT CASE WHEN x.grantee OPERATOR(pg_catalog.=) 0 THEN 'PUBLIC' ELSE pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(x.grantee)) END, ', ')
    INTO who
    FROM pg_catalog.pg_namespace n
    CROSS JOIN LATERAL (SELECT a.grantee FROM pg_catalog.aclexplode(n.nspacl) a WHERE a.privilege_type OPERATOR(pg_catalog.=) 'CREATE'
                        UNION ALL SELECT n.nspowner) x
    JOIN pg_catalog.pg_extension e ON e.extname OPERATOR(pg_catalog.=) 'supplyrisk'
   WHERE n.nspname OPERATOR(pg_catalog.=) '@extschema@'
     AND x.grantee OPERATOR(pg_catalog.<>) e.extowner
     AND (x.grantee OPERATOR(pg_catalog.=) 0   -- PUBLIC: every role
          OR NOT (SELECT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.oid OPERATOR(pg_catalog.=) x.grantee));
  IF who IS NOT NULL THEN
    RAISE EXCEPTION 'roles other than the extension owner may create objects in schema "%": %', '@extschema@', who
      USING ERRCODE = 'insufficient_privilege',
            DETAIL = 'An object such a role placed in the schema could be run by the update as the updating role.',
            HINT = pg_catalog.format('REVOKE CREATE ON SCHEMA %I FROM %s (and give the schema to the extension''s owner), then update again.', '@extschema@', who);
  END IF;
END $guard$;
