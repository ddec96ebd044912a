# bench/lib.sh — shared by the benchmark scripts: connection, psql, timing.
# Sourced, not run. BENCH_RUNS (default 5) runs are timed after one warm-up.
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
runs=${BENCH_RUNS:-5}
gen_sum=$(cd "$top" && md5sum data/generate.sql "sql/supplyrisk--$(sed -nE "s/^default_version *= *'([^']+)'.*/\1/p" supplyrisk.control).sql" | md5sum | cut -c1-12)

q() { psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }

# flush dirty buffers and wait for autovacuum to go quiet before timing
settle() {
  q -d postgres -c "CHECKPOINT"
  for i in $(seq 60); do
    [ "$(q -d postgres -c "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'autovacuum worker'")" = 0 ] && break
    sleep 5
  done
}

# median server-side execution time (ms) of a query: db, parallel workers, sql
time_query() {
  local db=$1 par=$2 sql=$3
  { echo "SET search_path = supplyrisk, public; SET max_parallel_workers_per_gather = $par; SET jit = off;"
    for i in $(seq 0 "$runs"); do echo "EXPLAIN (ANALYZE, TIMING OFF, SUMMARY ON, FORMAT JSON) $sql;"; done
  } | q -d "$db" | grep -o '"Execution Time": [0-9.]*' | tail -n +2 | awk '{print $3}' | sort -n \
    | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'
}

# ensure_db DB TAG FILE [psql args...]: (re)generate DB with the SQL FILE unless its
# comment says TAG (generator and install-script checksums are part of every tag)
ensure_db() {
  local db=$1 tag=$2 file=$3
  shift 3
  if [ "$(q -d postgres -c "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = '$db'")" != "$tag" ]; then
    echo "generating $db ..." >&2
    q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >&2
    q -d $db -c 'CREATE EXTENSION supplyrisk' >&2
    q -d $db "$@" -f "$top/$file" >/dev/null
    q -d $db -c "VACUUM ANALYZE" -c "COMMENT ON DATABASE $db IS '$tag'" >&2
  fi
}

# fresh_demo_db DB ROWS: DB made anew with the demo data of about ROWS supply rows
# (scale = rows / 40,000), vacuumed and analysed (dropped by the caller when done)
fresh_demo_db() {
  local db=$1 scale
  scale=$(awk -v r="$2" 'BEGIN {printf "%.4g", r / 40000}')
  q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null
  q -d $db -c "CREATE EXTENSION supplyrisk" >/dev/null
  q -d $db -v scale="$scale" -f "$top/data/generate.sql" >/dev/null
  q -d $db -c "VACUUM ANALYZE" >/dev/null
}

# the demo data set with about ROWS supply rows (scale = rows / 40,000), generated
# once and kept; prints its name
ensure_scale_db() {
  local rows=$1 scale
  scale=$(awk -v r="$rows" 'BEGIN {printf "%.4g", r / 40000}')
  ensure_db supplyrisk_bench_$rows "supplyrisk bench scale $scale $gen_sum" data/generate.sql -v scale="$scale"
  echo supplyrisk_bench_$rows
}

# time_interleaved DB SPEC...: median server-side execution time (ms) of each query,
# SPEC = "workers|sql". The queries run in turns (A B C A B C ...) in one session,
# one warm-up round then BENCH_RUNS rounds, so that drift in the machine's speed
# (a shared VM) falls on all of them alike and their ratios stay meaningful.
time_interleaved() {
  local db=$1; shift
  local n=$# i
  { echo "SET search_path = supplyrisk, public; SET jit = off;"
    for i in $(seq 0 "$runs"); do
      for spec in "$@"; do
        echo "SET max_parallel_workers_per_gather = ${spec%%|*};"
        echo "EXPLAIN (ANALYZE, TIMING OFF, SUMMARY ON, FORMAT JSON) ${spec#*|};"
      done
    done
  } | q -d "$db" | grep -o '"Execution Time": [0-9.]*' | awk '{print $3}' \
    | awk -v n="$n" -v runs="$runs" '
        NR > n { k = (NR - 1) % n; v[k, c[k]++] = $1 }
        END {
          for (k = 0; k < n; k++) {
            m = c[k]; delete a
            for (j = 0; j < m; j++) a[j] = v[k, j]
            # insertion sort of m values
            for (x = 1; x < m; x++) { t = a[x]; y = x - 1; while (y >= 0 && a[y] > t) { a[y + 1] = a[y]; y-- } a[y + 1] = t }
            printf "%s%s", (k ? " " : ""), (m % 2 ? a[(m - 1) / 2] : (a[m / 2 - 1] + a[m / 2]) / 2)
          }
          print ""
        }'
}

# median client-side wall time (ms: parse, plan, execute, transfer) of a query
wall_query() {
  local db=$1 sql=$2
  { echo "SET search_path = supplyrisk, public; SET jit = off;"; echo '\timing on'
    for i in $(seq 0 "$runs"); do echo "$sql \\g /dev/null"; done
  } | q -d "$db" | grep -o '^Time: [0-9.]*' | tail -n +2 | awk '{print $2}' | sort -n \
    | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'
}

# median of numbers given as arguments
med() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

# server round trip (ms, psql's \timing) of one statement in a new session: DB SQL
session_ms() { psql -X -q -d "$1" -c '\timing on' -c "$2" 2>&1 | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | tail -1; }
