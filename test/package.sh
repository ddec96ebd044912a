#!/usr/bin/env bash
# The Debian package alone (issue 26): run by test/matrix.sh inside a clean Debian
# root that has the PostgreSQL server of the package's version and nothing of
# supplyrisk, with only the package files and this script copied in (no build
# tree). Installs the package with dpkg, checks what it put where, starts a
# cluster, CREATE EXTENSION supplyrisk CASCADE, loads the demo data from the
# package's examples, refreshes and reads the dashboard, updates a 0.2.0
# database, and removes the package again.
#   bash package.sh VERSION DEBDIR PORT
# Output: TAP checks, then "package: ok" or "package: FAILED".
set -uo pipefail
v=$1; debs=$2; port=${3:-54560}
n=0; fail=0
check() {
  n=$((n+1))
  if [ "$2" = "$3" ]; then echo "ok $n - $1"; else echo "not ok $n - $1 (expected '$2', got '$3')"; fail=1; fi
}
finish() { echo "1..$n"; if [ $fail -eq 0 ]; then echo "package: ok"; else echo "package: FAILED"; fi; exit $fail; }
bin=/usr/lib/postgresql/$v/bin
deb=$(ls "$debs"/postgresql-"$v"-supplyrisk_*.deb 2>/dev/null | head -1)
check "PostgreSQL $v: a postgresql-$v-supplyrisk package was built" "t" "$([ -n "$deb" ] && echo t)"
[ -n "$deb" ] || finish
check "PostgreSQL $v: the root has no supplyrisk before the package" "0" "$(ls /usr/share/postgresql/$v/extension/ 2>/dev/null | grep -c supplyrisk)"
out=$(dpkg -i "$deb" 2>&1); rc=$?
[ $rc -eq 0 ] || echo "$out" | sed 's/^/# /'
check "PostgreSQL $v: dpkg -i $(basename "$deb")" "0" "$rc"
check "PostgreSQL $v: the package is installed" "install ok installed" "$(dpkg-query -W -f '${Status}' postgresql-$v-supplyrisk 2>&1)"
lib=$("$bin/pg_config" --pkglibdir); share=$("$bin/pg_config" --sharedir)
check "PostgreSQL $v: it installs the library, the control file and the install scripts" "t|t|t|t" \
  "$([ -f "$lib/supplyrisk.so" ] && echo t)|$([ -f "$share/extension/supplyrisk.control" ] && echo t)|$([ -f "$share/extension/supplyrisk--0.3.0.sql" ] && echo t)|$([ -f "$share/extension/supplyrisk--0.2.0--0.3.0.sql" ] && echo t)"
ex=/usr/share/doc/postgresql-$v-supplyrisk/examples/generate.sql
check "PostgreSQL $v: it ships the demo data generator as an example" "t" "$([ -f "$ex" ] && echo t)"

data=$(mktemp -d /tmp/supplyrisk-pkg.XXXXXX); chown postgres "$data"; chmod 700 "$data"
as_pg() { (cd / && runuser -u postgres -- "$@"); }
cleanup() { as_pg "$bin/pg_ctl" -D "$data/db" -m immediate stop >/dev/null 2>&1; rm -rf "$data"; }
trap cleanup EXIT
as_pg "$bin/initdb" -D "$data/db" -U postgres -A trust >/dev/null 2>&1
as_pg "$bin/pg_ctl" -D "$data/db" -l "$data/log" -w -o "-p $port -k $data -c listen_addresses=''" start >/dev/null 2>&1
check "PostgreSQL $v: a cluster starts" "0" "$?"
q() { local d=$1; shift; as_pg "$bin/psql" -X -q -v ON_ERROR_STOP=1 -h "$data" -p "$port" -U postgres -d "$d" "$@"; }
q postgres -c 'CREATE DATABASE smoke' -c 'CREATE DATABASE older' >/dev/null
check "PostgreSQL $v: CREATE EXTENSION supplyrisk CASCADE" "" "$(q smoke -c 'CREATE EXTENSION supplyrisk CASCADE' 2>&1)"
check "PostgreSQL $v: the library's version is the extension's" "0.3.0|0.3.0" \
  "$(q smoke -At -c "SELECT supplyrisk.version() || '|' || extversion FROM pg_extension WHERE extname = 'supplyrisk'" 2>&1)"
cp "$ex" "$data/generate.sql"; chown postgres "$data/generate.sql"
check "PostgreSQL $v: the demo data from the package's example loads" "" "$(q smoke -v scale=0.05 -f "$data/generate.sql" 2>&1 >/dev/null | grep -v '^NOTICE')"
check "PostgreSQL $v: refresh, then the EU dashboard has sectors with concentration figures" "t" \
  "$(q smoke -At -c 'CALL supplyrisk.refresh()' -c 'SELECT count(*) > 5 AND bool_and(hhi BETWEEN 0 AND 10000) FROM supplyrisk.sector_overview WHERE hhi IS NOT NULL' 2>&1)"
check "PostgreSQL $v: the live computation agrees with the rollups" "0" \
  "$(q smoke -At -c 'SELECT count(*) FROM supplyrisk.sector_overview r JOIN supplyrisk.sector_overview_at() l USING (sector_code, member_state) WHERE r.entities <> l.entities OR abs(r.hhi - l.hhi) > 1e-9 * greatest(r.hhi, 1)' 2>&1)"
check "PostgreSQL $v: a 0.2.0 database updates to 0.3.0 with the package's scripts" "0.3.0" \
  "$(q older -At -c "CREATE EXTENSION supplyrisk VERSION '0.2.0'" -c 'ALTER EXTENSION supplyrisk UPDATE' -c "SELECT extversion FROM pg_extension WHERE extname = 'supplyrisk'" 2>&1)"
as_pg "$bin/pg_ctl" -D "$data/db" -w stop >/dev/null 2>&1
out=$(dpkg -r "postgresql-$v-supplyrisk" 2>&1); rc=$?
check "PostgreSQL $v: dpkg -r removes the package and its files" "0|0" "$rc|$(ls "$share/extension/" "$lib" 2>/dev/null | grep -c supplyrisk)"
finish
