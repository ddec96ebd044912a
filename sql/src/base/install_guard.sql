-- The install owns its schema (CREATE EXTENSION): the first statement the install script
-- runs. A schema that already exists is accepted only when it is empty and owned by the
-- installing role or another superuser (pg_restore creates the schema and gives it to its
-- original owner before it creates the extension; superusers are trusted anyway); otherwise
-- whoever owns it (or put objects in it) could have planted look-alikes of what the script
-- calls, which would run as the installing superuser. The check itself names nothing in the
-- schema: only pg_catalog, qualified.
DO $guard$
DECLARE
  nsp   oid;
  owner oid;
  objs  bigint;
BEGIN
  SELECT n.oid, n.nspowner INTO nsp, owner FROM pg_catalog.pg_namespace n WHERE n.nspname OPERATOR(pg_catalog.=) '@extschema@';
  IF owner OPERATOR(pg_catalog.<>) (SELECT r.oid FROM pg_catalog.pg_roles r WHERE r.rolname OPERATOR(pg_catalog.=) CURRENT_USER)
     AND NOT (SELECT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.oid OPERATOR(pg_catalog.=) owner) THEN
    RAISE EXCEPTION 'schema "%" is owned by role "%", neither the role installing supplyrisk nor a superuser', '@extschema@', pg_catalog.pg_get_userbyid(owner)
      USING ERRCODE = 'insufficient_privilege',
            DETAIL = 'supplyrisk installs only into a schema of its own: its owner could have placed objects there that the install would run as the installing role.',
            HINT = pg_catalog.format('Drop the schema (DROP SCHEMA %I) or give it to the installing role, then run CREATE EXTENSION supplyrisk again.', '@extschema@');
  END IF;
  SELECT (SELECT pg_catalog.count(*) FROM pg_catalog.pg_class c WHERE c.relnamespace OPERATOR(pg_catalog.=) nsp)
       OPERATOR(pg_catalog.+) (SELECT pg_catalog.count(*) FROM pg_catalog.pg_proc p WHERE p.pronamespace OPERATOR(pg_catalog.=) nsp)
       OPERATOR(pg_catalog.+) (SELECT pg_catalog.count(*) FROM pg_catalog.pg_type t WHERE t.typnamespace OPERATOR(pg_catalog.=) nsp)
       OPERATOR(pg_catalog.+) (SELECT pg_catalog.count(*) FROM pg_catalog.pg_operator o WHERE o.oprnamespace OPERATOR(pg_catalog.=) nsp)
       OPERATOR(pg_catalog.+) (SELECT pg_catalog.count(*) FROM pg_catalog.pg_collation o WHERE o.collnamespace OPERATOR(pg_catalog.=) nsp)
       OPERATOR(pg_catalog.+) (SELECT pg_catalog.count(*) FROM pg_catalog.pg_conversion o WHERE o.connamespace OPERATOR(pg_catalog.=) nsp)
       OPERATOR(pg_catalog.+) (SELECT pg_catalog.count(*) FROM pg_catalog.pg_opclass o WHERE o.opcnamespace OPERATOR(pg_catalog.=) nsp)
       OPERATOR(pg_catalog.+) (SELECT pg_catalog.count(*) FROM pg_catalog.pg_opfamily o WHERE o.opfnamespace OPERATOR(pg_catalog.=) nsp)
       OPERATOR(pg_catalog.+) (SELECT pg_catalog.count(*) FROM pg_catalog.pg_ts_config o WHERE o.cfgnamespace OPERATOR(pg_catalog.=) nsp)
       OPERATOR(pg_catalog.+) (SELECT pg_catalog.count(*) FROM pg_catalog.pg_ts_dict o WHERE o.dictnamespace OPERATOR(pg_catalog.=) nsp)
       OPERATOR(pg_catalog.+) (SELECT pg_catalog.count(*) FROM pg_catalog.pg_ts_parser o WHERE o.prsnamespace OPERATOR(pg_catalog.=) nsp)
       OPERATOR(pg_catalog.+) (SELECT pg_catalog.count(*) FROM pg_catalog.pg_ts_template o WHERE o.tmplnamespace OPERATOR(pg_catalog.=) nsp)
       OPERATOR(pg_catalog.+) (SELECT pg_catalog.count(*) FROM pg_catalog.pg_statistic_ext o WHERE o.stxnamespace OPERATOR(pg_catalog.=) nsp)
    INTO objs;
  IF objs OPERATOR(pg_catalog.>) 0 THEN
    RAISE EXCEPTION 'schema "%" already holds % object(s)', '@extschema@', objs
      USING ERRCODE = 'insufficient_privilege',
            DETAIL = 'supplyrisk installs only into an empty schema of its own: objects already there could be run by the install as the installing role.',
            HINT = pg_catalog.format('Move or drop what is in schema %I (or drop the schema), then run CREATE EXTENSION supplyrisk again.', '@extschema@');
  END IF;
END $guard$;
