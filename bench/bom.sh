#!/usr/bin/env bash
# Large documents (issue 13): a generated CycloneDX 1.5 SBOM of ~2 MB with 1,000 components
# (nested, 60 organisations in several spellings, hashes, licences, descriptions), imported
# with import_bom and read with sbom_supplier_mix, against the floor of a plain scan of the
# same document (jsonb_array_elements over its components). Median of BENCH_RUNS runs, server
# side (EXPLAIN ANALYZE), in turns. Usage: bash bench/bom.sh (part of make bench).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
if [ -z "${PGHOST:-}" ]; then
  export SR_CLUSTER=${SR_CLUSTER:-bench}
  eval "$(bash test/setup.sh 2>/dev/null)"; export PGHOST PGPORT PGUSER
fi
. bench/lib.sh
db=supplyrisk_bench_bom
q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null 2>&1
q -d $db -c 'CREATE EXTENSION supplyrisk' >/dev/null
q -d $db >/dev/null <<'SQL'
SELECT setseed(0.4);
CREATE TABLE doc AS
SELECT jsonb_build_object('bomFormat', 'CycloneDX', 'specVersion', '1.5', 'serialNumber', 'urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79', 'version', 1,
  'metadata', jsonb_build_object('component', jsonb_build_object('bom-ref', 'product', 'name', 'Generated product'), 'supplier', jsonb_build_object('name', 'Generated Vendor GmbH')),
  'components', (SELECT jsonb_agg(c) FROM (
    SELECT jsonb_build_object('type', 'library', 'bom-ref', 'c' || g, 'name', 'component-' || g, 'version', '1.' || (g % 17),
             'purl', 'pkg:generic/component-' || g || '@1.' || (g % 17),
             'description', repeat('A generated component with a long description. ', 45),
             'hashes', jsonb_build_array(jsonb_build_object('alg', 'SHA-256', 'content', md5(g::text) || md5((g + 1)::text))),
             'licenses', jsonb_build_array(jsonb_build_object('license', jsonb_build_object('id', 'Apache-2.0'))),
             'components', CASE WHEN g % 10 = 0 THEN jsonb_build_array(jsonb_build_object('type', 'file', 'bom-ref', 'f' || g, 'name', 'file-' || g,
                                                                        'publisher', 'Org ' || (g % 60) || ' Ltd')) ELSE '[]'::jsonb END)
           || jsonb_build_object('supplier', jsonb_build_object('name', format((ARRAY['Org %s Inc.', 'Org %s Incorporated', 'The Org %s', 'org %s'])[1 + g % 4], g % 60))) AS c
    FROM generate_series(1, 909) g) x),
  'dependencies', (SELECT jsonb_agg(jsonb_build_object('ref', 'c' || g, 'dependsOn', jsonb_build_array('c' || (g % 909 + 1)))) FROM generate_series(1, 909) g)
) AS d;
SQL
size=$(q -d $db -c "SELECT pg_size_pretty(length(d::text)::bigint) FROM doc")
n=$(q -d $db -c "SELECT count(*) FROM supplyrisk.bom_components((SELECT d FROM doc))")
read -r a b c <<<"$(time_interleaved $db "0|SELECT count(*) FROM doc, jsonb_array_elements(d -> 'components') e" \
                                         "0|SELECT supplyrisk.sbom_supplier_mix(d) FROM doc" \
                                         "0|SELECT supplyrisk.import_bom(d) FROM doc")"
echo "== bill of materials: $size, $n components (nested ones included), $(q -d $db -c "SELECT supplyrisk.key_count(supplyrisk.sbom_supplier_mix(d)) FROM doc") organisations"
printf "   plain scan (jsonb_array_elements) %8.1f ms\n" "$a"
printf "   sbom_supplier_mix                 %8.1f ms  (%.1fx the scan)\n" "$b" "$(echo "$b / $a" | bc -l)"
printf "   import_bom (store, match, write)  %8.1f ms  (%.1fx the scan; target: well under a second)\n" "$c" "$(echo "$c / $a" | bc -l)"
q -d postgres -c "DROP DATABASE $db" >/dev/null
