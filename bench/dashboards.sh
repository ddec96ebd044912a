#!/usr/bin/env bash
# Dashboard reads (issue 28.6): every view documented for dashboards, as a dashboard panel
# reads it, on the demo data at scale 1 (40,000 supply rows) and scale 25 (1M), as an
# unscoped read role and as a read role scoped to one member state (DE). Per query: rows
# returned, median of BENCH_RUNS runs (after a warm-up) of the time psql waits for the whole
# result (what a BI tool waits for: planning, execution, transfer), whether the plan chose
# JIT (default settings: jit on, jit_above_cost 100000), and, where the view has a live
# counterpart (the _at functions), the live computation's time in the same run as baseline.
# Targets: <= 50 ms at scale 1 and <= 500 ms at scale 25, no JIT.
#   bash bench/dashboards.sh            scales from BENCH_DASHBOARD_SCALES (default "1 25")
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
export SR_CLUSTER=${SR_CLUSTER:-bench}
eval "$(bash test/setup.sh)"; export PGHOST PGPORT PGUSER
. bench/lib.sh
runs=${BENCH_RUNS:-7}

for r in bench_read_eu bench_read_de; do
  q -d postgres -c "DO \$\$BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$r') THEN CREATE ROLE $r; END IF; END\$\$" >/dev/null
done

# median wall time (ms) of a query as psql sees it: db, role, sql
wall() {
  local db=$1 role=$2 sql=$3
  { echo "SET ROLE $role;"; echo "\\o /dev/null"; echo "$sql;"; echo "\\timing on"
    for i in $(seq "$runs"); do echo "$sql;"; done
  } | psql -X -q -d "$db" 2>&1 | grep -o 'Time: [0-9.]*' | awk '{print $2}' | sort -n \
    | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'
}
rows_of() { q -d "$1" -c "SET ROLE $2" -c "SELECT count(*) FROM ($3) x" | tail -1; }
jit_of() {  # does the plan JIT-compile (default settings)?
  q -d "$1" -c "SET ROLE $2" -c "EXPLAIN (FORMAT JSON) $3" | grep -q '"JIT"' && echo yes || echo no
}

for scale in ${BENCH_DASHBOARD_SCALES:-1 25}; do
  rows=$(awk -v s="$scale" 'BEGIN {printf "%d", s * 40000}')
  db=supplyrisk_bench_dash_$rows  # (its own: the second snapshot changes weights)
  ensure_db $db "supplyrisk bench dashboards scale $scale $gen_sum" data/generate.sql -v scale="$scale"

  # the rollups and two snapshots (trend compares the first and the latest)
  if [ "$(q -d $db -c "SELECT count(*) FROM supplyrisk.snapshot")" -lt 2 ]; then
    q -d $db -c "CALL supplyrisk.refresh()" -c "SELECT supplyrisk.take_snapshot('bench first')" >/dev/null
    q -d $db -c "UPDATE supplyrisk.supply SET weight = weight * 1.5 WHERE supply_id % 11 = 0" \
             -c "CALL supplyrisk.refresh()" -c "SELECT supplyrisk.take_snapshot('bench second')" -c "VACUUM ANALYZE" >/dev/null
  fi
  q -d $db -c "SELECT supplyrisk.grant_access('bench_read_eu', 'read')" -c "SELECT supplyrisk.grant_access('bench_read_de', 'read', ARRAY['DE'])" >/dev/null
  settle
  ent=$(q -d $db -c "SELECT min(entity_id) FROM supplyrisk.entity WHERE member_state = 'DE' AND sector_code = 'energy'")
  target=$([ "$scale" = 1 ] && echo 50 || echo 500)
  echo "== dashboards: $(q -d $db -c "SELECT count(*) FROM supplyrisk.supply") supply rows (scale $scale), target <= $target ms, no JIT; median of $runs, ms as psql waits for the result"
  printf "%-58s %8s %9s %9s %5s %10s %7s\n" query rows unscoped "DE-only" JIT live "ok"
  while IFS='|' read -r label sql live; do
    [ -z "$label" ] && continue
    n=$(rows_of $db bench_read_eu "$sql"); a=$(wall $db bench_read_eu "$sql"); b=$(wall $db bench_read_de "$sql")
    j=$( [ "$(jit_of $db bench_read_eu "$sql")" = yes ] || [ "$(jit_of $db bench_read_de "$sql")" = yes ] && echo yes || echo no)
    l=$([ -n "$live" ] && wall $db bench_read_eu "$live" || echo "")
    ok=$(awk -v a="$a" -v b="$b" -v t="$target" -v j="$j" 'BEGIN {print (a <= t && b <= t && j == "no") ? "yes" : "NO"}')
    printf "%-58s %8s %9.1f %9.1f %5s %10s %7s\n" "$label" "$n" "$a" "$b" "$j" "$( [ -n "$l" ] && printf '%.1f' "$l")" "$ok"
  done <<EOF
