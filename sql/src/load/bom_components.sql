-- Real data in, 2b/n: the components of a document. CycloneDX nesting is walked in C, once
-- (src/bom_walk.c: linear in the document however deep it nests); organisations, quantities
-- and the SPDX packages are read in SQL.

CREATE OR REPLACE FUNCTION @extschema@.bom_cdx_walk(doc jsonb)
RETURNS TABLE (path text, kind text, component jsonb)
  AS 'MODULE_PATHNAME', 'bom_cdx_walk' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.bom_cdx_walk(jsonb) IS
  'Internal: every component and service of a CycloneDX document, nested ones at any depth, in document order, in one pass over the document: path (components[3].components[0]), kind (component or service), the element with its own keys only (its nested components and services are rows of their own; an element that is not an object as it is).';

-- Every component of a document, nested ones included, with the organisation behind it.
CREATE OR REPLACE FUNCTION @extschema@.bom_components(doc jsonb)
RETURNS TABLE (path text, kind text, bom_ref text, name text, version text, purl text,
               organisation text, organisation_field text, quantity float8)
LANGUAGE plpgsql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  fmt text := @extschema@.bom_format(doc);
BEGIN
  IF fmt LIKE 'CycloneDX%' THEN
    RETURN QUERY
    WITH c(path, kind, j) AS (  -- every component, nested ones included, in one pass (C), in document order
      SELECT w.path, w.kind, w.component FROM @extschema@.bom_cdx_walk(doc) w
    ),
    org AS (
      SELECT c.*, f.field, f.value
      FROM c
      LEFT JOIN LATERAL (
        SELECT v.field, v.value FROM (VALUES
          (1, 'manufacturer', NULLIF(btrim(c.j #>> '{manufacturer,name}'), '')),
          (2, 'supplier', NULLIF(btrim(c.j #>> '{supplier,name}'), '')),
          (3, 'publisher', CASE WHEN jsonb_typeof(c.j -> 'publisher') OPERATOR(pg_catalog.=) 'string' THEN NULLIF(btrim(c.j ->> 'publisher'), '') END),
          (4, 'provider', NULLIF(btrim(c.j #>> '{provider,name}'), ''))) v(rank, field, value)
        WHERE v.value IS NOT NULL
        ORDER BY v.rank LIMIT 1) f ON true
    ),
    qty AS (
      SELECT o.*, (SELECT p ->> 'value' FROM jsonb_array_elements(CASE WHEN jsonb_typeof(o.j -> 'properties') OPERATOR(pg_catalog.=) 'array'
                                                                      THEN o.j -> 'properties' ELSE '[]' END) p
                   WHERE p ->> 'name' OPERATOR(pg_catalog.=) 'cdx:device:quantity' LIMIT 1) AS q
      FROM org o
    )
    SELECT q.path, q.kind, q.j ->> 'bom-ref', q.j ->> 'name', q.j ->> 'version', q.j ->> 'purl', q.value, q.field,
           CASE WHEN jsonb_typeof(q.j) OPERATOR(pg_catalog.<>) 'object'
                THEN @extschema@.bom_refuse(format('%s is a JSON %s, not an object', q.path, jsonb_typeof(q.j)),
                                            'Every CycloneDX component and service is a JSON object.')
                WHEN q.q IS NULL THEN 1::float8
                WHEN q.q ~ '^\s*[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?\s*$' AND q.q::float8 OPERATOR(pg_catalog.>) 0
                     AND q.q::float8 OPERATOR(pg_catalog.<) 'Infinity'::float8 THEN q.q::float8
                ELSE @extschema@.bom_refuse(format('quantity of %s is "%s", not a positive number', q.path, q.q),
                                            'The property cdx:device:quantity holds a positive number of units, e.g. "12".') END
    FROM qty q
    ;  -- (in the walk's order: the laterals keep the function scan's order; a sort of the long paths would cost more than the walk)
  ELSE
    RETURN QUERY
    SELECT format('packages[%s]', o OPERATOR(pg_catalog.-) 1), 'package', e ->> 'SPDXID', e ->> 'name', e ->> 'versionInfo',
           (SELECT r ->> 'referenceLocator' FROM jsonb_array_elements(CASE WHEN jsonb_typeof(e -> 'externalRefs') OPERATOR(pg_catalog.=) 'array'
                                                                          THEN e -> 'externalRefs' ELSE '[]' END) r
            WHERE r ->> 'referenceType' OPERATOR(pg_catalog.=) 'purl' LIMIT 1),
           f.value, f.field,
           CASE WHEN jsonb_typeof(e) OPERATOR(pg_catalog.<>) 'object'
                THEN @extschema@.bom_refuse(format('packages[%s] is a JSON %s, not an object', o OPERATOR(pg_catalog.-) 1, jsonb_typeof(e)),
                                            'Every SPDX package is a JSON object.')
                ELSE 1::float8 END
    FROM jsonb_array_elements(CASE WHEN jsonb_typeof(doc -> 'packages') OPERATOR(pg_catalog.=) 'array' THEN doc -> 'packages' ELSE '[]' END)
         WITH ORDINALITY x(e, o)
    LEFT JOIN LATERAL (
      SELECT v.field, NULLIF(btrim(substr(v.raw, length('Organization:') OPERATOR(pg_catalog.+) 1)), '') AS value
      FROM (VALUES (1, 'supplier', e ->> 'supplier'), (2, 'originator', e ->> 'originator')) v(rank, field, raw)
      WHERE v.raw ILIKE 'Organization:%' AND NULLIF(btrim(substr(v.raw, length('Organization:') OPERATOR(pg_catalog.+) 1)), '') IS NOT NULL
      ORDER BY v.rank LIMIT 1) f ON true
    ORDER BY o;
  END IF;
END $$;
COMMENT ON FUNCTION @extschema@.bom_components(jsonb) IS
  'Every component of a CycloneDX (components and services, nested ones included, each followed by its nested ones: document order) or SPDX (packages, in order) JSON document: path, kind, bom-ref or SPDXID, name, version, purl, the organisation behind it and the field it came from (CycloneDX manufacturer, supplier, publisher, provider; SPDX supplier, else originator, when an Organization), quantity (cdx:device:quantity, default 1).';
