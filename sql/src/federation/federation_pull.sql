-- Federation, coordinator side: members are added and removed, checked, and their states
-- pulled through postgres_fdw (by refresh() and take_snapshot()). The foreign tables are
-- temporary (pg_temp, this session only): nothing of a member is left in the catalogue.

-- The coordinator's view of one member: its foreign tables (re)created, reachability,
-- extension, version and state format checked; an error names the member and the cause.
CREATE OR REPLACE FUNCTION @extschema@.federation_connect(member_state text, server name)
RETURNS TABLE (version text, methodology text, as_of date)
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  t   text := 'supplyrisk_fed_' OPERATOR(pg_catalog.||) pg_catalog.lower(member_state);
  who text := pg_catalog.format('federation member %s (server %s)', member_state, server);
  sfx text;
  ver text;
  st  text;
  msg text;
  dt  text;
  inf record;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_foreign_server s
                 JOIN pg_catalog.pg_foreign_data_wrapper w ON w.oid OPERATOR(pg_catalog.=) s.srvfdw
                 WHERE s.srvname OPERATOR(pg_catalog.=) server AND w.fdwname OPERATOR(pg_catalog.=) 'postgres_fdw') THEN
    RAISE EXCEPTION '% has no postgres_fdw server "%"', who, server USING ERRCODE = 'undefined_object',
      HINT = 'Create it: CREATE SERVER ... FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host ..., port ..., dbname ..., extensions ''supplyrisk'', async_capable ''true''), with a user mapping (OPERATIONS.md, Federation).';
  END IF;
  FOREACH sfx IN ARRAY ARRAY['_ext', '_info', '_export', '_gaps', '_groups'] LOOP
    IF pg_catalog.to_regclass(pg_catalog.format('pg_temp.%I', t OPERATOR(pg_catalog.||) sfx)) IS NOT NULL THEN
      EXECUTE pg_catalog.format('DROP FOREIGN TABLE pg_temp.%I', t OPERATOR(pg_catalog.||) sfx);
    END IF;
  END LOOP;
  EXECUTE pg_catalog.format('CREATE FOREIGN TABLE pg_temp.%I (extname name, extversion text) SERVER %I OPTIONS (schema_name %L, table_name %L)',
                            t OPERATOR(pg_catalog.||) '_ext', server, 'pg_catalog', 'pg_extension');
  EXECUTE pg_catalog.format('CREATE FOREIGN TABLE pg_temp.%I (version text, state_format integer, schema_name text, methodology text, as_of date, member_states text[]) SERVER %I OPTIONS (schema_name %L, table_name %L)',
                            t OPERATOR(pg_catalog.||) '_info', server, '@extschema@', 'federation_info');
  EXECUTE pg_catalog.format('CREATE FOREIGN TABLE pg_temp.%I (sector_code text, member_state text, function_code text, group_mix @extschema@.supply_mix, country_mix @extschema@.supply_mix, entities bigint, single_sourced bigint, weight float8, hrv_weight float8, risk_weight float8, unassessed_weight float8, contract_gap_edges bigint) SERVER %I OPTIONS (schema_name %L, table_name %L)',
                            t OPERATOR(pg_catalog.||) '_export', server, '@extschema@', 'federation_export');
  EXECUTE pg_catalog.format('CREATE FOREIGN TABLE pg_temp.%I (sector_code text, member_state text, function_code text, gaps bigint) SERVER %I OPTIONS (schema_name %L, table_name %L)',
                            t OPERATOR(pg_catalog.||) '_gaps', server, '@extschema@', 'federation_gaps');
  EXECUTE pg_catalog.format('CREATE FOREIGN TABLE pg_temp.%I (member_state text, key text, name text) SERVER %I OPTIONS (schema_name %L, table_name %L)',
                            t OPERATOR(pg_catalog.||) '_groups', server, '@extschema@', 'federation_groups');
  BEGIN
    EXECUTE pg_catalog.format('SELECT x.extversion FROM pg_temp.%I x WHERE x.extname OPERATOR(pg_catalog.=) %L',
                              t OPERATOR(pg_catalog.||) '_ext', 'supplyrisk') INTO ver;
  EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, dt = PG_EXCEPTION_DETAIL;
    RAISE EXCEPTION USING ERRCODE = st,
      MESSAGE = pg_catalog.format('%s cannot be reached: %s', who,
                  pg_catalog.concat_ws(': ', msg, NULLIF(pg_catalog.btrim(pg_catalog.regexp_replace(dt, '\s+', ' ', 'g')), ''))),
      HINT = 'Check that the member''s server is up, the server''s options (host, port, dbname) and the user mapping of the role running this (user, password).';
  END;
  IF ver IS NULL THEN
    RAISE EXCEPTION '% has no supplyrisk extension in its database', who USING ERRCODE = 'undefined_object',
      HINT = 'On the member database: CREATE EXTENSION supplyrisk, then SELECT supplyrisk.grant_access(''<role of the user mapping>'', ''federation'').';
  END IF;
  IF ver OPERATOR(pg_catalog.=) '0.1.0' THEN
    RAISE EXCEPTION '% runs supplyrisk %, which has no federation export', who, ver USING ERRCODE = 'feature_not_supported',
      HINT = pg_catalog.format('This coordinator reads state format %s (supplyrisk 0.2.0 and later): on the member, ALTER EXTENSION supplyrisk UPDATE, then grant the role of the user mapping federation access.', @extschema@.federation_format());
  END IF;
  BEGIN
    EXECUTE pg_catalog.format('SELECT i.* FROM pg_temp.%I i', t OPERATOR(pg_catalog.||) '_info') INTO inf;
  EXCEPTION
    WHEN undefined_table THEN
      RAISE EXCEPTION '% has supplyrisk % but no relation %.federation_info', who, ver, '@extschema@' USING ERRCODE = 'undefined_table',
        DETAIL = 'The coordinator ships the aggregates by name: the extension must live in the same schema on both sides.',
        HINT = pg_catalog.format('Install supplyrisk in schema %s on the member (or in the member''s schema here).', '@extschema@');
    WHEN insufficient_privilege THEN
      RAISE EXCEPTION '% refuses the federation export to the role of the user mapping', who USING ERRCODE = 'insufficient_privilege',
        HINT = 'On the member: SELECT supplyrisk.grant_access(''<role of the user mapping>'', ''federation'').';
    WHEN OTHERS THEN
      GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
      RAISE EXCEPTION USING ERRCODE = st, MESSAGE = pg_catalog.format('%s: %s', who, msg);
  END;
  IF inf.state_format IS DISTINCT FROM @extschema@.federation_format() THEN
    RAISE EXCEPTION '% writes federation state format % (supplyrisk %), this coordinator reads format % (supplyrisk %)',
      who, inf.state_format, ver, @extschema@.federation_format(), @extschema@.version() USING ERRCODE = 'feature_not_supported',
      HINT = 'Update the older side so that both run a supplyrisk version of the same state format.';
  END IF;
  IF NOT (member_state OPERATOR(pg_catalog.=) ANY (COALESCE(inf.member_states, '{}'::text[]))) THEN
    RAISE WARNING '% has no entity of member state % visible to the role of the user mapping', who, member_state
      USING HINT = 'Its rows will be empty: check the member''s data and the member states of the role''s federation grant.';
  END IF;
  RETURN QUERY SELECT ver, inf.methodology, inf.as_of;
