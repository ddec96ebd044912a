#!/usr/bin/env bash
# Re-weighting (issue 29): what a change costs refresh() against a full refresh of the same
# data, in one run, on the demo data of BENCH_RW_ROWS supply rows (default 1M). In turns, each
# run: a full refresh; one new assessment of the most-used supplier (it supplies in every
# member state and most sectors); a high_risk designation of it, then its clearing the next day;
# a new controller for the supplier group with the largest share of supply weight (>= 5%), then
# back; 1,000 supply rows changed in one sector and member state. Each refresh() is timed by
# psql's \timing in a session of its own. Also the storage of the per-row supplier weights
# (sector_rollup.supplier_mix) against the supply table. Targets: each change <= 3% of a full
# refresh (the new controller <= 5%), storage <= 25%; with contract checks tracked a full refresh
# <= 1.3x untracked. BENCH_RUNS=0: one run, counted (for 10M rows).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -n "${PGHOST:-}" ] || { export SR_CLUSTER=${SR_CLUSTER:-bench}; eval "$(bash test/setup.sh 2>/dev/null)"; export PGHOST PGPORT PGUSER; }
. bench/lib.sh
rows=${BENCH_RW_ROWS:-1000000}
db=${BENCH_RW_DB:-supplyrisk_bench_reweight}  # BENCH_RW_DB: an existing generated database (kept)
[ -n "${BENCH_RW_DB:-}" ] || fresh_demo_db "$db" "$rows"
S="SET search_path = supplyrisk, public;"
most=$(q -d $db -c "$S SELECT supplier_id FROM supply GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1")
spread=$(q -d $db -c "$S SELECT count(DISTINCT e.member_state) || ' member states, ' || count(DISTINCT e.sector_code) || ' sectors, ' || count(*) || ' supply rows'
                        FROM supply s JOIN entity e USING (entity_id) WHERE s.supplier_id = $most")
factor=$(q -d $db -c "$S SELECT code FROM risk_factor ORDER BY code LIMIT 1")
# the supplier group with the largest share of supply weight (the demo's largest has 2.8%: the
# next largest groups are first bought by it, untimed, until it has 5%), and another group to
# control it
q -d $db -c "$S WITH g AS (SELECT supplier_group(s.supplier_id) AS grp, sum(s.weight) / (SELECT sum(weight) FROM supply) AS share
                           FROM supply s GROUP BY 1),
                  o AS (SELECT grp, share, sum(share) OVER (ORDER BY share DESC, grp) AS cum, first_value(grp) OVER (ORDER BY share DESC, grp) AS top
                        FROM g)
             UPDATE supplier SET parent_supplier_id = o.top FROM o
             WHERE supplier.supplier_id = o.grp AND o.grp <> o.top AND o.cum - o.share < 0.05" -c "CALL refresh()"
read -r grp grp_share <<<"$(q -F ' ' -d $db -c "$S SELECT supplier_group(s.supplier_id), round((sum(s.weight) / (SELECT sum(weight) FROM supply) * 100)::numeric, 1)
                                               FROM supply s GROUP BY 1 ORDER BY sum(s.weight) DESC LIMIT 1")"
owner=$(q -d $db -c "$S SELECT supplier_id FROM supplier WHERE parent_supplier_id IS NULL AND supplier_id <> $grp ORDER BY supplier_id LIMIT 1")
key=$(q -d $db -c "$S SELECT e.sector_code || ':' || e.member_state FROM supply s JOIN entity e USING (entity_id) GROUP BY 1 ORDER BY count(*) DESC LIMIT 1")
declare -a full asm des clr own rws
modes=""
for r in $(seq 0 "$runs"); do
  f=$(session_ms $db "CALL supplyrisk.refresh(full => true)")
  q -d $db -c "$S INSERT INTO assessment (supplier_id, factor_code, score) VALUES ($most, '$factor', $(( (r % 4) + 1 )))"
  a=$(session_ms $db "CALL supplyrisk.refresh()")
  m1=$(q -d $db -c "$S SELECT mode FROM rollup_status")
  q -d $db -c "$S INSERT INTO designation (supplier_id, status, decided_on) SELECT $most, 'high_risk', COALESCE(max(decided_on), CURRENT_DATE - 400) + 1 FROM designation WHERE supplier_id = $most AND member_state IS NULL"
  d=$(session_ms $db "CALL supplyrisk.refresh()")
  q -d $db -c "$S INSERT INTO designation (supplier_id, status, decided_on) SELECT $most, 'cleared', max(decided_on) + 1 FROM designation WHERE supplier_id = $most AND member_state IS NULL"
  c=$(session_ms $db "CALL supplyrisk.refresh()")
  m2=$(q -d $db -c "$S SELECT mode || ' ' || reweighted FROM rollup_status")
  q -d $db -c "$S UPDATE supplier SET parent_supplier_id = $owner WHERE supplier_id = $grp"
  o=$(session_ms $db "CALL supplyrisk.refresh()")
  m3=$(q -d $db -c "$S SELECT mode || ' ' || recomputed FROM rollup_status")
  q -d $db -c "$S UPDATE supplier SET parent_supplier_id = NULL WHERE supplier_id = $grp" -c "CALL supplyrisk.refresh()"
  q -d $db -c "$S UPDATE supply s SET weight = weight * 1.01 FROM (SELECT s2.supply_id FROM supply s2 JOIN entity e USING (entity_id)
               WHERE e.sector_code || ':' || e.member_state = '$key' ORDER BY s2.supply_id LIMIT 1000) x WHERE s.supply_id = x.supply_id"
  w=$(session_ms $db "CALL supplyrisk.refresh()")
  m4=$(q -d $db -c "$S SELECT mode || ' ' || recomputed FROM rollup_status")
  modes="assessment: $m1; designation and clearing: $m2; new controller: $m3; 1,000 rows: $m4"
  [ "$r" -gt 0 ] || [ "$runs" -eq 0 ] && { full+=("$f"); asm+=("$a"); des+=("$d"); clr+=("$c"); own+=("$o"); rws+=("$w"); }
