-- User data: supply (who supplies which ICT function to whom, with a weight, over a
-- validity period) and the tier-n supplier_dependency graph.

CREATE SEQUENCE @extschema@.supply_id_seq AS bigint;
CREATE TABLE @extschema@.supply (
  supply_id     bigint PRIMARY KEY DEFAULT pg_catalog.nextval('@extschema@.supply_id_seq'::pg_catalog.regclass),
  entity_id     bigint NOT NULL REFERENCES @extschema@.entity (entity_id),
  supplier_id   bigint NOT NULL REFERENCES @extschema@.supplier (supplier_id),
  function_code text NOT NULL REFERENCES @extschema@.ict_function (code),
  weight        float8 NOT NULL CONSTRAINT supply_weight_positive_finite CHECK (weight > 0 AND weight < 'Infinity'),
  basis         text NOT NULL DEFAULT 'spend'
    CONSTRAINT supply_basis_valid CHECK (basis IN ('spend', 'units', 'installed_base', 'capacity', 'share')),
  valid_from    date NOT NULL DEFAULT CURRENT_DATE,
  valid_to      date,
  CONSTRAINT supply_validity_ordered CHECK (valid_to > valid_from),
  CONSTRAINT supply_dates_finite CHECK (pg_catalog.isfinite(valid_from) AND (valid_to IS NULL OR pg_catalog.isfinite(valid_to)))
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

CREATE TABLE @extschema@.supplier_dependency (
  supplier_id           bigint NOT NULL REFERENCES @extschema@.supplier (supplier_id),
  depends_on_supplier_id bigint NOT NULL REFERENCES @extschema@.supplier (supplier_id),
  function_code         text REFERENCES @extschema@.ict_function (code),
  share                 float8 NOT NULL CONSTRAINT supplier_dependency_share_range CHECK (share > 0 AND share <= 1),
  CONSTRAINT supplier_dependency_not_self CHECK (depends_on_supplier_id <> supplier_id),
  CONSTRAINT supplier_dependency_unique UNIQUE NULLS NOT DISTINCT (supplier_id, depends_on_supplier_id, function_code)
);
CREATE INDEX supplier_dependency_target_idx ON @extschema@.supplier_dependency (depends_on_supplier_id);
COMMENT ON TABLE @extschema@.supplier_dependency IS 'Tier-n graph: which share of a supplier''s delivery relies on another supplier.';
COMMENT ON COLUMN @extschema@.supplier_dependency.supplier_id IS 'Supplier that depends.';
COMMENT ON COLUMN @extschema@.supplier_dependency.depends_on_supplier_id IS 'Supplier it depends on (its tier-2 supplier).';
COMMENT ON COLUMN @extschema@.supplier_dependency.function_code IS 'Function of the deliveries concerned; NULL = all of the supplier''s deliveries.';
COMMENT ON COLUMN @extschema@.supplier_dependency.share IS 'Share in (0,1] of the supplier''s delivery that relies on the other supplier.';
