#!/usr/bin/env bash
# Released scripts are frozen: every file sql/released.md5 names still has its checksum, every
# tracked sql/supplyrisk--*.sql script is either released (named there) or a build output (not
# tracked at all), and the default version is not a released one (its install script is built).
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
. "$top/test/lib.sh"
default=$(sed -nE "s/^default_version *= *'([^']+)'.*/\1/p" supplyrisk.control)
check "sql/released.md5 names the released scripts (at least 0.1.0, 0.1.0--0.2.0, 0.2.0)" "3" \
  "$(grep -cE ' supplyrisk--(0\.1\.0|0\.1\.0--0\.2\.0|0\.2\.0)\.sql$' sql/released.md5)"
while read -r sum file; do
  check "released script $file unchanged (md5 $sum)" "$sum" "$(md5sum < "sql/$file" 2>/dev/null | cut -d' ' -f1)"
done < sql/released.md5
if git rev-parse --git-dir >/dev/null 2>&1; then
  check "every tracked sql/supplyrisk--*.sql is a released script (the rest are build outputs)" "" \
    "$(git ls-files 'sql/supplyrisk--*.sql' | sed 's|^sql/||' | grep -vxFf <(awk '{print $2}' sql/released.md5))"
fi
check "the default version $default is not released yet (its install script is built from sql/install.sql)" "" \
  "$(grep -F " supplyrisk--$default.sql" sql/released.md5)"
check "the default version's install script is the build's: sql/build.sh over sql/install.sql" "" \
  "$(bash sql/build.sh "$default" install.sql "sql/.releases-check.sql" && cmp "sql/.releases-check.sql" "sql/supplyrisk--$default.sql"; rm -f sql/.releases-check.sql)"
# the checksum comparison itself can fail: a changed copy does not match
tmp=$(mktemp); cp sql/supplyrisk--0.2.0.sql "$tmp"; echo "-- edit" >> "$tmp"
check "a changed copy of a released script does not match its checksum" "t" \
  "$([ "$(md5sum < "$tmp" | cut -d' ' -f1)" != "$(awk '$2 == "supplyrisk--0.2.0.sql" {print $1}' sql/released.md5)" ] && echo t)"
rm -f "$tmp"
finish "released scripts"
