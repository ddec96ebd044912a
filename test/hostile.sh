#!/usr/bin/env bash
# Install safety: install and use supplyrisk under a hostile search_path — a schema
# ahead of pg_catalog with look-alike operators, functions and aggregates that raise
# an error when called — and check nothing resolves to them; plus static checks of
# the install script and the catalog (SECURITY DEFINER pinned, not trusted).
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
db=supplyrisk_hostile
. "$top/test/lib.sh"
su() { psql -X -qAt -d $db "$@"; }
psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null || exit 1
su -v ON_ERROR_STOP=1 >/dev/null <<'SQL' || exit 1
CREATE SCHEMA evil;
CREATE FUNCTION evil.trap() RETURNS boolean LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'resolved to a look-alike in schema evil'; END $$;
CREATE FUNCTION evil.t_tt(text, text) RETURNS boolean LANGUAGE sql AS 'SELECT evil.trap()';
CREATE FUNCTION evil.t_bb(bigint, bigint) RETURNS boolean LANGUAGE sql AS 'SELECT evil.trap()';
CREATE FUNCTION evil.t_dd(date, date) RETURNS boolean LANGUAGE sql AS 'SELECT evil.trap()';
CREATE FUNCTION evil.t_ff(float8, float8) RETURNS float8 LANGUAGE sql AS 'SELECT 0::float8 WHERE evil.trap()';
CREATE FUNCTION evil.t_cat(text, text) RETURNS text LANGUAGE sql AS 'SELECT ''x'' WHERE evil.trap()';
CREATE OPERATOR evil.= (LEFTARG = text, RIGHTARG = text, FUNCTION = evil.t_tt);
CREATE OPERATOR evil.<> (LEFTARG = text, RIGHTARG = text, FUNCTION = evil.t_tt);
CREATE OPERATOR evil.= (LEFTARG = bigint, RIGHTARG = bigint, FUNCTION = evil.t_bb);
CREATE OPERATOR evil.<= (LEFTARG = date, RIGHTARG = date, FUNCTION = evil.t_dd);
CREATE OPERATOR evil.> (LEFTARG = date, RIGHTARG = date, FUNCTION = evil.t_dd);
CREATE OPERATOR evil.* (LEFTARG = float8, RIGHTARG = float8, FUNCTION = evil.t_ff);
CREATE OPERATOR evil./ (LEFTARG = float8, RIGHTARG = float8, FUNCTION = evil.t_ff);
CREATE OPERATOR evil.- (LEFTARG = float8, RIGHTARG = float8, FUNCTION = evil.t_ff);
CREATE OPERATOR evil.|| (LEFTARG = text, RIGHTARG = text, FUNCTION = evil.t_cat);
CREATE FUNCTION evil.now() RETURNS timestamptz LANGUAGE sql AS 'SELECT NULL::timestamptz WHERE evil.trap()';
CREATE FUNCTION evil.format(text, text) RETURNS text LANGUAGE sql AS 'SELECT NULL::text WHERE evil.trap()';
CREATE FUNCTION evil.lower(text) RETURNS text LANGUAGE sql AS 'SELECT NULL::text WHERE evil.trap()';
CREATE FUNCTION evil.round(numeric, integer) RETURNS numeric LANGUAGE sql AS 'SELECT NULL::numeric WHERE evil.trap()';
CREATE FUNCTION evil.current_setting(text, boolean) RETURNS text LANGUAGE sql AS 'SELECT NULL::text WHERE evil.trap()';
CREATE FUNCTION evil.cardinality(anyarray) RETURNS integer LANGUAGE sql AS 'SELECT NULL::integer WHERE evil.trap()';
CREATE FUNCTION evil.jsonb_build_object(text, bigint) RETURNS jsonb LANGUAGE sql AS 'SELECT NULL::jsonb WHERE evil.trap()';
CREATE FUNCTION evil.sfunc(float8, float8) RETURNS float8 LANGUAGE sql AS 'SELECT 0::float8 WHERE evil.trap()';
CREATE AGGREGATE evil.sum(float8) (SFUNC = evil.sfunc, STYPE = float8);
CREATE FUNCTION evil.cfunc(bigint) RETURNS bigint LANGUAGE sql AS 'SELECT 0::bigint WHERE evil.trap()';
CREATE AGGREGATE evil.count(*) (SFUNC = evil.cfunc, STYPE = bigint, INITCOND = '0');
CREATE FUNCTION evil.isfinite(date) RETURNS boolean LANGUAGE sql AS 'SELECT evil.trap()';
CREATE FUNCTION evil.nextval(regclass) RETURNS bigint LANGUAGE sql AS 'SELECT 0::bigint WHERE evil.trap()';
-- look-alike types: a cast to a bare type name in a function body that is parsed when it runs
-- (a LANGUAGE sql function without SET search_path) would pick these and run their check
CREATE DOMAIN evil.float8 AS pg_catalog.float8 CHECK (evil.trap());
CREATE DOMAIN evil.text AS pg_catalog.text CHECK (evil.trap());
CREATE DOMAIN evil.jsonb AS pg_catalog.jsonb CHECK (evil.trap());
CREATE DOMAIN evil.date AS pg_catalog.date CHECK (evil.trap());
CREATE DOMAIN evil.int8 AS pg_catalog.int8 CHECK (evil.trap());
CREATE DOMAIN evil.int4 AS pg_catalog.int4 CHECK (evil.trap());
CREATE DOMAIN evil.bool AS pg_catalog.bool CHECK (evil.trap());
CREATE DOMAIN evil.timestamptz AS pg_catalog.timestamptz CHECK (evil.trap());
CREATE DOMAIN evil.bytea AS pg_catalog.bytea CHECK (evil.trap());
-- the look-alikes really are picked by unqualified SQL under this search_path
SQL
check "the traps work: unqualified text = text hits them" "resolved" \
  "$(su -c 'SET search_path = evil, pg_catalog' -c "SELECT 'a' = 'a'" 2>&1 | grep -o resolved | head -1)"
