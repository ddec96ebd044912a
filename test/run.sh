#!/usr/bin/env bash
# `make test`: set up, then every suite — pg_regress (test/sql -> expected/),
# pgTAP (test/pgtap/*.sql through pg_prove), the dump/restore check, and the
# opt-in suites that can run here. Ends with "N passed, M failed".
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
envline=$(bash test/setup.sh) || { echo "supplyrisk: set-up failed" >&2; exit 1; }
eval "$envline"
export PGHOST PGPORT PGUSER
PG_CONFIG=$(ls /usr/lib/postgresql/15/bin/pg_config 2>/dev/null || command -v pg_config)

passed=0; failed=0
out=$(mktemp)
# suite NAME CMD...: runs CMD, counts the tests it reports (pg_regress, prove,
# or one test for a plain script) as passed or failed
suite() {
  local name=$1; shift
  echo "== $name"
  "$@" 2>&1 | tee "$out"
  local rc=${PIPESTATUS[0]} n f
  if n=$(grep -oE 'All [0-9]+ tests passed' "$out" | grep -oE '[0-9]+'); then f=0
  elif grep -qE '[0-9]+ of [0-9]+ tests failed' "$out"; then
    f=$(grep -oE '[0-9]+ of [0-9]+ tests failed' "$out" | awk '{print $1}')
    n=$(grep -oE '[0-9]+ of [0-9]+ tests failed' "$out" | awk '{print $3}'); n=$((n-f))
  elif grep -qE '^Files=[0-9]+, Tests=[0-9]+' "$out"; then
    n=$(grep -oE '^Files=[0-9]+, Tests=[0-9]+' "$out" | grep -oE 'Tests=[0-9]+' | cut -d= -f2)
    f=$(grep -oE 'Failed [0-9]+/[0-9]+ subtests' "$out" | awk '{split($2,a,"/"); s+=a[1]} END {print s+0}')
    n=$((n-f))
  else
    n=1; f=0
  fi
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  passed=$((passed+n)); failed=$((failed+f))
  if [ "$rc" -eq 0 ]; then echo "== $name: ok"; else echo "== $name: FAILED"; fi
}

regress() {
  make -s PG_CONFIG="$PG_CONFIG" installcheck
  local rc=$?
  [ $rc -ne 0 ] && [ -f regression.diffs ] && head -200 regression.diffs
  return $rc
}

tap() {
  psql -X -q -d postgres -c 'DROP DATABASE IF EXISTS supplyrisk_tap' -c 'CREATE DATABASE supplyrisk_tap' >/dev/null || return 1
  psql -X -q -d supplyrisk_tap -c 'CREATE EXTENSION pgtap' -c 'CREATE EXTENSION supplyrisk' >/dev/null || return 1
  pg_prove -d supplyrisk_tap test/pgtap/*.sql
}

suite "pg_regress" regress
suite "pgTAP" tap
suite "dump/restore" bash test/dump_restore.sh
suite "supply_mix binary I/O" bash test/binary.sh
suite "supply_mix memory (no per-row leak)" bash test/memory.sh
suite "access control (login roles, RLS)" bash test/security.sh
suite "install and use under a hostile search_path" bash test/hostile.sh
suite "supply_mix bad-input campaign (100k cases)" bash test/fuzz.sh
suite "crash safety (SIGKILL of the postmaster mid-load)" bash test/crash.sh
suite "upgrade path machinery" bash test/upgrade.sh
suite "rollups under concurrent writers, refreshes and readers" bash test/concurrency.sh
if [ -f "$($PG_CONFIG --sharedir)/extension/pg_cron.control" ]; then
  suite "pg_cron scheduling (own cluster)" bash test/cron.sh
else
  echo "== pg_cron scheduling: skipped (package postgresql-15-cron not installed)"
fi

echo
echo "supplyrisk: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
