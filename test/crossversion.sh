#!/usr/bin/env bash
# Dumps and stored states across PostgreSQL major versions (issue 26), run by
# test/matrix.sh in two steps, on two versions:
#   test/crossversion.sh write DIR   on the oldest supported version (15): builds
#       two databases with user rows, one at the default version and one at the
#       previous release (0.2.0), dumps both with pg_dump -Fc, and writes stored
#       supply_mix values (text and COPY BINARY), serialized states and exact_sum
#       results to DIR
#   test/crossversion.sh read DIR    on each newer version (17, 18): restores the
#       dumps with that version's pg_restore, runs ALTER EXTENSION supplyrisk UPDATE
#       and compares every extension object with a fresh install there (the
#       catalogue description of test/upgrade.sh) and every user row with what was
#       dumped; reads the stored mixes and states back and compares them with the
#       same values recomputed on this version (bit for bit)
# Each step starts a cluster of its own (SR_CLUSTER=crossversion, port SR_PGPORT)
# and removes it at the end. Output: test/lib.sh checks.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
. test/pg.sh
. test/lib.sh
mode=${1:-}; dir=${2:-}
case "$mode" in write|read) ;; *) echo "usage: test/crossversion.sh write|read DIR" >&2; exit 2 ;; esac
[ -n "$dir" ] || { echo "test/crossversion.sh: DIR missing" >&2; exit 2; }
mkdir -p "$dir"; dir=$(cd "$dir" && pwd); chmod 755 "$dir"
[ "$(id -u)" -eq 0 ] && chown postgres "$dir" 2>/dev/null
default=$(sed -nE "s/^default_version *= *'([^']+)'.*/\1/p" supplyrisk.control)
previous=$(awk '$2 ~ /^supplyrisk--[0-9.]+\.sql$/ {sub(/^supplyrisk--/, "", $2); sub(/\.sql$/, "", $2); print $2}' sql/released.md5 | sort -V | tail -1)
major=$("$PG_CONFIG" --version | grep -oE '[0-9]+' | head -1)

