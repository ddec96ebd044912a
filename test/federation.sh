#!/usr/bin/env bash
# Federation over real postgres_fdw servers. On the test cluster: a reference database
# with three member states' data in one place, two member databases (one member state
# each) and the coordinator; on a second cluster of its own, reached over TCP with a
# password (scram-sha-256), the third member. Checks: the federation role reads the
# exports and no raw table; the coordinator's rollups equal the single database's (counts
# exact, floats within 1e-12 relative); the pull is an aggregate pushed down, members
# queried concurrently; a group without a global id stays distinct per member state;
# snapshots and the sector views work at EU level; an outage (the second cluster stopped
# mid-test), wrong credentials, a member without supplyrisk, with 0.1.0 or with another
# state format fail with an error that names the member and the cause, previous rollups
# intact; skip_unreachable goes on and marks the member stale.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
. test/pg.sh
. test/lib.sh
ver=$(sed -nE "s/^default_version *= *'([^']+)'.*/\1/p" supplyrisk.control)  # the version under test
main_host=$PGHOST main_port=$PGPORT
q() { psql -X -qAt -v ON_ERROR_STOP=1 "$@"; }
# the error of a statement: "SQLSTATE|message" (VERBOSITY sqlstate prints the code only)
err() { local db=$1; shift; psql -X -qAt -d "$db" -v VERBOSITY=verbose "$@" 2>&1 >/dev/null | sed -n 's/^\(ERROR\|FATAL\): *\([0-9A-Z]\{5\}\): \(.*\)/\2|\3/p' | head -1; }
scale=${FED_SCALE:-0.5}
dbs="fed_one fed_m1 fed_m2 fed_eu fed_none fed_old fed_future fed_nogrant"

# --- the second cluster: its own port, TCP on 127.0.0.1, password authentication
p2=$(( ${SR_PGPORT:-54339} + 4 ))
second() { SR_CLUSTER=federation SR_PGPORT=$p2 SR_PGBASE= bash test/cluster.sh "$@"; }
second stop >/dev/null 2>&1
base2=$(dirname "$(second env | sed -n "s/.*SR_CLUSTER_DATA='\([^']*\)'.*/\1/p")"); rm -rf "$base2"
cleanup() {
  second stop >/dev/null 2>&1; [ -n "${SR_KEEP:-}" ] && return; rm -rf "$base2"
  for d in $dbs; do PGHOST=$main_host PGPORT=$main_port psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $d" >/dev/null 2>&1; done
}
trap cleanup EXIT
env2=$(second start) || { echo "not ok 1 - second cluster starts"; exit 1; }
host2=$(sed -n "s/.*PGHOST='\([^']*\)'.*/\1/p" <<<"$env2"); data2=$(sed -n "s/.*SR_CLUSTER_DATA='\([^']*\)'.*/\1/p" <<<"$env2")
q2() { PGHOST=$host2 PGPORT=$p2 q "$@"; }
q2 -d postgres -c "ALTER SYSTEM SET listen_addresses = '127.0.0.1'" \
   -c "COPY (VALUES ('local all all trust'), ('host all fed_reader 127.0.0.1/32 scram-sha-256'), ('host all all 127.0.0.1/32 reject')) TO '$data2/pg_hba.conf'" || exit 1
second stop >/dev/null && second start >/dev/null || { echo "not ok 1 - second cluster restarts with TCP"; exit 1; }

