#!/usr/bin/env bash
# One TAP contract for every suite: `prove --exec 'bash test/tap.sh'` runs this
# once per suite, named by a file:
#   test/pgtap/X.sql    a pgTAP file, in a fresh database with pgtap and supplyrisk
#   test/X.sh           a shell suite (test/lib.sh checks)
# Whatever the suite prints is passed on as TAP: its checks renumbered, any other
# line as a "# " comment, and the plan at the end. A suite that exits non-zero
# without reporting a failed check gets one failed check saying so, and one that
# reports no check at all fails too: a suite can never pass by saying nothing.
# Each suite's TAP is also kept in $SR_TAP_DIR (for the closing count).
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
. test/pg.sh
suite=$1
name=${suite#test/}; name=${name%.sh}; name=${name%.sql}; name=${name//\//_}
raw=$(mktemp); trap 'rm -f "$raw"' EXIT

run_pgtap() {
  local db=supplyrisk_tap_$(basename "$suite" .sql) rc
  psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null 2>&1 || return 1
  psql -X -q -v ON_ERROR_STOP=1 -d $db -c 'CREATE EXTENSION pgtap' -c 'CREATE EXTENSION supplyrisk' >/dev/null || return 1
  psql -X -qAt -v ON_ERROR_STOP=1 -d $db -f "$suite" 2>&1
  rc=$?
  psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1
  return $rc
}

case "$suite" in
  test/pgtap/*.sql) run_pgtap >"$raw" 2>&1 ;;
  *.sh) bash "$suite" >"$raw" 2>&1 ;;
  *) echo "not ok 1 - unknown suite $suite"; echo "1..1"; exit 1 ;;
esac
rc=$?

out=$(awk -v rc="$rc" -v name="$name" '
  /^(not )?ok( [0-9]+)?( |$)/ {
    n++; fail += ($1 == "not")
    line = $0
    sub(/^(not )?ok( [0-9]+)?/, "", line)
    print ($1 == "not" ? "not ok " : "ok ") n line
    next
  }
  /^1\.\.[0-9]+/ { next }
  /^#/ { print; next }
  { print "# " $0 }
  END {
    if (n == 0) { n++; fail++; print "not ok " n " - " name ": the suite reported no check (exit status " rc ")" }
    else if (rc != 0 && fail == 0) { n++; fail++; print "not ok " n " - " name ": the suite exited with status " rc " after its checks" }
    print "1.." n
  }' "$raw")
echo "$out"
if [ -n "${SR_TAP_DIR:-}" ]; then echo "$out" >"$SR_TAP_DIR/$name.tap"; fi
echo "$out" | grep -q '^not ok' && exit 1
exit 0
