-- User data: suppliers, their chain of control (acyclic) and supplier groups.

-- (valid_global_id, which the supplier table's constraint calls: global_id.sql)

CREATE SEQUENCE @extschema@.supplier_id_seq AS bigint;
CREATE TABLE @extschema@.supplier (
  supplier_id        bigint PRIMARY KEY DEFAULT pg_catalog.nextval('@extschema@.supplier_id_seq'::pg_catalog.regclass),
  name               text NOT NULL CONSTRAINT supplier_name_nonempty CHECK (@extschema@.constraint_check(name <> '', name, 'supplier_name_nonempty', 'supplier name',
    'A supplier needs a name that is not empty.')),
  hq_country         text NOT NULL REFERENCES @extschema@.country (code),
  parent_supplier_id bigint REFERENCES @extschema@.supplier (supplier_id),
  global_id          text
    CONSTRAINT supplier_global_id_unique UNIQUE
    CONSTRAINT supplier_global_id_valid CHECK (@extschema@.constraint_check(@extschema@.valid_global_id(global_id), global_id,
      'supplier_global_id_valid', 'global_id',
      'global_id is an LEI (20 characters of capitals and digits whose check digits verify, ISO 17442), EUID:<European unique identifier> or VAT:<country code><number>, in capitals; NULL when unknown.')),
  CONSTRAINT supplier_not_own_parent CHECK (@extschema@.constraint_check(parent_supplier_id <> supplier_id, parent_supplier_id, 'supplier_not_own_parent', 'parent_supplier_id',
    'A supplier cannot control itself: parent_supplier_id is another supplier, or NULL for the top of a group.'))
);
ALTER SEQUENCE @extschema@.supplier_id_seq OWNED BY @extschema@.supplier.supplier_id;
CREATE INDEX supplier_parent_idx ON @extschema@.supplier (parent_supplier_id) WHERE parent_supplier_id IS NOT NULL;
COMMENT ON TABLE @extschema@.supplier IS 'ICT suppliers. parent_supplier_id is the controlling owner; the ultimate controller is the supplier group, counted as one actor.';
COMMENT ON COLUMN @extschema@.supplier.supplier_id IS 'Supplier id (defaults to the next value of supplier_id_seq).';
COMMENT ON COLUMN @extschema@.supplier.name IS 'Supplier name.';
COMMENT ON COLUMN @extschema@.supplier.hq_country IS 'Country of the supplier''s headquarters (ISO 3166-1 alpha-2).';
COMMENT ON COLUMN @extschema@.supplier.global_id IS 'Global identifier (optional, unique): an LEI (ISO 17442), EUID:<EUID> or VAT:<CC><number>. Databases that share a global id mean the same supplier.';
COMMENT ON COLUMN @extschema@.supplier.parent_supplier_id IS 'Controlling owner (decisive influence), optional; ownership cycles are refused.';

CREATE TRIGGER supplier_ownership_acyclic BEFORE INSERT OR UPDATE OF parent_supplier_id, supplier_id ON @extschema@.supplier
  FOR EACH ROW EXECUTE FUNCTION @extschema@.check_supplier_ownership();

-- Ultimate controller (supplier group) of every supplier, walked down from the roots;
-- a supplier in an ownership cycle (impossible through the trigger) would have no row.
CREATE OR REPLACE VIEW @extschema@.supplier_group_map WITH (security_invoker = true) AS
WITH RECURSIVE g (supplier_id, group_id, depth) AS (
  SELECT s.supplier_id, s.supplier_id, 0
  FROM @extschema@.supplier s
  WHERE s.parent_supplier_id IS NULL
  UNION ALL
  SELECT c.supplier_id, g.group_id, g.depth OPERATOR(pg_catalog.+) 1
  FROM g JOIN @extschema@.supplier c ON c.parent_supplier_id OPERATOR(pg_catalog.=) g.supplier_id
)
SELECT supplier_id, group_id, depth FROM g;
COMMENT ON VIEW @extschema@.supplier_group_map IS 'Every supplier with its supplier group (ultimate controller) and its depth below it.';
COMMENT ON COLUMN @extschema@.supplier_group_map.supplier_id IS 'Supplier.';
COMMENT ON COLUMN @extschema@.supplier_group_map.group_id IS 'Ultimate controller: the supplier at the top of the chain of parent_supplier_id.';
COMMENT ON COLUMN @extschema@.supplier_group_map.depth IS 'Number of control links between the supplier and its group (0 for the group itself).';

CREATE OR REPLACE FUNCTION @extschema@.supplier_group(supplier_id bigint) RETURNS bigint
LANGUAGE sql STABLE STRICT PARALLEL SAFE AS $$
  WITH RECURSIVE up (id, parent, hops) AS (
    SELECT s.supplier_id, s.parent_supplier_id, 0 FROM @extschema@.supplier s
    WHERE s.supplier_id OPERATOR(pg_catalog.=) $1
    UNION ALL
    SELECT s.supplier_id, s.parent_supplier_id, up.hops OPERATOR(pg_catalog.+) 1
    FROM up JOIN @extschema@.supplier s ON s.supplier_id OPERATOR(pg_catalog.=) up.parent
    WHERE up.hops OPERATOR(pg_catalog.<) 1000
  )
  SELECT id FROM up WHERE parent IS NULL
$$;
COMMENT ON FUNCTION @extschema@.supplier_group(bigint) IS 'Ultimate controller (supplier group) of a supplier; NULL for an unknown supplier.';
