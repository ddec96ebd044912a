#!/usr/bin/env bash
# Runs the supply_mix bad-input campaign (test/fuzz/fuzz.sql) in a fresh database.
# FUZZ_CASES (default 100000) cases within FUZZ_SECONDS (default 300), over
# FUZZ_SEEDS (default "0.5") random seeds; fails if fewer cases ran, on any
# unexpected error, round-trip failure or memory growth, or if the server dies.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
cases=${FUZZ_CASES:-100000}; secs=${FUZZ_SECONDS:-300}; seeds=${FUZZ_SEEDS:-0.5}
db=supplyrisk_fuzz
psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null 2>&1 || exit 1
psql -X -q -d $db -c 'CREATE EXTENSION supplyrisk' >/dev/null || exit 1
rc=0
for seed in $seeds; do
  echo "fuzz: seed $seed, $cases cases, time bound ${secs}s"
  out=$(mktemp)
  PGOPTIONS="-c fuzz.min_cases=${FUZZ_MIN_CASES:-$cases}" psql -X -q -d $db -v cases="$cases" -v seconds="$secs" -v seed="$seed" \
    -f test/fuzz/fuzz.sql >"$out" 2>&1 || rc=1
  grep -v '^\s*$' "$out" | grep -v 'setseed\|^-*$\|^ fuzz $\|^(1 row)'
  rm -f "$out"
done
# the server is still up and answering
psql -X -qAt -d $db -c "SELECT supplyrisk.hhi('{1:1,2:1}'::supplyrisk.supply_mix)" | grep -qx 5000 || { echo "fuzz: server not answering after the campaign"; rc=1; }
psql -X -q -d postgres -c "DROP DATABASE $db" >/dev/null 2>&1
if [ $rc -eq 0 ]; then echo "fuzz: ok"; else echo "fuzz: FAILED"; fi
exit $rc