END
$$;
REVOKE EXECUTE ON FUNCTION @extschema@.federation_connect(text, name) FROM PUBLIC;
COMMENT ON FUNCTION @extschema@.federation_connect(text, name) IS 'Internal: creates the session''s temporary foreign tables of a member and checks it (reachable, supplyrisk installed, same schema, readable state format); an error names the member and the cause.';

-- The query that pulls from members already connected: one foreign scan per server (the
-- member states it serves, together), in one UNION ALL so that async_capable servers answer
-- concurrently. kind export: the states, merged by an aggregate pushed down (extensions
-- 'supplyrisk'); gaps: the gap counts; groups: the names of the group keys.
CREATE OR REPLACE FUNCTION @extschema@.federation_pull_query(members text[], kind text DEFAULT 'export') RETURNS text
LANGUAGE sql STABLE STRICT PARALLEL SAFE AS $$
  SELECT pg_catalog.string_agg(pg_catalog.format(
    CASE
      WHEN $2 OPERATOR(pg_catalog.=) 'export' THEN
        'SELECT f.member_state, f.sector_code, f.function_code, '
        '@extschema@.supply_mix_union(f.group_mix) AS group_mix, @extschema@.supply_mix_union(f.country_mix) AS country_mix, '
        'pg_catalog.sum(f.entities)::bigint AS entities, pg_catalog.sum(f.single_sourced)::bigint AS single_sourced, '
        'pg_catalog.sum(f.weight) AS weight, pg_catalog.sum(f.hrv_weight) AS hrv_weight, pg_catalog.sum(f.risk_weight) AS risk_weight, '
        'pg_catalog.sum(f.unassessed_weight) AS unassessed_weight, pg_catalog.sum(f.contract_gap_edges)::bigint AS contract_gap_edges '
        'FROM pg_temp.%1$I f WHERE f.member_state OPERATOR(pg_catalog.=) ANY (%2$L::pg_catalog.text[]) '
        'GROUP BY f.member_state, f.sector_code, f.function_code'
      WHEN $2 OPERATOR(pg_catalog.=) 'gaps' THEN
        'SELECT f.member_state, f.sector_code, f.function_code, f.gaps FROM pg_temp.%1$I f '
        'WHERE f.member_state OPERATOR(pg_catalog.=) ANY (%2$L::pg_catalog.text[])'
      WHEN $2 OPERATOR(pg_catalog.=) 'groups' THEN
        'SELECT f.member_state, f.key, f.name FROM pg_temp.%1$I f WHERE f.member_state OPERATOR(pg_catalog.=) ANY (%2$L::pg_catalog.text[])'
    END,
    'supplyrisk_fed_' OPERATOR(pg_catalog.||) pg_catalog.lower(s.first) OPERATOR(pg_catalog.||) '_' OPERATOR(pg_catalog.||) $2, s.states),
    ' UNION ALL ' ORDER BY s.first)
  FROM (SELECT pg_catalog.min(m.member_state) AS first, pg_catalog.array_agg(m.member_state ORDER BY m.member_state) AS states
        FROM @extschema@.federation_member m
        WHERE m.member_state OPERATOR(pg_catalog.=) ANY ($1)
        GROUP BY m.server_name) s
