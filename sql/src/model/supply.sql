-- User data: supply (who supplies which ICT function to whom, with a weight, over a
-- validity period) and the tier-n supplier_dependency graph.

CREATE SEQUENCE @extschema@.supply_id_seq AS bigint;
CREATE TABLE @extschema@.supply (
  supply_id     bigint PRIMARY KEY DEFAULT pg_catalog.nextval('@extschema@.supply_id_seq'::pg_catalog.regclass),
  entity_id     bigint NOT NULL REFERENCES @extschema@.entity (entity_id),
  supplier_id   bigint NOT NULL REFERENCES @extschema@.supplier (supplier_id),
  function_code text NOT NULL REFERENCES @extschema@.ict_function (code),
  weight        float8 NOT NULL CONSTRAINT supply_weight_positive_finite CHECK (@extschema@.constraint_check(weight > 0 AND weight < 'Infinity', weight, 'supply_weight_positive_finite', 'weight',
    'A supply weight is a positive finite number (spend, units, installed base, capacity or share, as basis says).')),
  basis         text NOT NULL DEFAULT 'spend'
    CONSTRAINT supply_basis_valid CHECK (@extschema@.constraint_check(basis IN ('spend', 'units', 'installed_base', 'capacity', 'share'), basis, 'supply_basis_valid', 'basis',
    'basis is one of spend (the default), units, installed_base, capacity, share.')),
  valid_from    date NOT NULL DEFAULT CURRENT_DATE,
  valid_to      date,
  CONSTRAINT supply_validity_ordered CHECK (@extschema@.constraint_check(valid_to > valid_from, valid_to, 'supply_validity_ordered', 'valid_to',
    'valid_to is the first day the supply no longer holds: a date after valid_from, or NULL for open-ended.')),
  CONSTRAINT supply_dates_finite CHECK (@extschema@.constraint_check(pg_catalog.isfinite(valid_from) AND (valid_to IS NULL OR pg_catalog.isfinite(valid_to)), CASE WHEN pg_catalog.isfinite(valid_from) THEN valid_to ELSE valid_from END, 'supply_dates_finite', 'validity date',
    'valid_from and valid_to are finite dates (valid_to NULL for open-ended), not infinity or -infinity.'))
);
ALTER SEQUENCE @extschema@.supply_id_seq OWNED BY @extschema@.supply.supply_id;
CREATE INDEX supply_entity_function_idx ON @extschema@.supply (entity_id, function_code);
CREATE INDEX supply_supplier_idx ON @extschema@.supply (supplier_id);
COMMENT ON TABLE @extschema@.supply IS 'Who supplies which ICT function to which entity, with a weight; the table every concentration metric runs over.';
COMMENT ON COLUMN @extschema@.supply.supply_id IS 'Supply row id (defaults to the next value of supply_id_seq).';
COMMENT ON COLUMN @extschema@.supply.entity_id IS 'Entity supplied.';
COMMENT ON COLUMN @extschema@.supply.supplier_id IS 'Supplier (a subsidiary or a group; concentration counts its group).';
COMMENT ON COLUMN @extschema@.supply.function_code IS 'ICT function supplied.';
COMMENT ON COLUMN @extschema@.supply.weight IS 'Positive finite weight: spend, units, installed base, capacity or share, as basis says.';
COMMENT ON COLUMN @extschema@.supply.basis IS 'What weight measures: spend (default), units, installed_base, capacity or share. Compare mixes of one basis only.';
COMMENT ON COLUMN @extschema@.supply.valid_from IS 'First day the supply holds (default: today).';
COMMENT ON COLUMN @extschema@.supply.valid_to IS 'First day it no longer holds; NULL = open-ended.';

-- The one definition of "valid at a date": inlined into the calling query by the
-- planner (a single SELECT, STABLE, not strict), so it costs nothing over the predicate.
CREATE OR REPLACE FUNCTION @extschema@.supply_valid_at(as_of date DEFAULT CURRENT_DATE) RETURNS SETOF @extschema@.supply
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT s.* FROM @extschema@.supply s
  WHERE s.valid_from OPERATOR(pg_catalog.<=) $1 AND (s.valid_to IS NULL OR s.valid_to OPERATOR(pg_catalog.>) $1)
