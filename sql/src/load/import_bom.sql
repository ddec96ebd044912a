-- Real data in, 3/n: import_bom stores a bill of materials (bom, bom_component,
-- bom_dependency), matches or creates its organisations as suppliers, and writes the
-- product supplier's supplier_dependency rows. Importing the same document again replaces
-- its rows.

-- Suppliers found in documents have no known headquarters: ZZ, the code ISO 3166 leaves to
-- users, stands for an unknown or unspecified country (outside the EU: unknown origin is not
-- taken for EU origin). Shipped like the ISO codes.
ALTER TABLE @extschema@.country DISABLE TRIGGER country_protect_shipped;
INSERT INTO @extschema@.country (code, name, eu_member, eea_member, shipped)
  VALUES ('ZZ', 'Unknown or unspecified country (user-assigned code)', false, false, true);
ALTER TABLE @extschema@.country ENABLE TRIGGER country_protect_shipped;

-- matching organisations to suppliers by normalised name is an index lookup
CREATE INDEX supplier_normalized_name_idx ON @extschema@.supplier (@extschema@.normalize_org_name(name));

CREATE SEQUENCE @extschema@.bom_id_seq AS bigint;
CREATE TABLE @extschema@.bom (
  bom_id              bigint PRIMARY KEY DEFAULT pg_catalog.nextval('@extschema@.bom_id_seq'::pg_catalog.regclass),
  document_key        text NOT NULL CONSTRAINT bom_document_key_unique UNIQUE,
  format              text NOT NULL,
  name                text,
  product_supplier_id bigint REFERENCES @extschema@.supplier (supplier_id),
  function_code       text REFERENCES @extschema@.ict_function (code),
  document            jsonb NOT NULL,
  imported_at         timestamptz NOT NULL DEFAULT pg_catalog.now()
);
ALTER SEQUENCE @extschema@.bom_id_seq OWNED BY @extschema@.bom.bom_id;
COMMENT ON TABLE @extschema@.bom IS 'Bills of materials imported by import_bom, one row per document (the same document imported again replaces its row).';
COMMENT ON COLUMN @extschema@.bom.bom_id IS 'Import id.';
COMMENT ON COLUMN @extschema@.bom.document_key IS 'What makes a document the same one: CycloneDX serialNumber/version, SPDX documentNamespace, else the md5 of the document.';
COMMENT ON COLUMN @extschema@.bom.format IS 'Format and version, e.g. CycloneDX 1.4, SPDX 2.3.';
COMMENT ON COLUMN @extschema@.bom.name IS 'The product the document describes (CycloneDX metadata.component, SPDX document name).';
COMMENT ON COLUMN @extschema@.bom.product_supplier_id IS 'Supplier of the product: the argument of import_bom, else the document''s own supplier or manufacturer; the supplier_dependency rows start from it.';
COMMENT ON COLUMN @extschema@.bom.function_code IS 'ICT function the dependencies are recorded for (NULL: all of the product supplier''s deliveries).';
COMMENT ON COLUMN @extschema@.bom.document IS 'The document as imported.';
COMMENT ON COLUMN @extschema@.bom.imported_at IS 'When it was imported.';

CREATE TABLE @extschema@.bom_component (
  bom_id             bigint NOT NULL REFERENCES @extschema@.bom (bom_id) ON DELETE CASCADE,
  path               text NOT NULL,
  kind               text NOT NULL,
  bom_ref            text,
  name               text,
  version            text,
  purl               text,
  organisation       text,
  organisation_field text,
  quantity           float8 NOT NULL,
  supplier_id        bigint REFERENCES @extschema@.supplier (supplier_id),
  component          jsonb NOT NULL,
  PRIMARY KEY (bom_id, path)
);
CREATE INDEX bom_component_supplier_idx ON @extschema@.bom_component (supplier_id) WHERE supplier_id IS NOT NULL;
COMMENT ON TABLE @extschema@.bom_component IS 'Every component of an imported document (nested ones included), with the organisation behind it and the supplier it was matched to.';
COMMENT ON COLUMN @extschema@.bom_component.bom_id IS 'The import.';
COMMENT ON COLUMN @extschema@.bom_component.path IS 'Where the component stands in the document, e.g. components[3].components[0], packages[7].';
COMMENT ON COLUMN @extschema@.bom_component.kind IS 'component, service (CycloneDX) or package (SPDX).';
COMMENT ON COLUMN @extschema@.bom_component.bom_ref IS 'CycloneDX bom-ref or SPDX SPDXID.';
COMMENT ON COLUMN @extschema@.bom_component.name IS 'Component name.';
COMMENT ON COLUMN @extschema@.bom_component.version IS 'Component version.';
COMMENT ON COLUMN @extschema@.bom_component.purl IS 'Package URL, when the document gives one.';
COMMENT ON COLUMN @extschema@.bom_component.organisation IS 'The organisation as the document spells it; NULL when none (unattributed).';
COMMENT ON COLUMN @extschema@.bom_component.organisation_field IS 'The field it came from: manufacturer, supplier, publisher, provider (CycloneDX); supplier, originator (SPDX).';
COMMENT ON COLUMN @extschema@.bom_component.quantity IS 'cdx:device:quantity, default 1.';
COMMENT ON COLUMN @extschema@.bom_component.supplier_id IS 'The supplier the organisation was matched to or created as.';
COMMENT ON COLUMN @extschema@.bom_component.component IS 'The component''s JSON as imported.';

