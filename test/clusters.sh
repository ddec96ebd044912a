#!/usr/bin/env bash
# Clusters never collide, and `make test` leaves nothing behind. Run last by
# test/run.sh:
#   - demo, test, crash, cron each resolve to a directory and socket of their own,
#     also when the postgres user cannot reach the checkout (the fallback
#     directory is derived from each cluster's own directory);
#   - a running cluster is not restarted on another port, and a port whose socket
#     already answers is refused;
#   - the test cluster holds no database the suites created.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
. test/pg.sh
. test/lib.sh

dirs=""
for c in demo test crash cron; do
  d=$(SR_CLUSTER=$c bash test/cluster.sh env | grep -oE "SR_CLUSTER_DATA='[^']*'")
  h=$(SR_CLUSTER=$c bash test/cluster.sh env | grep -oE "PGHOST='[^']*'")
  dirs="$dirs$d $h"$'\n'
done
check "demo, test, crash and cron clusters: four data directories" "4" "$(echo "$dirs" | awk 'NF {print $1}' | sort -u | wc -l)"
check "demo, test, crash and cron clusters: four socket directories" "4" "$(echo "$dirs" | awk 'NF {print $2}' | sort -u | wc -l)"

if [ "$(id -u)" -eq 0 ]; then
  # a private home directory, as /root is: the postgres user cannot enter it
  priv=$(mktemp -d /tmp/supplyrisk-private.XXXXXX); chmod 700 "$priv"
  fa=$(SR_PGBASE=$priv/x/.pg/main bash test/cluster.sh env | grep -oE "SR_CLUSTER_DATA='[^']*'")
  fb=$(SR_PGBASE=$priv/x/.pg/crash bash test/cluster.sh env | grep -oE "SR_CLUSTER_DATA='[^']*'")
  fc=$(SR_PGBASE=$priv/x/.pg/cron bash test/cluster.sh env | grep -oE "SR_CLUSTER_DATA='[^']*'")
  check "unreachable checkout: the fallback directories differ per cluster" "3" "$(printf '%s\n%s\n%s\n' "$fa" "$fb" "$fc" | sort -u | wc -l)"
  check "unreachable checkout: the fallback lives outside the private directory" "0" "$(printf '%s\n%s\n' "$fa" "$fb" | grep -c "$priv")"
  for d in "$fa" "$fb" "$fc"; do d=${d#SR_CLUSTER_DATA=\'}; rm -rf "$(dirname "${d%\'}")"; done
  rm -rf "$priv"
else
  echo "ok 1 # SKIP fallback directories: only root runs the cluster as another user"
fi

# a throw-away cluster: started twice on one port is fine; on another port, refused
export SR_CLUSTER=isolation SR_PGPORT=$(( ${SR_PGPORT:-54339} + 5 ))
eval "$(bash test/cluster.sh env)"; base=$(dirname "$SR_CLUSTER_DATA")
trap 'SR_CLUSTER=isolation bash test/cluster.sh stop >/dev/null 2>&1; rm -rf "$base"' EXIT
bash test/cluster.sh start >/dev/null 2>&1
check "a throw-away cluster starts" "0" "$(bash test/cluster.sh start >/dev/null 2>&1; echo $?)"
msg=$(SR_PGPORT=$((SR_PGPORT + 1)) bash test/cluster.sh start 2>&1 >/dev/null)
check "a running cluster is not started again on another port" "already running on port $SR_PGPORT" "$(grep -oE 'already running on port [0-9]+' <<<"$msg")"
# a second cluster whose socket directory already has a live server on this port
other=$(mktemp -d /tmp/supplyrisk-other.XXXXXX); [ "$(id -u)" -eq 0 ] && chown postgres "$other"
eval "$(bash test/cluster.sh env)"
ln -s "$PGHOST" "$other/run"
msg=$(SR_CLUSTER=other SR_PGBASE=$other bash test/cluster.sh start 2>&1 >/dev/null)
check "a port whose socket already answers is refused" "another server already listens" "$(grep -oE 'another server already listens' <<<"$msg")"
rm -rf "$other"
check "a cluster other than the demo's has its socket only: nothing on 127.0.0.1:$SR_PGPORT" "closed" \
  "$( (exec 3<>"/dev/tcp/127.0.0.1/$SR_PGPORT") 2>/dev/null && echo open || echo closed)"
bash test/cluster.sh stop >/dev/null 2>&1
check "the throw-away cluster stops" "no server running" "$(bash test/cluster.sh status 2>&1 | grep -o 'no server running')"

# listening on 127.0.0.1 as the demo does (issue 28.7): a BI tool connects by TCP as the read
# role data/bi_role.sql creates, with its settings, and cannot write
SR_LISTEN=127.0.0.1 bash test/cluster.sh start >/dev/null 2>&1
check "SR_LISTEN=127.0.0.1 (the demo's default): the cluster answers on 127.0.0.1:$SR_PGPORT" "1" \
  "$(psql -X -qAt -h 127.0.0.1 -p "$SR_PGPORT" -U postgres -d postgres -c 'SELECT 1' 2>&1)"
eval "$(bash test/cluster.sh env)"
psql -X -q -d postgres -c "CREATE DATABASE bi" >/dev/null
psql -X -q -d bi -c "CREATE EXTENSION supplyrisk" -f data/bi_role.sql >/dev/null 2>&1
bi() { psql -X -qAt -h 127.0.0.1 -p "$SR_PGPORT" -U supplyrisk_bi -d bi -c "$1" 2>&1; }
check "the BI role: jit off, read-only transactions, a statement timeout, the views by name (18 EU-wide rows)" "off|on|30s|18" \
  "$(bi "SELECT current_setting('jit') || '|' || current_setting('default_transaction_read_only') || '|' || current_setting('statement_timeout') || '|' || count(*) FROM sector_overview")"
check "the BI role cannot write" "ERROR:  cannot execute INSERT in a read-only transaction" \
  "$(bi "INSERT INTO supplyrisk.supplier (name, hq_country) VALUES ('x', 'DE')" | head -1)"
check "the BI role holds read access only" "read" "$(psql -X -qAt -d bi -c "SELECT access FROM supplyrisk.access_grant WHERE role_name = 'supplyrisk_bi'")"
psql -X -q -d postgres -c "DROP DATABASE bi" -c "DROP ROLE supplyrisk_bi" >/dev/null
bash test/cluster.sh stop >/dev/null 2>&1
check "a port already taken on 127.0.0.1 is refused before start" "another server already listens on 127.0.0.1:$SR_PGPORT" \
  "$( (python3 -c "import socket,time,sys; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(('127.0.0.1', $SR_PGPORT)); s.listen(); time.sleep(8)" & sleep 1
      SR_LISTEN=127.0.0.1 bash test/cluster.sh start 2>&1 >/dev/null; wait) | grep -oE 'another server already listens on [0-9.:]+')"
unset SR_CLUSTER

# run last: every suite dropped the databases it made in the test cluster
eval "$(SR_CLUSTER=test bash test/cluster.sh env)"
check "the suites left no database behind in the test cluster" "" \
  "$(psql -X -qAt -h "$PGHOST" -p "$PGPORT" -d postgres -c "SELECT string_agg(datname, ' ') FROM pg_database WHERE datname NOT IN ('postgres', 'template0', 'template1')")"
finish "clusters"