export SR_CLUSTER=crossversion SR_PGBASE=${SR_PGBASE:-$(mktemp -d /tmp/supplyrisk-xv.XXXXXX)}
chmod 755 "$SR_PGBASE"
trap 'bash test/cluster.sh stop >/dev/null 2>&1; rm -rf "$SR_PGBASE"' EXIT
eval "$(bash test/cluster.sh start 2>/dev/null)" || { check "a cluster of PostgreSQL $major starts" ok failed; finish "cross-version $mode"; }
export PGUSER=postgres
q() { local d=$1; shift; psql -X -q -v ON_ERROR_STOP=1 -d "$d" "$@"; }
newdb() { psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1" >/dev/null; }
catalog() { psql -X -qAt -d "$1" -f test/upgrade/catalog.sql; }
rows() { psql -X -qAt -d "$1" -v cols="$(echo "${2:-}" | awk -F: 'NF {print $1 ":" $2}')" -f test/upgrade/rows.sql; }

# The stored values, computed the same way on every version: mixes of 0 to 100,000
# keys (bigint and text keys, escapes, extreme weights); exact_sum over inputs that
# need no libm (strtod and IEEE division only, so every version must agree to the
# bit); serialized states written by hand in the documented formats.
values_sql="
CREATE TABLE public.xv_mix (id int PRIMARY KEY, m supplyrisk.supply_mix);
INSERT INTO public.xv_mix SELECT n, (SELECT supplyrisk.supply_mix_agg(g, g * 0.1 + 1e-9) FROM generate_series(1, n) g)
  FROM unnest(ARRAY[0, 1, 2, 10, 1000, 100000]) n;
INSERT INTO public.xv_mix SELECT 10000000 + n, (SELECT supplyrisk.supply_mix_agg('k' || g || '€', g * 0.1 + 1e-9) FROM generate_series(1, n) g)
  FROM unnest(ARRAY[1, 2, 1000, 20000]) n;
INSERT INTO public.xv_mix VALUES (-1, '{}'), (-2, '{\"a\\\"b\":1,\"\\u0001\":2,\"é😀\":3}'),
  (-3, '{-9223372036854775808:5e-324,9223372036854775807:1.7976931348623157e308}');
CREATE TABLE public.xv_sum (id int PRIMARY KEY, bits bytea);
INSERT INTO public.xv_sum SELECT k, float8send(supplyrisk.exact_sum(((g * 7919 + k) % 10007 - 5003)::float8 / 997 * ('1e' || ((g % 61) - 30))::float8))
  FROM generate_series(1, 20) k, generate_series(1, 20000) g GROUP BY k;
INSERT INTO public.xv_sum SELECT 100 + k, float8send(supplyrisk.exact_sum(x)) FROM (VALUES
  (1, ARRAY[1e308, -1e308, 1e-320, 5e-324]::float8[]), (2, ARRAY[1, 1e100, 1, -1e100]::float8[]),
  (3, ARRAY[0.1, 0.2, 0.3]::float8[]), (4, ARRAY[]::float8[])) v(k, a), unnest(a) x GROUP BY k;
CREATE TABLE public.xv_state (kind text, id int, state bytea, bits bytea, PRIMARY KEY (kind, id));
INSERT INTO public.xv_state SELECT 'exact_sum', k, s, float8send(supplyrisk.exact_sum_from_state(s)) FROM (VALUES
  (1, '\\x01'::bytea || int8send(2) || '\\x00'::bytea || float8send(0) || int4send(2) || float8send(1e-20) || float8send(3)),
  (2, '\\x01'::bytea || int8send(3) || '\\x00'::bytea || float8send(0) || int4send(3) || float8send(1e-300) || float8send(2.5e-10) || float8send(1e300))) v(k, s);
INSERT INTO public.xv_state SELECT 'supply_mix', id, supplyrisk.supply_mix_send(m), NULL FROM public.xv_mix;
"

if [ "$mode" = write ]; then
  echo "# writing on PostgreSQL $major: supplyrisk $default and $previous databases, mixes and states, into $dir"
  rm -f "$dir"/*
  newdb xv_cur && q xv_cur -c 'CREATE EXTENSION supplyrisk' >/dev/null
  newdb xv_old && q xv_old -c "CREATE EXTENSION supplyrisk VERSION '$previous'" >/dev/null
  for d in xv_cur xv_old; do
    q "$d" -v scale=0.02 -f data/generate.sql >/dev/null 2>&1
    q "$d" -c "CALL supplyrisk.refresh()" -c "SELECT supplyrisk.take_snapshot('before the move')" \
      -c "INSERT INTO supplyrisk.methodology (name, description, hrv_threshold) VALUES ('national', 'a national variant', 55)" \
      -c "INSERT INTO supplyrisk.methodology_weight (methodology, factor_code, weight) SELECT 'national', code, 2 FROM supplyrisk.risk_factor" >/dev/null 2>&1
  done
  check "PostgreSQL $major: the $default database holds user rows and rollups" "t" \
    "$(psql -X -qAt -d xv_cur -c 'SELECT (SELECT count(*) FROM supplyrisk.supply) > 100 AND (SELECT count(*) FROM supplyrisk.sector_rollup) > 10')"
  check "PostgreSQL $major: the $previous database holds user rows and rollups" "t" \
    "$(psql -X -qAt -d xv_old -c 'SELECT (SELECT count(*) FROM supplyrisk.supply) > 100 AND (SELECT count(*) FROM supplyrisk.sector_rollup) > 10')"
  check "PostgreSQL $major: mixes, sums and states stored" "" "$(q xv_cur -c "$values_sql" 2>&1)"
  rows xv_cur >"$dir/cur.rows"; rows xv_old >"$dir/old.rows"
  q xv_cur -At -c "SELECT sector_code || '|' || coalesce(member_state, '-') || '|' || group_mix::text || '|' || country_mix::text FROM supplyrisk.sector_rollup ORDER BY 1" >"$dir/cur.mixes"
  q xv_cur -c "\\copy public.xv_mix TO '$dir/mix.bin' (FORMAT binary)" -c "\\copy public.xv_mix TO '$dir/mix.txt'" \
           -c "\\copy public.xv_sum TO '$dir/sum.txt'" -c "\\copy public.xv_state TO '$dir/state.txt'"
  ok=t
  "$PGBIN/pg_dump" -Fc -d xv_cur -f "$dir/cur.dump" || ok=f
  "$PGBIN/pg_dump" -Fc -d xv_old -f "$dir/old.dump" || ok=f
  check "PostgreSQL $major: pg_dump of both databases" "t" "$ok"
  echo "$major" >"$dir/written-by"
  for d in xv_cur xv_old; do psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $d" >/dev/null 2>&1; done
  finish "cross-version write"
fi

# --- read -------------------------------------------------------------------------
from=$(cat "$dir/written-by" 2>/dev/null)
check "a dump written by another PostgreSQL version is there" "t" "$([ -n "$from" ] && [ -s "$dir/cur.dump" ] && [ -s "$dir/old.dump" ] && echo t)"
[ -n "$from" ] || finish "cross-version read"
echo "# reading on PostgreSQL $major what PostgreSQL $from wrote"
newdb xv_ref && q xv_ref -c 'CREATE EXTENSION supplyrisk' >/dev/null
ref=$(catalog xv_ref)

# restore NAME DUMP [VERSION]: pg_restore into a new database; with VERSION, the
# extension is created at VERSION first and the dump's CREATE EXTENSION left out
# (the way to restore a dump of an older release and then update it)
restore() {
  newdb "$1"
  if [ -n "${3:-}" ]; then
    q "$1" -c "CREATE EXTENSION supplyrisk VERSION '$3'" >/dev/null
    "$PGBIN/pg_restore" -l "$2" | grep -vE ' SCHEMA - supplyrisk | EXTENSION - supplyrisk$| COMMENT - EXTENSION supplyrisk$' >"$dir/$1.list"
    "$PGBIN/pg_restore" --exit-on-error -L "$dir/$1.list" -d "$1" "$2" 2>&1
  else
    "$PGBIN/pg_restore" --exit-on-error -d "$1" "$2" 2>&1
  fi
}
compare() {  # DB LABEL ROWSFILE
  check "$2: ALTER EXTENSION supplyrisk UPDATE" "" "$(q "$1" -c 'ALTER EXTENSION supplyrisk UPDATE' 2>&1 | grep -v 'already installed')"
  check "$2: version $default" "$default" "$(psql -X -qAt -d "$1" -c "SELECT extversion FROM pg_extension WHERE extname = 'supplyrisk'")"
  check "$2: every object equal to a fresh install on PostgreSQL $major" "" "$(diff <(echo "$ref") <(catalog "$1") | head -20)"
  check "$2: every user row kept" "" "$(diff "$3" <(rows "$1" "$(cat "$3")") | head -10)"
  check "$2: refresh and the dashboard work" "t" \
    "$(psql -X -qAt -d "$1" -c 'CALL supplyrisk.refresh()' -c 'SELECT count(*) > 0 FROM supplyrisk.sector_overview WHERE hhi IS NOT NULL' 2>&1)"
}
l="PostgreSQL $from $default dump on $major"
check "$l: pg_restore" "" "$(restore xv_cur "$dir/cur.dump")"
compare xv_cur "$l" "$dir/cur.rows"
check "$l: the stored rollup mixes equal a full refresh here" "" \
  "$(diff "$dir/cur.mixes" <(q xv_cur -At -c 'CALL supplyrisk.refresh(full => true)' -c "SELECT sector_code || '|' || coalesce(member_state, '-') || '|' || group_mix::text || '|' || country_mix::text FROM supplyrisk.sector_rollup ORDER BY 1") | head -5)"
l="PostgreSQL $from $previous dump on $major (extension restored at $default)"
check "$l: pg_restore" "" "$(restore xv_plain "$dir/old.dump")"
compare xv_plain "$l" "$dir/old.rows"
l="PostgreSQL $from $previous dump on $major (restored at $previous, then updated)"
check "$l: pg_restore" "" "$(restore xv_old "$dir/old.dump" "$previous")"
compare xv_old "$l" "$dir/old.rows"

# the stored values: what 15 wrote equals what this version reads and computes
q xv_ref -c "$values_sql" >/dev/null
q xv_ref -c 'CREATE TABLE xv_mix_text (LIKE xv_mix)' -c 'CREATE TABLE xv_mix_bin (LIKE xv_mix)' -c 'CREATE TABLE xv_sum_then (LIKE xv_sum)' -c 'CREATE TABLE xv_state_then (LIKE xv_state)' \
  -c "\\copy xv_mix_text FROM '$dir/mix.txt'" -c "\\copy xv_mix_bin FROM '$dir/mix.bin' (FORMAT binary)" \
  -c "\\copy xv_sum_then FROM '$dir/sum.txt'" -c "\\copy xv_state_then FROM '$dir/state.txt'" >/dev/null
nm=$(psql -X -qAt -d xv_ref -c 'SELECT count(*) FROM xv_mix')
check "supply_mix text written on $from, read on $major: equal to the mixes computed here ($nm mixes, up to 100,000 keys)" "$nm" \
  "$(psql -X -qAt -d xv_ref -c 'SELECT count(*) FROM xv_mix a JOIN xv_mix_text b USING (id) WHERE a.m OPERATOR(supplyrisk.=) b.m AND a.m::text = b.m::text')"
check "supply_mix COPY BINARY written on $from, read on $major: equal to the mixes computed here" "$nm" \
  "$(psql -X -qAt -d xv_ref -c 'SELECT count(*) FROM xv_mix a JOIN xv_mix_bin b USING (id) WHERE a.m OPERATOR(supplyrisk.=) b.m AND supplyrisk.supply_mix_send(a.m) = supplyrisk.supply_mix_send(b.m)')"
check "supply_mix binary forms written on $from: byte for byte what $major writes, and read back by supply_mix_from_binary" "$nm|$nm" \
  "$(psql -X -qAt -d xv_ref -c "SELECT count(*) FILTER (WHERE a.state = b.state) || '|' || count(*) FILTER (WHERE supplyrisk.supply_mix_from_binary(b.state)::text = m.m::text) FROM xv_state a JOIN xv_state_then b USING (kind, id) JOIN xv_mix m USING (id) WHERE kind = 'supply_mix'")"
ns=$(psql -X -qAt -d xv_ref -c 'SELECT count(*) FROM xv_sum')
check "exact_sum results on $from and $major: equal to the bit ($ns sums, 400,000 inputs)" "$ns" \
  "$(psql -X -qAt -d xv_ref -c 'SELECT count(*) FROM xv_sum a JOIN xv_sum_then b USING (id) WHERE a.bits IS NOT DISTINCT FROM b.bits')"
check "exact_sum states written on $from read on $major: the same value to the bit" "2" \
  "$(psql -X -qAt -d xv_ref -c "SELECT count(*) FROM xv_state_then b WHERE b.kind = 'exact_sum' AND float8send(supplyrisk.exact_sum_from_state(b.state)) = b.bits")"
for d in xv_ref xv_cur xv_plain xv_old; do psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $d" >/dev/null 2>&1; done
finish "cross-version read"
