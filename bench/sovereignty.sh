#!/usr/bin/env bash
# Member-state sovereignty of risk (issue 27.2): the cost of evaluating risk per member state.
# On BENCH_SOV_ROWS supply rows (default 1M) from the demo generator, two databases: one with
# EU-wide assessments only, one where each of the 27 member states also owns a full set of factor
# assessments for 5% of the suppliers (its own sample). Full refreshes run in turns, A B A B ...,
# after one warm-up round; median of BENCH_RUNS. Target: with member-state rows <= 1.3x.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -n "${PGHOST:-}" ] || { export SR_CLUSTER=${SR_CLUSTER:-bench}; eval "$(bash test/setup.sh 2>/dev/null)"; export PGHOST PGPORT PGUSER; }
. bench/lib.sh
rows=${BENCH_SOV_ROWS:-1000000}
base=$(ensure_scale_db "$rows")
sov=supplyrisk_bench_sovereignty
q -d postgres -c "DROP DATABASE IF EXISTS $sov" -c "CREATE DATABASE $sov TEMPLATE $base" >/dev/null
q -d $sov >/dev/null <<'SQL'
SET search_path = supplyrisk, public;
SELECT setseed(0.27);
INSERT INTO assessment (supplier_id, factor_code, score, assessed_on, member_state)
SELECT s.supplier_id, f.code, floor(random() * 5), CURRENT_DATE - 1, m.code
FROM country m
CROSS JOIN LATERAL (SELECT supplier_id FROM supplier ORDER BY md5(m.code || supplier_id) LIMIT (SELECT ceil(count(*) * 0.05) FROM supplier)) s
CROSS JOIN risk_factor f
WHERE m.eu_member;
VACUUM ANALYZE;
SQL
settle
declare -a ta tb
for r in $(seq 0 "$runs"); do
  a=$(session_ms $base "CALL supplyrisk.refresh(full => true)")
  b=$(session_ms $sov "CALL supplyrisk.refresh(full => true)")
  [ "$r" -gt 0 ] && { ta+=("$a"); tb+=("$b"); }
done
ma=$(med "${ta[@]}"); mb=$(med "${tb[@]}")
n=$(q -d $sov -c "SELECT count(*) FROM supplyrisk.supply")
k=$(q -d $sov -c "SELECT count(*) FROM supplyrisk.supplier")
own=$(q -d $sov -c "SELECT count(*) FROM supplyrisk.assessment WHERE member_state IS NOT NULL")
ev=$(q -d $sov -c "SELECT coalesce(sum(cardinality(member_states)), 0) FROM supplyrisk.supplier_rollup")
echo "== sovereignty of risk: full refresh, $n supply rows, $k suppliers (psql \\timing, each in a new session, median of $runs, ms)"
printf "%-62s %8.0f\n" "EU-wide assessments only" "$ma"
printf "%-62s %8.0f   %.2fx (target <= 1.3x)\n" "27 member states x 5% of suppliers with their own ($own rows)" "$mb" "$(echo "$mb / $ma" | bc -l)"
echo "   member-state evaluations stored in supplier_rollup: $ev"
q -d postgres -c "DROP DATABASE $sov" >/dev/null
