#!/usr/bin/env bash
# REFERENCE.md against the extension it documents, both ways, so that the reference cannot
# drift: every object of a fresh CREATE EXTENSION has an entry, and every name REFERENCE.md
# claims as an object exists; every SQLSTATE the sources raise is in its SQLSTATE table, and
# every code of that table is raised. Each failing check lists what to fix (the first 20;
# a missing object or column with the start of its COMMENT, a dead name with its line).
# The comparisons themselves are in test/reference_check.py.
#
# The convention (what "documented" means):
#  - An object (function, procedure, aggregate, type, table, view, sequence: the members of
#    the extension) is documented when a backticked span anywhere outside code blocks opens
#    with its name: `name`, `name(args)`, `name(args) → type`, `supplyrisk.name`. Overloads
#    share one entry; internal and support functions may be a grouped list, one span each.
#  - A setting (a supplyrisk.* GUC the C library defines with DefineCustom*Variable, or one
#    the SQL reads with current_setting) is documented as `supplyrisk.<name>`.
#  - A column of a table or view is documented when its name is a word of its relation's
#    entry: a table row or a paragraph whose spans name the relation, or the whole section
#    whose heading or first paragraph names it; or as `relation.column` anywhere.
#  - Claims (each must exist; a failure names the line): a call-shaped name anywhere in a span,
#    `name(...)` (an extension object, or a PostgreSQL function or type); `supplyrisk.name` (an
#    object or a setting); a span after a kind word (table `x`, view `x`, function `x`, type
#    `x`, column `x`: a column, setting `x`: a setting); the spans of the first cell of a table
#    whose header's first cell is object, table, function, aggregate, type, view, procedure
#    (setting: settings), asides in parentheses left out ("type `t` (`a`, `b`)": `a`, `b` are
#    values); every word of the first cell of a table headed column (columns); and a bare
#    backticked identifier with an underscore, unless it is an object, column, argument, enum
#    label, index, trigger, constraint, policy, PostgreSQL name, or a value the sources write
#    as a whole string literal (`high_risk_supplier`, `installed_base`). Patterns with
#    placeholders (`sector_<code>`, `<table>_id_seq`) claim nothing; code blocks are skipped.
#  - SQLSTATEs: the table of the section whose heading says SQLSTATE; a row's first cell holds
#    its codes. Raised: errcode(ERRCODE_*) in ereport(ERROR, ...) in src/*.c (mapped through
#    PostgreSQL's errcodes.h), and in sql/src RAISE ... USING ERRCODE = '<code or condition
#    name>', RAISE [EXCEPTION] SQLSTATE '<code>', RAISE <condition name>, and a RAISE
#    EXCEPTION without a code (P0001). A code PostgreSQL raises for the extension (foreign
#    keys, privileges, an ambiguous call, postgres_fdw's connection errors passed on) is
#    marked "(PostgreSQL)" in its first cell and need not be raised by the sources;
#    "(internal)" (a note for readers, no exemption) marks one raised and caught inside.
# Self-checks: a copy of REFERENCE.md without one function's spans, with two dead names, and
# without one SQLSTATE row must each fail the comparison that should notice it.
# Prints TAP-like lines and "reference: ok". Database: $SR_REFERENCE_DB (supplyrisk_reference).
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
. "$top/test/lib.sh"
. "$top/test/pg.sh"
db=${SR_REFERENCE_DB:-supplyrisk_reference}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
q() { psql -X -qAt -v ON_ERROR_STOP=1 -F "$(printf '\t')" -d "$db" -c "$1"; }

psql -X -q -d postgres -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null || exit 1
psql -X -q -v ON_ERROR_STOP=1 -d "$db" -c 'CREATE EXTENSION supplyrisk' >/dev/null || exit 1

# the catalogue: the extension's members, their columns, the names that are no member
members="WITH m AS (SELECT d.classid, d.objid FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid
                     WHERE d.refclassid = 'pg_extension'::regclass AND e.extname = 'supplyrisk' AND d.deptype = 'e')"
