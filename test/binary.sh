#!/usr/bin/env bash
# supply_mix binary I/O: COPY BINARY round trips of mixes from 0 to 1,000,000
# keys, and corrupted binary input refused with 22P03 (never a crash).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/test/lib.sh"
db=supplyrisk_binary
tmp=$(mktemp -d /tmp/supplyrisk-binary.XXXXXX)
trap 'rm -rf "$tmp"; psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1' EXIT
q() { psql -X -q -v ON_ERROR_STOP=1 -d $db "$@"; }
psql -X -q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null 2>&1
q -c 'CREATE EXTENSION supplyrisk'
q <<'SQL'
CREATE TABLE mixes (id int, m supplyrisk.supply_mix);
INSERT INTO mixes SELECT n, (SELECT supplyrisk.supply_mix_agg(g, g * 0.1 + 1e-9) FROM generate_series(1, n) g)
  FROM unnest(ARRAY[0, 1, 2, 10, 1000, 100000, 1000000]) n;
INSERT INTO mixes SELECT 10000000 + n, (SELECT supplyrisk.supply_mix_agg('k' || g || '€', g * 0.1 + 1e-9) FROM generate_series(1, n) g)
  FROM unnest(ARRAY[1, 2, 1000, 1000000]) n;
INSERT INTO mixes VALUES (-1, '{}'), (-2, '{"a\"b":1,"\u0001":2,"é😀":3}'), (-3, '{-9223372036854775808:5e-324,9223372036854775807:1.7976931348623157e308}');
CREATE TABLE mixes_back (LIKE mixes);
SQL
q -c "\\copy mixes TO '$tmp/mixes.bin' (FORMAT binary)"
q -c "\\copy mixes_back FROM '$tmp/mixes.bin' (FORMAT binary)"
same=$(q -At -c "SELECT count(*) FROM mixes a JOIN mixes_back b USING (id) WHERE a.m OPERATOR(supplyrisk.=) b.m AND a.m::text = b.m::text")
total=$(q -At -c "SELECT count(*) FROM mixes")
check "COPY BINARY out and in: every mix identical (0 to 1,000,000 keys, $total mixes)" "$total" "$same"

# corrupt inputs: build single-row COPY BINARY files around a hand-made datum
python3 - "$tmp" <<'PY'
import struct, sys, os
d = sys.argv[1]
def copyfile(name, datum):
    hdr = b'PGCOPY\n\xff\r\n\x00' + struct.pack('>ii', 0, 0)
    row = struct.pack('>h', 1) + struct.pack('>i', len(datum)) + datum
    open(os.path.join(d, name), 'wb').write(hdr + row + struct.pack('>h', -1))
def mix(version=1, kind=1, flags=0, n=None, entries=((5, 2.5),), trailer=b''):
    body = b''
    for k, w in entries:
        if kind == 2:
            kb = k.encode() if isinstance(k, str) else k
            body += struct.pack('>i', len(kb)) + kb + struct.pack('>d', w)
        else:
            body += struct.pack('>q', k) + struct.pack('>d', w)
    return struct.pack('>BBhi', version, kind, flags, len(entries) if n is None else n) + body + trailer
cases = {
  'ok_int': mix(),
  'ok_text': mix(kind=2, entries=(('DE', 3.0), ('FR', 1.0))),
  'empty_header_only': b'',
  'truncated_header': mix()[:5],
  'truncated_key': mix()[:12],
  'truncated_weight': mix()[:20],
  'wrong_version': mix(version=2),
  'version_zero': mix(version=0),
  'reserved_flags': mix(flags=1),
  'unknown_kind': mix(kind=7),
  'empty_kind_with_keys': mix(kind=0),
  'kind_without_keys': mix(entries=()),
  'negative_count': mix(n=-1),
  'count_too_big': mix(n=100000000),
  'count_exceeds_bytes': mix(n=3),
  'unsorted_keys': mix(entries=((5, 1.0), (3, 1.0))),
  'duplicate_keys': mix(entries=((5, 1.0), (5, 1.0))),
  'nan_weight': mix(entries=((5, float('nan')),)),
  'inf_weight': mix(entries=((5, float('inf')),)),
  'zero_weight': mix(entries=((5, 0.0),)),
  'negative_weight': mix(entries=((5, -1.0),)),
  'trailing_bytes': mix(trailer=b'\x00'),
  'text_nul': mix(kind=2, entries=((b'D\x00E', 1.0),)),
  'text_bad_utf8': mix(kind=2, entries=((b'\xff\xfe', 1.0),)),
  'text_unsorted': mix(kind=2, entries=(('FR', 1.0), ('DE', 1.0))),
  'text_negative_length': struct.pack('>BBhi', 1, 2, 0, 1) + struct.pack('>i', -5) + b'xxxxxxxxxxxxxxxx',
  'text_length_overflow': struct.pack('>BBhi', 1, 2, 0, 1) + struct.pack('>i', 2**31 - 1) + b'xxxxxxxxxxxxxxxx',
}
for name, datum in cases.items():
    copyfile(name + '.bin', datum)
PY
q -c "CREATE TABLE sink (m supplyrisk.supply_mix)"
for f in "$tmp"/*.bin; do
  name=$(basename "$f" .bin)
  [ "$name" = mixes ] && continue
  out=$(psql -X -q -d $db -v VERBOSITY=verbose -c "\\set VERBOSITY verbose" -c "\\copy sink FROM '$f' (FORMAT binary)" 2>&1) && rc=0 || rc=$?
  case "$name" in
    ok_*) check "binary input $name accepted" "0" "$rc" ;;
    *) case "$name" in
         nan_weight|inf_weight|zero_weight|negative_weight) want=22023 ;;
         count_too_big) want=54000 ;;
         *) want=22P03 ;;
       esac
       got=$(sed -nE 's/.*ERROR: +([0-9A-Z]{5}):.*/\1/p' <<<"$out" | head -1)
       check "binary input $name refused with $want" "$want" "${got:-accepted}" ;;
  esac
done
# the server is still up and kept the accepted rows
check "the server still answers, with the two accepted rows" "1 2" "$(q -At -c "SELECT supplyrisk.key_count(m) FROM sink ORDER BY 1" | tr '\n' ' ' | sed 's/ $//')"
finish "supply_mix binary I/O"
