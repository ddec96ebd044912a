#!/usr/bin/env bash
# Dump a database holding user rows in every user table (and user rows in the
# reference tables), restore it into a fresh database, and compare every table
# of the extension and every sequence. Shipped reference rows must not be in
# the dump (the restore would then fail on duplicate keys).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/test/pg.sh"
. "$top/test/lib.sh"
src=supplyrisk_dump_src; dst=supplyrisk_dump_dst
dump=$(mktemp /tmp/supplyrisk-dump.XXXXXX)
trap 'rm -f "$dump"' EXIT
psql() { command psql -X -q -v ON_ERROR_STOP=1 "$@" >/dev/null 2>&1; }

for db in $src $dst; do psql -d postgres -c "DROP DATABASE IF EXISTS $db"; done
psql -d postgres -c "DROP ROLE IF EXISTS supplyrisk_dump_reader" -c "CREATE ROLE supplyrisk_dump_reader"
psql -d postgres -c "CREATE DATABASE $src"
psql -d $src -c 'CREATE EXTENSION supplyrisk'
psql -d $src -v scale=0.05 -f "$top/data/generate.sql" >/dev/null
psql -d $src <<'SQL'
SET search_path = supplyrisk;
INSERT INTO sector (code, name, annex) VALUES ('test_sector', 'A user-defined sector', 'II');
INSERT INTO subsector (code, sector_code, name) VALUES ('test_sector.sub', 'test_sector', 'A user subsector');
INSERT INTO country (code, name) VALUES ('XK', 'Kosovo (user-assigned code)');
INSERT INTO ict_function (code, name, criticality) VALUES ('it.print', 'Managed print', 'standard');
INSERT INTO risk_factor (code, dimension, name, description) VALUES ('t.user_factor', 'technical', 'User factor', 'A factor added by the user.');
INSERT INTO methodology (name, description, hrv_threshold) VALUES ('national_variant', 'a user methodology', 55);
INSERT INTO methodology_weight (methodology, factor_code, weight)
  SELECT 'national_variant', code, CASE WHEN code LIKE 'nt.%' THEN 2 ELSE 1 END FROM risk_factor;
INSERT INTO supply (entity_id, supplier_id, function_code, weight, basis, valid_from, valid_to)
  SELECT 1, 1, 'it.print', 0.1 + 1e-12, 'units', '2020-02-29', '2030-01-01';
INSERT INTO supplier_dependency (supplier_id, depends_on_supplier_id, function_code, share) VALUES (2, 3, 'it.print', 0.125);
INSERT INTO org_alias (alias, canonical) VALUES ('The Apache Software Foundation', 'Apache Software Foundation');
SELECT * FROM import_bom('{"bomFormat": "CycloneDX", "specVersion": "1.5", "serialNumber": "urn:uuid:00000000-0000-4000-8000-000000000001",
  "metadata": {"component": {"bom-ref": "app", "name": "app"}, "supplier": {"name": "Dump Test Vendor"}},
  "components": [{"bom-ref": "a", "name": "a", "supplier": {"name": "Component Maker GmbH"}}, {"bom-ref": "b", "name": "b"}],
  "dependencies": [{"ref": "app", "dependsOn": ["a", "b"]}]}');
-- a user table of stored mixes and their serialized states (issue 27.10), beside the extension's own
CREATE TABLE public.stored_states (id int PRIMARY KEY, m supplyrisk.supply_mix, state bytea);
INSERT INTO public.stored_states SELECT n, x.m, supplyrisk.supply_mix_to_state(x.m)
  FROM unnest(ARRAY[0, 1, 1000, 50000]) n, LATERAL (SELECT COALESCE(supplyrisk.supply_mix_agg(g, g * 0.1 + 1e-9), '{}') AS m FROM generate_series(1, n) g) x;
INSERT INTO public.stored_states SELECT -1, m, supplyrisk.supply_mix_to_state(m) FROM (SELECT '{"a\"b":1,"é":2}'::supplyrisk.supply_mix AS m) y;
INSERT INTO snapshot (label, taken_at) VALUES ('baseline', '2026-01-01 00:00+00');
INSERT INTO metric_snapshot (snapshot_id, sector_code, member_state, function_code, metrics)
  VALUES (1, 'energy', NULL, NULL, '{"hhi": 1234.5678901234567}'), (1, 'energy', 'DE', 'ot.scada', '{"hhi": 0.1}');
