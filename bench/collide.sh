#!/usr/bin/env bash
# Hash flooding (issue 27.11): supply_mix_agg over BENCH_COLLIDE_KEYS (default 100,000) text keys
# chosen to collide under PostgreSQL's unseeded text hash (every key has the same hashtext(); see
# test/collide.py) against as many random keys of the same length, in one SQL_ASCII database (the
# colliding keys are arbitrary bytes). Median of BENCH_RUNS, the two queries in turns. Target:
# colliding <= 2x random. For comparison, PostgreSQL's own hashed GROUP BY over the same keys
# (unseeded in a serial plan), at a tenth of the keys and with a time limit.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -n "${PGHOST:-}" ] || { export SR_CLUSTER=${SR_CLUSTER:-bench}; eval "$(bash test/setup.sh 2>/dev/null)"; export PGHOST PGPORT PGUSER; }
. bench/lib.sh
n=${BENCH_COLLIDE_KEYS:-100000}
db=supplyrisk_bench_collide
q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db ENCODING 'SQL_ASCII' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0" >/dev/null
q -d $db -c "CREATE EXTENSION supplyrisk" -c "CREATE TABLE hk (h text)" >/dev/null
python3 test/collide.py "$n" | q -d $db -c "COPY hk FROM STDIN"
q -d $db >/dev/null <<'SQL'
CREATE TABLE collide AS SELECT convert_from(decode(h, 'hex'), 'SQL_ASCII') AS k FROM hk;
SELECT setseed(0.11);
CREATE TABLE random_keys AS SELECT string_agg(chr(33 + floor(random() * 94)::int), '') AS k FROM generate_series(1, (SELECT count(*) FROM collide)) g, generate_series(1, 24) c GROUP BY g;
VACUUM ANALYZE;
SQL
check=$(q -d $db -c "SELECT count(DISTINCT k) || ' keys, ' || count(DISTINCT hashtext(k)) || ' distinct hashtext()' FROM collide")
out=$(time_interleaved $db "0|SELECT supplyrisk.key_count(supplyrisk.supply_mix_agg(k, 1)) FROM random_keys" "0|SELECT supplyrisk.key_count(supplyrisk.supply_mix_agg(k, 1)) FROM collide")
read -r a b <<<"$out"
echo "== hash flooding: supply_mix_agg over text keys (colliding: $check), median of $runs, ms"
printf "%-44s %10.1f\n" "random keys" "$a"
printf "%-44s %10.1f   %.2fx (target <= 2x)\n" "keys colliding under the unseeded hash" "$b" "$(echo "$b / $a" | bc -l)"
m=$(( n / 10 ))
pg() { q -d $db -c "SET statement_timeout = '120s'" -c "SET max_parallel_workers_per_gather = 0" -c "SET enable_sort = off" -c '\timing on' \
        -c "SELECT count(*) FROM (SELECT k FROM (SELECT k FROM $1 LIMIT $m) x GROUP BY k) y" 2>&1 | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | tail -1; }
pa=$(pg random_keys); pb=$(pg collide)
printf "%-44s %10s   %s\n" "(PostgreSQL GROUP BY, $m random keys)" "${pa:-timeout}" ""
printf "%-44s %10s   %s\n" "(PostgreSQL GROUP BY, $m colliding keys)" "${pb:-timeout (120 s)}" "not supplyrisk's: PostgreSQL's own hash tables are unseeded"
q -d postgres -c "DROP DATABASE $db" >/dev/null