CREATE TABLE @extschema@.bom_dependency (
  bom_id       bigint NOT NULL REFERENCES @extschema@.bom (bom_id) ON DELETE CASCADE,
  ref          text NOT NULL,
  depends_on   text NOT NULL,
  relationship text NOT NULL
);
CREATE INDEX bom_dependency_bom_idx ON @extschema@.bom_dependency (bom_id);
COMMENT ON TABLE @extschema@.bom_dependency IS 'The document''s own dependency graph, kept for traceability: CycloneDX dependencies, SPDX relationships (the *_OF types reversed, so that ref always depends on or contains depends_on).';
COMMENT ON COLUMN @extschema@.bom_dependency.bom_id IS 'The import.';
COMMENT ON COLUMN @extschema@.bom_dependency.ref IS 'The component that depends (bom-ref or SPDXID).';
COMMENT ON COLUMN @extschema@.bom_dependency.depends_on IS 'The component it depends on.';
COMMENT ON COLUMN @extschema@.bom_dependency.relationship IS 'dependsOn or provides (CycloneDX); the SPDX relationship type as written.';

ALTER TABLE @extschema@.supplier_dependency ADD COLUMN source_bom_id bigint REFERENCES @extschema@.bom (bom_id) ON DELETE CASCADE;
COMMENT ON COLUMN @extschema@.supplier_dependency.source_bom_id IS 'The import (bom) that wrote the row; NULL for rows entered otherwise. Rows of an import go when it is replaced or deleted.';

SELECT pg_catalog.pg_extension_config_dump('@extschema@.bom', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.bom_id_seq', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.bom_component', '');
SELECT pg_catalog.pg_extension_config_dump('@extschema@.bom_dependency', '');

CREATE TYPE @extschema@.bom_import AS (
  bom_id               bigint,
  components           integer,
  attributed           integer,
  unattributed         integer,
  suppliers_matched    integer,
  suppliers_created    integer,
  dependencies_written integer
);
COMMENT ON TYPE @extschema@.bom_import IS 'What import_bom did: the import id, components (attributed to an organisation or not), organisations matched to existing suppliers or created as suppliers, supplier_dependency rows written.';

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
BEGIN
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

  -- replace an earlier import of the same document (its components, graph and dependencies go with it)
  DELETE FROM @extschema@.bom b WHERE b.document_key = key;
  INSERT INTO @extschema@.bom (document_key, format, name, product_supplier_id, function_code, document)
  VALUES (key, fmt, CASE WHEN cdx THEN doc #>> '{metadata,component,name}' ELSE doc ->> 'name' END, prod, function_code, doc)
  RETURNING bom_id INTO bid;

  -- organisations: an existing supplier whose canonical name is the same, else a new supplier
  CREATE TEMP TABLE supplyrisk_bom_orgs ON COMMIT DROP AS
    SELECT o.canonical, o.spelling, m.supplier_id, m.supplier_id IS NOT NULL AS matched
    FROM (SELECT s.canonical, (pg_catalog.array_agg(s.organisation ORDER BY s.path))[1] AS spelling
          FROM (SELECT canonical, organisation, path FROM supplyrisk_bom_stage WHERE organisation IS NOT NULL
                UNION ALL
                SELECT @extschema@.canonical_org_name(prod_org), prod_org, '' WHERE prod_org IS NOT NULL) s
          GROUP BY s.canonical) o
    LEFT JOIN LATERAL (
      SELECT p.supplier_id FROM @extschema@.supplier p
      WHERE @extschema@.normalize_org_name(p.name) IN (SELECT @extschema@.normalize_org_name(o.canonical)
                                                       UNION SELECT a.alias FROM @extschema@.org_alias a WHERE a.canonical = o.canonical)
        AND @extschema@.canonical_org_name(p.name) = o.canonical
      ORDER BY p.supplier_id LIMIT 1) m ON true;
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
         COALESCE(doc #> (SELECT array_agg(p ORDER BY o)
                          FROM regexp_split_to_table(regexp_replace(s.path, '\[([0-9]+)\]', '.\1', 'g'), '\.') WITH ORDINALITY t(p, o)), 'null')
  FROM supplyrisk_bom_stage s;

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
    INSERT INTO @extschema@.supplier_dependency AS d (supplier_id, depends_on_supplier_id, function_code, share, source_bom_id)
    SELECT prod, s.supplier_id, function_code, sum(s.quantity) / (SELECT sum(t.quantity) FROM supplyrisk_bom_stage t WHERE t.supplier_id IS NOT NULL), bid
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
  'Imports a CycloneDX or SPDX JSON document: stores it and every component (bom, bom_component, bom_dependency), matches its organisations to suppliers by canonical name or creates them (headquarters ZZ, unknown), and writes supplier_dependency rows from the product supplier (argument, else the document''s own) to the component suppliers, share = their part of the components by quantity. The same document imported again replaces its rows.';