flat="regexp_replace(coalesce(%s, ''), '\s+', ' ', 'g')"
q "$members
  SELECT CASE p.prokind WHEN 'a' THEN 'aggregate' WHEN 'p' THEN 'procedure' WHEN 'w' THEN 'window function' ELSE 'function' END,
         p.proname, $(printf "$flat" "obj_description(p.oid, 'pg_proc')")
    FROM m JOIN pg_proc p ON m.classid = 'pg_proc'::regclass AND p.oid = m.objid
  UNION ALL
  SELECT CASE c.relkind WHEN 'r' THEN 'table' WHEN 'p' THEN 'table' WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view'
                        WHEN 'S' THEN 'sequence' WHEN 'f' THEN 'foreign table' ELSE 'relation' END,
         c.relname, $(printf "$flat" "obj_description(c.oid, 'pg_class')")
    FROM m JOIN pg_class c ON m.classid = 'pg_class'::regclass AND c.oid = m.objid
  UNION ALL
  SELECT 'type', t.typname, $(printf "$flat" "obj_description(t.oid, 'pg_type')")
    FROM m JOIN pg_type t ON m.classid = 'pg_type'::regclass AND t.oid = m.objid
   -- (from PostgreSQL 17 the row types of tables and views, and array types, are members too:
   -- they are documented with their relation and element type)
   WHERE (t.typrelid = 0 OR (SELECT c.relkind FROM pg_class c WHERE c.oid = t.typrelid) = 'c')
     AND NOT EXISTS (SELECT 1 FROM pg_type e WHERE e.typarray = t.oid)
  ORDER BY 2, 1" >"$tmp/objects.tsv" || exit 1
q "$members
  SELECT c.relname, a.attname, $(printf "$flat" "col_description(c.oid, a.attnum)")
    FROM m JOIN pg_class c ON m.classid = 'pg_class'::regclass AND c.oid = m.objid
    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
   WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') ORDER BY 1, a.attnum" >"$tmp/columns.tsv" || exit 1
q "$members
  SELECT a.attname FROM m JOIN pg_type t ON m.classid = 'pg_type'::regclass AND t.oid = m.objid
    JOIN pg_attribute a ON a.attrelid = t.typrelid AND a.attnum > 0
  UNION SELECT e.enumlabel FROM m JOIN pg_enum e ON m.classid = 'pg_type'::regclass AND e.enumtypid = m.objid
  UNION SELECT n FROM m JOIN pg_proc p ON m.classid = 'pg_proc'::regclass AND p.oid = m.objid, unnest(p.proargnames) n WHERE n <> ''
  ORDER BY 1" >"$tmp/fields.txt" || exit 1
q "SELECT relname FROM pg_class WHERE relnamespace = 'supplyrisk'::regnamespace AND relkind IN ('i', 'I')
   UNION SELECT tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid WHERE c.relnamespace = 'supplyrisk'::regnamespace
   UNION SELECT conname FROM pg_constraint WHERE connamespace = 'supplyrisk'::regnamespace
   UNION SELECT polname FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid WHERE c.relnamespace = 'supplyrisk'::regnamespace
   ORDER BY 1" >"$tmp/others.txt" || exit 1
q "SELECT proname FROM pg_proc WHERE pronamespace = 'pg_catalog'::regnamespace
   UNION SELECT typname FROM pg_type WHERE typnamespace = 'pg_catalog'::regnamespace ORDER BY 1" >"$tmp/builtins.txt" || exit 1
