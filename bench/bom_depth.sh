#!/usr/bin/env bash
# Linearity of the BOM readers (issue 27.7): CycloneDX documents whose components are nested in
# chains D deep (D = 100 and 1,000), with N and 10N components (N/D and 10N/D chains, every
# component with its own organisation among 50). For each depth: bom_components (read) and
# import_bom (read, match, store, in a transaction rolled back) over N and 10N components, median
# of BENCH_RUNS, server side; target: 10x the components costs at most 12x the time.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -n "${PGHOST:-}" ] || { export SR_CLUSTER=${SR_CLUSTER:-bench}; eval "$(bash test/setup.sh 2>/dev/null)"; export PGHOST PGPORT PGUSER; }
. bench/lib.sh
n=${BENCH_BOM_COMPONENTS:-1000}
db=supplyrisk_bench_bom_depth
q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null
q -d $db -c "CREATE EXTENSION supplyrisk" >/dev/null
q -d $db >/dev/null <<'SQL'
-- a document of chains chains, each depth components deep
CREATE FUNCTION chain_doc(chains integer, depth integer) RETURNS jsonb LANGUAGE sql AS $$
  SELECT ('{"bomFormat": "CycloneDX", "specVersion": "1.5", "version": 1, "metadata": {"component": {"name": "nested product"}, "manufacturer": {"name": "Nest Maker"}}, "components": ['
          || string_agg(c.txt, ', ') || ']}')::jsonb
  FROM (SELECT (SELECT string_agg(format('{"type": "library", "bom-ref": "c%s-%s", "name": "component-%s-%s", "version": "1.%s", "supplier": {"name": "Org %s Ltd"}, "components": [',
                                         ch, l, ch, l, l % 17, (ch * 7 + l) % 50), '' ORDER BY l)
                FROM generate_series(1, depth) l) || repeat(']}', depth) AS txt
        FROM generate_series(1, chains) ch) c
$$;
CREATE TABLE docs (depth integer, components integer, d jsonb);
SQL
for depth in 100 1000; do
  for k in 1 10; do
    q -d $db -c "INSERT INTO docs SELECT $depth, $((n * k)), chain_doc($((n * k / depth)), $depth)" >/dev/null
  done
done
echo "== BOM readers over nested components (chains of one depth), median of $runs, ms"
printf "%-7s %-22s %10s %10s %8s\n" depth function "${n}" "$((10 * n))" ratio
for depth in 100 1000; do
  for fn in "bom_components|SELECT count(*) FROM docs, supplyrisk.bom_components(d) WHERE" \
            "import_bom|SELECT (supplyrisk.import_bom(d)).components FROM docs WHERE"; do
    name=${fn%%|*}; sql=${fn#*|}
    read -r a b <<<"$(time_interleaved $db "0|$sql depth = $depth AND components = $n" "0|$sql depth = $depth AND components = $((10 * n))")"
    printf "%-7s %-22s %10.1f %10.1f %8.2f  (target <= 12)\n" "$depth" "$name" "$a" "$b" "$(echo "$b / $a" | bc -l)"
  done
done
sizes=$(q -d $db -c "SELECT string_agg(format('%s deep x %s: %s', depth, components, pg_size_pretty(length(d::text)::bigint)), ', ' ORDER BY depth, components) FROM docs")
echo "   documents: $sizes"
q -d postgres -c "DROP DATABASE $db" >/dev/null