$$;
COMMENT ON FUNCTION @extschema@.supply_valid_at(date) IS
  'The supply rows valid at a date (default today): valid_from <= as_of < valid_to (valid_to NULL: open-ended). What every view and metric reads.';

-- The supply rows valid at as_of, with their entity's sector and member state, of the entities
-- of these '<sector>:<member state>' keys (NULL: all rows): a scoped recomputation reads its
-- entities' rows through supply_entity_function_idx.
CREATE OR REPLACE FUNCTION @extschema@.supply_in_scope(as_of date, scope text[])
RETURNS TABLE (entity_id bigint, supplier_id bigint, function_code text, weight float8, sector_code text, member_state text)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT s.entity_id, s.supplier_id, s.function_code, s.weight, e.sector_code, e.member_state
  FROM @extschema@.supply_valid_at($1) s
  JOIN @extschema@.entity e ON e.entity_id OPERATOR(pg_catalog.=) s.entity_id
  WHERE $2 IS NULL
  UNION ALL
  SELECT s.entity_id, s.supplier_id, s.function_code, s.weight, e.sector_code, e.member_state
  FROM (SELECT DISTINCT pg_catalog.split_part(k, ':', 1) AS sc, pg_catalog.split_part(k, ':', 2) AS ms
        FROM pg_catalog.unnest($2) k) k
  JOIN @extschema@.entity e ON e.sector_code OPERATOR(pg_catalog.=) k.sc AND e.member_state OPERATOR(pg_catalog.=) k.ms
  JOIN @extschema@.supply_valid_at($1) s ON s.entity_id OPERATOR(pg_catalog.=) e.entity_id
  WHERE $2 IS NOT NULL
$$;
COMMENT ON FUNCTION @extschema@.supply_in_scope(date, text[]) IS
  'The supply rows valid at as_of (entity, supplier, ICT function, weight) with the entity''s sector and member state, of the entities of the scope''s <sector>:<member state> keys (NULL: every row valid at as_of), read by entity through the index when scoped: what the sector statistics and refresh()''s incremental recomputation read.';

CREATE TABLE @extschema@.supplier_dependency (
  supplier_id           bigint NOT NULL REFERENCES @extschema@.supplier (supplier_id),
  depends_on_supplier_id bigint NOT NULL REFERENCES @extschema@.supplier (supplier_id),
  function_code         text REFERENCES @extschema@.ict_function (code),
  share                 float8 NOT NULL CONSTRAINT supplier_dependency_share_range CHECK (@extschema@.constraint_check(share > 0 AND share <= 1, share, 'supplier_dependency_share_range', 'share',
    'share is the part of the supplier''s delivery that relies on the other supplier: above 0 and at most 1.')),
  CONSTRAINT supplier_dependency_not_self CHECK (@extschema@.constraint_check(depends_on_supplier_id <> supplier_id, depends_on_supplier_id, 'supplier_dependency_not_self', 'depends_on_supplier_id',
    'A supplier cannot depend on itself.')),
  CONSTRAINT supplier_dependency_unique UNIQUE NULLS NOT DISTINCT (supplier_id, depends_on_supplier_id, function_code)
);
CREATE INDEX supplier_dependency_target_idx ON @extschema@.supplier_dependency (depends_on_supplier_id);
COMMENT ON TABLE @extschema@.supplier_dependency IS 'Tier-n graph: which share of a supplier''s delivery relies on another supplier.';
COMMENT ON COLUMN @extschema@.supplier_dependency.supplier_id IS 'Supplier that depends.';
COMMENT ON COLUMN @extschema@.supplier_dependency.depends_on_supplier_id IS 'Supplier it depends on (its tier-2 supplier).';
COMMENT ON COLUMN @extschema@.supplier_dependency.function_code IS 'Function of the deliveries concerned; NULL = all of the supplier''s deliveries.';
COMMENT ON COLUMN @extschema@.supplier_dependency.share IS 'Share in (0,1] of the supplier''s delivery that relies on the other supplier.';
