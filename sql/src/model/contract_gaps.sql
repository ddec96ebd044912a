-- Contract gaps (issue 15): the eight clauses of Implementing Regulation (EU) 2024/2690
-- point 5.1.4, the critical or sensitive supply edges whose contracts miss one, and the
-- measures that address a kind of gap.

CREATE OR REPLACE VIEW @extschema@.contract_clause WITH (security_invoker = true) AS
  SELECT x.clause, x.title, 'Implementing Regulation (EU) 2024/2690, annex point 5.1.4' OPERATOR(pg_catalog.||) x.letter AS source
  FROM (VALUES
    ('5.1.4a', '(a)', 'Cybersecurity requirements'),
    ('5.1.4b', '(b)', 'Staff awareness, training and certifications'),
    ('5.1.4c', '(c)', 'Staff background checks'),
    ('5.1.4d', '(d)', 'Incident notification without undue delay'),
    ('5.1.4e', '(e)', 'Right to audit or to receive audit reports'),
    ('5.1.4f', '(f)', 'Vulnerability handling'),
    ('5.1.4g', '(g)', 'Subcontracting rules'),
    ('5.1.4h', '(h)', 'Obligations at termination')) x(clause, letter, title);
COMMENT ON VIEW @extschema@.contract_clause IS 'The eight things a supplier contract must specify under Implementing Regulation (EU) 2024/2690 annex point 5.1.4, as coded in contract_control.';
COMMENT ON COLUMN @extschema@.contract_clause.clause IS 'Code: 5.1.4a .. 5.1.4h.';
COMMENT ON COLUMN @extschema@.contract_clause.title IS 'What the contract specifies.';
COMMENT ON COLUMN @extschema@.contract_clause.source IS 'Where the regulation says so.';

-- the measures (toolbox:code) that address a kind of gap, from measure.addresses
CREATE OR REPLACE FUNCTION @extschema@.measures_addressing(what text) RETURNS text[]
LANGUAGE sql STABLE STRICT PARALLEL SAFE AS $$
  SELECT COALESCE(pg_catalog.array_agg(m.toolbox_code OPERATOR(pg_catalog.||) ':' OPERATOR(pg_catalog.||) m.code
                                       ORDER BY m.toolbox_code, m.code), '{}'::pg_catalog.text[])
  FROM @extschema@.measure m WHERE $1 OPERATOR(pg_catalog.=) ANY (m.addresses)
$$;
COMMENT ON FUNCTION @extschema@.measures_addressing(text) IS 'The measures (as toolbox:code) whose addresses name a kind of gap: high_risk_supplier, multi_vendor_gap or contract_gap.';

-- the clauses whose latest check at as_of found them in place, per entity and supplier
CREATE OR REPLACE FUNCTION @extschema@.contract_clauses_in_place(as_of date DEFAULT CURRENT_DATE)
RETURNS TABLE (entity_id bigint, supplier_id bigint, clause text)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT c.entity_id, c.supplier_id, c.clause
  FROM (SELECT DISTINCT ON (k.entity_id, k.supplier_id, k.clause) k.entity_id, k.supplier_id, k.clause, k.in_place
        FROM @extschema@.contract_control k WHERE k.checked_on OPERATOR(pg_catalog.<=) $1
        ORDER BY k.entity_id, k.supplier_id, k.clause, k.checked_on DESC) c
  WHERE c.in_place
$$;
COMMENT ON FUNCTION @extschema@.contract_clauses_in_place(date) IS 'The 5.1.4 clauses whose latest check (at or before as_of) found them in the contracts, per entity and supplier.';

-- the critical or sensitive supply edges valid at as_of
CREATE OR REPLACE FUNCTION @extschema@.contract_edges_at(as_of date DEFAULT CURRENT_DATE)
RETURNS TABLE (entity_id bigint, supplier_id bigint, function_code text, criticality text)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT DISTINCT s.entity_id, s.supplier_id, s.function_code, fn.criticality
  FROM @extschema@.supply_valid_at($1) s
  JOIN @extschema@.ict_function fn ON fn.code OPERATOR(pg_catalog.=) s.function_code
  WHERE fn.criticality OPERATOR(pg_catalog.<>) 'standard'
$$;
COMMENT ON FUNCTION @extschema@.contract_edges_at(date) IS 'The critical or sensitive supply edges (entity, supplier, ICT function) valid at as_of: those whose contracts 5.1.4 is checked for.';

CREATE OR REPLACE FUNCTION @extschema@.contract_gaps_at(as_of date DEFAULT CURRENT_DATE)
RETURNS TABLE (entity_id bigint, entity_name text, member_state text, sector_code text, supplier_id bigint,
               supplier_name text, function_code text, criticality text, clause text, clause_title text, measures text[])
LANGUAGE sql STABLE PARALLEL SAFE AS $$
SELECT g.entity_id, e.name, e.member_state, e.sector_code, g.supplier_id, p.name, g.function_code, g.criticality,
       cl.clause, cl.title, (SELECT @extschema@.measures_addressing('contract_gap'))
FROM @extschema@.contract_edges_at($1) g
CROSS JOIN @extschema@.contract_clause cl
JOIN @extschema@.entity e ON e.entity_id OPERATOR(pg_catalog.=) g.entity_id
JOIN @extschema@.supplier p ON p.supplier_id OPERATOR(pg_catalog.=) g.supplier_id
WHERE NOT EXISTS (SELECT 1 FROM @extschema@.contract_clauses_in_place($1) c
                  WHERE c.entity_id OPERATOR(pg_catalog.=) g.entity_id AND c.supplier_id OPERATOR(pg_catalog.=) g.supplier_id
                    AND c.clause OPERATOR(pg_catalog.=) cl.clause)