# settings: what the C library defines, and what the SQL reads
{ grep -ohE 'DefineCustom[A-Za-z]+Variable\("supplyrisk\.[a-z_]+"' src/*.c | sed -E 's/.*\("//; s/"$//'
  grep -rohE "current_setting\('supplyrisk\.[a-z_]+'" sql/src | sed -E "s/.*\('//; s/'$//"
} | sort -u >"$tmp/settings.txt"

nobj=$(wc -l <"$tmp/objects.tsv")
check "the catalogue lists the extension's objects ($nobj names, $(wc -l <"$tmp/columns.tsv") columns, $(wc -l <"$tmp/settings.txt") settings)" \
  "t" "$([ "$nobj" -gt 100 ] && [ -s "$tmp/columns.tsv" ] && [ -s "$tmp/settings.txt" ] && echo t)"

# report NAME COUNT OFFENDERS...: the check, with the first 20 offenders above it
report() {
  local name=$1 count=$2; shift 2
  if [ "$count" != 0 ]; then
    echo "# $name: $count to fix:"
    printf '#   %s\n' "${@:1:20}"
    [ "$count" -gt 20 ] && echo "#   ... and $((count - 20)) more"
  fi
  check "$name" "0" "$count"
}
# compare MODE REF: the comparisons' lines (tab-separated), notes as they are
compare() {
  case "$1" in
    objects) python3 test/reference_check.py objects "$2" "$tmp" "$top" ;;
    sqlstates) python3 test/reference_check.py sqlstates "$2" "$top" "$("$PG_CONFIG" --includedir-server)/utils/errcodes.h" "$PGSHAREDIR/errcodes.txt" ;;
  esac
}
run() {
  local out line
  out=$(compare "$1" "$2") || { check "reference_check.py $1 runs" "0" "failed"; return; }
  while IFS= read -r line; do
    case "$line" in
      "#"*) echo "$line" ;;
      *) IFS=$'\t' read -r -a f <<<"$line"; report "${f[@]}" ;;
    esac
  done <<<"$out"
}

run objects REFERENCE.md
run sqlstates REFERENCE.md

# the comparisons can fail: REFERENCE.md with one entry taken out, one dead name put in, one
# SQLSTATE row taken out
# (field 3 on: the offenders of one comparison of REFERENCE.md or of a copy)
offenders() { compare "$1" "$2" | awk -F'\t' -v n="$3" '$1 == n { for (i = 3; i <= NF; i++) print $i }' | sed 's/ (.*//' | LC_ALL=C sort; }
added() { LC_ALL=C comm -13 "$@" | tr '\n' ' ' | sed 's/ $//'; }   # the lines of the second list only
fn=$(awk -F'\t' '$1 == "function" && $2 ~ /^[a-z][a-z0-9_]*$/ { print $2 }' "$tmp/objects.tsv" | while read -r f; do
       grep -q "\`$f[(\` ]" REFERENCE.md && { echo "$f"; break; }; done)
sed -E 's/`((supplyrisk\.)?'"$fn"'([^`A-Za-z0-9_][^`]*)?)`/\1/g' REFERENCE.md >"$tmp/without.md"
check "REFERENCE.md without the spans of $fn: the missing entry is noticed" "$fn" \
  "$(added <(offenders objects REFERENCE.md 'every function, procedure and aggregate has an entry') \
           <(offenders objects "$tmp/without.md" 'every function, procedure and aggregate has an entry'))"
{ cat REFERENCE.md; printf '\n| object | |\n|---|---|\n| `refcheck_dead_name(x integer)` | a name that is no object |\n\nSee `refcheck_dead_table`.\n'; } >"$tmp/dead.md"
check "REFERENCE.md with a dead function and a dead table name: both noticed" "refcheck_dead_name refcheck_dead_table" \
  "$(added <(offenders objects REFERENCE.md 'every object and setting REFERENCE.md names exists') \
           <(offenders objects "$tmp/dead.md" 'every object and setting REFERENCE.md names exists'))"
# (a code with a row of its own, the only row that names it)
code=$(awk '/^#/ { t = ($0 ~ /SQLSTATE/) } t' REFERENCE.md | grep -oE '^\| [0-9A-Z]{5} \|' | cut -c3-7 |
       while read -r c; do [ "$(grep -cE "^\|[^|]*\b$c\b" REFERENCE.md)" = 1 ] && { echo "$c"; break; }; done)
grep -vF "| $code |" REFERENCE.md >"$tmp/nocode.md"
check "REFERENCE.md without the SQLSTATE row of ${code:-(no code found)}: noticed" "${code:-a code}" \
  "$(added <(offenders sqlstates REFERENCE.md "the SQLSTATE table lists the extension's codes") \
           <(offenders sqlstates "$tmp/nocode.md" "the SQLSTATE table lists the extension's codes"))"

# functions say what they do (issue 25): none takes more than three boolean or mode (enum)
# parameters (the query must answer: an error would read as no offender)
nflags=$(q "$members SELECT count(*) || '|' || coalesce(string_agg(p.proname, ', ') FILTER (WHERE (SELECT count(*) FROM unnest(p.proargtypes) a JOIN pg_type t ON t.oid = a WHERE t.typname = 'bool' OR t.typtype = 'e') > 3), '')
        FROM m JOIN pg_proc p ON m.classid = 'pg_proc'::regclass AND p.oid = m.objid" 2>&1)
check "no function takes more than three boolean or mode parameters (of ${nflags%%|*} functions)" "|" "$(sed -E 's/^[0-9]+\|/|/' <<<"$nflags")"
check "... the count of functions looked at is real" "t" "$([ "${nflags%%|*}" -gt 100 ] 2>/dev/null && echo t)"
# a removed object missing from 'Removed objects' is noticed
grep -v '^| `sector_stats_levels(' REFERENCE.md >"$tmp/noremoved.md"
check "REFERENCE.md without the 'Removed objects' row of sector_stats_levels: noticed" "sector_stats_levels" \
  "$(added <(offenders objects REFERENCE.md "every object an upgrade drops and does not create again is in 'Removed objects'") \
           <(offenders objects "$tmp/noremoved.md" "every object an upgrade drops and does not create again is in 'Removed objects'"))"

[ -n "${SR_KEEP:-}" ] || psql -X -q -d postgres -c "DROP DATABASE $db" >/dev/null
finish "reference"