sector_overview|SELECT * FROM supplyrisk.sector_overview|SELECT * FROM supplyrisk.sector_overview_at()
sector_energy|SELECT * FROM supplyrisk.sector_energy|SELECT * FROM supplyrisk.sector_function_overview('energy')
function_overview|SELECT * FROM supplyrisk.function_overview|SELECT * FROM supplyrisk.function_overview_at()
entity_exposure, one sector|SELECT * FROM supplyrisk.entity_exposure WHERE sector_code = 'energy'|SELECT * FROM supplyrisk.entity_exposure_at() WHERE sector_code = 'energy'
entity_exposure, one sector and member state|SELECT * FROM supplyrisk.entity_exposure WHERE sector_code = 'energy' AND member_state = 'DE'|
entity_exposure, one entity|SELECT * FROM supplyrisk.entity_exposure WHERE entity_id = $ent|
multi_vendor_gaps, one sector|SELECT * FROM supplyrisk.multi_vendor_gaps WHERE sector_code = 'energy'|SELECT * FROM supplyrisk.multi_vendor_gaps_at() WHERE sector_code = 'energy'
multi_vendor_gaps, counts per sector and gap|SELECT sector_code, gap, count(*) FROM supplyrisk.multi_vendor_gaps GROUP BY 1, 2|
entity_deep_exposure, one sector|SELECT * FROM supplyrisk.entity_deep_exposure WHERE sector_code = 'energy'|SELECT * FROM supplyrisk.entity_deep_exposure_at() WHERE sector_code = 'energy'
entity_deep_exposure, top 20 hidden reliances|SELECT * FROM supplyrisk.entity_deep_exposure ORDER BY top_hidden_share DESC NULLS LAST LIMIT 20|
trend|SELECT * FROM supplyrisk.trend|
function_trend|SELECT * FROM supplyrisk.function_trend|
supplier_risk|SELECT * FROM supplyrisk.supplier_risk|
group_risk|SELECT * FROM supplyrisk.group_risk|
systemic_dependencies()|SELECT * FROM supplyrisk.systemic_dependencies()|
measure_progress|SELECT * FROM supplyrisk.measure_progress|
rollup_status|SELECT * FROM supplyrisk.rollup_status|
contract_gaps, one entity|SELECT * FROM supplyrisk.contract_gaps WHERE entity_id = $ent|
EOF
  echo "   whole-list reads (every entity's rows at once: export jobs, not panels; no target):"
  for v in entity_exposure multi_vendor_gaps entity_deep_exposure; do
    printf "   %-55s %8s %9.1f %9.1f %5s\n" "$v, every row" "$(rows_of $db bench_read_eu "SELECT * FROM supplyrisk.$v")" \
      "$(wall $db bench_read_eu "SELECT * FROM supplyrisk.$v")" "$(wall $db bench_read_de "SELECT * FROM supplyrisk.$v")" \
      "$( [ "$(jit_of $db bench_read_eu "SELECT * FROM supplyrisk.$v")" = yes ] && echo yes || echo no)"
  done
  echo
done
