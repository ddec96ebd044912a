# bench/lib.sh — shared by the benchmark scripts: connection, psql, timing.
# Sourced, not run. BENCH_RUNS (default 5) runs are timed after one warm-up.
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
runs=${BENCH_RUNS:-5}

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
