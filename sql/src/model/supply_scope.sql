-- The supply rows of some entities' ICT functions (refresh()'s re-weighting of the entity rows a
-- change of risk touches; new in 0.3.0, beside supply_in_scope in supply.sql).

-- The supply rows valid at as_of of these (entity, ICT function) pairs (entity_ids[i],
-- function_codes[i]), with the entity's sector and member state, read through
-- supply_entity_function_idx: supply_in_scope's rows, for pairs instead of keys. The pairs must
-- be distinct (a pair given twice gives its rows twice), best sorted by entity and function.
CREATE OR REPLACE FUNCTION @extschema@.supply_of_entity_functions(as_of date, entity_ids bigint[], function_codes text[])
RETURNS TABLE (entity_id bigint, supplier_id bigint, function_code text, weight float8, sector_code text, member_state text)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT s.entity_id, s.supplier_id, s.function_code, s.weight, e.sector_code, e.member_state
  FROM ROWS FROM (pg_catalog.unnest($2), pg_catalog.unnest($3)) p(e, f)
  -- (a lateral read per pair, in the order given, so that both columns are the index condition:
  -- joined plainly, the planner probed by entity only and filtered the functions, twice as slow
  -- at 17,000 pairs; pairs sorted as the index is read it in order, 50 ms instead of 90 with a
  -- DISTINCT's hashed order)
  CROSS JOIN LATERAL (SELECT s.* FROM @extschema@.supply s
                      WHERE s.entity_id OPERATOR(pg_catalog.=) p.e AND s.function_code OPERATOR(pg_catalog.=) p.f
                        AND s.valid_from OPERATOR(pg_catalog.<=) $1 AND (s.valid_to IS NULL OR s.valid_to OPERATOR(pg_catalog.>) $1)
                      OFFSET 0) s
  JOIN @extschema@.entity e ON e.entity_id OPERATOR(pg_catalog.=) s.entity_id
$$;
COMMENT ON FUNCTION @extschema@.supply_of_entity_functions(date, bigint[], text[]) IS
  'Internal: the supply rows valid at as_of (entity, supplier, ICT function, weight, with the entity''s sector and member state) of the pairs (entity_ids[i], function_codes[i]), which must be distinct (best sorted by entity and function), by index: the rows refresh() re-weights an entity''s function rows from when a supplier''s risk changed.';
