#!/usr/bin/env bash
# Runs the supply_mix (and exact_sum state) bad-input campaign (test/fuzz/fuzz.sql) in a fresh database.
# FUZZ_CASES (default 100000) cases within FUZZ_SECONDS (default 300), over
# FUZZ_SEEDS (default "0.5") random seeds; fails if fewer cases ran, on any
# unexpected error, round-trip failure or memory growth, or if the server dies.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
. test/lib.sh
cases=${FUZZ_CASES:-100000}; secs=${FUZZ_SECONDS:-300}; seeds=${FUZZ_SEEDS:-0.5}
db=supplyrisk_fuzz
psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null 2>&1 || exit 1
psql -X -q -d $db -c 'CREATE EXTENSION supplyrisk' >/dev/null || exit 1
for seed in $seeds; do
  out=$(mktemp)
  rc=0
  PGOPTIONS="-c fuzz.min_cases=${FUZZ_MIN_CASES:-$cases}" psql -X -q -v ON_ERROR_STOP=1 -d $db -v cases="$cases" -v seconds="$secs" -v seed="$seed" \
    -f test/fuzz/fuzz.sql >"$out" 2>&1 || rc=$?
  grep -v '^\s*$' "$out" | grep -v 'setseed\|^-*$\|^ fuzz $\|^(1 row)' | sed 's/^/# /'
  rm -f "$out"
  check "bad-input campaign, seed $seed, $cases cases within ${secs}s: every case accepted or refused with a documented SQLSTATE" "0" "$rc"
done
check "the server still answers after the campaign" "5000" "$(psql -X -qAt -d $db -c "SELECT supplyrisk.hhi('{1:1,2:1}'::supplyrisk.supply_mix)" 2>&1)"
psql -X -q -d postgres -c "DROP DATABASE $db" >/dev/null 2>&1
finish "supply_mix bad-input campaign"
