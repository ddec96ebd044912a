#!/usr/bin/env bash
# Scoped access as real login roles (psql -U role): every table and view, reads and
# writes, for a member-state reader, a member-state assessor, an admin and a role
# without any grant; grant/revoke errors. Prints TAP-like lines and "security: ok".
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
db=supplyrisk_sec
. "$top/test/lib.sh"
su() { psql -X -qAt -v ON_ERROR_STOP=1 -d $db "$@"; }
# as ROLE SQL: the single value printed, or the SQLSTATE of the error
as() { local out; out=$(psql -X -qAt -v VERBOSITY=sqlstate -U "$1" -d $db -c "$2" 2>&1); printf '%s' "$out" | sed -E 's/^(ERROR|FATAL): +([0-9A-Z]{5}).*/\2/' | tail -1; }

psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null || exit 1
for r in sr_de_read sr_fr_assess sr_admin sr_none sr_multi; do
  psql -X -q -d postgres -c "DROP ROLE IF EXISTS $r" -c "CREATE ROLE $r LOGIN" >/dev/null 2>&1
done
su -c 'CREATE EXTENSION supplyrisk' >/dev/null || exit 1
su -v scale=0.1 -f data/generate.sql >/dev/null || exit 1
su >/dev/null <<'SQL' || exit 1
SET search_path = supplyrisk;
UPDATE assessment SET member_state = CASE assessment_id % 3 WHEN 0 THEN 'DE' WHEN 1 THEN 'FR' END;
UPDATE designation SET member_state = CASE designation_id % 2 WHEN 0 THEN 'DE' END;
CALL refresh();
SELECT take_snapshot('s1');
SELECT take_snapshot('s2');  -- (a trend needs two)
SELECT grant_access('sr_de_read', 'read', '{DE}');
SELECT grant_access('sr_fr_assess', 'assess', ARRAY['FR']);
SELECT grant_access('sr_admin', 'admin');
SELECT grant_access('sr_multi', 'read', '{FR,DE,DE}');
SQL

# reads, table by table
for t in entity assessment designation sector_rollup metric_snapshot; do
  shared=$([ "$t" = assessment ] || [ "$t" = designation ] && echo "OR member_state IS NULL" || echo "")
  check "sr_de_read sees exactly the DE rows of $t" "$(su -c "SELECT count(*) FROM supplyrisk.$t WHERE member_state = 'DE' $shared")" "$(as sr_de_read "SELECT count(*) FROM supplyrisk.$t")"
  check "sr_multi sees the DE and FR rows of $t" "$(su -c "SELECT count(*) FROM supplyrisk.$t WHERE member_state IN ('DE','FR') $shared")" "$(as sr_multi "SELECT count(*) FROM supplyrisk.$t")"
  check "sr_admin sees every row of $t" "$(su -c "SELECT count(*) FROM supplyrisk.$t")" "$(as sr_admin "SELECT count(*) FROM supplyrisk.$t")"
done
check "sr_de_read sees the supply of DE entities only" "$(su -c "SELECT count(*) FROM supplyrisk.supply s JOIN supplyrisk.entity e USING (entity_id) WHERE e.member_state = 'DE'")" "$(as sr_de_read "SELECT count(*) FROM supplyrisk.supply")"
check "sr_de_read does not see the grants" "0" "$(as sr_de_read "SELECT count(*) FROM supplyrisk.access_grant")"
check "sr_admin sees the grants" "4" "$(as sr_admin "SELECT count(*) FROM supplyrisk.access_grant")"

# reads, view by view: nothing outside DE, EU-wide rows hidden, something inside
views=$(su -c "SELECT c.table_name FROM information_schema.columns c JOIN information_schema.views v USING (table_schema, table_name) WHERE c.table_schema = 'supplyrisk' AND c.column_name = 'member_state' ORDER BY 1")
for v in $views; do
  case "$v" in federation_*) continue ;; esac   # (federation and admin roles only: test/trust.sh)
  case "$v" in
    supplier_risk)  # (its member_state names an evaluation: the EU-wide one, NULL, and DE's own)
      check "sr_de_read: $v has no evaluation of another member state" "0" "$(as sr_de_read "SELECT count(*) FROM supplyrisk.$v WHERE member_state <> 'DE'")" ;;
    *) check "sr_de_read: $v has no row outside DE" "0" "$(as sr_de_read "SELECT count(*) FROM supplyrisk.$v WHERE member_state IS DISTINCT FROM 'DE'")" ;;
  esac
done
sv=sector_$(su -c "SELECT sector_code FROM supplyrisk.sector_overview WHERE member_state = 'DE' ORDER BY entities DESC LIMIT 1")
for v in sector_overview entity_exposure multi_vendor_gaps $sv trend entity_deep_exposure; do
  check "sr_de_read: $v shows the DE rows" "t" "$(as sr_de_read "SELECT count(*) > 0 FROM supplyrisk.$v")"