check "the type traps work: a cast to a bare float8 hits them" "resolved" \
  "$(su -c 'SET search_path = evil, pg_catalog' -c "SELECT 1::float8" 2>&1 | grep -o resolved | head -1)"
check "the type traps work: a LANGUAGE sql function's bare cast, parsed when it runs, hits them" "resolved" \
  "$(su -c 'CREATE FUNCTION public.probe_cast(x int) RETURNS pg_catalog.float8 LANGUAGE sql AS $$ SELECT x::float8 $$' -c 'SET search_path = evil, pg_catalog' -c "SELECT public.probe_cast(1)" 2>&1 | grep -o resolved | head -1)"
hostile="SET search_path = evil, pg_catalog, public"
out=$(su -v ON_ERROR_STOP=1 -c "$hostile" -c 'CREATE EXTENSION supplyrisk' 2>&1); rc=$?
check "CREATE EXTENSION under the hostile search_path" "0" "$rc"
[ $rc -ne 0 ] && echo "$out" | head -5
out=$(su -v ON_ERROR_STOP=1 -c "SET search_path = public" -v scale=0.05 -f data/generate.sql 2>&1 >/dev/null); check "demo data loads" "" "$out"
# every view, the table functions, refresh, snapshot, trend, reports, grants — all under the hostile path
views=$(su -c "SELECT table_name FROM information_schema.views WHERE table_schema = 'supplyrisk' ORDER BY 1")
bad=0; nv=0
for v in $views; do
  nv=$((nv+1))
  # (computed_at, the time a live row was computed, differs between the two sessions by design)
  j="(pg_catalog.to_jsonb(x) OPERATOR(pg_catalog.-) 'computed_at'::pg_catalog.text)::pg_catalog.text"
  h=$(su -c "$hostile" -c "SELECT md5(string_agg($j, ',' ORDER BY $j)) FROM supplyrisk.$v x" 2>&1 | tail -1)
  o=$(su -c "SELECT md5(string_agg($j, ',' ORDER BY $j)) FROM supplyrisk.$v x" 2>&1 | tail -1)
  if [ "$h" != "$o" ]; then echo "# $v: $h"; bad=$((bad+1)); fi
