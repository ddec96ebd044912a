-- Federation, member side: what a member database exports to the EU coordinator. Roles
-- granted 'federation' access read these four views and nothing else: the views call
-- security-definer functions that return aggregate states only (no entity, supply,
-- assessment or supplier row), scoped to the member states of the role's grant.

-- The state format the coordinator must be able to read: the columns of federation_export
-- and the text form of supply_mix. A coordinator refuses a member of another format.
CREATE OR REPLACE FUNCTION @extschema@.federation_format() RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT 1 $$;
COMMENT ON FUNCTION @extschema@.federation_format() IS 'Format of the federation export this version writes and, as a coordinator, reads (1 since 0.2.0).';

-- the member states the session's federation role may export (NULL: all)
CREATE OR REPLACE FUNCTION @extschema@.federation_scope() RETURNS text[]
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
  SELECT @extschema@.access_member_states_for(SESSION_USER)
$$;
REVOKE EXECUTE ON FUNCTION @extschema@.federation_scope() FROM PUBLIC;
COMMENT ON FUNCTION @extschema@.federation_scope() IS 'Internal: the member states the session user may export (NULL: all), from its grant.';

CREATE OR REPLACE FUNCTION @extschema@.federation_info_row()
RETURNS TABLE (version text, state_format integer, schema_name text, methodology text, as_of date, member_states text[])
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
  SELECT (SELECT x.extversion FROM pg_catalog.pg_extension x WHERE x.extname OPERATOR(pg_catalog.=) 'supplyrisk'),
         @extschema@.federation_format(), '@extschema@'::text, @extschema@.methodology_name(NULL), CURRENT_DATE,
         (SELECT pg_catalog.array_agg(DISTINCT e.member_state ORDER BY e.member_state) FROM @extschema@.entity e
          WHERE (SELECT @extschema@.federation_scope()) IS NULL OR e.member_state OPERATOR(pg_catalog.=) ANY (CAST((SELECT @extschema@.federation_scope()) AS text[])))
$$;
COMMENT ON FUNCTION @extschema@.federation_info_row() IS 'Internal (federation_info): version, state format, schema, methodology, date and member states of this member database.';

CREATE OR REPLACE FUNCTION @extschema@.federation_export_rows()
RETURNS TABLE (sector_code text, member_state text, function_code text, group_mix @extschema@.supply_mix,
               country_mix @extschema@.supply_mix, entities bigint, single_sourced bigint, weight float8,
               hrv_weight float8, risk_weight float8, unassessed_weight float8, contract_gap_edges bigint)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
  SELECT x.* FROM (
    SELECT f.sector_code, f.member_state, f.function_code, f.group_mix, f.country_mix, f.entities, f.single_sourced,
           f.weight, f.hrv_weight, f.risk_weight, f.unassessed_weight,
           CASE WHEN tk.sector_code IS NOT NULL THEN COALESCE(cg.edges, 0) END
    FROM @extschema@.sector_function_stats(CURRENT_DATE, NULL, true) f
    LEFT JOIN @extschema@.contract_gap_edge_counts(CURRENT_DATE) cg
      ON cg.sector_code OPERATOR(pg_catalog.=) f.sector_code AND cg.member_state OPERATOR(pg_catalog.=) f.member_state
     AND cg.function_code OPERATOR(pg_catalog.=) f.function_code
    LEFT JOIN @extschema@.contract_tracked_keys() tk
      ON tk.sector_code OPERATOR(pg_catalog.=) f.sector_code AND tk.member_state OPERATOR(pg_catalog.=) f.member_state
    UNION ALL  -- entities registered per sector and member state, for the all-functions rows
    SELECT e.sector_code, e.member_state, NULL, NULL, NULL, pg_catalog.count(*), 0, 0, 0, 0, 0, NULL
    FROM @extschema@.entity e GROUP BY e.sector_code, e.member_state
  ) x
  WHERE (SELECT @extschema@.federation_scope()) IS NULL OR x.member_state OPERATOR(pg_catalog.=) ANY (CAST((SELECT @extschema@.federation_scope()) AS text[]))
$$;
COMMENT ON FUNCTION @extschema@.federation_export_rows() IS 'Internal (federation_export): the mergeable states per sector, member state and ICT function, computed today under the default methodology.';

CREATE OR REPLACE FUNCTION @extschema@.federation_gap_rows()
RETURNS TABLE (sector_code text, member_state text, function_code text, gaps bigint)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
  SELECT p.sector_code, p.member_state, p.function_code, pg_catalog.count(*)
  FROM (SELECT DISTINCT y.sector_code, y.member_state, y.function_code, y.entity_id
        FROM @extschema@.multi_vendor_gaps_at(CURRENT_DATE, NULL) y
        WHERE (SELECT @extschema@.federation_scope()) IS NULL OR y.member_state OPERATOR(pg_catalog.=) ANY (CAST((SELECT @extschema@.federation_scope()) AS text[]))) p
  GROUP BY GROUPING SETS ((p.sector_code, p.member_state, p.function_code), (p.sector_code, p.member_state))
$$;
COMMENT ON FUNCTION @extschema@.federation_gap_rows() IS 'Internal (federation_gaps): entity and ICT function pairs with a multi-vendor gap per sector, member state and ICT function, and per sector and member state over all functions.';

