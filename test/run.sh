#!/usr/bin/env bash
# `make test`: set up (packages, build, install, a private cluster of its own:
# SR_CLUSTER=test, never the demo's), then every suite under one `prove`, each
# reporting TAP through test/tap.sh: pg_regress, every pgTAP file, every shell
# suite. Ends with one line counting individual checks:
#   supplyrisk: N passed, M failed[, K skipped]
# The test cluster is stopped at the end (SR_KEEP=1 leaves it running); the
# suites create their own databases and drop them.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
# is the demo cluster of this checkout running? (it must still be, afterwards)
SR_DEMO_WAS_RUNNING=no
SR_CLUSTER=demo SR_PGPORT= bash test/cluster.sh status >/dev/null 2>&1 && SR_DEMO_WAS_RUNNING=yes
export SR_DEMO_WAS_RUNNING
export SR_CLUSTER=test
envline=$(bash test/setup.sh) || { echo "supplyrisk: set-up failed" >&2; echo "supplyrisk: 0 passed, 1 failed"; exit 1; }
eval "$envline"
export PGHOST PGPORT PGUSER
. test/pg.sh

SR_TAP_DIR=$(mktemp -d /tmp/supplyrisk-tap.XXXXXX)
export SR_TAP_DIR
trap 'rm -rf "$SR_TAP_DIR"' EXIT

suites=(test/regress.sh test/pgtap/*.sql
        test/dump_restore.sh test/binary.sh test/memory.sh test/security.sh test/hostile.sh
        test/releases.sh test/engine.sh test/fuzz.sh test/crash.sh test/upgrade.sh test/concurrency.sh test/cron.sh test/clusters.sh
        test/federation.sh test/report_browser.sh test/reference.sh test/meta.sh test/trust.sh)
prove --exec 'bash test/tap.sh' --timer "${suites[@]}"
prc=$?

passed=$(cat "$SR_TAP_DIR"/*.tap 2>/dev/null | grep -cE '^ok [0-9]+' || true)
skipped=$(cat "$SR_TAP_DIR"/*.tap 2>/dev/null | grep -ciE '^ok [0-9]+.*# skip' || true)
failed=$(cat "$SR_TAP_DIR"/*.tap 2>/dev/null | grep -cE '^not ok [0-9]+' || true)
ran=$(ls "$SR_TAP_DIR"/*.tap 2>/dev/null | wc -l)
if [ "$ran" -ne "${#suites[@]}" ]; then
  echo "supplyrisk: only $ran of ${#suites[@]} suites reported"
  failed=$((failed + ${#suites[@]} - ran))
fi
[ "$prc" -ne 0 ] && [ "$failed" -eq 0 ] && failed=1
[ -n "${SR_KEEP:-}" ] || bash test/cluster.sh stop >/dev/null
# last check, after everything (the test cluster stopped too): a demo cluster of this
# checkout that was running before make test is still running and answers
if [ "$SR_DEMO_WAS_RUNNING" = yes ]; then
  demo=$(SR_CLUSTER=demo SR_PGPORT= bash test/cluster.sh env)
  if (eval "$demo"; psql -X -qAt -h "$PGHOST" -p "$PGPORT" -U postgres -d postgres -c 'SELECT 1' 2>/dev/null | grep -qx 1); then
    echo "ok - the demo cluster, running before make test, still answers"; passed=$((passed + 1))
  else
    echo "not ok - the demo cluster, running before make test, no longer answers"; failed=$((failed + 1))
  fi
fi
echo
if [ "$skipped" -gt 0 ]; then
  echo "supplyrisk: $((passed - skipped)) passed, $failed failed, $skipped skipped"
else
  echo "supplyrisk: $passed passed, $failed failed"
fi
[ "$failed" -eq 0 ]