UPDATE assessment SET member_state = 'DE' WHERE assessment_id % 5 = 0;
CALL refresh();
SELECT take_snapshot('taken');
UPDATE supply SET weight = weight * 3 WHERE supply_id % 4 = 0;
SELECT take_snapshot('later');
SELECT grant_access('supplyrisk_dump_reader', 'read', '{DE,FR}');
-- the toolbox: a user catalogue and measure, observations (one confidential), contract checks
INSERT INTO toolbox (code, name, adopted_on, source) VALUES ('national-2026', 'A national supplement', '2026-03-01', 'Ministry circular 7/2026');
INSERT INTO measure (toolbox_code, code, kind, title, pillar, review_theme, addresses, source)
  VALUES ('ict-2026', 'MV-1', 'measure', 'Second source for critical functions', 'multi-vendor-strategies', 'multi_vendor', '{multi_vendor_gap}', 'ICT Supply Chain Security Toolbox, section 4.2'),
         ('national-2026', 'N1', 'measure', 'Register of critical suppliers', NULL, 'risk_management', '{}', 'Circular 7/2026, point 1');
INSERT INTO measure_status (toolbox_code, measure_code, member_state, reporting_round, legal_status, application, recorded_on, confidential, evidence)
  VALUES ('5g-2020', 'SM03', 'DE', '2025', 'adopted', 'restrictions_imposed', '2025-05-01', true, 'restricted'),
         ('ict-2026', 'MV-1', 'FR', '2026', 'in_preparation', 'not_applied', '2026-05-01', false, NULL);
INSERT INTO contract_control (entity_id, supplier_id, clause, in_place, evidence, checked_on)
  SELECT s.entity_id, s.supplier_id, '5.1.4d', true, 'contract 12, annex 3', '2026-02-01' FROM supply s ORDER BY s.supply_id LIMIT 3;
-- a user scope of ICT functions, and a user function in a shipped scope (issue 18)
INSERT INTO coordinated_assessment (code, name, adopted_on, source) VALUES ('payments-2027', 'National payments scope', '2027-01-15', 'Ministry circular 9/2027');
INSERT INTO coordinated_assessment_function (assessment_code, function_code)
  VALUES ('payments-2027', 'finance.payment_processing'), ('payments-2027', 'cloud.iaas'), ('cav-2026', 'cloud.iaas');
-- a coordinator's rows (after the refresh: refresh() would pull from the member otherwise)
INSERT INTO federation_member (member_state, server_name, last_pull, last_version, stale, last_error)
  VALUES ('LU', 'member_lu', '2026-01-02 03:04:05+00', '0.2.0', true, 'could not connect');
INSERT INTO federation_state (member_state, sector_code, function_code, group_mix, country_mix, entities, single_sourced,
                              weight, hrv_weight, risk_weight, unassessed_weight, gaps)
  VALUES ('LU', 'energy', 'ot.scada', '{"EUID:LU123":2.5,"LU:7":0.1}', '{"LU":2.6}', 3, 1, 2.6, 0.1, 80.25, 0, 2),
         ('LU', 'energy', NULL, NULL, NULL, 4, 0, 0, 0, 0, 0, NULL);
INSERT INTO federation_group (member_state, key, name) VALUES ('LU', 'EUID:LU123', 'Grid Systems S.A.'), ('LU', 'LU:7', 'Local <Vendor> & Co');
SQL

"$PGBIN/pg_dump" -Fc -f "$dump" $src
psql -d postgres -c "CREATE DATABASE $dst"
"$PGBIN/pg_restore" --exit-on-error -d $dst "$dump"

