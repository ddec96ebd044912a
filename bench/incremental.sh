#!/usr/bin/env bash
# Incremental refresh (issue 17): on a fresh database of BENCH_INC_ROWS supply rows (default 1M),
# a full refresh, then in turns: 1,000 supply rows changed in one sector and member state
# followed by refresh() (incremental), and refresh() with nothing changed. Targets: after 1,000
# changed rows <= 10% of a full refresh at 1M (<= 3% at 10M); nothing changed <= 50 ms.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -n "${PGHOST:-}" ] || { export SR_CLUSTER=${SR_CLUSTER:-bench}; eval "$(bash test/setup.sh 2>/dev/null)"; export PGHOST PGPORT PGUSER; }
. bench/lib.sh
rows=${BENCH_INC_ROWS:-1000000}
db=${BENCH_INC_DB:-supplyrisk_bench_incremental}  # BENCH_INC_DB: an existing generated database (kept)
[ -n "${BENCH_INC_DB:-}" ] || fresh_demo_db "$db" "$rows"
# server round trip of a statement, from psql's \timing (a connection costs ~80 ms more here)
key=$(q -d $db -c "SELECT e.sector_code || ':' || e.member_state FROM supplyrisk.supply s JOIN supplyrisk.entity e USING (entity_id) GROUP BY 1 ORDER BY count(*) DESC LIMIT 1")
declare -a full inc none
for r in $(seq 0 "$runs"); do
  f=$(session_ms $db "CALL supplyrisk.refresh(full => true)")
  q -d $db -c "UPDATE supplyrisk.supply s SET weight = weight * 1.01 FROM (SELECT s2.supply_id FROM supplyrisk.supply s2 JOIN supplyrisk.entity e USING (entity_id)
               WHERE e.sector_code || ':' || e.member_state = '$key' ORDER BY s2.supply_id LIMIT 1000) x WHERE s.supply_id = x.supply_id" >/dev/null
  i=$(session_ms $db "CALL supplyrisk.refresh()")
  mode=$(q -d $db -c "SELECT mode || ' ' || recomputed FROM supplyrisk.rollup_status")
  z=$(session_ms $db "CALL supplyrisk.refresh()")
  [ "$r" -gt 0 ] && { full+=("$f"); inc+=("$i"); none+=("$z"); }
done
a=$(med "${full[@]}"); b=$(med "${inc[@]}"); c=$(med "${none[@]}")
n=$(q -d $db -c "SELECT count(*) FROM supplyrisk.supply")
echo "== incremental refresh, $n supply rows (psql \\timing, each in a new session, median of $runs, ms)"
printf "%-52s %8.0f\n" "full refresh" "$a"
printf "%-52s %8.0f   %.1f%% of full (last: %s row set)\n" "after 1,000 rows changed in $key" "$b" "$(echo "100 * $b / $a" | bc -l)" "$mode"
printf "%-52s %8.1f   (target <= 50 ms; the first call of a session)\n" "nothing changed" "$c"
[ -n "${BENCH_INC_DB:-}" ] || q -d postgres -c "DROP DATABASE $db" >/dev/null