done
check "all $nv views give the same rows under the hostile search_path" "0" "$bad"
for sql in "CALL supplyrisk.refresh(); SELECT true" "SELECT supplyrisk.take_snapshot('x') > 0" "SELECT pg_catalog.count(*) >= 0 FROM supplyrisk.trend" \
           "SELECT length(supplyrisk.sector_report('energy')) > 0" "SELECT length(supplyrisk.sector_report(NULL, 'html')) > 0" \
           "SELECT pg_catalog.count(*) > 0 FROM supplyrisk.sector_overview_at('2026-01-01')" "SELECT pg_catalog.count(*) >= 0 FROM supplyrisk.multi_vendor_gaps_at('2026-01-01')" \
           "SELECT (supplyrisk.score_supplier(1)).risk_score IS NOT NULL" "SELECT supplyrisk.hhi(supplyrisk.deep_mix('{1:1}')) > 0" \
           "SELECT pg_catalog.count(*) > 0 FROM supplyrisk.entity_deep_exposure_at('2026-06-01', 3)"; do
  check "under the hostile search_path: $sql" "t" "$(su -c "$hostile" -c "$sql" 2>&1 | tail -1)"
done
psql -X -q -d $db -c "CREATE ROLE sr_hostile_probe" >/dev/null 2>&1
check "grant_access and revoke_access under the hostile search_path" "t" \
  "$(su -c "$hostile" -c "SELECT supplyrisk.grant_access('sr_hostile_probe', 'read', '{DE}')" -c "SELECT supplyrisk.revoke_access('sr_hostile_probe')" 2>&1 | tail -1)"
psql -X -q -d postgres -c "DROP ROLE sr_hostile_probe" >/dev/null 2>&1
check "every SECURITY DEFINER function pins search_path" "0" \
  "$(su -c "SELECT count(*) FROM pg_proc p JOIN pg_depend d ON d.objid = p.oid AND d.deptype = 'e' JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'supplyrisk' WHERE p.prosecdef AND NOT EXISTS (SELECT 1 FROM unnest(p.proconfig) c WHERE c LIKE 'search_path=%')")"
check "SECURITY DEFINER functions are the expected eleven" "access_member_states_for,federation_export_rows,federation_gap_rows,federation_group_rows,federation_info_row,federation_scope,grant_access,measure_progress_rows,revoke_access,track_change,track_supply_insert" \
  "$(su -c "SELECT string_agg(p.proname, ',' ORDER BY p.proname) FROM pg_proc p JOIN pg_depend d ON d.objid = p.oid AND d.deptype = 'e' JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'supplyrisk' WHERE p.prosecdef")"
# the search_path rule (DEVELOPER.md): a LANGUAGE sql function without SET search_path is parsed
# in its caller's search_path, so it names pg_catalog's types (the grammar's own type keywords,
# integer, bigint, boolean, numeric, double precision..., are pg_catalog's already)
check "no SQL function parsed in its caller's search_path casts to a bare type name" "" \
  "$(su -c "SELECT string_agg(DISTINCT p.proname || ' ::' || m[1], ', ') FROM pg_proc p
              JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
              JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'supplyrisk'
              JOIN pg_language l ON l.oid = p.prolang AND l.lanname = 'sql'
              CROSS JOIN LATERAL regexp_matches(p.prosrc, '::\s*([A-Za-z_][A-Za-z0-9_]*)\M(?!\s*\.)', 'g') m
              WHERE p.proconfig IS NULL AND p.prosqlbody IS NULL
                AND lower(m[1]) NOT IN ('integer', 'int', 'bigint', 'smallint', 'boolean', 'numeric', 'decimal', 'dec', 'real',
                                        'double', 'float', 'varchar', 'char', 'character', 'interval', 'timestamp', 'time', 'bit', 'national', 'nchar')")"
check "every view is security_invoker" "0" \
  "$(su -c "SELECT count(*) FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace WHERE s.nspname = 'supplyrisk' AND c.relkind = 'v' AND NOT coalesce('security_invoker=true' = ANY (c.reloptions), false)")"
# install scripts only (supplyrisk--X.sql, one "--"): upgrade scripts may replace objects
installs=$(ls sql/supplyrisk--*.sql | grep -vE -- '--[^-]+--')
check "install scripts ($(echo $installs)): no CREATE OR REPLACE / IF NOT EXISTS" "0" "$(grep -ciE 'create[[:space:]]+or[[:space:]]+replace|(create|alter)[[:space:]][a-z ]*if[[:space:]]+not[[:space:]]+exists' $installs | awk -F: '{s+=$NF} END {print s+0}')"
check "not marked trusted" "0" "$(grep -ciE '^\s*trusted\s*=\s*true' supplyrisk.control)"
psql -X -q -d postgres -c "DROP DATABASE $db" >/dev/null
finish "hostile search_path"
