-- User data: NIS2 entities, and the EU-member-state check shared by entity,
-- assessment and designation.

CREATE SEQUENCE @extschema@.entity_id_seq AS bigint;
CREATE TABLE @extschema@.entity (
  entity_id      bigint PRIMARY KEY DEFAULT pg_catalog.nextval('@extschema@.entity_id_seq'::pg_catalog.regclass),
  name           text NOT NULL CONSTRAINT entity_name_nonempty CHECK (@extschema@.constraint_check(name <> '', name, 'entity_name_nonempty', 'entity name',
    'An entity needs a name that is not empty.')),
  member_state   text NOT NULL REFERENCES @extschema@.country (code),
  sector_code    text NOT NULL REFERENCES @extschema@.sector (code),
  subsector_code text REFERENCES @extschema@.subsector (code),
  entity_class   text NOT NULL CONSTRAINT entity_class_valid CHECK (@extschema@.constraint_check(entity_class IN ('essential', 'important'), entity_class, 'entity_class_valid', 'entity_class',
    'entity_class is essential or important (NIS2 Art. 3).')),
  CONSTRAINT entity_subsector_in_sector FOREIGN KEY (subsector_code, sector_code)
    REFERENCES @extschema@.subsector (code, sector_code)
);
ALTER SEQUENCE @extschema@.entity_id_seq OWNED BY @extschema@.entity.entity_id;
-- (covering: a scoped recomputation finds a sector's and member state's entities in the index alone)
CREATE INDEX entity_sector_member_state_idx ON @extschema@.entity (sector_code, member_state) INCLUDE (entity_id);
COMMENT ON TABLE @extschema@.entity IS 'NIS2 essential and important entities whose ICT supply is modelled.';
COMMENT ON COLUMN @extschema@.entity.entity_id IS 'Entity id (defaults to the next value of entity_id_seq).';
COMMENT ON COLUMN @extschema@.entity.name IS 'Entity name.';
COMMENT ON COLUMN @extschema@.entity.member_state IS 'EU member state of establishment (ISO 3166-1 alpha-2); must be an EU member.';
COMMENT ON COLUMN @extschema@.entity.sector_code IS 'NIS2 sector.';
COMMENT ON COLUMN @extschema@.entity.subsector_code IS 'NIS2 subsector (optional); must belong to sector_code.';
COMMENT ON COLUMN @extschema@.entity.entity_class IS 'essential or important (NIS2 Art. 3).';

CREATE OR REPLACE FUNCTION @extschema@.check_entity_member_state() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  is_eu boolean;
BEGIN
  SELECT c.eu_member INTO is_eu FROM @extschema@.country c WHERE c.code OPERATOR(pg_catalog.=) NEW.member_state;
  -- an unknown code is left to the foreign key (23503)
  IF is_eu IS NOT NULL AND NOT is_eu THEN
    IF TG_TABLE_NAME OPERATOR(pg_catalog.=) 'entity' THEN
      RAISE EXCEPTION 'member state "%" is not an EU member state', NEW.member_state
        USING ERRCODE = 'check_violation', COLUMN = 'member_state', TABLE = TG_TABLE_NAME, SCHEMA = TG_TABLE_SCHEMA,
              DETAIL = pg_catalog.format('Entity %s (%s) must be established in an EU member state.', NEW.entity_id, NEW.name),
              HINT = 'See supplyrisk.country where eu_member.';
    END IF;
    RAISE EXCEPTION 'member state "%" is not an EU member state', NEW.member_state
      USING ERRCODE = 'check_violation', COLUMN = 'member_state', TABLE = TG_TABLE_NAME, SCHEMA = TG_TABLE_SCHEMA,
            DETAIL = pg_catalog.format('The member_state of a %s row names the member state it belongs to (NULL: shared by all).', TG_TABLE_NAME),
            HINT = 'See supplyrisk.country where eu_member.';
  END IF;
  RETURN NEW;
END $$;
COMMENT ON FUNCTION @extschema@.check_entity_member_state() IS 'Trigger: the member_state of an entity, assessment or designation must be an EU member state.';
CREATE TRIGGER entity_member_state_eu BEFORE INSERT OR UPDATE OF member_state ON @extschema@.entity
  FOR EACH ROW EXECUTE FUNCTION @extschema@.check_entity_member_state();
