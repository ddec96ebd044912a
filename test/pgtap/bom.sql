-- pgTAP: organisation names and bills of materials (issue 13, first part): the real
-- CycloneDX documents of test/data/sbom (from the CycloneDX project's examples, used as
-- they are) and SPDX documents written from the 2.2 and 2.3 specifications. Every mix is
-- checked against an independent computation over jsonb_path_query.
\set dropwizard `cat test/data/sbom/dropwizard-1.3.15.cdx.json`
\set laravel `cat test/data/sbom/laravel-7.12.0.cdx.json`
\set proton `cat test/data/sbom/proton-bridge-1.8.0.cdx.json`
\set saasbom `cat test/data/sbom/saasbom-apigateway.cdx.json`
\set obom `cat test/data/sbom/obom-example.cdx.json`
\set cbom `cat test/data/sbom/cbom-dependencies.cdx.json`
\set spdx23 `cat test/data/sbom/spdx-2.3-example.spdx.json`
\set spdx22 `cat test/data/sbom/spdx-2.2-minimal.spdx.json`
BEGIN;
SET search_path = supplyrisk, public;
SELECT plan(52);

CREATE TEMP TABLE docs (name text PRIMARY KEY, doc jsonb);
INSERT INTO docs VALUES ('dropwizard', :'dropwizard'), ('laravel', :'laravel'), ('proton', :'proton'),
  ('saasbom', :'saasbom'), ('obom', :'obom'), ('cbom', :'cbom'), ('spdx23', :'spdx23'), ('spdx22', :'spdx22');