$$;
COMMENT ON FUNCTION @extschema@.federation_pull_query(text[], text) IS 'Internal: the SQL that pulls the states (kind export), gap counts (gaps) or group names (groups) of connected members, one foreign scan per server (federation_explain shows the plan of the states).';

-- Pulls every member's states into federation_state (and, with gaps, their gap counts).
-- A member that fails makes the pull fail, unless skip_unreachable: then it is marked
-- stale and keeps its states of the last pull. Returns the stale members.
CREATE OR REPLACE FUNCTION @extschema@.federation_pull(gaps boolean DEFAULT false, skip_unreachable boolean DEFAULT false) RETURNS text[]
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  mem record;
  inf record;
  ok  text[] := '{}';
  msg text;
  bad record;
  ms  text;
BEGIN
  FOR mem IN SELECT f.member_state, f.server_name FROM @extschema@.federation_member f ORDER BY f.member_state LOOP
    BEGIN
      SELECT * INTO inf FROM @extschema@.federation_connect(mem.member_state, mem.server_name);
      UPDATE @extschema@.federation_member f SET last_version = inf.version, last_methodology = inf.methodology, last_as_of = inf.as_of
      WHERE f.member_state OPERATOR(pg_catalog.=) mem.member_state;
      ok := ok OPERATOR(pg_catalog.||) mem.member_state;
    EXCEPTION WHEN OTHERS THEN
      IF NOT skip_unreachable THEN
        RAISE;
      END IF;
      GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT;
      RAISE WARNING '%', msg USING HINT = 'skip_unreachable: the refresh goes on without this member; its states of the last pull stay (federation_member.stale).';
      UPDATE @extschema@.federation_member f SET stale = true, last_error = msg, last_error_at = pg_catalog.now()
      WHERE f.member_state OPERATOR(pg_catalog.=) mem.member_state;
    END;
  END LOOP;
  IF pg_catalog.cardinality(ok) OPERATOR(pg_catalog.>) 0 THEN
    EXECUTE 'CREATE TEMP TABLE supplyrisk_fed_pull AS ' OPERATOR(pg_catalog.||) @extschema@.federation_pull_query(ok);
    SELECT p.member_state, p.function_code INTO bad FROM pg_temp.supplyrisk_fed_pull p
    WHERE p.function_code IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM @extschema@.ict_function fn WHERE fn.code OPERATOR(pg_catalog.=) p.function_code)
    LIMIT 1;
    IF FOUND THEN
      RAISE EXCEPTION 'federation member % exports ICT function "%", which this coordinator does not know', bad.member_state, bad.function_code
        USING ERRCODE = 'foreign_key_violation',
        HINT = 'Add the function to supplyrisk.ict_function here, with the member''s code and criticality, then refresh again.';
    END IF;
    DELETE FROM @extschema@.federation_state s WHERE s.member_state OPERATOR(pg_catalog.=) ANY (ok);
    INSERT INTO @extschema@.federation_state (member_state, sector_code, function_code, group_mix, country_mix, entities,
                                              single_sourced, weight, hrv_weight, risk_weight, unassessed_weight, contract_gap_edges)
    SELECT p.* FROM pg_temp.supplyrisk_fed_pull p;
    DROP TABLE pg_temp.supplyrisk_fed_pull;
    IF gaps THEN
      EXECUTE 'CREATE TEMP TABLE supplyrisk_fed_gaps AS ' OPERATOR(pg_catalog.||) @extschema@.federation_pull_query(ok, 'gaps');
      UPDATE @extschema@.federation_state s
      SET gaps = COALESCE((SELECT g.gaps FROM pg_temp.supplyrisk_fed_gaps g
                           WHERE g.member_state OPERATOR(pg_catalog.=) s.member_state AND g.sector_code OPERATOR(pg_catalog.=) s.sector_code
                             AND g.function_code IS NOT DISTINCT FROM s.function_code), 0)
      WHERE s.member_state OPERATOR(pg_catalog.=) ANY (ok);
      DROP TABLE pg_temp.supplyrisk_fed_gaps;
    END IF;
    DELETE FROM @extschema@.federation_group g WHERE g.member_state OPERATOR(pg_catalog.=) ANY (ok);
    EXECUTE 'INSERT INTO @extschema@.federation_group (member_state, key, name) ' OPERATOR(pg_catalog.||) @extschema@.federation_pull_query(ok, 'groups');
    UPDATE @extschema@.federation_member f SET last_pull = pg_catalog.clock_timestamp(), stale = false, last_error = NULL, last_error_at = NULL
    WHERE f.member_state OPERATOR(pg_catalog.=) ANY (ok);
  END IF;
  RETURN (SELECT COALESCE(pg_catalog.array_agg(f.member_state ORDER BY f.member_state), '{}'::text[])
          FROM @extschema@.federation_member f WHERE f.stale);
