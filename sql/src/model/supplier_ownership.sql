-- Ownership (control) of suppliers: no cycles, at most 32 links to the ultimate controller.

CREATE OR REPLACE FUNCTION @extschema@.check_supplier_ownership() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  cur  bigint := NEW.parent_supplier_id;
  path text := NEW.supplier_id::text;
  hops integer := 0;
  below integer := 0;
  max_links CONSTANT integer := 32;  -- (as supplier_control_chain and supplier_risk_of walk)
BEGIN
  IF cur IS NULL THEN
    RETURN NEW;
  END IF;
  -- serialise ownership changes so two concurrent updates cannot close a cycle
  PERFORM pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('supplyrisk.supplier_ownership'));
  WHILE cur IS NOT NULL AND hops < 1000000 LOOP
    path := path || ' -> ' || cur::text;
    IF cur OPERATOR(pg_catalog.=) NEW.supplier_id THEN
      RAISE EXCEPTION 'ownership cycle: supplier % cannot be controlled by supplier %', NEW.supplier_id, NEW.parent_supplier_id
        USING ERRCODE = 'check_violation', COLUMN = 'parent_supplier_id', TABLE = TG_TABLE_NAME, SCHEMA = TG_TABLE_SCHEMA,
              DETAIL = pg_catalog.format('The chain of control would be %s.', path),
              HINT = 'A supplier group must have exactly one ultimate controller.';
    END IF;
    hops := hops + 1;
    SELECT s.parent_supplier_id INTO cur FROM @extschema@.supplier s WHERE s.supplier_id OPERATOR(pg_catalog.=) cur;
  END LOOP;
  -- a chain of control is at most 32 links (no real group is near it; a longer one, which any
  -- role that may add suppliers could build, would make every risk evaluation walk it)
  IF TG_OP OPERATOR(pg_catalog.=) 'UPDATE' AND hops OPERATOR(pg_catalog.<=) max_links THEN
    WITH RECURSIVE d (id, depth) AS (
      SELECT s.supplier_id, 1 FROM @extschema@.supplier s WHERE s.parent_supplier_id OPERATOR(pg_catalog.=) NEW.supplier_id
      UNION ALL
      SELECT s.supplier_id, d.depth OPERATOR(pg_catalog.+) 1 FROM d JOIN @extschema@.supplier s ON s.parent_supplier_id OPERATOR(pg_catalog.=) d.id
      WHERE d.depth OPERATOR(pg_catalog.<=) max_links)
    SELECT COALESCE(pg_catalog.max(d.depth), 0) INTO below FROM d;
  END IF;
  IF hops OPERATOR(pg_catalog.+) below OPERATOR(pg_catalog.>) max_links THEN
    RAISE EXCEPTION 'chain of control too long: supplier % under supplier % would be % links from its ultimate controller, more than %',
                    NEW.supplier_id, NEW.parent_supplier_id, hops OPERATOR(pg_catalog.+) below, max_links
      USING ERRCODE = 'check_violation', COLUMN = 'parent_supplier_id', TABLE = TG_TABLE_NAME, SCHEMA = TG_TABLE_SCHEMA,
            DETAIL = pg_catalog.format('A chain of control has at most %s links between a supplier and its supplier group.', max_links),
            HINT = 'Record the controlling owner that has decisive influence; intermediate holdings need not be listed.';
  END IF;
  RETURN NEW;
END $$;
COMMENT ON FUNCTION @extschema@.check_supplier_ownership() IS 'Trigger: refuses a parent_supplier_id that would create an ownership cycle, or a chain of control of more than 32 links.';