# --- the reference: three member states' data in one database, every supplier group with a global id
for d in $dbs; do q -d postgres -c "DROP DATABASE IF EXISTS $d" >/dev/null 2>&1; done
q -d postgres -c "CREATE DATABASE fed_one" || exit 1
q -d fed_one -c 'CREATE EXTENSION supplyrisk' || exit 1
q -d fed_one -v scale="$scale" -f data/generate.sql >/dev/null || exit 1
states=$(q -d fed_one -c "SELECT string_agg(member_state, ' ' ORDER BY member_state) FROM (SELECT e.member_state FROM supplyrisk.entity e JOIN supplyrisk.supply s USING (entity_id) GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 3) x")
read -r s1 s2 s3 <<<"$states"
echo "# member states: $s1 and $s2 on the test cluster, $s3 on the second cluster (TCP, port $p2)"
keep() {  # keep the named member states' entities and supply only (assessments stay: suppliers are scored alike everywhere)
  local db=$1; shift; local list; list=$(printf "'%s'," "$@"); list=${list%,}
  q -d "$db" -c "DELETE FROM supplyrisk.supply s USING supplyrisk.entity e WHERE e.entity_id = s.entity_id AND e.member_state NOT IN ($list)" \
             -c "DELETE FROM supplyrisk.contract_control k USING supplyrisk.entity e WHERE e.entity_id = k.entity_id AND e.member_state NOT IN ($list)" \
             -c "DELETE FROM supplyrisk.entity WHERE member_state NOT IN ($list)"
}
keep fed_one "$s1" "$s2" "$s3" || exit 1
q -d fed_one -c "UPDATE supplyrisk.supplier SET global_id = 'EUID:ZZ' || lpad(supplier_id::text, 8, '0') WHERE parent_supplier_id IS NULL" || exit 1
# some contracts fully checked, some partly: contract gap edges are a real count
q -d fed_one -c "INSERT INTO supplyrisk.contract_control (entity_id, supplier_id, clause, in_place, checked_on)
                 SELECT DISTINCT s.entity_id, s.supplier_id, c.clause, (s.entity_id + s.supplier_id) % 3 <> 0 OR c.clause <> '5.1.4e', CURRENT_DATE - 30
                 FROM supplyrisk.supply s CROSS JOIN supplyrisk.contract_clause c WHERE s.entity_id % 2 = 0" || exit 1
rows_one=$(q -d fed_one -c "SELECT count(*) FROM supplyrisk.supply")
echo "# reference: $rows_one supply rows"

# --- members: copies of the reference, each keeping its member state
q -d postgres -c "CREATE DATABASE fed_m1 TEMPLATE fed_one" -c "CREATE DATABASE fed_m2 TEMPLATE fed_one" || exit 1
keep fed_m1 "$s1" && keep fed_m2 "$s2" || exit 1
q2 -d postgres -c "CREATE DATABASE fed_m3" || exit 1
pg_dump -Fc -d fed_one 2>/dev/null | PGHOST=$host2 PGPORT=$p2 pg_restore -d fed_m3 --no-owner || exit 1
keep_remote() { PGHOST=$host2 PGPORT=$p2 keep "$@"; }
keep_remote fed_m3 "$s3" || exit 1
for side in 1 2; do
  if [ $side = 1 ]; then r=q; else r=q2; fi
  $r -d postgres -c "DROP ROLE IF EXISTS fed_reader" -c "CREATE ROLE fed_reader LOGIN PASSWORD 'fed-pw'" >/dev/null 2>&1 \
    || $r -d postgres -c "ALTER ROLE fed_reader LOGIN PASSWORD 'fed-pw'" || exit 1
done
for d in fed_m1 fed_m2; do q -d $d -c "SELECT supplyrisk.grant_access('fed_reader', 'federation')" >/dev/null || exit 1; done
q2 -d fed_m3 -c "SELECT supplyrisk.grant_access('fed_reader', 'federation')" >/dev/null || exit 1
sum_members=$(( $(q -d fed_m1 -c "SELECT count(*) FROM supplyrisk.supply") + $(q -d fed_m2 -c "SELECT count(*) FROM supplyrisk.supply") + $(q2 -d fed_m3 -c "SELECT count(*) FROM supplyrisk.supply") ))
check "the three members hold the reference's supply rows between them" "$rows_one" "$sum_members"

# --- member side: the federation role reads the exports and nothing else
as_reader() { PGUSER=fed_reader q -d fed_m1 "$@"; }
check "federation role: federation_export answers" "t" "$(as_reader -c 'SELECT count(*) > 0 FROM supplyrisk.federation_export')"
check "federation role: federation_info names the version and format" "$ver|1|supplyrisk|{$s1}" \
  "$(as_reader -c 'SELECT version, state_format, schema_name, member_states FROM supplyrisk.federation_info')"
check "federation role: federation_groups and federation_gaps answer" "t|t" \
  "$(as_reader -c 'SELECT (SELECT count(*) > 0 FROM supplyrisk.federation_groups), (SELECT count(*) > 0 FROM supplyrisk.federation_gaps)')"