CREATE FUNCTION pg_temp.doc(n text) RETURNS jsonb LANGUAGE sql AS $$ SELECT doc FROM docs WHERE name = n $$;
-- err(sql): "SQLSTATE message" of the error a statement raises, or 'no error'
CREATE FUNCTION pg_temp.err(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE st text; msg text;
BEGIN
  EXECUTE q;
  RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
  RETURN st || ' ' || msg;
END $$;

-- normalize_org_name on real spellings ------------------------------------------------
SELECT is(normalize_org_name('The Apache Software Foundation'), 'apache software foundation', 'a leading The goes');
SELECT is(normalize_org_name('Apache Software Foundation'), normalize_org_name('The Apache Software Foundation'), 'two spellings of the ASF match');
SELECT is(normalize_org_name('Oracle Corporation'), 'oracle', 'Corporation goes');
SELECT is(normalize_org_name('FasterXML'), normalize_org_name('fasterxml.com'), 'FasterXML and fasterxml.com match (a web domain ending goes)');
SELECT is(normalize_org_name('Example Devices, GmbH'), 'example devices', 'punctuation and GmbH go');
SELECT is(normalize_org_name('ACME Corp.'), normalize_org_name('Acme Corporation'), 'ACME Corp. and Acme Corporation match');
SELECT is(normalize_org_name('Foo GmbH & Co. KG'), 'foo', 'GmbH & Co. KG goes entirely');
SELECT is(normalize_org_name('Siemens AG'), 'siemens', 'AG goes');
SELECT is(normalize_org_name('  Red   Hat, Inc. '), 'red hat', 'whitespace collapses, Inc. goes');
SELECT is(normalize_org_name('McDonald''s Corp'), 'mcdonalds', 'apostrophes vanish');
SELECT is(normalize_org_name('Ｆａｓｔｅｒ ＸＭＬ'), 'faster xml', 'full-width letters fold (NFKC)');
SELECT is(normalize_org_name('QOS.ch'), 'qos ch', 'a dot that is no web domain ending becomes a space');
SELECT is(normalize_org_name('Inc.'), 'inc', 'a lone legal form stays: it is the whole name');
SELECT is(normalize_org_name('?!'), '?!', 'a name that would vanish keeps its lower-cased form');
SELECT is(normalize_org_name('Grid Devices S.A.'), normalize_org_name('Grid Devices SA'), 'S.A. is SA (single letters join up), and goes');
SELECT is(normalize_org_name(NULL), NULL, 'NULL stays NULL');

-- documents: formats and errors ----------------------------------------------------------
SELECT is(ARRAY(SELECT bom_format(doc) FROM docs ORDER BY name),
          ARRAY['CycloneDX 1.6', 'CycloneDX 1.2', 'CycloneDX 1.4', 'CycloneDX 1.4', 'CycloneDX 1.2', 'CycloneDX 1.4', 'SPDX 2.2', 'SPDX 2.3'],
          'every fixture''s format and version');
SELECT is(pg_temp.err($$SELECT bom_format(to_jsonb('<?xml version="1.0"?><bom xmlns="http://cyclonedx.org/schema/bom/1.4"/>'::text))$$),
          '22023 not a JSON bill of materials: an XML document (a JSON string starting with "<")', 'XML passed as text');
SELECT is(pg_temp.err($$SELECT bom_format(to_jsonb('SPDXVersion: SPDX-2.3'||chr(10)||'DataLicense: CC0-1.0'::text))$$),
          '22023 not a JSON bill of materials: an SPDX tag-value document', 'SPDX tag-value passed as text');
SELECT is(pg_temp.err($$SELECT bom_format('[1, 2]')$$), '22023 not a JSON bill of materials: a JSON array', 'a JSON array');
SELECT is(pg_temp.err($$SELECT bom_format('{"name": "x"}')$$), '22023 not a bill of materials: the JSON object has neither "bomFormat" nor "spdxVersion"', 'JSON that is not a BOM');
SELECT is(pg_temp.err($$SELECT bom_format('{"bomFormat": "CycloneDX", "specVersion": "1.1"}')$$), '22023 unsupported CycloneDX specVersion "1.1"', 'CycloneDX 1.1');
SELECT is(pg_temp.err($$SELECT bom_format('{"spdxVersion": "SPDX-2.1"}')$$), '22023 unsupported spdxVersion "SPDX-2.1"', 'SPDX 2.1');
SELECT is(pg_temp.err($$SELECT bom_format(NULL)$$), '22004 bom document must not be null', 'NULL document');
SELECT is(pg_temp.err($$SELECT * FROM bom_components('{"bomFormat": "CycloneDX", "specVersion": "1.4", "components": [{"name": "a"}, 7]}')$$),
          '22023 components[1] is a JSON number, not an object', 'a component that is not an object, named by its path');
SELECT is(pg_temp.err($$SELECT * FROM bom_components('{"bomFormat": "CycloneDX", "specVersion": "1.4", "components": [{"name": "a", "components": [{"name": "b", "services": ["x"]}]}]}')$$),
          '22023 components[0].components[0].services[0] is a JSON string, not an object', 'a nested service that is not an object');
SELECT is(pg_temp.err($$SELECT * FROM bom_components('{"spdxVersion": "SPDX-2.3", "packages": [null]}')$$),
          '22023 packages[0] is a JSON null, not an object', 'an SPDX package that is not an object');
SELECT is(pg_temp.err($$SELECT sbom_supplier_mix('{"spdxVersion": "SPDX-2.3"}', 'bytes')$$), '22023 unknown weight "bytes"', 'an unknown weight');

-- components: every one counted, nested ones included ----------------------------------------
SELECT is((SELECT count(*) FROM bom_components(pg_temp.doc('dropwizard'))),
          (SELECT count(*) FROM jsonb_path_query(pg_temp.doc('dropwizard'), 'strict $.**.components[*]')), 'dropwizard: every component (167)');
SELECT is((SELECT count(*) FROM bom_components(pg_temp.doc('saasbom'))),
          (SELECT count(*) FROM jsonb_path_query(pg_temp.doc('saasbom'), 'strict $.**.services[*]')), 'saasbom: every service, nested ones included');
SELECT is((SELECT count(*) FROM bom_components(pg_temp.doc('saasbom')) WHERE path ~ '^services\[\d+\]\.services\[\d+\]$'),
          (SELECT count(*) FROM jsonb_path_query(pg_temp.doc('saasbom'), 'strict $.services[*].services[*]')),
          'saasbom: the nested services have their own paths');
SELECT is((SELECT count(*) FROM bom_components(pg_temp.doc('laravel')) WHERE organisation IS NOT NULL), 0::bigint,
          'laravel: author lists are persons, not organisations (62 components, none attributed)');
SELECT is(sbom_supplier_mix(pg_temp.doc('proton')), '{}'::supply_mix, 'proton-bridge: no organisation at all, the empty mix');
SELECT is((SELECT array_agg(DISTINCT organisation_field) FROM bom_components(pg_temp.doc('dropwizard'))), ARRAY['publisher', NULL],
          'dropwizard: organisations from publisher only');

-- mixes against independent computations ------------------------------------------------------
SELECT is(sbom_supplier_mix(pg_temp.doc('dropwizard')),
          (SELECT supply_mix_agg(normalize_org_name(p #>> '{}'), 1) FROM jsonb_path_query(pg_temp.doc('dropwizard'), 'strict $.**.components[*].publisher') p
           WHERE btrim(p #>> '{}') <> ''),
          'dropwizard: the mix = publishers counted over jsonb_path_query');
SELECT is(share(sbom_supplier_mix(pg_temp.doc('dropwizard')), 'fasterxml'),
          (SELECT count(*) FILTER (WHERE p #>> '{}' IN ('FasterXML', 'fasterxml.com'))::float8 / count(*)
           FROM jsonb_path_query(pg_temp.doc('dropwizard'), 'strict $.**.components[*].publisher') p),
          'dropwizard: FasterXML and fasterxml.com are one organisation');
SELECT is(sbom_supplier_mix(pg_temp.doc('saasbom')),
          (SELECT supply_mix_agg(normalize_org_name(p #>> '{}'), 1) FROM jsonb_path_query(pg_temp.doc('saasbom'), 'strict $.**.services[*].provider.name') p),
          'saasbom: services weigh for their provider');
SELECT is(sbom_supplier_mix(pg_temp.doc('obom')), '{"red hat":1}'::supply_mix, 'obom: the component supplier');
SELECT is(sbom_supplier_mix(pg_temp.doc('spdx23')), '{"example devices":2,"openssl project":2,"zlib":1}'::supply_mix,
          'SPDX 2.3: supplier, else originator, when an Organization; Person and NOASSERTION are not');
SELECT is(sbom_supplier_mix(pg_temp.doc('spdx22')), '{"acme":2}'::supply_mix, 'SPDX 2.2: ACME Corp. and Acme Corporation are one organisation');
SELECT is((SELECT purl FROM bom_components(pg_temp.doc('spdx23')) WHERE name = 'openssl'), 'pkg:generic/openssl@3.0.13', 'SPDX: the purl from externalRefs');

-- quantities ---------------------------------------------------------------------------------
SELECT is(sbom_supplier_mix('{"bomFormat": "CycloneDX", "specVersion": "1.5", "components": [
            {"type": "device", "name": "rtu", "manufacturer": {"name": "Grid Devices SA"}, "properties": [{"name": "cdx:device:quantity", "value": "12"}]},
            {"type": "device", "name": "modem", "supplier": {"name": "Grid Devices S.A."}},
            {"type": "device", "name": "switch", "supplier": {"name": "Netz AG"}, "manufacturer": {"name": "Switchmaker Ltd"},
             "properties": [{"name": "cdx:device:quantity", "value": "2.5"}]}]}', 'quantity'),
          '{"grid devices":13,"switchmaker":2.5}'::supply_mix, 'quantity: cdx:device:quantity (default 1); manufacturer before supplier');
SELECT is(pg_temp.err($$SELECT sbom_supplier_mix('{"bomFormat": "CycloneDX", "specVersion": "1.5", "components": [
            {"name": "rtu", "supplier": {"name": "X"}, "properties": [{"name": "cdx:device:quantity", "value": "-3"}]}]}', 'quantity')$$),
          '22023 quantity of components[0] is "-3", not a positive number', 'a quantity that is not a positive number');

-- aliases ------------------------------------------------------------------------------------
INSERT INTO org_alias (alias, canonical) VALUES ('The Apache Software Foundation', 'Apache Software Foundation');
SELECT is((SELECT alias FROM org_alias), 'apache software foundation', 'aliases are stored normalised');
SELECT is(canonical_org_name('Apache Software Foundation'), 'Apache Software Foundation', 'every spelling that normalises alike reaches the canonical name');
SELECT ok(share(sbom_supplier_mix(pg_temp.doc('dropwizard')), 'Apache Software Foundation') > 0
          AND share(sbom_supplier_mix(pg_temp.doc('dropwizard')), 'apache software foundation') = 0,
          'the mix keys the organisation by its canonical name');

-- deep nesting (issue 27.7): a chain of 1,000 nested components, each with a service beside its child
CREATE TEMP TABLE deep AS
SELECT ('{"bomFormat": "CycloneDX", "specVersion": "1.5", "components": ['
        || string_agg(format('{"type": "library", "name": "c%s", "supplier": {"name": "Org %s"}, "services": [{"name": "s%s"}], "components": [', l, l % 7, l), '' ORDER BY l)
        || repeat(']}', 1000) || ']}')::jsonb AS d
FROM generate_series(1, 1000) l;
SELECT is((SELECT count(*)::int FROM bom_components((SELECT d FROM deep))), 2000, 'a chain 1,000 deep: every component and service, once');
SELECT is((SELECT max(length(path) - length(replace(path, '.', '')))::int FROM bom_components((SELECT d FROM deep))), 1000,
          'the deepest path names all 1,000 levels and the service below them');
SELECT is((SELECT string_agg(name || ':' || kind || ':' || coalesce(organisation, '-'), ',' ORDER BY path) FROM bom_components((SELECT d FROM deep)) WHERE path IN
            ('components[0]', 'components[0].services[0]', 'components[0].components[0]', 'components[0].components[0].services[0]')),
          'c1:component:Org 1,c2:component:Org 2,s2:service:-,s1:service:-', 'each level''s component and service, with its organisation');
SELECT is((SELECT count(*)::int FROM bom_cdx_walk((SELECT d FROM deep)) w WHERE w.component ? 'components' OR w.component ? 'services'), 0,
          'a walked component leaves out its nested ones (rows of their own)');
SELECT is((SELECT string_agg(path, ' ') FROM bom_components(('{"bomFormat": "CycloneDX", "specVersion": "1.5", "components": ['
                                                                || (SELECT string_agg('{"name": "c' || g || '"}', ', ') FROM generate_series(0, 10) g)
                                                                || '], "services": [{"name": "s", "components": [{"name": "n"}]}]}')::jsonb) WHERE path ~ '(2|10)\]$' OR path ~ '^services'),
          'components[2] components[10] services[0] services[0].components[0]', 'rows in document order, each followed by its nested ones');
SELECT is((SELECT count(*)::int FROM bom_components('{"bomFormat": "CycloneDX", "specVersion": "1.5", "components": [{"name": "a", "components": {"name": "not an array"}}], "services": "none"}'::jsonb)),
          1, 'components and services that are not arrays are not walked');

SELECT * FROM finish();
ROLLBACK;
