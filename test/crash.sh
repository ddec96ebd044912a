#!/usr/bin/env bash
# Crash safety: on a throw-away cluster, loaders commit (and deliberately roll back)
# transactions of supply rows and assessments while refresh() and take_snapshot()
# run in loops; the postmaster is killed with SIGKILL mid-load; after restart and
# crash recovery: every acknowledged commit is there whole, no rolled-back or torn
# transaction is, constraints and indexes check out (pg_amcheck), rollups and
# snapshots are whole.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
. test/pg.sh
# a cluster of its own, next to the test cluster's port
export SR_CLUSTER=crash SR_PGPORT=$(( ${SR_PGPORT:-54339} + 2 ))
unset SR_PGBASE
bindir=$PGBIN
bash test/cluster.sh stop >/dev/null 2>&1
eval "$(bash test/cluster.sh env)"; base=$(dirname "$SR_CLUSTER_DATA"); rm -rf "$base"
cleanup() { bash test/cluster.sh stop >/dev/null 2>&1; [ -n "${SR_KEEP:-}" ] || rm -rf "$base"; }
trap cleanup EXIT
eval "$(bash test/cluster.sh start)" || exit 1
export PGHOST PGPORT PGUSER
base=$(dirname "$SR_CLUSTER_DATA")
db=supplyrisk_crash
. "$top/test/lib.sh"
q() { psql -X -qAt -d $db "$@"; }
psql -X -q -d postgres -c "CREATE DATABASE $db" >/dev/null || exit 1
q -c 'CREATE EXTENSION supplyrisk' >/dev/null || exit 1
q -v scale=0.05 -f data/generate.sql >/dev/null || exit 1
q -c 'CREATE TABLE public.crash_ledger (marker int PRIMARY KEY, loader int NOT NULL)' -c 'CALL supplyrisk.refresh()' >/dev/null || exit 1
ents=$(q -c "SELECT string_agg(entity_id::text, ',') FROM (SELECT entity_id FROM supplyrisk.entity ORDER BY entity_id LIMIT 50) e")
sups=$(q -c "SELECT string_agg(supplier_id::text, ',') FROM (SELECT supplier_id FROM supplyrisk.supplier ORDER BY supplier_id LIMIT 50) s")
K=5   # supply rows and assessments per transaction
work=$base/work; mkdir -p "$work"

loader() {  # loader L: markers L*1000000 + i; every 5th transaction is rolled back
  local l=$1 i m
  { echo '\set ON_ERROR_STOP 1'
    for i in $(seq 1 100000); do
      m=$(( l * 1000000 + i ))
      echo "BEGIN;"
      echo "INSERT INTO supplyrisk.supply (entity_id, supplier_id, function_code, weight) SELECT ('{$ents}'::bigint[])[1 + ($i + k) % 50], ('{$sups}'::bigint[])[1 + ($i * 7 + k) % 50], 'cloud.iaas', $m + 0.25 FROM generate_series(1, $K) k;"
      echo "INSERT INTO supplyrisk.assessment (supplier_id, factor_code, score, evidence) SELECT s, 't.product_quality', $i % 5, 'crash-$m' FROM unnest('{$sups}'::bigint[]) s LIMIT $K;"
      echo "INSERT INTO public.crash_ledger VALUES ($m, $l);"
      if [ $(( i % 5 )) -eq 0 ]; then echo "ROLLBACK;"; echo "\\echo rolledback $m"; else echo "COMMIT;"; echo "\\echo committed $m"; fi
    done; } | psql -X -q -d $db >"$work/loader$l.out" 2>&1
}
for l in 1 2 3; do loader $l & done
( while true; do psql -X -q -d $db -c 'CALL supplyrisk.refresh()' >/dev/null 2>&1 || break; done ) &
( while true; do psql -X -q -d $db -c "SELECT supplyrisk.take_snapshot('crash')" >/dev/null 2>&1 || break; done ) &
sleep "${CRASH_AFTER:-8}"
pm=$(head -1 "$SR_CLUSTER_DATA/postmaster.pid")
echo "# SIGKILL to postmaster $pm after ${CRASH_AFTER:-8}s of load"
kill -9 "$pm"
wait 2>/dev/null
# until the killed postmaster is reaped (a zombie still looks alive to pg_ctl status)
for i in $(seq 1 120); do ps -p "$pm" >/dev/null 2>&1 || break; sleep 0.5; done
# orphaned backends notice the postmaster's death and exit; then restart (crash recovery)
for i in $(seq 1 60); do bash test/cluster.sh start >/dev/null 2>&1 && break; sleep 1; done
# pg_ctl -w may trust the stale pid file's "ready": wait for recovery to finish
for i in $(seq 1 120); do "$bindir/pg_isready" -q && break; sleep 1; done
check "server restarted after crash recovery" "t" "$(q -c 'SELECT true')"
grep -q "database system was interrupted\|not properly shut down\|redo starts\|automatic recovery" "$base/postgres.log" \
  && echo "# server log: $(grep -o 'redo done at [0-9A-F/]*\|database system was not properly shut down; automatic recovery in progress' "$base/postgres.log" | tail -2 | tr '\n' ' ')"