refused=0; tried=0
for t in entity supply assessment supplier supplier_dependency designation bom bom_component bom_dependency org_alias \
         sector_rollup metric_snapshot snapshot access_grant methodology_weight federation_state; do
  tried=$((tried + 1))
  e=$(PGUSER=fed_reader err fed_m1 -c "SELECT 1 FROM supplyrisk.$t LIMIT 1")
  [ "${e%%|*}" = 42501 ] && refused=$((refused + 1)) || echo "# $t: ${e:-readable}"
done
check "federation role: every raw and derived table is refused (42501)" "$tried" "$refused"
refused=0; tried=0
for v in sector_overview sector_energy supplier_risk entity_exposure multi_vendor_gaps rollup_status; do
  tried=$((tried + 1))
  e=$(PGUSER=fed_reader err fed_m1 -c "SELECT 1 FROM supplyrisk.$v LIMIT 1")
  [ "${e%%|*}" = 42501 ] && refused=$((refused + 1)) || echo "# $v: ${e:-readable}"
done
check "federation role: the other views are refused (42501)" "$tried" "$refused"
check "federation role: computing from the raw tables itself is refused (42501)" "42501" \
  "$(PGUSER=fed_reader err fed_m1 -c "SELECT count(*) FROM supplyrisk.sector_function_stats()" | cut -d'|' -f1)"
q -d fed_m1 -c "CREATE ROLE fed_plain LOGIN" >/dev/null 2>&1
check "a role without the federation grant cannot call the export functions (42501)" "42501|42501" \
  "$(PGUSER=fed_plain err fed_m1 -c "SELECT count(*) FROM supplyrisk.federation_export_rows()" | cut -d'|' -f1)|$(PGUSER=fed_plain err fed_m1 -c "SELECT count(*) FROM supplyrisk.federation_export" | cut -d'|' -f1)"
q -d fed_m1 -c "DROP ROLE fed_plain" >/dev/null
q -d fed_m1 -c "CREATE ROLE fed_scoped LOGIN" -c "SELECT supplyrisk.grant_access('fed_scoped', 'federation', ARRAY['$s2'])" >/dev/null 2>&1
check "a federation grant scoped to another member state exports no row of this one" "0|{}" \
  "$(PGUSER=fed_scoped q -d fed_m1 -c "SELECT (SELECT count(*) FROM supplyrisk.federation_export), COALESCE((SELECT member_states FROM supplyrisk.federation_info)::text, '{}')")"
q -d fed_m1 -c "SELECT supplyrisk.revoke_access('fed_scoped')" -c "DROP ROLE fed_scoped" >/dev/null
check "grant_access refuses an unknown level, naming federation (22023)" "22023|unknown access level \"federate\"" \
  "$(err fed_m1 -c "SELECT supplyrisk.grant_access('fed_reader', 'federate')")"

# --- the coordinator
q -d postgres -c "CREATE DATABASE fed_eu" || exit 1
q -d fed_eu -c 'CREATE EXTENSION supplyrisk' -c 'CREATE EXTENSION postgres_fdw' || exit 1
server() {  # name dbname host port
  q -d fed_eu -c "CREATE SERVER $1 FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host '$3', port '$4', dbname '$2', extensions 'supplyrisk', async_capable 'true')" \
              -c "CREATE USER MAPPING FOR CURRENT_USER SERVER $1 OPTIONS (user 'fed_reader', password 'fed-pw')"
}
server srv_1 fed_m1 "$main_host" "$main_port" && server srv_2 fed_m2 "$main_host" "$main_port" && server srv_3 fed_m3 127.0.0.1 "$p2" || exit 1
q -d fed_eu -c "SELECT supplyrisk.federation_add_member('$s1', 'srv_1')" -c "SELECT supplyrisk.federation_add_member('$s2', 'srv_2')" \
            -c "SELECT supplyrisk.federation_add_member('$s3', 'srv_3')" >/dev/null || exit 1
check "federation_member lists the three members with their version" "$s1|srv_1|$ver|f,$s2|srv_2|$ver|f,$s3|srv_3|$ver|f" \
  "$(q -d fed_eu -c "SELECT string_agg(concat_ws('|', member_state, server_name, last_version, stale), ',' ORDER BY member_state) FROM supplyrisk.federation_member")"

