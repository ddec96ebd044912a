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
bash test/cluster.sh stop >/dev/null 2>&1
check "the throw-away cluster stops" "no server running" "$(bash test/cluster.sh status 2>&1 | grep -o 'no server running')"
unset SR_CLUSTER

# run last: every suite dropped the databases it made in the test cluster
eval "$(SR_CLUSTER=test bash test/cluster.sh env)"
check "the suites left no database behind in the test cluster" "" \
  "$(psql -X -qAt -h "$PGHOST" -p "$PGPORT" -d postgres -c "SELECT string_agg(datname, ' ') FROM pg_database WHERE datname NOT IN ('postgres', 'template0', 'template1')")"
finish "clusters"
