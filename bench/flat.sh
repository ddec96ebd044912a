#!/usr/bin/env bash
# The supply_mix engine where aggregation, not a join, dominates: the bench
# supply rows pre-joined into a flat table (sector_code, supplier_id, weight),
# then (a) sum() floor, (b) hhi(), (c) two-level plain-SQL HHI, grouped by
# sector, parallel on and off. Run by bench/run.sh; standalone:
#   bash bench/flat.sh [database]   (default: the 10M bench database)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
export SR_CLUSTER=${SR_CLUSTER:-bench}
eval "$(bash test/cluster.sh env)"; export PGHOST PGPORT PGUSER
db=${1:-supplyrisk_bench_10000000}
. bench/lib.sh
q -d "$db" -c "CREATE TABLE IF NOT EXISTS public.bench_flat AS SELECT e.sector_code, s.supplier_id, s.weight FROM supplyrisk.supply s JOIN supplyrisk.entity e USING (entity_id)" \
  -c "VACUUM ANALYZE public.bench_flat"
echo "== flat table: $(q -d "$db" -c 'SELECT count(*) FROM public.bench_flat') rows (sector_code, supplier_id, weight), no join"
printf "%-9s %-8s %10s %8s\n" query parallel "ms" ratio
for par in 2 0; do
  a=$(time_query "$db" $par "SELECT sector_code, sum(weight) FROM public.bench_flat GROUP BY 1")
  b=$(time_query "$db" $par "SELECT sector_code, supplyrisk.hhi(supplier_id, weight) FROM public.bench_flat GROUP BY 1")
  c=$(time_query "$db" $par "SELECT sector_code, 10000 * sum(w * w) / (sum(w) * sum(w)) FROM (SELECT sector_code, supplier_id, sum(weight) AS w FROM public.bench_flat GROUP BY 1, 2) t GROUP BY 1")
  pl=$([ $par -gt 0 ] && echo "on" || echo "off")
  printf "%-9s %-8s %10.1f %8s\n" "(a) floor" $pl "$a" "1.00"
  printf "%-9s %-8s %10.1f %8.2f   hhi/floor\n" "(b) hhi" $pl "$b" "$(echo "$b / $a" | bc -l)"
  printf "%-9s %-8s %10.1f %8.2f   sql/hhi\n" "(c) sql" $pl "$c" "$(echo "$c / $b" | bc -l)"
done