# bad input to federation_add_member / federation_remove_member
check "add_member: not an EU member state (22023)" "22023|not an EU member state: \"US\"" "$(err fed_eu -c "SELECT supplyrisk.federation_add_member('US', 'srv_1')")"
check "add_member: a member state already added (23505)" "23505|member state $s1 is already a federation member (server srv_1)" \
  "$(err fed_eu -c "SELECT supplyrisk.federation_add_member('$s1', 'srv_2')")"
other=$(q -d fed_eu -c "SELECT min(code) FROM supplyrisk.country WHERE eu_member AND code NOT IN ('$s1', '$s2', '$s3')")
check "add_member: an unknown server (42704)" "42704|postgres_fdw server \"nowhere\" does not exist" \
  "$(err fed_eu -c "SELECT supplyrisk.federation_add_member('$other', 'nowhere')")"
q -d fed_eu -c "CREATE SERVER srv_noext FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host '$main_host', port '$main_port', dbname 'fed_m1')" \
            -c "CREATE USER MAPPING FOR CURRENT_USER SERVER srv_noext OPTIONS (user 'fed_reader')" || exit 1
check "add_member: a server without extensions 'supplyrisk' (22023)" "22023|server \"srv_noext\" does not list supplyrisk in its extensions option" \
  "$(err fed_eu -c "SELECT supplyrisk.federation_add_member('$other', 'srv_noext')")"
check "add_member: NULL (22004)" "22004" "$(err fed_eu -c "SELECT supplyrisk.federation_add_member(NULL, 'srv_1')" | cut -d'|' -f1)"
check "remove_member: false for a member state that is not a member" "f" "$(q -d fed_eu -c "SELECT supplyrisk.federation_remove_member('$other')")"

# --- the pull: an aggregate pushed down, members queried concurrently
plan=$(q -d fed_eu -c "SELECT * FROM supplyrisk.federation_explain()")
check "the pull reads each member with one Async Foreign Scan" "3" "$(grep -c 'Async Foreign Scan' <<<"$plan")"
check "the aggregate is pushed down: the remote SQL merges with supply_mix_union and GROUP BY" "3" \
  "$(grep 'Remote SQL:' <<<"$plan" | grep -c 'supplyrisk.supply_mix_union(group_mix).*FROM supplyrisk.federation_export.*GROUP BY')"
check "no raw table is named in the remote SQL" "0" "$(grep 'Remote SQL:' <<<"$plan" | grep -cE 'supplyrisk\.(supply|entity|supplier|assessment)\b')"
echo "$plan" | grep -E 'Foreign Scan|Relations|Remote SQL' | sed 's/^/# /' | cut -c1-200 | head -6

