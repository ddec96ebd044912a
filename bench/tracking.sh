#!/usr/bin/env bash
# Write overhead of change tracking (issue 17): the statement-level triggers that record stale
# rows, on and off, in turns on the same database: a bulk COPY of 1M supply rows, and single-row
# INSERTs from pgbench (2 clients, 20 s each). Targets: COPY <= 10% slower, <= 15% fewer TPS.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -n "${PGHOST:-}" ] || { export SR_CLUSTER=${SR_CLUSTER:-bench}; eval "$(bash test/setup.sh 2>/dev/null)"; export PGHOST PGPORT PGUSER; }
. bench/lib.sh
. test/pg.sh
db=supplyrisk_bench_tracking
runs=${BENCH_RUNS:-3}
q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null
q -d $db -c "CREATE EXTENSION supplyrisk" -v scale=0.5 -f data/generate.sql >/dev/null
rows=${BENCH_TRACKING_ROWS:-1000000}
q -d $db -c "CREATE TABLE public.load AS SELECT (1 + g % 1000)::bigint AS entity_id, (1 + (g * 7) % 150)::bigint AS supplier_id, 'cloud.iaas'::text AS function_code, 1 + g % 97 AS weight, '1999-01-01'::date AS valid_from FROM generate_series(1, $rows) g" \
         -c "COPY public.load TO '/tmp/supplyrisk_tracking_load.csv' CSV" >/dev/null
onoff() { q -d $db -c "ALTER TABLE supplyrisk.supply $1 TRIGGER supply_track_insert" >/dev/null; }
declare -a on off
for r in $(seq 0 "$([ "${BENCH_TRACKING_COPY:-1}" = 0 ] && echo -1 || echo $runs)"); do
  for mode in ENABLE DISABLE; do
    onoff $mode
    q -d $db -c "CHECKPOINT" >/dev/null
    t0=$(date +%s%N)
    q -d $db -c "COPY supplyrisk.supply (entity_id, supplier_id, function_code, weight, valid_from) FROM '/tmp/supplyrisk_tracking_load.csv' CSV" >/dev/null
    t1=$(date +%s%N)
    q -d $db -c "ALTER TABLE supplyrisk.supply DISABLE TRIGGER supply_track_delete" -c "DELETE FROM supplyrisk.supply WHERE valid_from = '1999-01-01'" \
             -c "ALTER TABLE supplyrisk.supply ENABLE TRIGGER supply_track_delete" -c "DELETE FROM supplyrisk.rollup_change" -c "VACUUM supplyrisk.supply" >/dev/null
    [ "$r" -gt 0 ] && { if [ $mode = ENABLE ]; then on+=($(( (t1 - t0) / 1000000 ))); else off+=($(( (t1 - t0) / 1000000 ))); fi; }
  done
done
onoff ENABLE
[ "${BENCH_TRACKING_COPY:-1}" = 0 ] || { a=$(med "${off[@]}"); b=$(med "${on[@]}")
echo "== change tracking: COPY of $rows supply rows (median of $runs, ms): off $a, on $b, on/off $(echo "$b / $a" | bc -l | cut -c1-5) (target <= 1.10)"; }
echo "INSERT INTO supplyrisk.supply (entity_id, supplier_id, function_code, weight) VALUES (1 + (random() * 999)::int, 1 + (random() * 149)::int, 'cloud.iaas', 1);" > /tmp/supplyrisk_tracking_insert.sql
declare -a ton toff
for r in $(seq 1 "$runs"); do
  for mode in ENABLE DISABLE; do
    onoff $mode
    tps=$("$PGBIN/pgbench" -n -c 2 -j 2 -T ${BENCH_TRACKING_SECONDS:-20} -f /tmp/supplyrisk_tracking_insert.sql $db 2>/dev/null | sed -n 's/^tps = \([0-9.]*\).*/\1/p')
    if [ $mode = ENABLE ]; then ton+=("$tps"); else toff+=("$tps"); fi
  done
done
onoff ENABLE
a=$(med "${toff[@]}"); b=$(med "${ton[@]}")
echo "== change tracking: single-row INSERTs, pgbench 2 clients (median TPS of $runs): off $a, on $b, on/off $(echo "$b / $a" | bc -l | cut -c1-5) (target >= 0.85)"
q -d postgres -c "DROP DATABASE $db" >/dev/null
rm -f /tmp/supplyrisk_tracking_load.csv /tmp/supplyrisk_tracking_insert.sql