$$;
COMMENT ON FUNCTION @extschema@.contract_gaps_at(date) IS 'The rows of contract_gaps at any date.';

CREATE OR REPLACE VIEW @extschema@.contract_gaps WITH (security_invoker = true) AS
  SELECT * FROM @extschema@.contract_gaps_at(CURRENT_DATE);
COMMENT ON VIEW @extschema@.contract_gaps IS 'One row per critical or sensitive supply edge valid today (entity, supplier, ICT function) and 5.1.4 clause its contracts are not recorded to specify (no check, or the latest check found it missing); a fully covered edge has no row.';
DO $cm$
DECLARE c record;
BEGIN
  FOR c IN SELECT * FROM (VALUES
    ('entity_id', 'Entity.'), ('entity_name', 'Entity name.'), ('member_state', 'Member state of the entity.'),
    ('sector_code', 'Sector of the entity.'), ('supplier_id', 'Supplier.'), ('supplier_name', 'Supplier name.'),
    ('function_code', 'ICT function supplied.'), ('criticality', 'critical or sensitive.'),
    ('clause', 'The clause missing: 5.1.4a .. 5.1.4h.'), ('clause_title', 'What the contract should specify.'),
    ('measures', 'Measures that address contract gaps (toolbox:code), e.g. 5g-2020:TM08 and nis2-ir-2024-2690:5.1.4.')) x(col, txt) LOOP
    EXECUTE pg_catalog.format('COMMENT ON COLUMN @extschema@.contract_gaps.%I IS %L', c.col, c.txt);
  END LOOP;
END $cm$;

-- Contract gaps are counted in the sector rows once the database records contract checks: until
-- then every critical edge would be a gap, and counting them (a de-duplication of every
-- critical supply edge) would cost a third of a refresh for a figure nobody tracks.
CREATE OR REPLACE FUNCTION @extschema@.contracts_tracked() RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT EXISTS (SELECT 1 FROM @extschema@.contract_control)
$$;
COMMENT ON FUNCTION @extschema@.contracts_tracked() IS 'Whether the database records contract checks (contract_control has a row): the sector rows count contract gap edges only then (NULL before).';

-- The sectors and member states whose entities have contract checks: only their rows count
-- contract gaps (another member state's first check must not turn this one's NULL into "every
-- critical edge is a gap", nor tell it that somebody tracks contracts).
CREATE OR REPLACE FUNCTION @extschema@.contract_tracked_keys()
RETURNS TABLE (sector_code text, member_state text)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT DISTINCT e.sector_code, e.member_state
  FROM @extschema@.contract_control c JOIN @extschema@.entity e ON e.entity_id OPERATOR(pg_catalog.=) c.entity_id
$$;
COMMENT ON FUNCTION @extschema@.contract_tracked_keys() IS 'The sectors and member states with at least one contract check of their entities: their rows count contract gap edges; the others'' stay NULL (as read by the caller: row-level security applies).';

-- supply edges with at least one contract gap, per sector, member state and ICT function
-- (an edge belongs to one of each: the counts add up across member states and functions)
CREATE OR REPLACE FUNCTION @extschema@.contract_gap_edge_counts(as_of date DEFAULT CURRENT_DATE, scope text[] DEFAULT NULL)
RETURNS TABLE (sector_code text, member_state text, function_code text, edges bigint)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  WITH covered AS (  -- entity and supplier pairs with all eight clauses in place
    SELECT c.entity_id, c.supplier_id FROM @extschema@.contract_clauses_in_place($1) c
    GROUP BY c.entity_id, c.supplier_id HAVING pg_catalog.count(*) OPERATOR(pg_catalog.=) (SELECT pg_catalog.count(*) FROM @extschema@.contract_clause)
  )
  SELECT g.sector_code, g.member_state, g.function_code, pg_catalog.count(*)
  FROM (SELECT s.entity_id, s.supplier_id, s.function_code, s.sector_code, s.member_state  -- the edges of contract_edges_at
        FROM @extschema@.supply_in_scope($1, $2) s
        JOIN @extschema@.ict_function fn ON fn.code OPERATOR(pg_catalog.=) s.function_code
                                        AND fn.criticality OPERATOR(pg_catalog.<>) 'standard'
        -- (only where the sector and member state record contract checks: the other rows show
        -- NULL, and counting their edges cost a full refresh 1.2 s at 1M supply rows for nothing)
        JOIN @extschema@.contract_tracked_keys() tk ON tk.sector_code OPERATOR(pg_catalog.=) s.sector_code
                                                   AND tk.member_state OPERATOR(pg_catalog.=) s.member_state
        GROUP BY s.entity_id, s.supplier_id, s.function_code, s.sector_code, s.member_state) g
  WHERE NOT EXISTS (SELECT 1 FROM covered f WHERE f.entity_id OPERATOR(pg_catalog.=) g.entity_id
                    AND f.supplier_id OPERATOR(pg_catalog.=) g.supplier_id)
    AND (SELECT @extschema@.contracts_tracked())  -- nothing to count (nor to pay for) without contract checks
  GROUP BY g.sector_code, g.member_state, g.function_code
$$;
COMMENT ON FUNCTION @extschema@.contract_gap_edge_counts(date, text[]) IS 'Critical or sensitive supply edges with at least one contract gap, per sector, member state and ICT function (contract_gap_edges in the sector rows), for the entities of the scope''s <sector>:<member state> keys (NULL: all); only for the sectors and member states that record contract checks (contract_tracked_keys): no row elsewhere, nor while no contract check is recorded (contracts_tracked).';
