#!/usr/bin/env bash
# Private PostgreSQL clusters for the demo and the tests: each one has its own
# data directory and socket directory inside the checkout (.pg/<name>/), its own
# port, and is never the system cluster.
#   test/cluster.sh start   create if needed, start if stopped, print connection env
#   test/cluster.sh stop    stop it (data kept; `rm -rf .pg/<name>` to drop it)
#   test/cluster.sh env     print the shell exports to reach it
#   test/cluster.sh status
# SR_CLUSTER names the cluster: demo (default; `make demo`), test (`make test`),
# crash, cron, valgrind (suites that need a cluster of their own). SR_PGPORT sets
# its port (default 54329 for demo, 54339 for the others). SR_PGBASE overrides
# the directory. The demo cluster also listens on TCP at 127.0.0.1 (same port), so
# a BI tool on this machine can connect; the others have their socket only
# (SR_LISTEN sets the TCP addresses of any cluster; without it the others follow their
# configuration: listen_addresses '' from initdb here, or what ALTER SYSTEM set).
# initdb and postgres refuse to run as root: as root, the cluster runs as the OS
# user `postgres` (created by the postgresql-15 package) through runuser. When
# that user cannot reach the checkout (a private home directory, mode 700), the
# cluster lives in /var/tmp/supplyrisk-<hash of its own directory> instead: every
# cluster keeps a directory of its own, so clusters of one checkout never collide.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/test/pg.sh"
name=${SR_CLUSTER:-demo}
case "$name" in demo) defport=54329; deflisten=127.0.0.1 ;; *) defport=54339; deflisten= ;; esac
listen=${SR_LISTEN-$deflisten}
port=${SR_PGPORT:-$defport}
base=${SR_PGBASE:-$top/.pg/$name}

owner=$(id -un)
if [ "$(id -u)" -eq 0 ]; then
  owner=postgres
  id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
fi
# (from /: the owner may not be allowed into the current directory)
as_owner() { if [ "$(id -u)" -eq 0 ]; then (cd / && runuser -u "$owner" -- "$@"); else "$@"; fi; }
hash_of() { printf %s "$1" | md5sum | cut -c1-12; }

mkdir -p "$base"
[ "$(id -u)" -eq 0 ] && chown "$owner" "$base"
if ! as_owner test -w "$base"; then
  # a parent directory of the checkout is not traversable by $owner
  alt=/var/tmp/supplyrisk-$(hash_of "$base")
  [ "${1:-status}" = start ] && echo "supplyrisk: $owner cannot reach $base; cluster $name lives in $alt" >&2
  base=$alt; mkdir -p "$base"; chown "$owner" "$base"
fi
data=$base/data
sock=$base/run
# unix socket paths are limited to 107 bytes
if [ $(( ${#sock} + 20 )) -gt 107 ]; then
  sock=/tmp/supplyrisk-$(hash_of "$base")
fi
log=$base/postgres.log

running() { [ -f "$data/PG_VERSION" ] && as_owner "$PGBIN/pg_ctl" -D "$data" status >/dev/null 2>&1; }
print_env() {
  local p=$port
  running && p=$(sed -n 4p "$data/postmaster.pid")
  echo "export PGHOST='$sock' PGPORT=$p PGUSER=postgres SR_CLUSTER_DATA='$data'"
}

case "${1:-status}" in
  start)
    if ! [[ "$port" =~ ^[0-9]+$ ]] || [ "$port" -lt 1024 ] || [ "$port" -gt 65535 ]; then
      echo "supplyrisk: SR_PGPORT must be a port number from 1024 to 65535, not \"$port\"" >&2; exit 2
    fi
    mkdir -p "$sock"; [ "$(id -u)" -eq 0 ] && chown "$owner" "$sock"
    if [ ! -f "$data/PG_VERSION" ]; then
      as_owner "$PGBIN/initdb" -D "$data" -U postgres -A trust -E UTF8 --no-locale >"$base/initdb.log" 2>&1 \
        || { cat "$base/initdb.log" >&2; exit 1; }
      cat >>"$data/postgresql.auto.conf" <<CONF
listen_addresses = ''
shared_buffers = '1GB'
work_mem = '64MB'
maintenance_work_mem = '1GB'
max_wal_size = '8GB'
checkpoint_timeout = '30min'
max_parallel_workers_per_gather = 2
lc_messages = 'C'
CONF
      if [ -f "$PGSHAREDIR/extension/pg_cron.control" ]; then
        # jobs run in background workers: no TCP connection back to the server is needed
        printf "shared_preload_libraries = 'pg_cron'\ncron.database_name = 'supplyrisk_cron'\ncron.use_background_workers = on\nmax_worker_processes = 16\n" >>"$data/postgresql.auto.conf"
      fi
    fi
    if running; then
      # already up: it must be on the port asked for
      up=$(sed -n 4p "$data/postmaster.pid" 2>/dev/null || true)
      if [ "$up" != "$port" ]; then
        echo "supplyrisk: cluster $name ($data) is already running on port $up, not $port; stop it first (SR_CLUSTER=$name bash test/cluster.sh stop) or use SR_PGPORT=$up" >&2
        exit 1
      fi
    else
      # the port is checked before use: nothing may answer on this socket already
      if [ -S "$sock/.s.PGSQL.$port" ] && "$PGBIN/pg_isready" -q -h "$sock" -p "$port"; then
        echo "supplyrisk: another server already listens on $sock/.s.PGSQL.$port; choose another port with SR_PGPORT" >&2
        exit 1
      fi
      if [ -n "$listen" ] && (exec 3<>"/dev/tcp/${listen%%,*}/$port") 2>/dev/null; then  # anything accepting there
        echo "supplyrisk: another server already listens on ${listen%%,*}:$port; choose another port with SR_PGPORT" >&2
        exit 1
      fi
      as_owner "$PGBIN/pg_ctl" -D "$data" -l "$log" -w -t 120 \
        -o "-p $port -c unix_socket_directories='$sock'${listen:+ -c listen_addresses='$listen'}" start >/dev/null \
        || { tail -20 "$log" >&2; exit 1; }
    fi
    print_env
    ;;
  stop)
    if running; then
      as_owner "$PGBIN/pg_ctl" -D "$data" -m fast -w stop >/dev/null
      echo "supplyrisk: cluster $name stopped (data kept in $data)"
    else
      echo "supplyrisk: cluster $name not running"
    fi
    ;;
  env) print_env ;;
  status) as_owner "$PGBIN/pg_ctl" -D "$data" status ;;  # exit status 0: running
  *) echo "usage: $0 start|stop|env|status" >&2; exit 2 ;;
esac
