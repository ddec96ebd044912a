-- Real data in, 3/n: the tables import_bom writes (bom, bom_component, bom_dependency) and
-- what it returns.

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
COMMENT ON COLUMN @extschema@.bom_component.component IS 'The component''s JSON as imported; a CycloneDX component without its nested components and services (each is a row of its own).';

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

