#!/usr/bin/env bash
# Upgrade path: for every earlier version with an update path to the default
# version (sql/supplyrisk--X.sql plus sql/supplyrisk--X--Y.sql scripts), install X,
# ALTER EXTENSION supplyrisk UPDATE, and compare every extension object (definition,
# columns, constraints, indexes, triggers, policies, privileges, comments, config
# dump registration, shipped rows) with a fresh install of the default version.
# The comparison itself is checked both ways on every run: two fresh installs
# compare equal, and a fresh install with one altered object does not.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
. "$top/test/lib.sh"
default=$(sed -nE "s/^default_version *= *'([^']+)'.*/\1/p" supplyrisk.control)
fresh() { psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1" >/dev/null && psql -X -q -d "$1" -c "CREATE EXTENSION supplyrisk VERSION '$2'" >/dev/null; }
catalog() { psql -X -qAt -d "$1" -f test/upgrade/catalog.sql; }
# rows DB [EARLIER]: the user rows of every user table (over EARLIER's columns when given)
rows() { psql -X -qAt -d "$1" -v cols="$(echo "${2:-}" | awk -F: 'NF {print $1 ":" $2}')" -f test/upgrade/rows.sql; }
fresh supplyrisk_up_ref "$default" || exit 1
ref=$(catalog supplyrisk_up_ref)
check "the catalog description is non-trivial ($(echo "$ref" | wc -l) objects)" "t" "$([ "$(echo "$ref" | wc -l)" -gt 200 ] && echo t)"
fresh supplyrisk_up_b "$default" || exit 1
check "two fresh installs of $default describe identically" "" "$(diff <(echo "$ref") <(catalog supplyrisk_up_b))"
psql -X -q -d supplyrisk_up_b -c "COMMENT ON FUNCTION supplyrisk.version() IS 'changed'" -c "ALTER TABLE supplyrisk.snapshot ALTER COLUMN label SET DEFAULT 'x'" >/dev/null
check "an altered comment and column default are noticed" "2" "$(diff <(echo "$ref") <(catalog supplyrisk_up_b) | grep -c '^>')"
paths=$(psql -X -qAt -d supplyrisk_up_ref -c "SELECT source FROM pg_extension_update_paths('supplyrisk') WHERE target = '$default' AND path IS NOT NULL ORDER BY 1")
if [ -z "$paths" ]; then
  echo "# no update path to $default yet (it is the first version); each future sql/supplyrisk--X--$default.sql is tested here"
fi
for v in $paths; do
  fresh supplyrisk_up_old "$v" || { check "install $v" "ok" "failed"; continue; }
  psql -X -q -d supplyrisk_up_old -v scale=0.02 -f data/generate.sql >/dev/null 2>&1
  # (no grant: grants change the objects' ACLs, which the catalog comparison would see)
  psql -X -q -d supplyrisk_up_old -c "CALL supplyrisk.refresh()" -c "SELECT supplyrisk.take_snapshot('before the update')" \
    -c "BEGIN; INSERT INTO supplyrisk.methodology (name, description, hrv_threshold) VALUES ('national', 'a national variant', 55);
        INSERT INTO supplyrisk.methodology_weight (methodology, factor_code, weight) SELECT 'national', code, 2 FROM supplyrisk.risk_factor; COMMIT;" >/dev/null 2>&1
  check "$v with the current library: every supplier scored" "t" "$(psql -X -qAt -d supplyrisk_up_old -c 'SELECT count(*) > 0 AND bool_and(risk_level IS NOT NULL) FROM supplyrisk.supplier_risk')"
  before=$(rows supplyrisk_up_old)
  check "$v holds user rows in every user table before the update" "" "$(echo "$before" | grep -v '^access_grant:' | grep ':0$')"
  check "ALTER EXTENSION UPDATE from $v runs" "" "$(psql -X -q -v ON_ERROR_STOP=1 -d supplyrisk_up_old -c "ALTER EXTENSION supplyrisk UPDATE TO '$default'" 2>&1)"
  check "ALTER EXTENSION UPDATE from $v: objects identical to a fresh $default" "" "$(diff <(echo "$ref") <(catalog supplyrisk_up_old) | head -20)"
  check "ALTER EXTENSION UPDATE from $v: every user row kept (over the columns of $v)" "" "$(diff <(echo "$before") <(rows supplyrisk_up_old "$before") | head -10)"
  check "ALTER EXTENSION UPDATE from $v: function_overview computed live before the first refresh after it (rollups of $v have no function rows)" "t" \
    "$(psql -X -qAt -d supplyrisk_up_old -c 'SELECT count(*) > 0 AND count(*) = (SELECT count(*) FROM supplyrisk.function_overview_at()) FROM supplyrisk.function_overview' 2>&1)"
  check "ALTER EXTENSION UPDATE from $v: refresh and the dashboard work after it" "t" \
    "$(psql -X -qAt -d supplyrisk_up_old -c 'CALL supplyrisk.refresh()' -c 'SELECT count(*) > 0 FROM supplyrisk.sector_overview WHERE unassessed_share IS NOT NULL' 2>&1)"
  check "ALTER EXTENSION UPDATE from $v: the refresh after it fills function_rollup (full: another version)" "true|full" \
    "$(psql -X -qAt -d supplyrisk_up_old -c "SELECT (SELECT count(*) > 0 FROM supplyrisk.function_rollup) || '|' || (SELECT mode FROM supplyrisk.rollup_status)" 2>&1)"
  check "ALTER EXTENSION UPDATE from $v: the shipped default's bands move to the midpoints, the user's methodology keeps its own" "37.5/62.5/87.5 25/50/75" \
    "$(psql -X -qAt -d supplyrisk_up_old -c "SELECT string_agg(format('%s/%s/%s', band_medium, band_high, band_critical), ' ' ORDER BY shipped DESC) FROM supplyrisk.methodology WHERE name IN ('default', 'national')")"
  check "ALTER EXTENSION UPDATE from $v: version" "$default" "$(psql -X -qAt -d supplyrisk_up_old -c "SELECT extversion FROM pg_extension WHERE extname = 'supplyrisk'")"
done
# grants made before the update reach the tables it adds (a database of its own: grants change ACLs)
if [ -n "$paths" ]; then
  v=$(echo $paths | awk '{print $1}')
  psql -X -q -d postgres -c "DROP ROLE IF EXISTS sr_up_reader" -c "DROP ROLE IF EXISTS sr_up_admin" -c "CREATE ROLE sr_up_reader" -c "CREATE ROLE sr_up_admin" >/dev/null 2>&1
  fresh supplyrisk_up_grants "$v" && psql -X -q -d supplyrisk_up_grants -c "SELECT supplyrisk.grant_access('sr_up_reader', 'read', '{DE}')" \
    -c "SELECT supplyrisk.grant_access('sr_up_admin', 'admin')" -c "ALTER EXTENSION supplyrisk UPDATE TO '$default'" >/dev/null 2>&1
  check "ALTER EXTENSION UPDATE from $v: earlier grants reach org_alias (reader reads, admin writes)" "t|f|t" \
    "$(psql -X -qAt -d supplyrisk_up_grants -c "SELECT has_table_privilege('sr_up_reader', 'supplyrisk.org_alias', 'SELECT'), has_table_privilege('sr_up_reader', 'supplyrisk.org_alias', 'INSERT'), has_table_privilege('sr_up_admin', 'supplyrisk.org_alias', 'INSERT')")"
  check "ALTER EXTENSION UPDATE from $v: an earlier admin may run refresh(boolean, boolean) and add federation members; the reader reads federation_member and may not" "t|t|t|f" \
    "$(psql -X -qAt -d supplyrisk_up_grants -c "SELECT has_function_privilege('sr_up_admin', 'supplyrisk.refresh(boolean, boolean)', 'EXECUTE'), has_function_privilege('sr_up_admin', 'supplyrisk.federation_add_member(text, name)', 'EXECUTE'), has_table_privilege('sr_up_reader', 'supplyrisk.federation_member', 'SELECT'), has_function_privilege('sr_up_reader', 'supplyrisk.refresh(boolean, boolean)', 'EXECUTE')")"
  check "ALTER EXTENSION UPDATE from $v: the admin's privileges equal a fresh grant_access (views re-created included)" "" \
    "$(psql -X -qAt -d supplyrisk_up_grants -c "CREATE TEMP TABLE b AS SELECT c.relname, p.privilege_type FROM pg_class c, aclexplode(c.relacl) p WHERE c.relnamespace = 'supplyrisk'::regnamespace AND p.grantee = 'sr_up_admin'::regrole UNION SELECT p.proname, a.privilege_type FROM pg_proc p, aclexplode(p.proacl) a WHERE p.pronamespace = 'supplyrisk'::regnamespace AND a.grantee = 'sr_up_admin'::regrole" \
        -c "SELECT supplyrisk.grant_access('sr_up_admin', 'admin')" -c "SELECT x.* FROM (SELECT c.relname, p.privilege_type FROM pg_class c, aclexplode(c.relacl) p WHERE c.relnamespace = 'supplyrisk'::regnamespace AND p.grantee = 'sr_up_admin'::regrole UNION SELECT p.proname, a.privilege_type FROM pg_proc p, aclexplode(p.proacl) a WHERE p.pronamespace = 'supplyrisk'::regnamespace AND a.grantee = 'sr_up_admin'::regrole) x EXCEPT SELECT * FROM b" 2>&1 | grep -v '^$' | head -5)"
  psql -X -q -d postgres -c "DROP DATABASE IF EXISTS supplyrisk_up_grants" -c "DROP ROLE IF EXISTS sr_up_reader" -c "DROP ROLE IF EXISTS sr_up_admin" >/dev/null 2>&1
fi
check "library version = control file default_version" "$default" "$(psql -X -qAt -d supplyrisk_up_ref -c 'SELECT supplyrisk.version()')"
for d in supplyrisk_up_ref supplyrisk_up_b supplyrisk_up_old; do psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $d" >/dev/null 2>&1; done
finish "upgrade path"