# --- EU rollups equal the single database's
q -d fed_one -c 'CALL supplyrisk.refresh()' || exit 1
q -d fed_eu -c 'CALL supplyrisk.refresh()' || exit 1
cols="sector_code, member_state, function_code, entities, single_sourced, single_sourced_critical, suppliers, contract_gap_edges, weight, hrv_weight, weight_critical, hrv_weight_critical, risk_weight, hhi, cr1, cr4, effective_suppliers, country_hhi, hrv_share, hrv_share_critical, non_eu_share, mean_risk, concentration_level, unassessed_weight, unassessed_share"
q -d fed_eu -c "CREATE TABLE public.ref_rollup AS SELECT $cols FROM supplyrisk.sector_rollup WITH NO DATA" || exit 1
q -d fed_one -c "COPY (SELECT $cols FROM supplyrisk.sector_rollup) TO STDOUT" | q -d fed_eu -c "COPY public.ref_rollup FROM STDIN" || exit 1
compare() {  # the coordinator's rollups against public.ref_rollup: "rows|only one side|counts differ|floats differ|max relative difference"
  q -d fed_eu -c "
    WITH j AS (SELECT r, c FROM public.ref_rollup r FULL JOIN supplyrisk.sector_rollup c
               ON c.sector_code = r.sector_code AND c.member_state IS NOT DISTINCT FROM r.member_state
              AND c.function_code IS NOT DISTINCT FROM r.function_code),
    d AS (SELECT r, c, (SELECT max(abs(a - b) / greatest(abs(a), abs(b)))
                        FROM unnest(ARRAY[(r).weight, (r).hrv_weight, (r).weight_critical, (r).hrv_weight_critical, (r).risk_weight, (r).hhi, (r).cr1, (r).cr4,
                                          (r).effective_suppliers, (r).country_hhi, (r).hrv_share, (r).hrv_share_critical, (r).non_eu_share, (r).mean_risk,
                                          (r).unassessed_weight, (r).unassessed_share],
                                    ARRAY[(c).weight, (c).hrv_weight, (c).weight_critical, (c).hrv_weight_critical, (c).risk_weight, (c).hhi, (c).cr1, (c).cr4,
                                          (c).effective_suppliers, (c).country_hhi, (c).hrv_share, (c).hrv_share_critical, (c).non_eu_share, (c).mean_risk,
                                          (c).unassessed_weight, (c).unassessed_share]) u(a, b)
                        WHERE a IS DISTINCT FROM b) AS rel
          FROM j)
    SELECT count(*), count(*) FILTER (WHERE r IS NULL OR c IS NULL),
           count(*) FILTER (WHERE (r).entities <> (c).entities OR (r).single_sourced <> (c).single_sourced
                              OR (r).single_sourced_critical <> (c).single_sourced_critical OR (r).suppliers <> (c).suppliers
                              OR (r).contract_gap_edges <> (c).contract_gap_edges
                              OR (r).concentration_level IS DISTINCT FROM (c).concentration_level),
           count(*) FILTER (WHERE rel IS NOT NULL AND (rel > 1e-12 OR rel IS NULL)), coalesce(max(rel), 0) FROM d"
}
res=$(compare); IFS='|' read -r n_rows n_side n_counts n_floats maxrel <<<"$res"
ref_rows=$(q -d fed_eu -c "SELECT count(*) FROM public.ref_rollup")
echo "# EU rollups vs one database: $n_rows rows, largest relative float difference $maxrel"
check "coordinator rollups: the same rows as the single database ($ref_rows)" "$ref_rows|0" "$n_rows|$n_side"
check "coordinator rollups: counts equal to the last bit (entities, single-sourced, suppliers, contract gap edges, bands)" "0" "$n_counts"
check "coordinator rollups: floats within 1e-12 relative (HHI, CR, shares, weights)" "0" "$n_floats"
edges=$(q -d fed_one -c "SELECT count(*) FROM supplyrisk.contract_edges_at()")
check "coordinator rollups: contract gap edges are counted, fewer than the $edges critical edges (some contracts are complete)" "t" \
  "$(q -d fed_eu -c "SELECT sum(contract_gap_edges) > 0 AND sum(contract_gap_edges) < $edges FROM supplyrisk.sector_rollup WHERE member_state IS NULL AND function_code IS NULL")"
check "coordinator rollups: EU-wide rows are there with data" "t" \
  "$(q -d fed_eu -c "SELECT count(*) > 0 FROM supplyrisk.sector_rollup WHERE member_state IS NULL AND suppliers > 0")"
check "coordinator: top_suppliers names the groups (names pulled from the members)" "0" \
  "$(q -d fed_eu -c "SELECT count(*) FROM supplyrisk.sector_rollup WHERE function_code IS NOT NULL AND suppliers > 0 AND (top_suppliers IS NULL OR top_suppliers ~ 'EUID:')")"
check "coordinator: sector_overview reads the EU rollups (rows as in the single database)" \
  "$(q -d fed_one -c "SELECT count(*), sum(entities), sum(suppliers) FROM supplyrisk.sector_overview")" \
  "$(q -d fed_eu -c "SELECT count(*), sum(entities), sum(suppliers) FROM supplyrisk.sector_overview")"
sec=$(q -d fed_one -c "SELECT sector_code FROM supplyrisk.sector_rollup WHERE member_state IS NULL AND function_code IS NULL ORDER BY weight DESC LIMIT 1")
check "coordinator: the sector view sector_$sec answers like the single database's" \
  "$(q -d fed_one -c "SELECT count(*), sum(suppliers), sum(single_supplier_entities) FROM supplyrisk.sector_$sec")" \
  "$(q -d fed_eu -c "SELECT count(*), sum(suppliers), sum(single_supplier_entities) FROM supplyrisk.sector_$sec")"