done
# contract checks tracked (one entity's, so every sector and member state with them counts its
# contract gap edges) against untracked: full refreshes, in turns
declare -a tfull ufull
cc="INSERT INTO contract_control (entity_id, supplier_id, clause, in_place)
    SELECT DISTINCT s.entity_id, s.supplier_id, c.clause, true FROM (SELECT entity_id, supplier_id FROM supply ORDER BY supply_id LIMIT 2000) s, contract_clause c"
for r in $(seq 0 "$runs"); do
  q -d $db -c "$S $cc"
  t=$(session_ms $db "CALL supplyrisk.refresh(full => true)")
  tracked_rows=$(q -d $db -c "$S SELECT count(*) FROM sector_rollup WHERE contract_gap_edges IS NOT NULL")
  q -d $db -c "$S DELETE FROM contract_control"
  u=$(session_ms $db "CALL supplyrisk.refresh(full => true)")
  [ "$r" -gt 0 ] || [ "$runs" -eq 0 ] && { tfull+=("$t"); ufull+=("$u"); }
done
F=$(med "${full[@]}")
n=$(q -d $db -c "SELECT count(*) FROM supplyrisk.supply")
pct() { echo "100 * $1 / $F" | bc -l; }
echo "== re-weighting, $n supply rows (refresh() in a new session each, psql \\timing, median of $runs, ms)"
echo "   most-used supplier $most: $spread; supplier group $grp: $grp_share% of supply weight"
printf "%-58s %8.0f\n" "full refresh" "$F"
for x in "one new assessment of the most-used supplier|$(med "${asm[@]}")|3" \
         "a high_risk designation of it|$(med "${des[@]}")|3" \
         "its clearing the next day|$(med "${clr[@]}")|3" \
         "a new controller for the group of $grp_share% of the weight|$(med "${own[@]}")|5" \
         "1,000 supply rows changed in $key|$(med "${rws[@]}")|3"; do
  IFS='|' read -r label ms target <<<"$x"
  printf "%-58s %8.0f   %5.1f%% of full (target <= %s%%)\n" "$label" "$ms" "$(pct "$ms")" "$target"
done
echo "   modes of the last run: $modes"
T=$(med "${tfull[@]}"); U=$(med "${ufull[@]}")
printf "%-58s %8.0f   %.2fx untracked (%.0f ms; target <= 1.3x; %s rows count contract gap edges)\n" "full refresh with contract checks tracked" "$T" "$(echo "$T / $U" | bc -l)" "$U" "$tracked_rows"
q -d $db -c "SELECT format('%-58s %8s   %s%% of the supply table (%s; target <= 25%%)', 'storage of the per-row supplier weights (supplier_mix)',
                           pg_size_pretty(sum(pg_column_size(r.supplier_mix))::bigint),
                           round(100.0 * sum(pg_column_size(r.supplier_mix)) / pg_total_relation_size('supplyrisk.supply'), 1),
                           pg_size_pretty(pg_total_relation_size('supplyrisk.supply')))
             FROM supplyrisk.sector_rollup r"
[ -n "${BENCH_RW_DB:-}" ] || q -d postgres -c "DROP DATABASE $db" >/dev/null
