-- pgTAP: import_bom (issue 13) on the real CycloneDX examples and the SPDX documents of
-- test/data/sbom: every component stored, organisations matched or created once, the product
-- supplier's dependencies, the document's own graph, and re-imports that double nothing.
\set dropwizard `cat test/data/sbom/dropwizard-1.3.15.cdx.json`
\set saasbom `cat test/data/sbom/saasbom-apigateway.cdx.json`
\set spdx23 `cat test/data/sbom/spdx-2.3-example.spdx.json`
BEGIN;
SET search_path = supplyrisk, public;
SELECT plan(26);
SET client_min_messages = error;

CREATE TEMP TABLE docs (name text PRIMARY KEY, doc jsonb);
INSERT INTO docs VALUES ('dropwizard', :'dropwizard'), ('saasbom', :'saasbom'), ('spdx23', :'spdx23');
CREATE FUNCTION pg_temp.doc(n text) RETURNS jsonb LANGUAGE sql AS $$ SELECT doc FROM docs WHERE name = n $$;
CREATE FUNCTION pg_temp.err(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE st text; msg text;
BEGIN EXECUTE q; RETURN 'no error';
EXCEPTION WHEN OTHERS THEN GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT; RETURN st || ' ' || msg; END $$;

-- an existing supplier that a document's organisation must match, and the product's supplier
INSERT INTO supplier (supplier_id, name, hq_country) VALUES (8001, 'Oracle Corp.', 'US'), (8002, 'Dropwizard Maintainers', 'DE');
CREATE TEMP TABLE i1 AS SELECT * FROM import_bom(pg_temp.doc('dropwizard'), 8002, 'it.erp');
SELECT is((SELECT components FROM i1), 167, 'dropwizard: 167 components stored');
SELECT is((SELECT (attributed, unattributed)::text FROM i1), '(90,77)', '90 with an organisation, 77 without');
SELECT is((SELECT count(*)::int FROM bom_component WHERE bom_id = (SELECT bom_id FROM i1)), 167, 'every component has its row');
SELECT is((SELECT suppliers_matched FROM i1), 1, 'Oracle Corporation matched the existing supplier Oracle Corp.');
SELECT is((SELECT suppliers_created FROM i1), (SELECT count(DISTINCT normalize_org_name(organisation))::int - 1 FROM bom_component WHERE bom_id = (SELECT bom_id FROM i1)),
          'every other organisation created once as a supplier');
SELECT is((SELECT count(*)::int FROM bom_component WHERE bom_id = (SELECT bom_id FROM i1) AND organisation ILIKE 'oracle%' AND supplier_id <> 8001), 0,
          'the Oracle components point at supplier 8001');
SELECT is((SELECT array_agg(DISTINCT hq_country) FROM supplier s JOIN bom_component c ON c.supplier_id = s.supplier_id WHERE s.supplier_id <> 8001), ARRAY['ZZ'],
          'created suppliers have an unknown headquarters (ZZ)');
SELECT is((SELECT dependencies_written FROM i1), (SELECT count(DISTINCT supplier_id)::int FROM bom_component WHERE bom_id = (SELECT bom_id FROM i1)),
          'one supplier_dependency row per component supplier');
SELECT ok((SELECT abs(sum(share) - 1) < 1e-12 FROM supplier_dependency WHERE supplier_id = 8002 AND function_code = 'it.erp'),
          'the shares are the suppliers'' parts of the attributed components (they sum to 1)');
SELECT is((SELECT share FROM supplier_dependency WHERE supplier_id = 8002 AND depends_on_supplier_id = 8001),
          (SELECT count(*) FILTER (WHERE organisation ILIKE 'oracle%')::float8 / count(organisation) FROM bom_component WHERE bom_id = (SELECT bom_id FROM i1)),
          'Oracle''s share = its components / the attributed components');
SELECT is((SELECT count(*)::int FROM bom_dependency WHERE bom_id = (SELECT bom_id FROM i1)),
          (SELECT count(*)::int FROM jsonb_path_query(pg_temp.doc('dropwizard'), 'lax $.dependencies[*].dependsOn[*]')),
          'the document''s dependency graph is kept (170 edges)');

-- the same document again: nothing doubles
CREATE TEMP TABLE s0 AS SELECT (SELECT count(*) FROM supplier) AS suppliers, (SELECT count(*) FROM supplier_dependency) AS deps;
CREATE TEMP TABLE i2 AS SELECT * FROM import_bom(pg_temp.doc('dropwizard'), 8002, 'it.erp');
SELECT is((SELECT count(*)::int FROM bom), 1, 're-import: one bom row');
SELECT is((SELECT count(*)::int FROM bom_component), 167, 're-import: the components replaced, not added');
SELECT is((SELECT (suppliers_matched, suppliers_created)::text FROM i2), (SELECT '(' || (suppliers_matched + suppliers_created) || ',0)' FROM i1),
          're-import: every organisation matched, none created');
SELECT is((SELECT count(*) FROM supplier), (SELECT suppliers FROM s0), 're-import: no new supplier');
SELECT is((SELECT count(*) FROM supplier_dependency), (SELECT deps FROM s0), 're-import: the dependencies replaced, not added');

-- the document's own supplier when none is given; nested services
CREATE TEMP TABLE i3 AS SELECT * FROM import_bom(pg_temp.doc('saasbom'));
SELECT is((SELECT (components, attributed)::text FROM i3),
          (SELECT '(' || (SELECT count(*) FROM jsonb_path_query(pg_temp.doc('saasbom'), 'strict $.**.services[*]')) || ','
                      || (SELECT count(*) FROM jsonb_path_query(pg_temp.doc('saasbom'), 'strict $.**.services[*] ? (exists (@.provider.name))')) || ')'),
          'saasbom: every service, nested ones included; those with a provider attributed to it (two datastores name none)');

-- SPDX: the described package's supplier is the product's; reversed *_OF relationships
CREATE TEMP TABLE i4 AS SELECT * FROM import_bom(pg_temp.doc('spdx23'), NULL, 'ot.scada');
SELECT is((SELECT name FROM supplier WHERE supplier_id = (SELECT product_supplier_id FROM bom WHERE bom_id = (SELECT bom_id FROM i4))),
          'Example Devices GmbH', 'SPDX: the product supplier is the described package''s supplier, created under its first spelling');
SELECT results_eq($$SELECT s.name, round(d.share::numeric, 12) FROM supplier_dependency d JOIN supplier s ON s.supplier_id = d.depends_on_supplier_id
                    WHERE d.source_bom_id = (SELECT bom_id FROM i4) ORDER BY 1$$,
                  $$VALUES ('The OpenSSL Project'::text, 0.4::numeric), ('zlib', 0.2)$$,
                  'SPDX: dependencies on the other organisations, by their part of the 5 attributed packages (the product''s own 2 excluded as self)');
SELECT is((SELECT count(*)::int FROM bom_dependency WHERE bom_id = (SELECT bom_id FROM i4) AND ref = 'SPDXRef-firmware' AND depends_on = 'SPDXRef-zlib' AND relationship = 'DEPENDENCY_OF'), 1,
          'SPDX: zlib DEPENDENCY_OF firmware is kept as firmware -> zlib');
SELECT is((SELECT component ->> 'name' FROM bom_component WHERE bom_id = (SELECT bom_id FROM i4) AND path = 'packages[1]'), 'openssl', 'each component''s JSON is kept');

-- bad calls: nothing written
SELECT is(pg_temp.err($$SELECT import_bom('{"name": "x"}')$$), '22023 not a bill of materials: the JSON object has neither "bomFormat" nor "spdxVersion"', 'not a BOM');
SELECT is(pg_temp.err($$SELECT import_bom('{"bomFormat": "CycloneDX", "specVersion": "1.4"}', 999999)$$), '22023 unknown supplier 999999', 'an unknown product supplier');
SELECT is(pg_temp.err($$SELECT import_bom('{"bomFormat": "CycloneDX", "specVersion": "1.4"}', NULL, 'cloud.sky')$$), '22023 unknown ICT function "cloud.sky"', 'an unknown ICT function');
SELECT is(pg_temp.err($$SELECT import_bom('{"bomFormat": "CycloneDX", "specVersion": "1.5", "components": [{"name": "a", "supplier": {"name": "X"}, "properties": [{"name": "cdx:device:quantity", "value": "many"}]}]}')$$),
          '22023 quantity of components[0] is "many", not a positive number', 'a quantity that is not a number');
SELECT is(pg_temp.err($$SELECT import_bom('{"bomFormat": "CycloneDX", "specVersion": "1.4", "components": [{"name": "a", "supplier": {"name": "New Org"}}, 3]}')$$),
          '22023 components[1] is a JSON number, not an object', 'a bad component: nothing written');

SELECT * FROM finish();
ROLLBACK;
