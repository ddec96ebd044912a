#!/usr/bin/env bash
# No per-row leak. The peak memory (VmHWM) of a backend running an aggregate
# over N rows of generate_series is compared with the built-in sum() over the
# same rows, in the same run (the row source itself costs memory). Our excess
# over sum() must not grow from 1M to 10M rows by more than 8 MB (a leak of
# one byte per row would show as 9 MB). Bigint and text keys, hhi, union.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/test/lib.sh"
db=supplyrisk_memory
psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null 2>&1
psql -X -q -d $db -c 'CREATE EXTENSION supplyrisk'
peak() {  # $1 = rows, $2 = aggregate expression over g
  psql -X -q -At -v ON_ERROR_STOP=1 -d "$db" <<SQL
SET work_mem = '4MB';
SET max_parallel_workers_per_gather = 0;
SET search_path = supplyrisk, public;
SELECT ($2) IS NULL FROM generate_series(1, $1) g \g /dev/null
SELECT substring(pg_read_file('/proc/self/status') FROM 'VmHWM:\s*([0-9]+)');
SQL
}
base1=$(peak 1000000 "sum(g % 1000 + 1.5::float8)"); base10=$(peak 10000000 "sum(g % 1000 + 1.5::float8)")
echo "# built-in sum(): peak ${base1} kB at 1M rows, ${base10} kB at 10M rows"
for expr in "supply_mix_agg((g % 1000)::bigint, 1.5::float8)" "supply_mix_agg('key-' || (g % 1000), 1.5::float8)" \
            "hhi((g % 1000)::bigint, 1.5::float8)" "supply_mix_union(('{' || (g % 1000) || ':1}')::supply_mix)"; do
  a=$(peak 1000000 "$expr"); b=$(peak 10000000 "$expr")
  [ -n "$a" ] && [ -n "$b" ] || { check "$expr: measured" "yes" "no"; continue; }
  d=$(( ((b - base10) - (a - base1)) / 1024 ))
  echo "# $expr: peak ${a} kB at 1M rows, ${b} kB at 10M rows; excess over sum() grew by ${d} MB"
  check "$expr: no per-row leak (excess over sum() grows <= 8 MB from 1M to 10M rows; grew $d MB)" "yes" "$([ "$d" -le 8 ] && echo yes || echo no)"
done
psql -X -q -d postgres -c "DROP DATABASE $db"
finish "supply_mix memory"
