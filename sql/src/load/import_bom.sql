-- Real data in, 3b/n: import_bom stores a bill of materials (bom, bom_component,
-- bom_dependency), matches or creates its organisations as suppliers, and writes the
-- product supplier's supplier_dependency rows. Importing the same document again (by the
-- same owner) replaces its rows.

CREATE OR REPLACE FUNCTION @extschema@.import_bom(doc jsonb, product_supplier bigint DEFAULT NULL, function_code text DEFAULT NULL)
RETURNS @extschema@.bom_import
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  fmt  text := @extschema@.bom_format(doc);
  cdx  boolean := fmt LIKE 'CycloneDX%';
  key  text;
  bid  bigint;
  prod bigint := product_supplier;
  prod_org text;
  res  @extschema@.bom_import;
  dangling integer;
  written integer := 0;
  owner text := @extschema@.access_owner_default();  -- the import's owner: the writer's one member state, else EU-wide
BEGIN
  IF owner IS NULL AND @extschema@.access_member_states() IS NOT NULL THEN
    RAISE EXCEPTION 'import_bom needs a role of one member state or an unscoped one, not member states %', @extschema@.access_member_states()
      USING ERRCODE = 'insufficient_privilege',
      HINT = 'An import belongs to one member state (its owner): import as a role whose grant names one member state, or as an unscoped role for an EU-wide import.';
  END IF;
  IF prod IS NOT NULL AND NOT EXISTS (SELECT 1 FROM @extschema@.supplier s WHERE s.supplier_id OPERATOR(pg_catalog.=) prod) THEN
    RAISE EXCEPTION 'unknown supplier %', prod USING ERRCODE = 'invalid_parameter_value',
      HINT = 'product_supplier is the supplier_id of the product''s supplier, or NULL to take the document''s own supplier or manufacturer.';
  END IF;
  IF function_code IS NOT NULL AND NOT EXISTS (SELECT 1 FROM @extschema@.ict_function f WHERE f.code OPERATOR(pg_catalog.=) function_code) THEN
    RAISE EXCEPTION 'unknown ICT function "%"', function_code USING ERRCODE = 'invalid_parameter_value',
      HINT = 'See supplyrisk.ict_function; NULL records the dependencies for all of the supplier''s deliveries.';
  END IF;

  CREATE TEMP TABLE supplyrisk_bom_stage ON COMMIT DROP AS
    SELECT c.*, NULL::text AS canonical, NULL::bigint AS supplier_id
    FROM @extschema@.bom_components(doc) c;
  UPDATE supplyrisk_bom_stage s SET canonical = n.canonical  -- each distinct spelling normalised once
  FROM (SELECT d.organisation, @extschema@.canonical_org_name(d.organisation) AS canonical
        FROM (SELECT DISTINCT t.organisation FROM supplyrisk_bom_stage t WHERE t.organisation IS NOT NULL) d) n
  WHERE n.organisation = s.organisation;
  key := CASE WHEN cdx THEN COALESCE((doc ->> 'serialNumber') || '/' || COALESCE(doc ->> 'version', '1'), md5(doc::text))
              ELSE COALESCE(doc ->> 'documentNamespace', md5(doc::text)) END;

  -- the document's own organisation, when no product supplier is given
  IF prod IS NULL THEN
    prod_org := CASE WHEN cdx THEN COALESCE(NULLIF(btrim(doc #>> '{metadata,manufacturer,name}'), ''),
                                            NULLIF(btrim(doc #>> '{metadata,manufacture,name}'), ''),
                                            NULLIF(btrim(doc #>> '{metadata,supplier,name}'), ''),
                                            NULLIF(btrim(doc #>> '{metadata,component,manufacturer,name}'), ''),
                                            NULLIF(btrim(doc #>> '{metadata,component,supplier,name}'), ''))
                     ELSE (SELECT s.organisation FROM supplyrisk_bom_stage s
                           WHERE s.bom_ref IN (SELECT r ->> 'relatedSpdxElement'
                                               FROM jsonb_array_elements(CASE WHEN jsonb_typeof(doc -> 'relationships') = 'array'
                                                                              THEN doc -> 'relationships' ELSE '[]' END) r
                                               WHERE r ->> 'spdxElementId' = doc ->> 'SPDXID' AND r ->> 'relationshipType' = 'DESCRIBES')
                             AND s.organisation IS NOT NULL
                           ORDER BY s.path LIMIT 1) END;
  END IF;

  -- replace an earlier import of the same document by the same owner (its components, graph and
  -- dependencies go with it); another owner's import of it is not touched, nor seen
  DELETE FROM @extschema@.bom b WHERE b.document_key = key AND b.member_state IS NOT DISTINCT FROM owner;
  INSERT INTO @extschema@.bom (document_key, format, name, product_supplier_id, function_code, document, member_state)
  VALUES (key, fmt, CASE WHEN cdx THEN doc #>> '{metadata,component,name}' ELSE doc ->> 'name' END, prod, function_code, doc, owner)
  RETURNING bom_id INTO bid;

  -- organisations: an existing supplier whose canonical name is the same, else a new supplier
  CREATE TEMP TABLE supplyrisk_bom_orgs ON COMMIT DROP AS
    SELECT o.canonical, o.spelling, m.supplier_id, m.supplier_id IS NOT NULL AS matched
    FROM (SELECT s.canonical, (pg_catalog.array_agg(s.organisation ORDER BY s.path))[1] AS spelling
          FROM (SELECT canonical, organisation, path FROM supplyrisk_bom_stage WHERE organisation IS NOT NULL
                UNION ALL
                SELECT @extschema@.canonical_org_name(prod_org), prod_org, '' WHERE prod_org IS NOT NULL) s
          GROUP BY s.canonical) o
    LEFT JOIN LATERAL @extschema@.supplier_match(o.spelling) m ON true;  -- (the spelling's canonical name is o.canonical)
  WITH created AS (
    INSERT INTO @extschema@.supplier (name, hq_country)
    SELECT o.spelling, 'ZZ' FROM supplyrisk_bom_orgs o WHERE o.supplier_id IS NULL ORDER BY o.canonical
    RETURNING supplier_id, name
  )
  UPDATE supplyrisk_bom_orgs o SET supplier_id = c.supplier_id
  FROM created c WHERE o.supplier_id IS NULL AND c.name = o.spelling;
  UPDATE supplyrisk_bom_stage s SET supplier_id = o.supplier_id FROM supplyrisk_bom_orgs o WHERE o.canonical = s.canonical;
  IF prod IS NULL AND prod_org IS NOT NULL THEN
    SELECT o.supplier_id INTO prod FROM supplyrisk_bom_orgs o WHERE o.canonical = @extschema@.canonical_org_name(prod_org);
    UPDATE @extschema@.bom SET product_supplier_id = prod WHERE bom_id = bid;
  END IF;

  INSERT INTO @extschema@.bom_component (bom_id, path, kind, bom_ref, name, version, purl, organisation, organisation_field,
                                         quantity, supplier_id, component)
  SELECT bid, s.path, s.kind, s.bom_ref, s.name, s.version, s.purl, s.organisation, s.organisation_field, s.quantity, s.supplier_id,
         COALESCE(w.component, doc #> ARRAY['packages', pg_catalog.substring(s.path, '^packages\[([0-9]+)\]$')], 'null')
  FROM supplyrisk_bom_stage s
  LEFT JOIN @extschema@.bom_cdx_walk(CASE WHEN cdx THEN doc END) w ON w.path = s.path;  -- (CycloneDX: each component without its nested ones, rows of their own)

  -- the document's own graph
  IF cdx THEN
    INSERT INTO @extschema@.bom_dependency (bom_id, ref, depends_on, relationship)
    SELECT bid, d ->> 'ref', x.t, x.rel
    FROM jsonb_array_elements(CASE WHEN jsonb_typeof(doc -> 'dependencies') = 'array' THEN doc -> 'dependencies' ELSE '[]' END) d
    CROSS JOIN LATERAL (
      SELECT v, 'dependsOn' FROM jsonb_array_elements_text(CASE WHEN jsonb_typeof(d -> 'dependsOn') = 'array' THEN d -> 'dependsOn' ELSE '[]' END) v
      UNION ALL
      SELECT v, 'provides' FROM jsonb_array_elements_text(CASE WHEN jsonb_typeof(d -> 'provides') = 'array' THEN d -> 'provides' ELSE '[]' END) v
    ) x(t, rel)
    WHERE d ->> 'ref' IS NOT NULL;
  ELSE
    INSERT INTO @extschema@.bom_dependency (bom_id, ref, depends_on, relationship)
    SELECT bid,
           CASE WHEN r ->> 'relationshipType' LIKE '%\_OF' THEN r ->> 'relatedSpdxElement' ELSE r ->> 'spdxElementId' END,
           CASE WHEN r ->> 'relationshipType' LIKE '%\_OF' THEN r ->> 'spdxElementId' ELSE r ->> 'relatedSpdxElement' END,
           r ->> 'relationshipType'
    FROM jsonb_array_elements(CASE WHEN jsonb_typeof(doc -> 'relationships') = 'array' THEN doc -> 'relationships' ELSE '[]' END) r
    WHERE r ->> 'spdxElementId' IS NOT NULL AND r ->> 'relatedSpdxElement' IS NOT NULL;
  END IF;
  SELECT count(*) INTO dangling FROM @extschema@.bom_dependency d
  WHERE d.bom_id = bid AND d.relationship <> 'DESCRIBES'
    AND NOT EXISTS (SELECT 1 FROM supplyrisk_bom_stage s WHERE s.bom_ref = d.depends_on)
    AND d.depends_on IS DISTINCT FROM (CASE WHEN cdx THEN doc #>> '{metadata,component,bom-ref}' END);
  IF dangling > 0 THEN
    RAISE WARNING 'import_bom: % dependency references name no component of the document; kept as written', dangling;
  END IF;

  -- the product supplier relies on each component supplier for its part of the components
  IF prod IS NOT NULL THEN
    INSERT INTO @extschema@.supplier_dependency AS d (supplier_id, depends_on_supplier_id, function_code, share, source_bom_id, member_state)
    SELECT prod, s.supplier_id, function_code, sum(s.quantity) / (SELECT sum(t.quantity) FROM supplyrisk_bom_stage t WHERE t.supplier_id IS NOT NULL), bid, owner
    FROM supplyrisk_bom_stage s
    WHERE s.supplier_id IS NOT NULL AND s.supplier_id <> prod
    GROUP BY s.supplier_id
    ON CONFLICT ON CONSTRAINT supplier_dependency_unique
      DO UPDATE SET share = EXCLUDED.share, source_bom_id = EXCLUDED.source_bom_id;
    GET DIAGNOSTICS written = ROW_COUNT;
  END IF;
  res.dependencies_written := written;

  res.bom_id := bid;
  SELECT count(*), count(*) FILTER (WHERE organisation IS NOT NULL), count(*) FILTER (WHERE organisation IS NULL)
    INTO res.components, res.attributed, res.unattributed FROM supplyrisk_bom_stage;
  SELECT count(*) FILTER (WHERE matched), count(*) FILTER (WHERE NOT matched)
    INTO res.suppliers_matched, res.suppliers_created FROM supplyrisk_bom_orgs;
  DROP TABLE supplyrisk_bom_stage;
  DROP TABLE supplyrisk_bom_orgs;
  RETURN res;
END $$;
COMMENT ON FUNCTION @extschema@.import_bom(jsonb, bigint, text) IS
  'Imports a CycloneDX or SPDX JSON document: stores it and every component (bom, bom_component, bom_dependency), matches its organisations to suppliers by canonical name or creates them (headquarters ZZ, unknown), and writes supplier_dependency rows from the product supplier (argument, else the document''s own) to the component suppliers, share = their part of the components by quantity. The import and its rows belong to the writer''s member state (its grant''s one member state; EU-wide for an unscoped role); the same document imported again by the same owner replaces them, never another owner''s.';