END
$$;
REVOKE EXECUTE ON FUNCTION @extschema@.federation_pull(boolean, boolean) FROM PUBLIC;
COMMENT ON FUNCTION @extschema@.federation_pull(boolean, boolean) IS 'Internal (refresh, take_snapshot on a coordinator): pulls every member''s states into federation_state and federation_group (gaps: also the gap counts); returns the stale members.';

CREATE OR REPLACE FUNCTION @extschema@.federation_add_member(member_state text, server name) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  opts text[];
  inf  record;
  cur  name;
BEGIN
  IF member_state IS NULL OR server IS NULL THEN
    RAISE EXCEPTION 'member_state and server must not be null' USING ERRCODE = 'null_value_not_allowed';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM @extschema@.country c WHERE c.code OPERATOR(pg_catalog.=) member_state AND c.eu_member) THEN
    RAISE EXCEPTION 'not an EU member state: "%"', member_state USING ERRCODE = 'invalid_parameter_value',
      HINT = pg_catalog.format('Use one of %s.', pg_catalog.array_to_string(@extschema@.eu_member_codes(), ', '));
  END IF;
  SELECT f.server_name INTO cur FROM @extschema@.federation_member f WHERE f.member_state OPERATOR(pg_catalog.=) $1;
  IF FOUND THEN
    RAISE EXCEPTION 'member state % is already a federation member (server %)', member_state, cur USING ERRCODE = 'unique_violation',
      HINT = pg_catalog.format('To move it to another server: SELECT supplyrisk.federation_remove_member(%L) first.', member_state);
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_extension x WHERE x.extname OPERATOR(pg_catalog.=) 'postgres_fdw') THEN
    RAISE EXCEPTION 'a federation coordinator needs postgres_fdw' USING ERRCODE = 'undefined_object',
      HINT = 'CREATE EXTENSION postgres_fdw in this database, then create a server per member.';
  END IF;
  SELECT s.srvoptions INTO opts FROM pg_catalog.pg_foreign_server s
  JOIN pg_catalog.pg_foreign_data_wrapper w ON w.oid OPERATOR(pg_catalog.=) s.srvfdw
  WHERE s.srvname OPERATOR(pg_catalog.=) server AND w.fdwname OPERATOR(pg_catalog.=) 'postgres_fdw';
  IF NOT FOUND THEN
    RAISE EXCEPTION 'postgres_fdw server "%" does not exist', server USING ERRCODE = 'undefined_object',
      HINT = 'CREATE SERVER ... FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host ..., port ..., dbname ..., extensions ''supplyrisk'', async_capable ''true''), and a user mapping.';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.unnest(opts) o
                 WHERE o OPERATOR(pg_catalog.~) '^extensions=' AND 'supplyrisk' OPERATOR(pg_catalog.=) ANY (
                   SELECT pg_catalog.btrim(e) FROM pg_catalog.regexp_split_to_table(pg_catalog.substr(o, 12), ',') e)) THEN
    RAISE EXCEPTION 'server "%" does not list supplyrisk in its extensions option', server USING ERRCODE = 'invalid_parameter_value',
      DETAIL = 'Without it postgres_fdw cannot ship supplyrisk''s aggregates and type to the member: whole rows would be fetched and merged here.',
      HINT = pg_catalog.format('ALTER SERVER %I OPTIONS (ADD extensions ''supplyrisk'') (SET, with the other extensions, when the option exists).', server);
  END IF;
  IF NOT ('async_capable=true' OPERATOR(pg_catalog.=) ANY (opts)) THEN
    RAISE NOTICE 'server "%" is not async_capable: the members will be pulled one after another', server
      USING HINT = pg_catalog.format('ALTER SERVER %I OPTIONS (ADD async_capable ''true'') to pull them concurrently.', server);
  END IF;
  SELECT * INTO inf FROM @extschema@.federation_connect(member_state, server);
  INSERT INTO @extschema@.federation_member (member_state, server_name, last_version, last_methodology, last_as_of)
  VALUES (member_state, server, inf.version, inf.methodology, inf.as_of);
  IF EXISTS (SELECT 1 FROM @extschema@.supply) THEN
    RAISE WARNING 'this database is now a federation coordinator: its own supply rows are not in its rollups'
      USING HINT = 'A coordinator''s refresh() fills the rollups from the members'' states only; keep a member state''s data in a member database.';
  END IF;
