#!/usr/bin/env bash
# The supply_mix engine at real cardinalities (issue 12): flat tables built here
# (grp, key, weight; no join), so aggregation is all there is to measure. Every
# figure is a ratio against a baseline measured in the same run on the same rows
# (median of BENCH_RUNS runs, server-side execution time):
#   W1  2M rows, 4 groups x 50,000 distinct keys (uniform): hhi with a parallel
#       plan (2 workers) against the same query serially — merging partial states
#   W2  10M rows, 18 groups x 20,000 keys, Zipf-skewed (P(k) ~ 1/k) weights drawn
#       per row: hhi against the built-in sum() floor, serial and parallel, and the
#       plain two-level SQL HHI against hhi
#   W3  the curve: 4M rows in 4 groups of 2k, 20k, 200k, 1M keys each: hhi time
#       per row, serial and parallel (linear growth: flat per-row cost)
# Usage: bash bench/engine.sh   (part of make bench; ENGINE_W2_ROWS to shrink W2)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
if [ -z "${PGHOST:-}" ]; then
  export SR_CLUSTER=${SR_CLUSTER:-bench}
  eval "$(bash test/setup.sh 2>/dev/null)"; export PGHOST PGPORT PGUSER
fi
. bench/lib.sh
db=supplyrisk_bench_engine
w2rows=${ENGINE_W2_ROWS:-10000000}
tag="supplyrisk bench engine v1 $w2rows"
if [ "$(q -d postgres -c "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = '$db'")" != "$tag" ]; then
  echo "generating $db ..." >&2
  q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >&2
  q -d $db -c 'CREATE EXTENSION supplyrisk' >&2
  q -d $db <<SQL >/dev/null
SELECT setseed(0.12);
CREATE TABLE w1 AS SELECT (g % 4)::int AS grp, (g / 4 % 50000)::bigint AS key, (random() + 0.01)::float8 AS weight
  FROM generate_series(0, 1999999) g;
-- Zipf: key = floor(20000^u) for uniform u, i.e. P(key = k) ~ 1/k over 1..20000
CREATE TABLE w2 AS SELECT (g % 18)::int AS grp, floor(pow(20000, random()))::bigint AS key, (random() + 0.01)::float8 AS weight
  FROM generate_series(0, $w2rows - 1) g;
SQL
  for k in 2000 20000 200000 1000000; do
    q -d $db -c "CREATE TABLE w3_$k AS SELECT (g % 4)::int AS grp, (g / 4 % $k)::bigint AS key, (random() + 0.01)::float8 AS weight FROM generate_series(0, 3999999) g" >/dev/null
  done
  q -d $db -c "VACUUM ANALYZE" -c "COMMENT ON DATABASE $db IS '$tag'" >&2
fi
settle
ratio() { echo "$1 / $2" | bc -l; }
hhi1="SELECT grp, supplyrisk.hhi(key, weight) FROM w1 GROUP BY 1"
sum1="SELECT grp, sum(weight) FROM w1 GROUP BY 1"
hhi2="SELECT grp, supplyrisk.hhi(key, weight) FROM w2 GROUP BY 1"
sum2="SELECT grp, sum(weight) FROM w2 GROUP BY 1"
sql2="SELECT grp, 10000 * sum(w * w) / (sum(w) * sum(w)) FROM (SELECT grp, key, sum(weight) AS w FROM w2 GROUP BY 1, 2) t GROUP BY 1"
echo "== engine: flat tables, no join ($(date -u +%Y-%m-%d), $(nproc) cores; queries timed in turns, median of $runs)"
echo "-- W1: $(q -d $db -c 'SELECT count(*) FROM w1') rows, 4 groups x $(q -d $db -c 'SELECT count(DISTINCT key) FROM w1') keys"
read -r s p fs fp <<<"$(time_interleaved $db "0|$hhi1" "2|$hhi1" "0|$sum1" "2|$sum1")"
printf "   hhi serial %.1f ms, parallel %.1f ms: parallel/serial %.2f (target <= 1.0)\n" "$s" "$p" "$(ratio "$p" "$s")"
printf "   sum() floor serial %.1f ms, parallel %.1f ms: parallel/serial %.2f; hhi/floor serial %.2f, parallel %.2f\n" \
  "$fs" "$fp" "$(ratio "$fp" "$fs")" "$(ratio "$s" "$fs")" "$(ratio "$p" "$fp")"

echo "-- W2: $(q -d $db -c 'SELECT count(*) FROM w2') rows, 18 groups x $(q -d $db -c 'SELECT count(DISTINCT key) FROM w2') Zipf keys"
for par in 0 2; do
  pl=$([ $par -gt 0 ] && echo parallel || echo serial)
  read -r a b c <<<"$(time_interleaved $db "$par|$sum2" "$par|$hhi2" "$par|$sql2")"
  printf "   %-8s sum() %8.1f ms | hhi %8.1f ms: hhi/floor %.2f (target <= 1.3) | plain SQL %8.1f ms: sql/hhi %.2f (target >= 3)\n" \
    $pl "$a" "$b" "$(ratio "$b" "$a")" "$c" "$(ratio "$c" "$b")"
done

echo "-- W3: hhi over 4M rows in 4 groups, by keys per group (ns per row)"
printf "   %9s %10s %10s %10s %10s %10s\n" keys serial parallel "sum() ser" "hhi/sum" "par/ser"
for k in 2000 20000 200000 1000000; do
  h="SELECT grp, supplyrisk.hhi(key, weight) FROM w3_$k GROUP BY 1"
  read -r s p f <<<"$(time_interleaved $db "0|$h" "2|$h" "0|SELECT grp, sum(weight) FROM w3_$k GROUP BY 1")"
  printf "   %9d %10.1f %10.1f %10.1f %10.2f %10.2f\n" $k "$(echo "$s * 1000000 / 4000000" | bc -l)" "$(echo "$p * 1000000 / 4000000" | bc -l)" \
    "$(echo "$f * 1000000 / 4000000" | bc -l)" "$(ratio "$s" "$f")" "$(ratio "$p" "$s")"
done
