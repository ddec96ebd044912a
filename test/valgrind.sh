#!/usr/bin/env bash
# Opt-in (`make valgrind`): runs the fuzz campaign and a workload of every C entry
# point on a throw-away cluster whose server runs under valgrind memcheck, then
# reports every valgrind error whose stack passes through supplyrisk.so.
# VG_CASES (default 20000) fuzz cases. Slow: the server runs ~30x slower.
# Note: PostgreSQL's own allocator (palloc) hands out chunks of larger malloc'd
# blocks; without a server built with USE_VALGRIND, overruns inside a block are
# not seen — reads of uninitialised memory and overruns of whole blocks are.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
command -v valgrind >/dev/null || { echo "valgrind: not installed (apt-get install valgrind)"; exit 1; }
. test/pg.sh
export SR_CLUSTER=valgrind SR_PGPORT=$(( ${SR_PGPORT:-54339} + 3 ))
unset SR_PGBASE
bash test/cluster.sh stop >/dev/null 2>&1
eval "$(bash test/cluster.sh env)"; rm -rf "$(dirname "$SR_CLUSTER_DATA")"
eval "$(bash test/cluster.sh start)" || exit 1
export PGHOST PGPORT PGUSER
bash test/cluster.sh stop >/dev/null
bindir=$PGBIN
as_owner() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
data=$SR_CLUSTER_DATA
SR_PGBASE=$(dirname "$data")
printf "shared_buffers = '64MB'\nmax_parallel_workers_per_gather = 0\n" >>"$data/postgresql.auto.conf"
as_owner valgrind --quiet --trace-children=yes --error-limit=no --num-callers=40 --track-origins=yes \
  --log-file="$SR_PGBASE/vg.%p.log" "$bindir/postgres" -D "$data" -p "$PGPORT" -c unix_socket_directories="$PGHOST" >"$SR_PGBASE/server.log" 2>&1 &
for i in $(seq 1 300); do "$bindir/pg_isready" -q && break; sleep 1; done
"$bindir/pg_isready" -q || { echo "valgrind: server did not start"; tail "$SR_PGBASE/server.log"; exit 1; }
echo "valgrind: server up under memcheck"
rc=0
FUZZ_CASES=${VG_CASES:-20000} FUZZ_SECONDS=${VG_SECONDS:-3000} bash test/fuzz.sh | tail -3 || rc=1
db=supplyrisk_vg
psql -X -q -d postgres -c "CREATE DATABASE $db" && psql -X -q -d $db -c 'CREATE EXTENSION supplyrisk' \
  && psql -X -q -d $db -v scale=0.02 -f data/generate.sql >/dev/null && psql -X -q -d $db >/dev/null <<'SQL' || rc=1
SET search_path = supplyrisk, public;
SELECT hhi(g % 5000, 1.5::float8), hhi('k' || g % 3000, 2::float8) FROM generate_series(1, 200000) g;
SELECT supply_mix_union(m) FROM (SELECT supply_mix_agg(g % 700, g::float8) m FROM generate_series(1, 50000) g GROUP BY g % 13) x;
SELECT supply_mix_sum(m) FROM (SELECT supply_mix_agg('s' || g % 70, 1::float8) m FROM generate_series(1, 5000) g GROUP BY g % 7) x;
SELECT * FROM supplier_risk; SELECT * FROM sector_overview; SELECT * FROM entity_exposure; SELECT * FROM multi_vendor_gaps;
SELECT * FROM entity_deep_exposure; CALL refresh(); SELECT take_snapshot('vg'); SELECT * FROM trend;
SELECT * FROM sector_energy; SELECT each('{1:1,2:3}'::supply_mix);
SELECT without('{1:1,2:3}', ARRAY[1]::bigint[]), merge_keys('{1:1,2:3,4:1}', ARRAY[1,2]::bigint[], 9), top_shares('{"a":1,"b":2}', 1);
-- 0.2.0: merges of large states in parallel workers, batched inserts, version 2 states, names, checks
CREATE TABLE vg_t AS SELECT g % 3 AS grp, (g / 3 % 20000)::bigint AS k, 'k' || (g / 3 % 20000) AS tk, 1.5::float8 AS w FROM generate_series(0, 119999) g;
SET max_parallel_workers_per_gather = 2; SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0; SET min_parallel_table_scan_size = 0;
SELECT grp, hhi(k, w), hhi(tk, w), key_count(supply_mix_agg(k, w)), (sourcing(k, grp)).entities FROM vg_t GROUP BY 1;
RESET max_parallel_workers_per_gather;
SELECT supply_mix_from_state('\x02010000' || int4send(2) || int8send(9) || float8send(1) || float8send(0) || int8send(5) || float8send(2.5) || float8send(0));
SELECT * FROM top_shares_named('{1:3,2:1}', 2); SELECT key_type('{"a":1}');
INSERT INTO supplier (supplier_id, name, hq_country) VALUES (900000, 'vg explicit id', 'DE');
INSERT INTO supplier (name, hq_country) VALUES ('vg default id', 'DE');
SQL
out=$(psql -X -q -d $db -c "INSERT INTO supplyrisk.assessment (supplier_id, factor_code, score) VALUES (900000, 't.certification', 5)" 2>&1)
grep -q 'score "5" is not allowed' <<<"$out" || { echo "valgrind: the constraint error was not raised: $out"; rc=1; }
as_owner "$bindir/pg_ctl" -D "$data" -m fast -w -t 300 stop >/dev/null
# error blocks (between blank ==PID== lines) that mention supplyrisk
found=$(cat "$SR_PGBASE"/vg.*.log 2>/dev/null | awk '
  /^==[0-9]+== *$/ { if (blk ~ /supplyrisk/) { n++; print blk > "/dev/stderr" } blk = ""; next }
  { blk = blk $0 "\n" }
  END { if (blk ~ /supplyrisk/) { n++; print blk > "/dev/stderr" } print n + 0 }' 2>"$SR_PGBASE/supplyrisk-errors.txt")
total=$(grep -hcE '^==[0-9]+== (Invalid|Conditional|Use of uninitialised|Syscall param|Mismatched|Source and destination)' "$SR_PGBASE"/vg.*.log | awk '{s+=$1} END {print s+0}')
echo "valgrind: $total error reports in all server processes, $found with a supplyrisk.so frame"
[ "$found" -eq 0 ] || { head -80 "$SR_PGBASE/supplyrisk-errors.txt"; rc=1; }
if [ $rc -eq 0 ]; then echo "valgrind: ok"; rm -rf "$SR_PGBASE"; else echo "valgrind: FAILED (logs in $SR_PGBASE)"; fi
exit $rc