cmp_sql="SELECT c.relname, c.relkind,
  CASE WHEN c.relkind = 'r' THEN (xpath('/row/m/text()', query_to_xml(format(
         'SELECT md5(coalesce(string_agg(t::text, chr(10) ORDER BY t::text), '''')) || '':'' || count(*) AS m FROM %s t %s', c.oid::regclass,
         CASE WHEN EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'shipped') THEN 'WHERE NOT shipped' ELSE '' END), false, true, '')))[1]::text
       ELSE (xpath('/row/m/text()', query_to_xml(format('SELECT last_value || '':'' || is_called AS m FROM %s', c.oid::regclass), false, true, '')))[1]::text END
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'supplyrisk' AND c.relkind IN ('r', 'S')
  AND c.relname NOT IN ('rollup_change', 'rollup_change_id_seq')  -- the change log: not dumped (a restore logs its own loading)
ORDER BY 1"
a=$(command psql -X -At -d $src -c "$cmp_sql")
b=$(command psql -X -At -d $dst -c "$cmp_sql")
empty=$(command psql -X -At -d $src -c "SELECT string_agg(c.relname, ' ') FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname = 'supplyrisk' AND c.relkind = 'r'
    AND (xpath('/row/n/text()', query_to_xml(format('SELECT count(*) AS n FROM %s', c.oid::regclass), false, true, '')))[1]::text = '0'")
check "every table of the extension has rows in the source" "" "$empty"
shipped="SELECT string_agg(format('%s:%s', c.relname, (xpath('/row/n/text()', query_to_xml(format('SELECT count(*) AS n FROM %s WHERE shipped', c.oid::regclass), false, true, '')))[1]::text), ' ' ORDER BY c.relname)
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'shipped'
  WHERE n.nspname = 'supplyrisk' AND c.relkind = 'r'"
a="$a
$(command psql -X -At -d $src -c "$shipped")"
b="$b
$(command psql -X -At -d $dst -c "$shipped")"
check "$(echo "$a" | wc -l) tables and sequences identical after pg_dump/pg_restore (snapshots, rollups, grants included; shipped rows not dumped)" "" "$(diff <(echo "$a") <(echo "$b") | head -10)"
# every view gives the same rows (the rollup-backed dashboards, trend and the live views)
# (rollup_status: its age column moves with the clock; federation_export: checked below, its mixes
# print their keys in the order the rows were read)
vq="SELECT string_agg(table_name, ' ' ORDER BY table_name) FROM information_schema.views WHERE table_schema = 'supplyrisk' AND table_name NOT IN ('rollup_status', 'federation_export')"
nv=0
for v in $(command psql -X -At -d $src -c "$vq"); do
  # floats compared to 10 decimals: sums over rows in a different physical order differ in the last bits
  h="SELECT md5(coalesce(string_agg(regexp_replace(x::text, '([0-9]\.[0-9]{10})[0-9]+', '\1', 'g'), chr(10) ORDER BY regexp_replace(x::text, '([0-9]\.[0-9]{10})[0-9]+', '\1', 'g')), '')) || ':' || count(*) FROM supplyrisk.$v x"
  va=$(command psql -X -At -d $src -c "$h"); vb=$(command psql -X -At -d $dst -c "$h")
  check "view $v gives the same rows after restore" "$va" "$vb"
  nv=$((nv+1))
done
fx="SELECT md5(string_agg(concat_ws(':', sector_code, member_state, function_code, round(supplyrisk.hhi(group_mix)::numeric, 9), supplyrisk.key_count(group_mix),
        round(supplyrisk.hhi(country_mix)::numeric, 9), entities, single_sourced, round(weight::numeric, 6)), ',' ORDER BY sector_code, member_state, function_code)) || ':' || count(*)
    FROM supplyrisk.federation_export"
check "view federation_export gives the same states after restore (mixes compared by HHI and key count)" "$(command psql -X -At -d $src -c "$fx")" "$(command psql -X -At -d $dst -c "$fx")"
st="SELECT count(*) FILTER (WHERE supplyrisk.supply_mix_from_state(state) OPERATOR(supplyrisk.=) m AND supplyrisk.supply_mix_from_state(state)::text = m::text) || '/' || count(*) FROM public.stored_states"
check "a user table of stored mixes and states survives pg_dump/pg_restore, each state still reading back as its mix" "5/5|5/5" \
  "$(command psql -X -At -d $src -c "$st")|$(command psql -X -At -d $dst -c "$st")"
check "the restored database reads its rollups" "rollup" "$(command psql -X -At -d $dst -c "SELECT source FROM supplyrisk.rollup_status")"
[ -n "${SR_KEEP:-}" ] || for db in $src $dst; do psql -d postgres -c "DROP DATABASE $db"; done
psql -d postgres -c "DROP ROLE supplyrisk_dump_reader"
finish "dump/restore"
