#!/usr/bin/env bash
# Common set-up of `make test` and `make demo`: install missing packages, build,
# install the extension, start the private cluster. Prints the connection env
# (source-able) on stdout; progress goes to stderr.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
bash test/deps.sh >&2
PG_CONFIG=$(ls /usr/lib/postgresql/15/bin/pg_config 2>/dev/null || command -v pg_config)
echo "supplyrisk: building" >&2
make -s PG_CONFIG="$PG_CONFIG" >&2
if [ "$(id -u)" -eq 0 ]; then
  make -s PG_CONFIG="$PG_CONFIG" install >&2
else
  sudo make -s PG_CONFIG="$PG_CONFIG" install >&2
fi
echo "supplyrisk: starting the private cluster" >&2
PG_CONFIG=$PG_CONFIG bash test/cluster.sh start
