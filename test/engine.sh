#!/usr/bin/env bash
# The engine's merges are linear, checked without a clock: the aggregate state
# counts its hash-table lookups and the probe steps they take, and reports them
# at DEBUG2 in the final function. A forced-parallel hhi and supply_mix_agg over
# 4 groups of 100,000 keys (bigint and text) merges the workers' partial states
# in the leader; a merge that fed keys in the destination's slot order (the
# quadratic pile-up) takes thousands of steps per lookup, a linear one a few.
# Also: parallel = serial, and the in-memory state stays within 32 bytes per
# bigint key.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
. test/lib.sh
db=supplyrisk_engine
trap 'psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1' EXIT
psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null 2>&1 || exit 1
q() { psql -X -qAt -v ON_ERROR_STOP=1 -d $db "$@"; }
q -c 'CREATE EXTENSION supplyrisk' >/dev/null || exit 1
q >/dev/null <<'SQL' || exit 1
SELECT setseed(0.3);
CREATE TABLE t AS SELECT (g % 4)::int AS grp, (g / 4 % 100000)::bigint AS key, 'supplier-' || (g / 4 % 100000) AS tkey,
                         (random() + 0.01)::float8 AS weight
  FROM generate_series(0, 799999) g;
ANALYZE t;
SQL
force="SET max_parallel_workers_per_gather = 2; SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0;
       SET min_parallel_table_scan_size = 0; SET parallel_leader_participation = on; SET jit = off;"
plan=$(q -c "$force" -c "EXPLAIN SELECT grp, supplyrisk.hhi(key, weight) FROM t GROUP BY 1")
check "the forced plan is parallel, with partial aggregation in the workers" "yes" \
  "$(grep -q 'Partial' <<<"$plan" && grep -q 'Gather' <<<"$plan" && echo yes || echo no)"

# steps per lookup of the leader's merged states, one line per group
steps() {
  q -c "$force" -c "SET client_min_messages = debug2" -c "$1" 2>&1 >/dev/null \
    | grep -o 'supply_mix state: .*' | sed -E 's/.*, ([0-9.]+) probe steps per lookup over ([0-9]+) lookups/\1 \2/'
}
for agg in "supplyrisk.hhi(key, weight)" "supplyrisk.supply_mix_agg(key, weight)" "supplyrisk.hhi(tkey, weight)"; do
  out=$(steps "SELECT grp, $agg FROM t GROUP BY 1")
  echo "# $agg: probe steps per lookup, lookups (per group): $(echo $out)"
  check "$agg, parallel: the 4 merged states reported" "4" "$(echo "$out" | grep -c .)"
  check "$agg, parallel: at most 8 probe steps per lookup in the merged states (a quadratic merge takes thousands)" "0" \
    "$(echo "$out" | awk '$1 > 8' | wc -l)"
done

# the same states serially: exact agreement with the parallel results
check "hhi: parallel = serial (relative 1e-13) in every group" "0" "$(q -c "CREATE TEMP TABLE s AS SELECT grp, supplyrisk.hhi(key, weight) h, supplyrisk.hhi(tkey, weight) th FROM t GROUP BY 1" \
  -c "$force" -c "CREATE TEMP TABLE p AS SELECT grp, supplyrisk.hhi(key, weight) h, supplyrisk.hhi(tkey, weight) th FROM t GROUP BY 1" \
  -c "SELECT count(*) FROM s JOIN p USING (grp) WHERE abs(s.h - p.h) > 1e-13 * s.h OR abs(s.th - p.th) > 1e-13 * s.th")"
check "supply_mix_agg: parallel = serial, every key's weight within 2 ulp" "0" "$(q -c "CREATE TEMP TABLE s AS SELECT grp, supplyrisk.supply_mix_agg(key, weight) m FROM t GROUP BY 1" \
  -c "$force" -c "CREATE TEMP TABLE p AS SELECT grp, supplyrisk.supply_mix_agg(key, weight) m FROM t GROUP BY 1" \
  -c "SELECT count(*) FROM s JOIN p USING (grp), LATERAL supplyrisk.each(s.m) a JOIN LATERAL supplyrisk.each(p.m) b ON a.key = b.key
      WHERE abs(a.weight - b.weight) > 4.5e-16 * a.weight" \
  -c "SELECT count(*) FROM s JOIN p USING (grp) WHERE supplyrisk.key_count(s.m) <> supplyrisk.key_count(p.m)" | paste -sd+ | bc)"

# memory: bytes per key of a 1,000,000-key serial state (DEBUG2)
bpk=$(q -c "SET max_parallel_workers_per_gather = 0" -c "SET client_min_messages = debug2" \
        -c "SELECT supplyrisk.hhi(g, 1.5) FROM generate_series(1, 1000000) g" 2>&1 >/dev/null \
      | grep -o '([0-9.]* bytes per key)' | grep -o '[0-9.]*' | head -1)
echo "# 1,000,000 bigint keys: $bpk bytes per key"
check "in-memory state of 1M bigint keys within 32 bytes per key ($bpk)" "yes" "$(awk -v b="${bpk:-99}" 'BEGIN {print (b <= 32) ? "yes" : "no"}')"
finish "engine"
