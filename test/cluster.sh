#!/usr/bin/env bash
# A private PostgreSQL 15 cluster for the demo and the tests: data directory and
# socket inside the checkout (.pg/), its own port, never the system cluster.
#   test/cluster.sh start   create if needed, start if stopped, print connection env
#   test/cluster.sh stop    stop it (data kept; `rm -rf .pg` to drop it)
#   test/cluster.sh env     print the shell exports to reach it
#   test/cluster.sh status
# initdb and postgres refuse to run as root: as root, the cluster runs as the OS
# user `postgres` (created by the postgresql-15 package) through runuser.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
PG_CONFIG=${PG_CONFIG:-$(ls /usr/lib/postgresql/15/bin/pg_config 2>/dev/null || command -v pg_config)}
bindir=$("$PG_CONFIG" --bindir)
port=${SR_PGPORT:-54329}
base=${SR_PGBASE:-$top/.pg}

owner=$(id -un)
if [ "$(id -u)" -eq 0 ]; then
  owner=postgres
  id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
fi
as_owner() { if [ "$(id -u)" -eq 0 ]; then runuser -u "$owner" -- "$@"; else "$@"; fi; }

mkdir -p "$base"
[ "$(id -u)" -eq 0 ] && chown "$owner" "$base"
if ! as_owner test -w "$base"; then
  # a parent directory of the checkout is not traversable by $owner
  alt=/var/tmp/supplyrisk-$(printf %s "$top" | md5sum | cut -c1-10)
  echo "supplyrisk: $owner cannot reach $base; using $alt instead" >&2
  base=$alt; mkdir -p "$base"; chown "$owner" "$base"
fi
data=$base/data
sock=$base/run
# unix socket paths are limited to 107 bytes
if [ $(( ${#sock} + 20 )) -gt 107 ]; then
  sock=/tmp/supplyrisk-$(printf %s "$top" | md5sum | cut -c1-10)
fi
log=$base/postgres.log

print_env() {
  echo "export PGHOST='$sock' PGPORT=$port PGUSER=postgres"
}

case "${1:-status}" in
  start)
    mkdir -p "$sock"; [ "$(id -u)" -eq 0 ] && chown "$owner" "$sock"
    if [ ! -f "$data/PG_VERSION" ]; then
      as_owner "$bindir/initdb" -D "$data" -U postgres -A trust -E UTF8 --no-locale >"$base/initdb.log" 2>&1 \
        || { cat "$base/initdb.log" >&2; exit 1; }
      cat >>"$data/postgresql.auto.conf" <<CONF
listen_addresses = ''
port = $port
unix_socket_directories = '$sock'
shared_buffers = '1GB'
work_mem = '64MB'
maintenance_work_mem = '1GB'
max_wal_size = '8GB'
checkpoint_timeout = '30min'
max_parallel_workers_per_gather = 2
lc_messages = 'C'
CONF
      if [ -f /usr/share/postgresql/15/extension/pg_cron.control ]; then
        # jobs run in background workers: no TCP connection back to the server is needed
        printf "shared_preload_libraries = 'pg_cron'\ncron.database_name = 'supplyrisk_cron'\ncron.use_background_workers = on\nmax_worker_processes = 16\n" >>"$data/postgresql.auto.conf"
      fi
    fi
    if ! as_owner "$bindir/pg_ctl" -D "$data" status >/dev/null 2>&1; then
      as_owner "$bindir/pg_ctl" -D "$data" -l "$log" -w -t 120 start >/dev/null \
        || { tail -20 "$log" >&2; exit 1; }
    fi
    print_env
    ;;
  stop)
    if [ -f "$data/PG_VERSION" ] && as_owner "$bindir/pg_ctl" -D "$data" status >/dev/null 2>&1; then
      as_owner "$bindir/pg_ctl" -D "$data" -m fast -w stop >/dev/null
      echo "supplyrisk: cluster stopped (data kept in $data)"
    else
      echo "supplyrisk: cluster not running"
    fi
    ;;
  env) print_env ;;
  status) as_owner "$bindir/pg_ctl" -D "$data" status || true ;;
  *) echo "usage: $0 start|stop|env|status" >&2; exit 2 ;;
esac
