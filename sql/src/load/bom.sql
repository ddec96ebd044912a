-- Real data in, 1/n: organisation names that match (normalize_org_name, org_alias,
-- canonical_org_name) and bills of materials read as they are (bom_components,
-- sbom_supplier_mix): CycloneDX JSON 1.2 to 1.6 and SPDX JSON 2.2 and 2.3.

-- The rules, in order (REFERENCE.md has examples): Unicode compatibility form (NFKC),
-- lower case; "&" becomes "and"; a web domain ending (.com .org .net .io .dev .eu) is
-- dropped; every other character that is not a letter, digit or space becomes a space,
-- apostrophes vanish; spaces collapse; single letters join up ("S.A." becomes "sa");
-- a leading "the" goes; trailing legal forms go,
-- repeatedly (inc, corp, corporation, ltd, llc, gmbh, ag, sa, sas, bv, ... and a dangling
-- "and co"). A name that would become empty keeps its lower-cased, collapsed form.
CREATE OR REPLACE FUNCTION @extschema@.normalize_org_name(name text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  WITH a AS (
    SELECT pg_catalog.regexp_replace(pg_catalog.btrim(pg_catalog.lower(pg_catalog.normalize($1, 'NFKC'))), '\s+', ' ', 'g') AS plain
  ),
  b AS (
    SELECT a.plain,
           pg_catalog.btrim(pg_catalog.regexp_replace(pg_catalog.regexp_replace(pg_catalog.regexp_replace(pg_catalog.regexp_replace(
             pg_catalog.replace(a.plain, '&', ' and '),
             '\.(com|org|net|io|dev|eu)$', ''),
             '[''’`]', '', 'g'),
             '[^[:alnum:][:space:]]+', ' ', 'g'),
             '\s+', ' ', 'g')) AS s0
    FROM a
  ),
  j AS (  -- letters of an abbreviation join up again: "s a" (from S.A.) is "sa"
    SELECT b.plain, pg_catalog.regexp_replace(b.s0, '\m([[:alnum:]]) (?=[[:alnum:]]\M)', '\1', 'g') AS s
    FROM b
  ),
  c AS (
    SELECT j.plain,
           pg_catalog.btrim(pg_catalog.regexp_replace(pg_catalog.regexp_replace(j.s, '^the ', ''),
             '( (and co|co|inc|incorporated|corp|corporation|ltd|limited|llc|llp|lp|plc|gmbh|mbh|ag|kg|kgaa|se|sa|sas|sarl|srl|spa|bv|nv|oy|oyj|ab|as|asa|aps|pty|pte|kk|sl|sro|kft|zrt|sp z o o))+$',
             '')) AS s
    FROM j
  )
  SELECT CASE WHEN c.s OPERATOR(pg_catalog.=) '' THEN c.plain ELSE c.s END FROM c
$$;
COMMENT ON FUNCTION @extschema@.normalize_org_name(text) IS
  'An organisation name normalised for matching: NFKC, lower case, & as and, a web domain ending dropped, punctuation to spaces, spaces collapsed, single letters joined (S.A. as sa), a leading "the" and trailing legal forms (Inc, Corp, Ltd, LLC, GmbH, AG, SA, SAS, BV, ...) removed.';

CREATE TABLE @extschema@.org_alias (
  alias     text PRIMARY KEY,
  canonical text NOT NULL CONSTRAINT org_alias_canonical_nonempty CHECK (@extschema@.constraint_check(
    pg_catalog.btrim(canonical) OPERATOR(pg_catalog.<>) '', canonical, 'org_alias_canonical_nonempty', 'canonical',
    'canonical is the organisation''s name as it should appear (not empty).'))
);
COMMENT ON TABLE @extschema@.org_alias IS 'Organisation aliases: a normalised alias (normalize_org_name, applied on insert) maps to the canonical name of the organisation. The canonical name of any organisation is its alias target, else its normalised name.';
COMMENT ON COLUMN @extschema@.org_alias.alias IS 'An organisation name as documents spell it; stored normalised (normalize_org_name), so every spelling that normalises alike matches.';
COMMENT ON COLUMN @extschema@.org_alias.canonical IS 'The name the organisation goes by in mixes and suppliers.';

CREATE OR REPLACE FUNCTION @extschema@.org_alias_normalize() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  NEW.alias := @extschema@.normalize_org_name(NEW.alias);
  IF NEW.alias IS NULL OR NEW.alias OPERATOR(pg_catalog.=) '' THEN
    RAISE EXCEPTION 'alias must name an organisation' USING ERRCODE = 'check_violation',
      HINT = 'Give the alias as documents spell it, e.g. ''The Apache Software Foundation''.';
  END IF;
  RETURN NEW;
END $$;
COMMENT ON FUNCTION @extschema@.org_alias_normalize() IS 'Trigger: stores org_alias.alias normalised (normalize_org_name).';
CREATE TRIGGER org_alias_normalize BEFORE INSERT OR UPDATE OF alias ON @extschema@.org_alias
  FOR EACH ROW EXECUTE FUNCTION @extschema@.org_alias_normalize();
SELECT pg_catalog.pg_extension_config_dump('@extschema@.org_alias', '');

CREATE OR REPLACE FUNCTION @extschema@.canonical_org_name(name text) RETURNS text
LANGUAGE sql STABLE STRICT PARALLEL SAFE AS $$
  SELECT COALESCE((SELECT a.canonical FROM @extschema@.org_alias a
                   WHERE a.alias OPERATOR(pg_catalog.=) @extschema@.normalize_org_name($1)),
                  @extschema@.normalize_org_name($1))
$$;
COMMENT ON FUNCTION @extschema@.canonical_org_name(text) IS
  'The canonical name of an organisation: its org_alias target, else its normalised name.';

-- The kind and version of a document, or an error that says what was found.
CREATE OR REPLACE FUNCTION @extschema@.bom_format(doc jsonb) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  v text;
  hint text := 'Supported: CycloneDX JSON 1.2 to 1.6 and SPDX JSON 2.2 and 2.3.';
BEGIN
  IF doc IS NULL THEN
    RAISE EXCEPTION 'bom document must not be null' USING ERRCODE = 'null_value_not_allowed';
  END IF;
  IF jsonb_typeof(doc) OPERATOR(pg_catalog.=) 'string' THEN
    v := btrim(doc #>> '{}');
    RAISE EXCEPTION 'not a JSON bill of materials: %', CASE
        WHEN v LIKE '<%' THEN 'an XML document (a JSON string starting with "<")'
        WHEN v ~* '^SPDXVersion:' THEN 'an SPDX tag-value document'
        ELSE format('a JSON string (%s)', left(v, 40)) END
      USING ERRCODE = 'invalid_parameter_value', HINT = hint || ' Convert XML or tag-value documents to JSON first.';
  END IF;
  IF jsonb_typeof(doc) OPERATOR(pg_catalog.<>) 'object' THEN
    RAISE EXCEPTION 'not a JSON bill of materials: a JSON %', jsonb_typeof(doc)
      USING ERRCODE = 'invalid_parameter_value', HINT = hint;
  END IF;
  IF doc ? 'bomFormat' THEN
    IF doc ->> 'bomFormat' OPERATOR(pg_catalog.<>) 'CycloneDX' THEN
      RAISE EXCEPTION 'unsupported bomFormat "%"', doc ->> 'bomFormat' USING ERRCODE = 'invalid_parameter_value', HINT = hint;
    END IF;
    v := doc ->> 'specVersion';
    IF v IS NULL OR v NOT IN ('1.2', '1.3', '1.4', '1.5', '1.6') THEN
      RAISE EXCEPTION 'unsupported CycloneDX specVersion "%"', COALESCE(v, 'missing')
        USING ERRCODE = 'invalid_parameter_value', HINT = hint;
    END IF;
    RETURN 'CycloneDX ' || v;
  END IF;
  IF doc ? 'spdxVersion' THEN
    v := doc ->> 'spdxVersion';
    IF v NOT IN ('SPDX-2.2', 'SPDX-2.3') THEN
      RAISE EXCEPTION 'unsupported spdxVersion "%"', v USING ERRCODE = 'invalid_parameter_value', HINT = hint;
    END IF;
    RETURN replace(v, '-', ' ');
  END IF;
  RAISE EXCEPTION 'not a bill of materials: the JSON object has neither "bomFormat" nor "spdxVersion"'
    USING ERRCODE = 'invalid_parameter_value', HINT = hint;
END $$;
COMMENT ON FUNCTION @extschema@.bom_format(jsonb) IS
  'The format of a JSON bill of materials ("CycloneDX 1.4", "SPDX 2.3"), or 22023 naming what was found (XML, tag-value, another format or version).';

CREATE OR REPLACE FUNCTION @extschema@.bom_refuse(message text, hint text) RETURNS float8
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
BEGIN
  RAISE EXCEPTION '%', message USING ERRCODE = 'invalid_parameter_value', HINT = hint;
END $$;
COMMENT ON FUNCTION @extschema@.bom_refuse(text, text) IS 'Internal: the 22023 errors of bom_components (a component that is not an object, a quantity that is not a positive number), raised from within its one pass over the document.';

CREATE OR REPLACE FUNCTION @extschema@.sbom_supplier_mix(doc jsonb, weight text DEFAULT 'count') RETURNS @extschema@.supply_mix
LANGUAGE plpgsql STABLE PARALLEL SAFE SET search_path = pg_catalog, pg_temp AS $$
DECLARE
  m @extschema@.supply_mix;
BEGIN
  IF weight IS NULL OR weight NOT IN ('count', 'quantity') THEN
    RAISE EXCEPTION 'unknown weight "%"', weight USING ERRCODE = 'invalid_parameter_value',
      HINT = 'Weigh components by count (each one 1) or by quantity (cdx:device:quantity, default 1).';
  END IF;
  -- each distinct spelling is normalised once
  SELECT @extschema@.supply_mix_agg(@extschema@.canonical_org_name(o.organisation), o.w)
  INTO m
  FROM (SELECT c.organisation, sum(CASE WHEN weight OPERATOR(pg_catalog.=) 'quantity' THEN c.quantity ELSE 1::float8 END) AS w
        FROM @extschema@.bom_components(doc) c
        WHERE c.organisation IS NOT NULL
        GROUP BY c.organisation) o;
  RETURN m;
END $$;
COMMENT ON FUNCTION @extschema@.sbom_supplier_mix(jsonb, text) IS
  'The concentration of a CycloneDX or SPDX JSON document''s components over the organisations that make or supply them (canonical names; components without an organisation are left out), weighted by count or by quantity.';