CREATE OR REPLACE FUNCTION @extschema@.federation_group_rows()
RETURNS TABLE (member_state text, key text, name text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
  SELECT m.member_state, COALESCE(s.global_id, m.member_state OPERATOR(pg_catalog.||) ':' OPERATOR(pg_catalog.||) s.supplier_id::text), s.name
  FROM @extschema@.supplier s
  CROSS JOIN (SELECT DISTINCT e.member_state FROM @extschema@.entity e
              WHERE (SELECT @extschema@.federation_scope()) IS NULL OR e.member_state OPERATOR(pg_catalog.=) ANY (CAST((SELECT @extschema@.federation_scope()) AS text[]))) m
  WHERE s.parent_supplier_id IS NULL
$$;
COMMENT ON FUNCTION @extschema@.federation_group_rows() IS 'Internal (federation_groups): the key and name of every supplier group (a supplier without a controlling owner), per member state.';

DO $ex$
DECLARE f text;
BEGIN
  FOREACH f IN ARRAY ARRAY['federation_info_row', 'federation_export_rows', 'federation_gap_rows', 'federation_group_rows'] LOOP
    EXECUTE pg_catalog.format('REVOKE EXECUTE ON FUNCTION @extschema@.%I() FROM PUBLIC', f);
  END LOOP;
END $ex$;

CREATE OR REPLACE VIEW @extschema@.federation_info WITH (security_invoker = true) AS
  SELECT * FROM @extschema@.federation_info_row();
COMMENT ON VIEW @extschema@.federation_info IS 'Federation member: what the coordinator checks before it pulls (roles with federation access).';
COMMENT ON COLUMN @extschema@.federation_info.version IS 'supplyrisk version installed here.';
COMMENT ON COLUMN @extschema@.federation_info.state_format IS 'Format of federation_export (federation_format()).';
COMMENT ON COLUMN @extschema@.federation_info.schema_name IS 'Schema of the extension (the coordinator''s must be the same: aggregates are shipped by name).';
COMMENT ON COLUMN @extschema@.federation_info.methodology IS 'Default methodology the states are scored with.';
COMMENT ON COLUMN @extschema@.federation_info.as_of IS 'Date the states are computed for (today here).';
COMMENT ON COLUMN @extschema@.federation_info.member_states IS 'Member states with entities here (within the role''s grant).';

CREATE OR REPLACE VIEW @extschema@.federation_export WITH (security_invoker = true) AS
  SELECT * FROM @extschema@.federation_export_rows();
COMMENT ON VIEW @extschema@.federation_export IS 'Federation member: the mergeable states behind the sector rows, per sector, member state and ICT function, plus one row per sector and member state (function_code NULL) with the entities registered. Read by the coordinator''s refresh() through postgres_fdw; no raw row leaves the database.';
DO $cm$
DECLARE c record;
BEGIN
  FOR c IN SELECT * FROM (VALUES
    ('sector_code', 'NIS2 sector.'),
    ('member_state', 'Member state.'),
    ('function_code', 'ICT function; NULL for the row with the entities registered.'),
    ('group_mix', 'Supply weight per supplier group, keyed by the group''s global id, or <member state>:<supplier id> for a group without one.'),
    ('country_mix', 'Supply weight per headquarters country of the supplier group.'),
    ('entities', 'Function rows: entities using the function; NULL-function row: entities registered.'),
    ('single_sourced', 'Entity and function pairs served by a single supplier group.'),
    ('weight', 'Total supply weight.'),
    ('hrv_weight', 'Supply weight from high-risk suppliers.'),
    ('risk_weight', 'Sum of weight times risk_score.'),
    ('unassessed_weight', 'Supply weight from unassessed suppliers.'),
    ('contract_gap_edges', 'Critical or sensitive supply edges whose contracts miss a clause of point 5.1.4.')) x(col, txt) LOOP
    EXECUTE pg_catalog.format('COMMENT ON COLUMN @extschema@.federation_export.%I IS %L', c.col, c.txt);
  END LOOP;
END $cm$;

CREATE OR REPLACE VIEW @extschema@.federation_gaps WITH (security_invoker = true) AS
  SELECT * FROM @extschema@.federation_gap_rows();
COMMENT ON VIEW @extschema@.federation_gaps IS 'Federation member: entity and ICT function pairs with a multi-vendor gap (an entity with gaps in three functions counts three times over all functions) per sector, member state and ICT function (NULL: all functions); pulled by a coordinator''s take_snapshot.';
COMMENT ON COLUMN @extschema@.federation_gaps.sector_code IS 'NIS2 sector.';
COMMENT ON COLUMN @extschema@.federation_gaps.member_state IS 'Member state.';
COMMENT ON COLUMN @extschema@.federation_gaps.function_code IS 'ICT function; NULL over all functions (the pairs of every function added up).';
COMMENT ON COLUMN @extschema@.federation_gaps.gaps IS 'Entity and ICT function pairs with at least one multi-vendor gap (of the function; over all functions: of any).';

CREATE OR REPLACE VIEW @extschema@.federation_groups WITH (security_invoker = true) AS
  SELECT * FROM @extschema@.federation_group_rows();
COMMENT ON VIEW @extschema@.federation_groups IS 'Federation member: the name behind each supplier-group key of federation_export, per member state.';
COMMENT ON COLUMN @extschema@.federation_groups.member_state IS 'Member state.';
COMMENT ON COLUMN @extschema@.federation_groups.key IS 'Key in group_mix: the global id, or <member state>:<supplier id>.';
COMMENT ON COLUMN @extschema@.federation_groups.name IS 'Supplier group name.';
