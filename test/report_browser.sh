#!/usr/bin/env bash
# Reports people look at, checked in a real browser (issue 16): the sector report, the EU
# report and the one-year review as HTML, over generated data plus supplier names made to
# break things (<, &, quotes, ]]>, right-to-left script, 300 characters). Each is rendered
# headless by Debian's chromium (a screenshot and an A4 PDF) and checked by
# test/report_check.py: valid self-contained HTML5, well-formed SVG charts with title and
# desc, names escaped and cut, a screenshot that is not blank with the bars drawn, one PDF
# page per section, no console message. SR_REPORT_PICTURES=1 (make report-pictures) keeps
# pictures of the demo data's reports in doc/.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
. test/pg.sh
. test/lib.sh
db=supplyrisk_reports
q() { psql -X -qAt -v ON_ERROR_STOP=1 -d $db "$@"; }
work=$(mktemp -d /tmp/supplyrisk-reports.XXXXXX)
cleanup() { [ -n "${SR_KEEP:-}" ] || rm -rf "$work"; psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1; }
trap cleanup EXIT
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then echo "not ok 1 - chromium is installed (test/deps.sh installs the chromium package)"; echo "1..1"; exit 1; fi
echo "# $("$browser" --version 2>/dev/null)"

psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null || exit 1
q -c 'CREATE EXTENSION supplyrisk' || exit 1
q -v scale=0.3 -f data/generate.sql >/dev/null || exit 1
if [ -n "${SR_REPORT_PICTURES:-}" ]; then  # pictures of the demo data for doc/, before the test's own names
  mkdir -p doc
  q -c "SELECT supplyrisk.take_snapshot('first')" -c "UPDATE supplyrisk.supply SET weight = weight * 1.5 WHERE supply_id % 4 = 0" \
    -c "SELECT supplyrisk.take_snapshot('second')" -c "CALL supplyrisk.refresh()" >/dev/null || exit 1
  for r in energy:"'energy'" eu:NULL; do
    q -c "SELECT supplyrisk.sector_report(${r#*:}, 'html')" >"$work/pic.html"
    "$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$work/profile" --window-size=900,2600 \
      --screenshot="doc/report-${r%%:*}.png" "file://$work/pic.html" >/dev/null 2>&1
  done
  q -c "DELETE FROM supplyrisk.snapshot" -c "DELETE FROM supplyrisk.rollup_refresh" -c "DELETE FROM supplyrisk.sector_rollup" \
    -c "UPDATE supplyrisk.supply SET weight = weight / 1.5 WHERE supply_id % 4 = 0" >/dev/null
  echo "# pictures of the demo data kept in doc/"
fi
hostile='<script>alert("x")</script> & Co "Quoted" '"'"'single'"'"' ]]> Ltd'
long=$(printf 'Very long supplier name %.0s' $(seq 1 13))
q -v hostile="$hostile" -v long="$long" >/dev/null <<'SQL' || exit 1
SET search_path = supplyrisk;
INSERT INTO supplier (supplier_id, name, hq_country) VALUES
  (990001, :'hostile', 'DE'), (990002, 'شركة الاتصالات المتقدمة للشبكات', 'AE'), (990003, :'long', 'US');
-- make them large in energy, so that they reach the charts and tables
INSERT INTO supply (entity_id, supplier_id, function_code, weight, valid_from)
SELECT e.entity_id, s.sid, 'ot.scada', 5000, '2020-01-01'
FROM (SELECT entity_id FROM entity WHERE sector_code = 'energy' ORDER BY entity_id LIMIT 12) e
CROSS JOIN (VALUES (990001), (990002), (990003)) s(sid);
SELECT take_snapshot('2025');
UPDATE supply SET weight = weight * 2 WHERE supply_id % 3 = 0;
SELECT take_snapshot('2026');
INSERT INTO measure_status (toolbox_code, measure_code, member_state, reporting_round, legal_status, application, recorded_on)
SELECT '5g-2020', m, ms, r, CASE WHEN r = '2025' AND ms <> 'DE' THEN 'in_preparation' ELSE 'adopted' END, 'being_implemented', CURRENT_DATE - 1
FROM unnest(ARRAY['SM03', 'SM05', 'TM08', 'SA09']) m, unnest(ARRAY['DE', 'FR', 'IT', 'PL']) ms, unnest(ARRAY['2025', '2026']) r;
CALL refresh();
SQL
q -c "SELECT supplyrisk.sector_report('energy', 'html')" >"$work/energy.html" &&
q -c "SELECT supplyrisk.sector_report(NULL, 'html')" >"$work/eu.html" &&
q -c "SELECT supplyrisk.review_report('2025', '2026', 'html')" >"$work/review.html" || exit 1

