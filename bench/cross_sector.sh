#!/usr/bin/env bash
# Cross-sector concentration (issue 18): on a fresh database of BENCH_XS_ROWS supply rows
# (default 1M; 10M: BENCH_XS_ROWS=10000000), the cost of the function level in the one pass
# of a refresh, and the reads of the new views from the rollups.
#   refresh: sector_stats_levels into a table without the function rows (as before issue 18)
#            and with them, in turns (target: <= 15% more); and refresh(full => true) itself
#   reads:   function_overview, assessment_overview, systemic_dependencies, each in a new
#            session, server round trip from psql's \timing (target: <= 50 ms at 10M rows)
set -euo pipefail
cd "$(dirname "$0")/.."
[ -n "${PGHOST:-}" ] || { export SR_CLUSTER=${SR_CLUSTER:-bench}; eval "$(bash test/setup.sh 2>/dev/null)"; export PGHOST PGPORT PGUSER; }
. bench/lib.sh
rows=${BENCH_XS_ROWS:-1000000}
db=${BENCH_XS_DB:-supplyrisk_bench_cross_sector}
[ -n "${BENCH_XS_DB:-}" ] || fresh_demo_db "$db" "$rows"
settle
declare -a without with full
for r in $(seq 0 "$runs"); do
  a=$(session_ms $db "CREATE TEMP TABLE t AS SELECT * FROM supplyrisk.sector_stats_levels(false, CURRENT_DATE, NULL, true, NULL, false, false)")
  b=$(session_ms $db "CREATE TEMP TABLE t AS SELECT * FROM supplyrisk.sector_stats_levels(false, CURRENT_DATE, NULL, true, NULL, false, true)")
  c=$(session_ms $db "CALL supplyrisk.refresh(full => true)")
  [ "$r" -gt 0 ] && { without+=("$a"); with+=("$b"); full+=("$c"); }
done
a=$(med "${without[@]}"); b=$(med "${with[@]}"); c=$(med "${full[@]}")
n=$(q -d $db -c "SELECT count(*) FROM supplyrisk.supply")
echo "== cross-sector concentration, $n supply rows (median of $runs, each statement in a new session, ms)"
printf "%-60s %9.0f\n" "the one pass without the function rows (sector rows only)" "$a"
printf "%-60s %9.0f   %+.1f%% (target <= +15%%)\n" "the one pass with the function rows" "$b" "$(echo "100 * ($b - $a) / $a" | bc -l)"
printf "%-60s %9.0f\n" "refresh(full => true)" "$c"
settle  # (the first reads after a refresh set the hint bits of the rows it wrote, and autovacuum
        # analyzes the rollups: the reads are timed on settled rollups)
for sql in "SELECT * FROM supplyrisk.function_overview" \
           "SELECT * FROM supplyrisk.function_overview WHERE member_state IS NULL ORDER BY hhi DESC" \
           "SELECT * FROM supplyrisk.assessment_overview('cav-2026')" \
           "SELECT * FROM supplyrisk.assessment_overview('5g-2019')" \
           "SELECT * FROM supplyrisk.systemic_dependencies(10)"; do
  declare -a t=()
  for r in $(seq 0 "$runs"); do x=$(session_ms $db "$sql"); [ "$r" -gt 0 ] && t+=("$x"); done
  printf "%-60s %9.1f   (target <= 50 ms)\n" "${sql#SELECT * FROM supplyrisk.}" "$(med "${t[@]}")"
done
[ -n "${BENCH_XS_DB:-}" ] || q -d postgres -c "DROP DATABASE $db" >/dev/null