done
check "sr_de_read: sector_overview DE row = the superuser's" \
  "$(su -c "SELECT hhi, entities FROM supplyrisk.sector_overview WHERE sector_code = 'energy' AND member_state = 'DE'")" \
  "$(as sr_de_read "SELECT hhi, entities FROM supplyrisk.sector_overview WHERE sector_code = 'energy' AND member_state = 'DE'")"
# (risk figures follow the assessments the role can see: shared and DE ones; the mix does not)
check "sr_de_read: entity_exposure mixes = the superuser's DE rows" \
  "$(su -c "SELECT md5(string_agg((entity_id, function_code, supplier_count, hhi, cr1)::text, ',' ORDER BY entity_id, function_code)) FROM supplyrisk.entity_exposure x WHERE member_state = 'DE'")" \
  "$(as sr_de_read "SELECT md5(string_agg((entity_id, function_code, supplier_count, hhi, cr1)::text, ',' ORDER BY entity_id, function_code)) FROM supplyrisk.entity_exposure x")"

# a role without a grant: every table and view refused
objs=$(su -c "SELECT table_name FROM information_schema.tables WHERE table_schema = 'supplyrisk' ORDER BY 1")
denied=0; total=0
for o in $objs; do
  total=$((total+1)); [ "$(as sr_none "SELECT count(*) FROM supplyrisk.$o")" = "42501" ] && denied=$((denied+1))
done
check "sr_none is refused every one of the $total tables and views" "$total" "$denied"

# writes
de=$(su -c "SELECT min(entity_id) FROM supplyrisk.entity WHERE member_state = 'DE'")
fr=$(su -c "SELECT min(entity_id) FROM supplyrisk.entity WHERE member_state = 'FR'")
sup=$(su -c "SELECT min(supplier_id) FROM supplyrisk.supplier")
check "sr_fr_assess inserts an FR entity" "" "$(as sr_fr_assess "INSERT INTO supplyrisk.entity (name, member_state, sector_code, entity_class) VALUES ('FR new', 'FR', 'energy', 'essential')")"
check "sr_fr_assess cannot insert a DE entity (42501)" "42501" "$(as sr_fr_assess "INSERT INTO supplyrisk.entity (name, member_state, sector_code, entity_class) VALUES ('DE new', 'DE', 'energy', 'essential')")"
check "sr_fr_assess cannot move an FR entity to DE (42501)" "42501" "$(as sr_fr_assess "UPDATE supplyrisk.entity SET member_state = 'DE' WHERE entity_id = $fr")"
check "sr_fr_assess inserts supply for an FR entity" "" "$(as sr_fr_assess "INSERT INTO supplyrisk.supply (entity_id, supplier_id, function_code, weight) VALUES ($fr, $sup, 'cloud.iaas', 5)")"
check "sr_fr_assess cannot insert supply for a DE entity (42501)" "42501" "$(as sr_fr_assess "INSERT INTO supplyrisk.supply (entity_id, supplier_id, function_code, weight) VALUES ($de, $sup, 'cloud.iaas', 5)")"
before=$(su -c "SELECT count(*) FROM supplyrisk.supply WHERE entity_id = $de")
as sr_fr_assess "UPDATE supplyrisk.supply SET weight = 1 WHERE entity_id = $de" >/dev/null
as sr_fr_assess "DELETE FROM supplyrisk.supply WHERE entity_id = $de" >/dev/null
check "sr_fr_assess's update and delete of DE supply touch nothing" "$before|0" "$(su -c "SELECT count(*), count(*) FILTER (WHERE weight = 1) FROM supplyrisk.supply WHERE entity_id = $de")"
check "sr_fr_assess records an FR assessment" "" "$(as sr_fr_assess "INSERT INTO supplyrisk.assessment (supplier_id, factor_code, score, member_state) VALUES ($sup, 't.product_quality', 2, 'FR')")"
check "sr_fr_assess cannot record a DE assessment (42501)" "42501" "$(as sr_fr_assess "INSERT INTO supplyrisk.assessment (supplier_id, factor_code, score, member_state) VALUES ($sup, 't.product_quality', 2, 'DE')")"
check "sr_fr_assess cannot record a shared assessment (42501)" "42501" "$(as sr_fr_assess "INSERT INTO supplyrisk.assessment (supplier_id, factor_code, score, member_state) VALUES ($sup, 't.product_quality', 2, NULL)")"
check "sr_fr_assess's assessment without a member state is FR's (its one member state)" "FR" \
  "$(psql -X -qAt -U sr_fr_assess -d $db -c "INSERT INTO supplyrisk.assessment (supplier_id, factor_code, score) VALUES ($sup, 't.product_quality', 2) RETURNING member_state" 2>&1 | head -1)"
