#!/usr/bin/env bash
# `make bench`: supply_mix engine benchmarks. Every figure is a ratio against a
# baseline measured in the same run on the same rows:
#   (a) floor   sum(weight) grouped by sector (supply JOIN entity)
#   (b) hhi     hhi(supplier_id, weight) grouped by sector
#   (c) sql     best plain-SQL HHI: two-level GROUP BY
#   (d) mix     supply_mix_agg + hhi, cr4, entropy, effective suppliers, gini
#   (e) sql-all plain SQL HHI + CR4 + entropy (window functions)
# with parallel query on (2 workers) and off. Times: median of BENCH_RUNS runs
# of the server-side execution time (EXPLAIN ANALYZE, TIMING OFF), after one
# warm-up run. Sizes: BENCH_ROWS (default "1000000 10000000"), generated with
# data/generate.sql (scale = rows / 40,000) and kept between runs.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
export SR_CLUSTER=${SR_CLUSTER:-bench}
eval "$(bash test/setup.sh)"; export PGHOST PGPORT PGUSER
rows_list=${BENCH_ROWS:-"1000000 10000000"}
out=bench/out; mkdir -p "$out"
report=$out/report-$(date +%Y%m%d-%H%M%S).txt
. bench/lib.sh

floor_q="SELECT e.sector_code, sum(s.weight) FROM supply s JOIN entity e USING (entity_id) GROUP BY 1"
hhi_q="SELECT e.sector_code, hhi(s.supplier_id, s.weight) FROM supply s JOIN entity e USING (entity_id) GROUP BY 1"
sql_q="SELECT sector_code, 10000 * sum(w * w) / (sum(w) * sum(w)) FROM (SELECT e.sector_code, s.supplier_id, sum(s.weight) AS w FROM supply s JOIN entity e USING (entity_id) GROUP BY 1, 2) t GROUP BY 1"
mix_q="SELECT sector_code, hhi(m), cr(m, 4), entropy(m), effective_suppliers(m), gini(m) FROM (SELECT e.sector_code, supply_mix_agg(s.supplier_id, s.weight) AS m FROM supply s JOIN entity e USING (entity_id) GROUP BY 1) x"
sqlall_q="SELECT sector_code, 10000 * sum(p * p), sum(p) FILTER (WHERE rk <= 4), -sum(p * ln(p)) FROM (SELECT sector_code, w / sum(w) OVER (PARTITION BY sector_code) AS p, row_number() OVER (PARTITION BY sector_code ORDER BY w DESC) AS rk FROM (SELECT e.sector_code, s.supplier_id, sum(s.weight) AS w FROM supply s JOIN entity e USING (entity_id) GROUP BY 1, 2) t) r GROUP BY 1"