check "coordinator: rollup_status says rollup, no stale member" "rollup|{}" "$(q -d fed_eu -c "SELECT source, stale_members FROM supplyrisk.rollup_status")"
check "coordinator: the EU report renders the EU rows" "t" \
  "$(q -d fed_eu -c "SELECT supplyrisk.sector_report(NULL, 'markdown') LIKE '%| ' || name || ' |%' FROM supplyrisk.sector WHERE code = '$sec'")"

# --- snapshots: gap counts pulled from the members equal the single database's
q -d fed_one -c "SELECT supplyrisk.take_snapshot('ref')" >/dev/null && q -d fed_eu -c "SELECT supplyrisk.take_snapshot('eu')" >/dev/null || exit 1
snap() { q -d "$1" -c "SELECT string_agg(concat_ws(':', sector_code, member_state, function_code, metrics->>'gaps', metrics->>'entities', metrics->>'suppliers'), ',' ORDER BY sector_code, member_state, function_code) FROM supplyrisk.metric_snapshot"; }
check "coordinator snapshot: gaps, entities and suppliers per row equal the single database's" "$(snap fed_one | md5sum)" "$(snap fed_eu | md5sum)"
check "coordinator snapshot: gaps are counted" "t" "$(q -d fed_eu -c "SELECT sum((metrics->>'gaps')::int) > 0 FROM supplyrisk.metric_snapshot WHERE member_state IS NULL AND function_code IS NULL")"