check "sr_fr_assess cannot change shared assessments" "0" "$(as sr_fr_assess "WITH u AS (UPDATE supplyrisk.assessment SET score = 0 WHERE member_state IS NULL RETURNING 1) SELECT count(*) FROM u")"
check "sr_de_read cannot write (42501)" "42501" "$(as sr_de_read "INSERT INTO supplyrisk.entity (name, member_state, sector_code, entity_class) VALUES ('x', 'DE', 'energy', 'essential')")"
check "sr_fr_assess cannot refresh (42501)" "42501" "$(as sr_fr_assess "CALL supplyrisk.refresh()")"
check "sr_fr_assess cannot take snapshots (42501)" "42501" "$(as sr_fr_assess "SELECT supplyrisk.take_snapshot()")"
check "sr_admin refreshes; the rollups keep the EU-wide rows" "" "$(as sr_admin "CALL supplyrisk.refresh()")"
# (the admin's plan is serial under row-level security, the superuser's parallel: sums agree to rounding)
r9="sector_code, member_state, entities, suppliers, single_supplier_critical, concentration_level, round(hhi::numeric, 6), round(cr4::numeric, 9), round(country_hhi::numeric, 6), round(hrv_share::numeric, 9), round(non_eu_share::numeric, 9), round(mean_risk::numeric, 6)"
check "rollups after the admin's refresh = live (superuser), to 1e-6" "0" "$(su -c "SELECT count(*) FROM ((SELECT $r9 FROM supplyrisk.sector_overview EXCEPT ALL SELECT $r9 FROM supplyrisk.sector_overview_at()) UNION ALL (SELECT $r9 FROM supplyrisk.sector_overview_at() EXCEPT ALL SELECT $r9 FROM supplyrisk.sector_overview)) d")"

# grant and revoke
check "sr_de_read cannot grant (42501)" "42501" "$(as sr_de_read "SELECT supplyrisk.grant_access('sr_none', 'read')")"
check "sr_admin can grant" "" "$(as sr_admin "SELECT supplyrisk.grant_access('sr_none', 'read', '{IT}')")"
check "unknown access level (22023)" "22023" "$(as sr_admin "SELECT supplyrisk.grant_access('sr_none', 'owner')")"
check "non-EU member state (22023)" "22023" "$(as sr_admin "SELECT supplyrisk.grant_access('sr_none', 'read', '{US}')")"
check "empty member state list (22023)" "22023" "$(as sr_admin "SELECT supplyrisk.grant_access('sr_none', 'read', '{}')")"
check "scoped admin (22023)" "22023" "$(as sr_admin "SELECT supplyrisk.grant_access('sr_none', 'admin', '{DE}')")"
check "grant to a superuser (22023)" "22023" "$(su -c '\set VERBOSITY sqlstate' -c "SELECT supplyrisk.grant_access('postgres', 'read')" 2>&1 | sed -E 's/^ERROR: +//' | tail -1)"
check "NULL access (22004)" "22004" "$(as sr_admin "SELECT supplyrisk.grant_access('sr_none', NULL)")"
check "a NULL among the member states (22023)" "22023" "$(as sr_admin "SELECT supplyrisk.grant_access('sr_none', 'read', ARRAY['DE', NULL])")"
check "revoke_access(NULL) (22004)" "22004" "$(as sr_admin "SELECT supplyrisk.revoke_access(NULL)")"
check "sr_de_read cannot revoke (42501)" "42501" "$(as sr_de_read "SELECT supplyrisk.revoke_access('sr_multi')")"
check "an assessment owned by a non-EU country (23514)" "23514" "$(as sr_admin "INSERT INTO supplyrisk.assessment (supplier_id, factor_code, score, member_state) VALUES ($sup, 't.product_quality', 2, 'US')")"
check "a designation owned by a non-EU country (23514)" "23514" "$(as sr_admin "INSERT INTO supplyrisk.designation (supplier_id, status, member_state) VALUES ($sup, 'cleared', 'US')")"
check "unknown role (42704)" "42704" "$(as sr_admin "SELECT supplyrisk.grant_access('no_such_role', 'read')")"
check "revoke_access" "t" "$(su -c "SELECT supplyrisk.revoke_access('sr_de_read')")"
check "revoke_access again: no grant" "f" "$(su -c "SELECT supplyrisk.revoke_access('sr_de_read')")"
check "after revoke, sr_de_read is refused (42501)" "42501" "$(as sr_de_read "SELECT count(*) FROM supplyrisk.sector_overview")"

[ -n "${SR_KEEP:-}" ] || psql -X -q -d postgres -c "DROP DATABASE $db" >/dev/null
for r in sr_de_read sr_fr_assess sr_admin sr_none sr_multi; do psql -X -q -d postgres -c "DROP ROLE IF EXISTS $r" >/dev/null 2>&1; done
finish "security"
