#!/usr/bin/env bash
# Dashboards from rollups (issue 6): refresh() time, then reading sector_overview
# and sector views from the rollups against the live computation of the same
# rows in the same run. Usage: bench/rollup.sh DB  (or BENCH_ROWS=N bench/rollup.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
# called from run.sh: the set-up is done already
[ -n "${PGHOST:-}" ] || { export SR_CLUSTER=${SR_CLUSTER:-bench}; eval "$(bash test/setup.sh 2>/dev/null)"; export PGHOST PGPORT PGUSER; }
. bench/lib.sh
db=${1:-$(ensure_scale_db "${BENCH_ROWS:-10000000}")}
settle
n=$(q -d $db -c "SELECT count(*) FROM supplyrisk.supply")
t0=$(date +%s%N); q -d $db -c "CALL supplyrisk.refresh()"; t1=$(date +%s%N)
t2=$(date +%s%N); q -d $db -c "SET max_parallel_workers_per_gather = 0" -c "CALL supplyrisk.refresh()"; t3=$(date +%s%N)
rows=$(q -d $db -c "SELECT rollup_rows FROM supplyrisk.rollup_status")
size=$(q -d $db -c "SELECT pg_size_pretty(pg_total_relation_size('supplyrisk.sector_rollup'))")
settle
echo "== rollups over $n supply rows: refresh() $(( (t1 - t0) / 1000000 )) ms (parallel on), $(( (t3 - t2) / 1000000 )) ms (off); $rows rollup rows, $size"
printf "%-38s %12s %12s %9s\n" "dashboard read (client wall time)" "rollup ms" "live ms" "live/rollup"
for v in "sector_overview|sector_overview_at()" "sector_energy|sector_function_overview('energy')" \
         "sector_digital_infrastructure|sector_function_overview('digital_infrastructure')" \
         "sector_health|sector_function_overview('health')"; do
  cached=${v%%|*}; live=${v#*|}
  a=$(wall_query $db "SELECT * FROM $cached")
  b=$(BENCH_RUNS=${BENCH_LIVE_RUNS:-3} wall_query $db "SELECT * FROM $live")
  printf "%-38s %12.2f %12.1f %9.0f\n" "$cached" "$a" "$b" "$(echo "$b / $a" | bc -l)"
done
