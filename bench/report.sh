#!/usr/bin/env bash
# Reports from the rollups (issue 16): server time of sector_report(.., 'html') for one sector
# and for the EU overview, and of the markdown report, against reading the rollup rows they
# show (the floor), over a database that has been refreshed (and holds a snapshot or more).
# Usage: bench/report.sh DB  (default: the 1M-row bench database of make bench)
set -euo pipefail
cd "$(dirname "$0")/.."
[ -n "${PGHOST:-}" ] || { export SR_CLUSTER=${SR_CLUSTER:-bench}; eval "$(bash test/setup.sh 2>/dev/null)"; export PGHOST PGPORT PGUSER; }
. bench/lib.sh
db=${1:-$(ensure_scale_db "${BENCH_ROWS:-1000000}")}
q -d $db -c "SELECT count(*) FROM supplyrisk.rollup_refresh" | grep -qv '^0$' || q -d $db -c "CALL supplyrisk.refresh()"
n=$(q -d $db -c "SELECT count(*) FROM supplyrisk.supply")
s=$(q -d $db -c "SELECT count(*) FROM supplyrisk.snapshot")
echo "== reports from the rollups: $n supply rows, $s snapshots (median server time, ms)"
read -r a b c d <<<"$(time_interleaved $db "0|SELECT count(*) FROM supplyrisk.sector_rollup WHERE sector_code = 'energy'" \
  "0|SELECT length(supplyrisk.sector_report('energy', 'html'))" "0|SELECT length(supplyrisk.sector_report(NULL, 'html'))" \
  "0|SELECT length(supplyrisk.sector_report('energy', 'markdown'))")"
printf "%-44s %10s\n" "read the sector's rollup rows (floor)" "$a"
printf "%-44s %10s   (target <= 100 ms)\n" "sector_report('energy', 'html')" "$b"
printf "%-44s %10s\n" "sector_report(NULL, 'html') (EU overview)" "$c"
printf "%-44s %10s\n" "sector_report('energy', 'markdown')" "$d"
