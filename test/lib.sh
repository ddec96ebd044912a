# test/lib.sh — sourced by the shell test suites: TAP-like checks and the ending.
#   check NAME EXPECTED ACTUAL   prints "ok N - NAME" or "not ok N - NAME (expected .., got ..)"
#   finish LABEL                 prints the plan and "LABEL: ok" / "LABEL: FAILED", exits 0 / 1
#   $rollups_vs_live             SQL: the sector_overview rows (rollups) that differ from a live
#                                computation — counts exact, floats within 1e-12 relative (an
#                                incremental refresh sums the rows it recomputes in index order)
fail=0; n=0
check() {
  n=$((n+1))
  if [ "$2" = "$3" ]; then echo "ok $n - $1"; else echo "not ok $n - $1 (expected '$2', got '$3')"; fail=1; fi
}
finish() {
  echo "1..$n"
  if [ $fail -eq 0 ]; then echo "$1: ok"; else echo "$1: FAILED"; fi
  exit $fail
}

rollups_vs_live="SELECT count(*) FROM supplyrisk.sector_overview r FULL JOIN supplyrisk.sector_overview_at() l
    ON l.sector_code = r.sector_code AND l.member_state IS NOT DISTINCT FROM r.member_state
  WHERE r.sector_code IS NULL OR l.sector_code IS NULL
     OR (r.entities, r.suppliers, r.single_supplier_critical, r.concentration_level, r.contract_gap_edges)
        IS DISTINCT FROM (l.entities, l.suppliers, l.single_supplier_critical, l.concentration_level, l.contract_gap_edges)
     OR EXISTS (SELECT 1 FROM unnest(ARRAY[r.hhi, r.cr4, r.effective_suppliers, r.country_hhi, r.hrv_share, r.unassessed_share, r.hrv_share_critical, r.non_eu_share, r.mean_risk],
                                     ARRAY[l.hhi, l.cr4, l.effective_suppliers, l.country_hhi, l.hrv_share, l.unassessed_share, l.hrv_share_critical, l.non_eu_share, l.mean_risk]) u(a, b)
                WHERE (a IS NULL) <> (b IS NULL) OR abs(a - b) > 1e-12 * greatest(abs(a), abs(b)))"
