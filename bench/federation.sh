#!/usr/bin/env bash
# Federation (issue 14): 3 member databases × ~1M supply rows, pulled by a coordinator
# through postgres_fdw, against the same ~3M rows in one database, in the same run:
#   refresh time   coordinator refresh() / single-database refresh(), runs in turns
#   transfer       per member: the text size of what crosses the wire (the export rows and
#                  group names, as postgres_fdw fetches them: text form + 4 bytes per field)
#                  against the text size of the member's raw supply rows
# Usage: bench/federation.sh (BENCH_FED_ROWS, default 3000000: rows in all; BENCH_RUNS).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -n "${PGHOST:-}" ] || { export SR_CLUSTER=${SR_CLUSTER:-bench}; eval "$(bash test/setup.sh 2>/dev/null)"; export PGHOST PGPORT PGUSER; }
. bench/lib.sh
rows=${BENCH_FED_ROWS:-3000000}
scale=$(awk -v r="$rows" 'BEGIN {printf "%.4g", r / 40000}')
states=(AT DE FR)
all=supplyrisk_fed_all
tag="supplyrisk federation bench scale $scale $gen_sum"
if [ "$(q -d postgres -c "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = '$all'")" != "$tag" ]; then
  echo "generating $all and its three members (scale $scale) ..." >&2
  for d in $all ${all}_m1 ${all}_m2 ${all}_m3 ${all}_eu; do q -d postgres -c "DROP DATABASE IF EXISTS $d" >&2; done
  q -d postgres -c "CREATE DATABASE $all" >&2
  q -d $all -c 'CREATE EXTENSION supplyrisk' >&2
  q -d $all -v scale="$scale" -f data/generate.sql >/dev/null
  # three member states, a third of the entities each; every supplier group with a global id
  q -d $all -c "UPDATE supplyrisk.entity SET member_state = (ARRAY['AT','DE','FR'])[1 + entity_id % 3]" \
            -c "UPDATE supplyrisk.supplier SET global_id = 'EUID:ZZ' || lpad(supplier_id::text, 8, '0') WHERE parent_supplier_id IS NULL" \
            -c "VACUUM FULL ANALYZE supplyrisk.entity" -c "VACUUM ANALYZE" >&2
  for i in 1 2 3; do
    m=${all}_m$i; ms=${states[$((i - 1))]}
    q -d postgres -c "CREATE DATABASE $m TEMPLATE $all" >&2
    q -d $m -c "DELETE FROM supplyrisk.supply s USING supplyrisk.entity e WHERE e.entity_id = s.entity_id AND e.member_state <> '$ms'" \
            -c "DELETE FROM supplyrisk.entity WHERE member_state <> '$ms'" \
            -c "VACUUM FULL ANALYZE supplyrisk.supply" -c "VACUUM FULL ANALYZE supplyrisk.entity" >&2
    q -d $m -c "DO \$\$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'fed_bench') THEN CREATE ROLE fed_bench LOGIN; END IF; END \$\$" \
            -c "SELECT supplyrisk.grant_access('fed_bench', 'federation')" >/dev/null
  done
  q -d postgres -c "CREATE DATABASE ${all}_eu" >&2
  q -d ${all}_eu -c 'CREATE EXTENSION supplyrisk' -c 'CREATE EXTENSION postgres_fdw' >&2
  for i in 1 2 3; do
    q -d ${all}_eu -c "CREATE SERVER fed_m$i FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host '$PGHOST', port '$PGPORT', dbname '${all}_m$i', extensions 'supplyrisk', async_capable 'true')" \
                   -c "CREATE USER MAPPING FOR CURRENT_USER SERVER fed_m$i OPTIONS (user 'fed_bench')" \
                   -c "SELECT supplyrisk.federation_add_member('${states[$((i - 1))]}', 'fed_m$i')" >/dev/null
  done
  q -d $all -c "COMMENT ON DATABASE $all IS '$tag'" >&2
fi
settle
n=$(q -d $all -c "SELECT count(*) FROM supplyrisk.supply")
echo "== federation: 3 members, $n supply rows in all ($(for i in 1 2 3; do printf '%s ' "$(q -d ${all}_m$i -c "SELECT count(*) FROM supplyrisk.supply")"; done)per member)"
# refresh in turns: single database, coordinator (warm-up round first)
declare -a ta tb
for r in $(seq 0 "$runs"); do
  t0=$(date +%s%N); q -d $all -c "CALL supplyrisk.refresh()"; t1=$(date +%s%N)
  q -d ${all}_eu -c "CALL supplyrisk.refresh()"; t2=$(date +%s%N)
  [ "$r" -gt 0 ] && { ta+=($(( (t1 - t0) / 1000000 ))); tb+=($(( (t2 - t1) / 1000000 ))); }
done
a=$(med "${ta[@]}"); b=$(med "${tb[@]}")
printf "%-44s %10s\n" "refresh() (client wall time, median of $runs)" "ms"
printf "%-44s %10.0f\n" "single database ($n rows)" "$a"
printf "%-44s %10.0f\n" "coordinator (3 members, pulled concurrently)" "$b"
printf "%-44s %10.2f   (target <= 1.5)\n" "coordinator / single database" "$(echo "$b / $a" | bc -l)"
# what crosses the wire, per member
printf "%-8s %14s %12s %14s %14s %9s\n" member "export rows" "group rows" "wire bytes" "raw bytes" "wire/raw"
for i in 1 2 3; do
  m=${all}_m$i
  read -r er eb <<<"$(q -d $m -F ' ' -c "SELECT count(*), sum(octet_length(x::text) + 4 * 11) FROM supplyrisk.federation_export x")"
  read -r gr gb <<<"$(q -d $m -F ' ' -c "SELECT count(*), sum(octet_length(x::text) + 4 * 3) FROM supplyrisk.federation_groups x")"
  nf=$(q -d $m -c "SELECT count(*) FROM pg_attribute WHERE attrelid = 'supplyrisk.supply'::regclass AND attnum > 0 AND NOT attisdropped")
  raw=$(q -d $m -c "SELECT sum(octet_length(s::text) + 4 * $nf) FROM supplyrisk.supply s")
  printf "%-8s %14s %12s %14s %14s %8.2f%%\n" "${states[$((i - 1))]}" "$er" "$gr" "$((eb + gb))" "$raw" "$(echo "100 * ($eb + $gb) / $raw" | bc -l)"
done
# the rollups agree
d=$(q -d ${all}_eu -c "SELECT count(*) FROM supplyrisk.sector_rollup")
s=$(q -d $all -c "SELECT count(*) FROM supplyrisk.sector_rollup")
echo "rollup rows: coordinator $d, single database $s"
