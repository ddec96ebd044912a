#!/usr/bin/env bash
# The pg_regress suite (test/sql/*.sql against expected/*.out) as TAP: one check
# per test file; the diff of a failed one follows as comments.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
. test/pg.sh
. test/lib.sh
tests=$(cd test/sql && ls *.sql | sed 's/\.sql$//' | sort)
out=$(mktemp); trap 'rm -f "$out"' EXIT
rm -rf test/results
# shellcheck disable=SC2086
"$("$PG_CONFIG" --pkglibdir)/pgxs/src/test/regress/pg_regress" --inputdir=test --outputdir=test/results \
  --bindir="$PGBIN" --dbname=contrib_regression --load-extension=supplyrisk $tests >"$out" 2>&1
rc=$?
for t in $tests; do
  check "pg_regress $t" "ok" "$(grep -qE "^test $t +\.\.\. ok|^ok +[0-9]+ +- +$t " "$out" && echo ok || echo "different output, see test/results/regression.diffs")"
done
[ $rc -ne 0 ] && [ -f test/results/regression.diffs ] && sed 's/^/# /' test/results/regression.diffs | head -200
psql -X -q -d postgres -c 'DROP DATABASE IF EXISTS contrib_regression' >/dev/null 2>&1
[ $rc -eq 0 ] || fail=1
finish "pg_regress"