cat "$work"/loader*.out | grep -o 'committed [0-9]*' | awk '{print $2}' | sort -n >"$work/acked"
cat "$work"/loader*.out | grep -o 'rolledback [0-9]*' | awk '{print $2}' | sort -n >"$work/rolledback"
acked=$(wc -l <"$work/acked"); rolled=$(wc -l <"$work/rolledback")
echo "# $acked commits acknowledged to the loaders, $rolled transactions rolled back, before the crash"
check "enough load before the crash (> 50 commits; had $acked)" "yes" "$([ "$acked" -gt 50 ] && echo yes || echo no)"
q -c "CREATE TABLE public.crash_rolled (m int)" -c "\copy public.crash_rolled FROM '$work/rolledback'" >/dev/null
check "every acknowledged commit survived" "0" "$(q -c "CREATE TEMP TABLE a (m int)" -c "\copy a FROM '$work/acked'" -c "SELECT count(*) FROM a WHERE m NOT IN (SELECT marker FROM public.crash_ledger)")"
check "no rolled-back transaction is there" "0" "$(q -c "SELECT (SELECT count(*) FROM public.crash_ledger WHERE marker IN (SELECT m FROM public.crash_rolled))
  + (SELECT count(*) FROM supplyrisk.supply WHERE (weight - 0.25)::int IN (SELECT m FROM public.crash_rolled) AND weight - floor(weight) = 0.25)
  + (SELECT count(*) FROM supplyrisk.assessment WHERE evidence IN (SELECT 'crash-' || m FROM public.crash_rolled))")"
check "every transaction there is whole ($K supply rows, $K assessments)" "0" "$(q -c "SELECT count(*) FROM public.crash_ledger l
  WHERE (SELECT count(*) FROM supplyrisk.supply s WHERE s.weight = l.marker + 0.25) <> $K
     OR (SELECT count(*) FROM supplyrisk.assessment a WHERE a.evidence = 'crash-' || l.marker) <> $K")"
check "no torn transaction: no loader rows without their ledger row" "0" "$(q -c "SELECT (SELECT count(*) FROM supplyrisk.supply s WHERE s.weight - floor(s.weight) = 0.25 AND s.weight > 1000000 AND NOT EXISTS (SELECT 1 FROM public.crash_ledger l WHERE l.marker + 0.25 = s.weight))
  + (SELECT count(*) FROM supplyrisk.assessment a WHERE a.evidence LIKE 'crash-%' AND NOT EXISTS (SELECT 1 FROM public.crash_ledger l WHERE 'crash-' || l.marker = a.evidence))")"
check "foreign keys hold (supply -> entity, supplier, function)" "0" "$(q -c "SELECT count(*) FROM supplyrisk.supply s WHERE NOT EXISTS (SELECT 1 FROM supplyrisk.entity e WHERE e.entity_id = s.entity_id) OR NOT EXISTS (SELECT 1 FROM supplyrisk.supplier p WHERE p.supplier_id = s.supplier_id)")"
check "check constraints hold (weights, scores)" "0" "$(q -c "SELECT (SELECT count(*) FROM supplyrisk.supply WHERE NOT (weight > 0)) + (SELECT count(*) FROM supplyrisk.assessment WHERE score NOT IN (0,1,2,3,4))")"
q -c 'CREATE EXTENSION IF NOT EXISTS amcheck' >/dev/null
"$bindir/pg_amcheck" -d $db --heapallindexed >"$work/amcheck.out" 2>&1; r=$?
check "pg_amcheck: heap and every index of the database consistent" "0" "$r"
[ $r -eq 0 ] || head -20 "$work/amcheck.out"
check "rollups whole: row count = the last refresh's" "t" "$(q -c "SELECT (SELECT count(*) FROM supplyrisk.sector_rollup) = (SELECT rollup_rows FROM supplyrisk.rollup_status)")"
check "snapshots whole: each has an EU-wide row per sector" "0" "$(q -c "SELECT count(*) FROM supplyrisk.snapshot s WHERE (SELECT count(*) FROM supplyrisk.metric_snapshot m WHERE m.snapshot_id = s.snapshot_id AND m.member_state IS NULL AND m.function_code IS NULL) <> 18")"
echo "# $(q -c "SELECT count(*) FROM public.crash_ledger") transactions recovered, $(q -c "SELECT count(*) FROM supplyrisk.snapshot") snapshots, refresh #$(q -c "SELECT refresh_id FROM supplyrisk.rollup_status")"
check "refresh after recovery; rollups = live (floats within 1e-12 relative)" "0" "$(q -c 'CALL supplyrisk.refresh()' -c "$rollups_vs_live")"
finish "crash safety"
