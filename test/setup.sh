#!/usr/bin/env bash
# Common set-up of `make test` and `make demo`: install missing packages, build,
# install the extension, start the private cluster named by SR_CLUSTER (demo,
# test, ...). Prints the connection env (source-able) on stdout; progress goes
# to stderr.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
bash test/deps.sh >&2
. test/pg.sh
echo "supplyrisk: building" >&2
make -s PG_CONFIG="$PG_CONFIG" >&2
if [ "$(id -u)" -eq 0 ]; then
  make -s PG_CONFIG="$PG_CONFIG" install >&2
else
  sudo make -s PG_CONFIG="$PG_CONFIG" install >&2
fi
echo "supplyrisk: starting the private cluster ${SR_CLUSTER:-demo}" >&2
bash test/cluster.sh start