END
$$;
REVOKE EXECUTE ON FUNCTION @extschema@.federation_add_member(text, name) FROM PUBLIC;
COMMENT ON FUNCTION @extschema@.federation_add_member(text, name) IS
  'Makes this database a federation coordinator (or adds to one): the member state''s rows are pulled from the member database behind a postgres_fdw server (options extensions ''supplyrisk'' and async_capable ''true''; a user mapping for the role that runs refresh). The member is checked at once.';

CREATE OR REPLACE FUNCTION @extschema@.federation_remove_member(member_state text) RETURNS boolean
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  IF member_state IS NULL THEN
    RAISE EXCEPTION 'member_state must not be null' USING ERRCODE = 'null_value_not_allowed';
  END IF;
  DELETE FROM @extschema@.federation_member f WHERE f.member_state OPERATOR(pg_catalog.=) $1;
  RETURN FOUND;
END
$$;
REVOKE EXECUTE ON FUNCTION @extschema@.federation_remove_member(text) FROM PUBLIC;
COMMENT ON FUNCTION @extschema@.federation_remove_member(text) IS 'Removes a member and the states pulled from it (the rollups keep its rows until the next refresh); false when it was not a member.';

CREATE OR REPLACE FUNCTION @extschema@.federation_explain() RETURNS SETOF text
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  mem record;
  ok  text[] := '{}';
BEGIN
  FOR mem IN SELECT f.member_state, f.server_name FROM @extschema@.federation_member f ORDER BY f.member_state LOOP
    PERFORM @extschema@.federation_connect(mem.member_state, mem.server_name);
    ok := ok OPERATOR(pg_catalog.||) mem.member_state;
  END LOOP;
  IF pg_catalog.cardinality(ok) OPERATOR(pg_catalog.=) 0 THEN
    RAISE EXCEPTION 'this database has no federation member' USING ERRCODE = 'object_not_in_prerequisite_state',
      HINT = 'Add members with supplyrisk.federation_add_member(member_state, server).';
  END IF;
  RETURN QUERY EXECUTE 'EXPLAIN (VERBOSE, COSTS OFF) ' OPERATOR(pg_catalog.||) @extschema@.federation_pull_query(ok);
END
$$;
REVOKE EXECUTE ON FUNCTION @extschema@.federation_explain() FROM PUBLIC;
COMMENT ON FUNCTION @extschema@.federation_explain() IS 'The plan of the query refresh() pulls the members'' states with (EXPLAIN VERBOSE): the remote SQL of each member, the aggregates pushed down, Async Foreign Scan when the servers are async_capable.';