render() {  # NAME: screenshot, PDF and the browser's log
  local f=$work/$1
  "$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$work/profile" \
    --enable-logging=stderr --v=0 --window-size=1000,4000 --screenshot="$f.png" "file://$f.html" >"$f.log" 2>&1
  "$browser" --headless --no-sandbox --disable-gpu --user-data-dir="$work/profile" --no-pdf-header-footer \
    --enable-logging=stderr --v=0 --print-to-pdf="$f.pdf" "file://$f.html" >>"$f.log" 2>&1
  [ -s "$f.png" ] && [ -s "$f.pdf" ]
}
for r in energy eu review; do
  check "chromium renders the $r report (screenshot and PDF)" "ok" "$(timeout 120 bash -c "$(declare -f render); browser='$browser' work='$work' render $r" && echo ok || tail -3 "$work/$r.log")"
done
report() {  # NAME [must-contain...]: the checks of report_check.py, as ours
  local r=$1; shift
  local line
  while IFS= read -r line; do
    case "$line" in
      "ok "*) check "$r: ${line#ok }" ok ok ;;
      "not ok "*) check "$r: ${line#not ok }" ok "failed" ;;
    esac
  done < <(python3 test/report_check.py "$work/$r.html" "$work/$r.png" "$work/$r.pdf" "$work/$r.log" "$@" 2>&1 || echo "not ok report_check.py ran")
}
report energy '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co' ']]&gt;' 'شركة الاتصالات' 'Concentration by member state' 'HHI by member state'
report eu 'Concentration by sector' 'Largest supplier groups' 'Country of origin' 'HHI across the snapshots'
# the review's tables of every sector and member state run over several pages: at least one a section
REPORT_PAGES=at-least report review 'legal basis adopted, round 2025 and round 2026' 'Strengthening risk management'
check "the hostile name never reaches a report unescaped" "0" "$(grep -c '<script>alert' "$work"/*.html | awk -F: '{s+=$2} END {print s}')"
check "a long name is cut in the chart rows and whole in their titles" "t|t" \
  "$(grep -q "${long:0:37}…" "$work/energy.html" && echo t || echo f)|$(grep -q "$long" "$work/energy.html" && echo t || echo f)"
# a sector without supply (a user sector, refreshed) says why each chart is empty
q -c "INSERT INTO supplyrisk.sector (code, name, annex) VALUES ('test_empty', 'A sector without supply', 'II')" -c "CALL supplyrisk.refresh()" >/dev/null || exit 1
q -c "SELECT supplyrisk.sector_report('test_empty', 'html')" >"$work/empty.html"
check "an empty sector: no chart, and every chart section says why it is empty (5)" "0|4|1" \
  "$(grep -c '<svg' "$work/empty.html")|$(grep -c 'class="empty">No supply is recorded for this sector' "$work/empty.html")|$(grep -c 'class="empty">No snapshot with supply yet' "$work/empty.html")"
# outdated rollups are said so
q -c "UPDATE supplyrisk.rollup_refresh SET as_of = as_of - 3" || exit 1
check "outdated rollups are announced" "1" "$(q -c "SELECT supplyrisk.sector_report('energy', 'html')" | grep -c 'class="notice">The rollups are from')"
finish "reports in a browser"