# --- a group without a global id stays distinct per member state
g=$(q -d fed_one -c "SELECT x.group_id FROM supplyrisk.supplier_risk x JOIN supplyrisk.supply_valid_at() s USING (supplier_id) JOIN supplyrisk.entity e USING (entity_id)
                      GROUP BY 1 HAVING count(DISTINCT e.member_state) = 3 ORDER BY 1 LIMIT 1")
# independently: in each sector, one more group for every further member state it supplies
extra=$(q -d fed_one -c "SELECT sum(n - 1) FROM (SELECT e.sector_code, count(DISTINCT e.member_state) AS n FROM supplyrisk.supplier_risk x
                           JOIN supplyrisk.supply_valid_at() s USING (supplier_id) JOIN supplyrisk.entity e USING (entity_id)
                           WHERE x.group_id = $g GROUP BY 1) x")
for d in fed_m1 fed_m2; do q -d $d -c "UPDATE supplyrisk.supplier SET global_id = NULL WHERE supplier_id = $g"; done
q2 -d fed_m3 -c "UPDATE supplyrisk.supplier SET global_id = NULL WHERE supplier_id = $g"
q -d fed_eu -c 'CALL supplyrisk.refresh()' || exit 1
check "a group without a global id: its keys are <member state>:<id> in each member's states" "3" \
  "$(q -d fed_eu -c "SELECT count(DISTINCT key) FROM supplyrisk.federation_group WHERE key IN ('$s1:$g', '$s2:$g', '$s3:$g')")"
check "a group without a global id counts once per member state in the EU rows (+$extra over the sectors)" \
  "$(q -d fed_eu -c "SELECT sum(suppliers) + $extra FROM public.ref_rollup WHERE member_state IS NULL AND function_code IS NULL")" \
  "$(q -d fed_eu -c "SELECT sum(suppliers) FROM supplyrisk.sector_rollup WHERE member_state IS NULL AND function_code IS NULL")"
check "a group without a global id: member-state rows are unchanged" "0" \
  "$(q -d fed_eu -c "SELECT count(*) FROM public.ref_rollup r JOIN supplyrisk.sector_rollup c ON c.sector_code = r.sector_code AND c.member_state = r.member_state AND c.function_code IS NOT DISTINCT FROM r.function_code WHERE c.suppliers <> r.suppliers")"
for d in fed_m1 fed_m2; do q -d $d -c "UPDATE supplyrisk.supplier SET global_id = 'EUID:ZZ' || lpad(supplier_id::text, 8, '0') WHERE supplier_id = $g"; done
q2 -d fed_m3 -c "UPDATE supplyrisk.supplier SET global_id = 'EUID:ZZ' || lpad(supplier_id::text, 8, '0') WHERE supplier_id = $g"
q -d fed_eu -c 'CALL supplyrisk.refresh()' || exit 1
check "with the global id back the EU rows equal the single database's again" "0|0|0" "$(compare | cut -d'|' -f2-4)"

# --- failures: an outage, wrong credentials; previous rollups intact; skip_unreachable
fp() { q -d fed_eu -c "SELECT md5(string_agg(concat_ws(':', sector_code, member_state, function_code, suppliers, hhi, entities), ',' ORDER BY sector_code, member_state, function_code)) FROM supplyrisk.sector_rollup"; }
before=$(fp); refreshes=$(q -d fed_eu -c "SELECT count(*) FROM supplyrisk.rollup_refresh")
second stop >/dev/null
e=$(err fed_eu -c 'CALL supplyrisk.refresh()')
echo "# outage: $e"
check "outage: refresh fails with 08001, naming the member and the server" "08001|federation member $s3 (server srv_3) cannot be reached" "$(sed 's/ cannot be reached.*/ cannot be reached/' <<<"$e")"
check "outage: the cause is in the message (connection refused)" "1" "$(grep -ci 'refused\|could not connect' <<<"$e")"
check "outage: the previous rollups are intact, no refresh recorded" "$before|$refreshes" "$(fp)|$(q -d fed_eu -c "SELECT count(*) FROM supplyrisk.rollup_refresh")"
w=$(psql -X -qAt -d fed_eu -c 'CALL supplyrisk.refresh(skip_unreachable => true)' 2>&1)
check "skip_unreachable: refresh goes on with a warning naming the member" "1" "$(grep -c "WARNING:  federation member $s3 (server srv_3) cannot be reached" <<<"$w")"
check "skip_unreachable: rollup_status and federation_member mark it stale" "{$s3}|t|t" \
  "$(q -d fed_eu -c "SELECT (SELECT stale_members FROM supplyrisk.rollup_status), stale, last_error LIKE '%cannot be reached%' FROM supplyrisk.federation_member WHERE member_state = '$s3'")"
check "skip_unreachable: its states of the last pull stay in the EU rows" "$before" "$(fp)"
second start >/dev/null || exit 1
q -d fed_eu -c 'CALL supplyrisk.refresh()' || exit 1
check "back up: the member is pulled again, not stale" "{}|f|" \
  "$(q -d fed_eu -c "SELECT (SELECT stale_members FROM supplyrisk.rollup_status), stale, last_error FROM supplyrisk.federation_member WHERE member_state = '$s3'")"
q -d fed_eu -c "ALTER USER MAPPING FOR CURRENT_USER SERVER srv_3 OPTIONS (SET password 'wrong')" || exit 1
e=$(err fed_eu -c 'CALL supplyrisk.refresh()')
check "wrong credentials: 08001 naming the member, with the cause" "08001|federation member $s3 (server srv_3) cannot be reached|1" \
  "$(sed 's/ cannot be reached.*/ cannot be reached/' <<<"$e")|$(grep -c 'password authentication failed for user "fed_reader"' <<<"$e")"
q -d fed_eu -c "ALTER USER MAPPING FOR CURRENT_USER SERVER srv_3 OPTIONS (SET password 'fed-pw')" || exit 1

# --- a member exporting an ICT function the coordinator does not know; explain without members
e1=$(q -d fed_m1 -c "SELECT min(entity_id) FROM supplyrisk.entity")
q -d fed_m1 -c "INSERT INTO supplyrisk.ict_function (code, name, criticality) VALUES ('test.custom', 'A national function', 'standard')" \
            -c "INSERT INTO supplyrisk.supply (entity_id, supplier_id, function_code, weight, valid_from) SELECT $e1, min(supplier_id), 'test.custom', 1, '2020-01-01' FROM supplyrisk.supplier" >/dev/null || exit 1
check "a member's ICT function unknown here: 23503, member and code named" "23503|federation member $s1 exports ICT function \"test.custom\", which this coordinator does not know" \
  "$(err fed_eu -c 'CALL supplyrisk.refresh()')"
q -d fed_m1 -c "DELETE FROM supplyrisk.supply WHERE function_code = 'test.custom'" -c "DELETE FROM supplyrisk.ict_function WHERE code = 'test.custom'" >/dev/null || exit 1
check "federation_explain without members: 55000" "55000|this database has no federation member" "$(err fed_m1 -c 'SELECT * FROM supplyrisk.federation_explain()')"

# --- members that cannot be read: no extension, 0.1.0, another state format, no federation grant
q -d postgres -c "CREATE DATABASE fed_none" -c "CREATE DATABASE fed_old" -c "CREATE DATABASE fed_future" -c "CREATE DATABASE fed_nogrant" >/dev/null || exit 1
q -d fed_old -c "CREATE EXTENSION supplyrisk VERSION '0.1.0'" || exit 1
q -d fed_future -c "CREATE EXTENSION supplyrisk" -c "SELECT supplyrisk.grant_access('fed_reader', 'federation')" \
  -c "CREATE OR REPLACE FUNCTION supplyrisk.federation_format() RETURNS integer LANGUAGE sql IMMUTABLE AS 'SELECT 2'" >/dev/null || exit 1
q -d fed_nogrant -c "CREATE EXTENSION supplyrisk" || exit 1
for d in none old future nogrant; do server srv_$d fed_$d "$main_host" "$main_port" || exit 1; done
check "a member without supplyrisk: 42704, named" "42704|federation member $other (server srv_none) has no supplyrisk extension in its database" \
  "$(err fed_eu -c "SELECT supplyrisk.federation_add_member('$other', 'srv_none')")"
check "a member on 0.1.0: 0A000, the version named" "0A000|federation member $other (server srv_old) runs supplyrisk 0.1.0, which has no federation export" \
  "$(err fed_eu -c "SELECT supplyrisk.federation_add_member('$other', 'srv_old')")"
check "a member of another state format: 0A000, both formats named" "0A000|federation member $other (server srv_future) writes federation state format 2 (supplyrisk $ver), this coordinator reads format 1 (supplyrisk $ver)" \
  "$(err fed_eu -c "SELECT supplyrisk.federation_add_member('$other', 'srv_future')")"
check "a member that did not grant federation access: 42501" "42501|federation member $other (server srv_nogrant) refuses the federation export to the role of the user mapping" \
  "$(err fed_eu -c "SELECT supplyrisk.federation_add_member('$other', 'srv_nogrant')")"
check "refused members are not added" "3" "$(q -d fed_eu -c "SELECT count(*) FROM supplyrisk.federation_member")"
check "remove_member: true, the member's states and group names go, the others stay" "t|0|0|t" \
  "$(q -d fed_eu -c "SELECT supplyrisk.federation_remove_member('$s2')")|$(q -d fed_eu -c "SELECT (SELECT count(*) FROM supplyrisk.federation_state WHERE member_state = '$s2'), (SELECT count(*) FROM supplyrisk.federation_group WHERE member_state = '$s2'), (SELECT count(*) > 0 FROM supplyrisk.federation_state)" | tr -d '\n')"

# --- two member states in one member database: one foreign scan for both
q -d fed_one -c "SELECT supplyrisk.grant_access('fed_reader', 'federation')" >/dev/null || exit 1
server srv_one fed_one "$main_host" "$main_port" || exit 1
q -d fed_eu -c "SELECT supplyrisk.federation_remove_member('$s1'), supplyrisk.federation_remove_member('$s3')" \
            -c "SELECT supplyrisk.federation_add_member('$s1', 'srv_one')" -c "SELECT supplyrisk.federation_add_member('$s2', 'srv_one')" >/dev/null || exit 1
check "two member states on one server: one foreign scan for both" "1|1" \
  "$(q -d fed_eu -c "SELECT * FROM supplyrisk.federation_explain()" | grep -c 'Foreign Scan')|$(q -d fed_eu -c "SELECT * FROM supplyrisk.federation_explain()" | grep -c "member_state = ANY ('{$s1,$s2}'::text\[\])")"
q -d fed_eu -c 'CALL supplyrisk.refresh()' || exit 1
check "two member states on one server: their rows equal the single database's" "0|0" \
  "$(q -d fed_eu -c "SELECT count(*) FILTER (WHERE c IS NULL OR r.suppliers <> c.suppliers OR r.entities <> c.entities OR abs(r.hhi - c.hhi) > 1e-9 * r.hhi), count(*) FILTER (WHERE r IS NULL)
                    FROM (SELECT * FROM public.ref_rollup WHERE member_state IN ('$s1', '$s2')) r
                    FULL JOIN (SELECT * FROM supplyrisk.sector_rollup WHERE member_state IS NOT NULL) c
                      ON c.sector_code = r.sector_code AND c.member_state = r.member_state AND c.function_code IS NOT DISTINCT FROM r.function_code")"
finish federation