{
echo "supplyrisk bench — $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, PostgreSQL $(q -d postgres -c 'SHOW server_version')"
echo "median of $runs runs, server-side execution time; ratios against baselines measured in the same run"
for rows in $rows_list; do
  scale=$(awk -v r="$rows" 'BEGIN {printf "%.4g", r / 40000}')
  db=$(ensure_scale_db "$rows")
  settle  # no checkpoint or vacuum of freshly generated data while timing
  n=$(q -d $db -c "SELECT count(*) FROM supplyrisk.supply")
  k=$(q -d $db -c "SELECT count(DISTINCT supplier_id) FROM supplyrisk.supply")
  echo
  echo "== $n supply rows, $k suppliers, 18 sectors"
  printf "%-9s %-8s %10s %8s\n" query parallel "ms" ratio
  for par in 2 0; do
    a=$(time_query $db $par "$floor_q"); b=$(time_query $db $par "$hhi_q"); c=$(time_query $db $par "$sql_q")
    d=$(time_query $db $par "$mix_q"); e=$(time_query $db $par "$sqlall_q")
    pl=$([ $par -gt 0 ] && echo "on" || echo "off")
    printf "%-9s %-8s %10.1f %8s\n" "(a) floor" $pl "$a" "1.00"
    printf "%-9s %-8s %10.1f %8.2f   hhi/floor\n" "(b) hhi" $pl "$b" "$(echo "$b / $a" | bc -l)"
    printf "%-9s %-8s %10.1f %8.2f   sql/hhi\n" "(c) sql" $pl "$c" "$(echo "$c / $b" | bc -l)"
    printf "%-9s %-8s %10.1f %8.2f   mix/floor\n" "(d) mix" $pl "$d" "$(echo "$d / $a" | bc -l)"
    printf "%-9s %-8s %10.1f %8.2f   sql-all/mix\n" "(e) sqlall" $pl "$e" "$(echo "$e / $d" | bc -l)"
    printf "          %-8s above the floor: hhi %.0f ms, plain SQL %.0f ms (%.2fx)\n" $pl "$(echo "$b - $a" | bc -l)" "$(echo "$c - $a" | bc -l)" "$(echo "($c - $a) / ($b - $a)" | bc -l)"
  done
  # sector_overview (valid supply, supplier risk, groups, countries, sourcing, EU merge) vs sum() over the same join
  so_floor="SELECT e.sector_code, e.member_state, s.function_code, sum(s.weight) FROM supply s JOIN entity e ON e.entity_id = s.entity_id JOIN supplier_risk_at(CURRENT_DATE) r ON r.supplier_id = s.supplier_id WHERE s.valid_from <= CURRENT_DATE AND (s.valid_to IS NULL OR s.valid_to > CURRENT_DATE) GROUP BY 1, 2, 3"
  for par in 2 0; do
    a=$(time_query $db $par "$so_floor"); b=$(time_query $db $par "SELECT * FROM sector_overview_at()")
    pl=$([ $par -gt 0 ] && echo "on" || echo "off")
    printf "%-14s %-8s %10.1f %8s\n" "(f) so-floor" $pl "$a" "1.00"
    printf "%-14s %-8s %10.1f %8.2f   sector_overview/floor\n" "(g) overview" $pl "$b" "$(echo "$b / $a" | bc -l)"
  done
  bash bench/rollup.sh "$db"
done

echo
suppliers=${BENCH_SUPPLIERS:-100000}
db=supplyrisk_bench_risk_$suppliers
ensure_db $db "supplyrisk bench risk $suppliers $gen_sum" bench/risk_data.sql -v suppliers="$suppliers"
settle
plain=$(cat bench/supplier_risk_plain.sql)
mism=$(q -d $db -c "SELECT count(*) FROM supplyrisk.supplier_risk o FULL JOIN ($plain) p USING (supplier_id)
  WHERE o.supplier_id IS NULL OR p.supplier_id IS NULL OR abs(o.risk_score - p.risk_score) > 1e-9
     OR abs(o.technical_score - p.technical_score) > 1e-9 OR abs(o.non_technical_score - p.non_technical_score) > 1e-9
     OR abs(o.coverage - p.coverage) > 1e-9 OR o.risk_level IS DISTINCT FROM p.risk_level OR o.high_risk IS DISTINCT FROM p.high_risk
     OR o.high_risk_basis IS DISTINCT FROM p.high_risk_basis OR o.top_factors IS DISTINCT FROM p.top_factors")
echo "== supplier_risk: $suppliers suppliers, $(q -d $db -c "SELECT count(*) FROM supplyrisk.assessment") assessments (15 factors, two rounds); C view and plain SQL differ on $mism rows"
printf "%-14s %-8s %10s %8s\n" query parallel "ms" ratio
for par in 2 0; do
  c=$(time_query $db $par "SELECT * FROM supplyrisk.supplier_risk"); p=$(time_query $db $par "$plain")
  pl=$([ $par -gt 0 ] && echo "on" || echo "off")
  printf "%-14s %-8s %10.1f %8s\n" "C view" $pl "$c" "1.00"
  printf "%-14s %-8s %10.1f %8.2f   plain/C\n" "plain SQL" $pl "$p" "$(echo "$p / $c" | bc -l)"
done

echo
last_rows=$(echo $rows_list | awk '{print $NF}')
settle
bash bench/flat.sh supplyrisk_bench_$last_rows

echo
bash bench/engine.sh

echo
bash bench/bom.sh
echo
bash bench/federation.sh
echo
bash bench/report.sh "supplyrisk_bench_$last_rows"
echo
bash bench/tracking.sh
echo
bash bench/incremental.sh
echo
bash bench/reweight.sh
echo
bash bench/sovereignty.sh
echo
bash bench/collide.sh
echo
bash bench/cross_sector.sh
echo
bash bench/dashboards.sh

echo
dsup=${BENCH_DEEP_SUPPLIERS:-100000}; dedges=${BENCH_DEEP_EDGES:-1000000}; dents=${BENCH_DEEP_ENTITIES:-20000}
db=supplyrisk_bench_deep_$dsup
ensure_db $db "supplyrisk bench deep $dsup $dedges $dents $gen_sum" bench/deep_data.sql \
  -v suppliers="$dsup" -v edges="$dedges" -v entities="$dents"
settle
deep_c="SELECT count(*), round(sum(supplyrisk.total(d))::numeric, 3) FROM (SELECT supplyrisk.deep_mix(m, 6, NULL, 0.01) d FROM (SELECT entity_id, supplyrisk.supply_mix_agg(supplier_id, weight) m FROM supplyrisk.supply GROUP BY 1) x OFFSET 0) y"
t0=$(date +%s%N); rc=$(q -d $db -c "SET jit = off" -c "$deep_c" | tail -1); t1=$(date +%s%N)
peak=$(q -d $db -c "SET jit = off" -c "$deep_c" -c "SELECT substring(pg_read_file('/proc/self/status') FROM 'VmHWM:\s*([0-9]+)')" | tail -1)
t2=$(date +%s%N); rs=$( { echo "SET jit = off;"; echo "SELECT count(*), round(sum(total)::numeric, 3) FROM ("; sed -e 's/:n/2147483647/; s/:depth/6/; s/:min/0.01/' bench/deep_cte.sql; echo ") z;"; } | q -d $db | tail -1); t3=$(date +%s%N)
echo "== deep_mix: $dents entities, $dsup suppliers, $(q -d $db -c "SELECT count(*) FROM supplyrisk.supplier_dependency") dependencies, depth 6, min_share 0.01"
echo "   C deep_mix (graph loaded once, reliance memoised): $(( (t1 - t0) / 1000000 )) ms, entities|total $rc, backend peak $(( peak / 1024 )) MB"
echo "   recursive CTE (same semantics):                    $(( (t3 - t2) / 1000000 )) ms, entities|total $rs"
echo "   ratio CTE/C: $(echo "($t3 - $t2) / ($t1 - $t0)" | bc -l | cut -c1-5)  (results $( [ "$rc" = "$rs" ] && echo identical || echo DIFFER))"

echo
echo "== state size and peak memory at 1,000,000 distinct keys"
db=supplyrisk_bench_state
q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
q -d $db -c 'CREATE EXTENSION supplyrisk'
peak() {
  q -d $db <<SQL
SET search_path = supplyrisk, public; SET max_parallel_workers_per_gather = 0; SET work_mem = '4MB';
SET client_min_messages = debug2;
SELECT ($1) IS NULL FROM generate_series(1, 1000000) g \g /dev/null
SELECT substring(pg_read_file('/proc/self/status') FROM 'VmHWM:\s*([0-9]+)');
SQL
}
base=$(peak "sum(g + 0.5::float8)" 2>/dev/null)
for expr in "hhi(g::bigint, 1.5::float8)" "supply_mix_agg(g::bigint, 1.5::float8)" "supply_mix_agg('supplier-' || g, 1.5::float8)"; do
  state=$(peak "$expr" 2>&1 >/dev/null | grep -o 'supply_mix state: .*' | head -1)
  p=$(peak "$expr" 2>/dev/null)
  echo "$expr: $state; backend peak +$(( (p - base) / 1024 )) MB over sum()"
done
echo "stored supply_mix, 1M bigint keys: $(q -d $db -c "SELECT pg_column_size(supplyrisk.supply_mix_agg(g, 1.5)) / 1000000.0 FROM generate_series(1, 1000000) g") bytes per key"
echo "stored supply_mix, 1M text keys 'supplier-N': $(q -d $db -c "SELECT round(pg_column_size(supplyrisk.supply_mix_agg('supplier-' || g, 1.5)) / 1000000.0, 2) FROM generate_series(1, 1000000) g") bytes per key"
q -d postgres -c "DROP DATABASE $db"
} | tee "$report"
echo "report written to $report"
