#!/usr/bin/env bash
# `make demo`: set up, load the demo dataset at SCALE (default 1) into the
# database supplyrisk_demo, print the summary, leave the cluster running.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
scale=${SCALE:-1}
export SR_CLUSTER=demo
envline=$(bash test/setup.sh)
eval "$envline"; export PGHOST PGPORT PGUSER
. test/pg.sh
db=supplyrisk_demo
echo "supplyrisk: loading the demo dataset (scale $scale) into $db"
psql -X -q -v ON_ERROR_STOP=1 -d postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" -c "CREATE DATABASE $db"
psql -X -q -v ON_ERROR_STOP=1 -d $db -c "CREATE EXTENSION supplyrisk"
start=$(date +%s)
psql -X -q -v ON_ERROR_STOP=1 -d $db -v scale="$scale" -f data/generate.sql
echo "supplyrisk: loaded in $(( $(date +%s) - start )) s"
start=$(date +%s)
psql -X -q -v ON_ERROR_STOP=1 -d $db -c "CALL supplyrisk.refresh()" -c "SELECT supplyrisk.take_snapshot('demo baseline')" >/dev/null
echo "supplyrisk: rollups refreshed and a baseline snapshot taken in $(( $(date +%s) - start )) s (dashboards read the rollups; CALL supplyrisk.refresh() after changes)"
psql -X -q -v ON_ERROR_STOP=1 -d $db -f data/bi_role.sql >/dev/null
psql -X -q -v ON_ERROR_STOP=1 -d $db -f data/summary.sql
base=$(dirname "$SR_CLUSTER_DATA")
cat <<MSG

The cluster keeps running. Connect with:
  psql -h '$PGHOST' -p $PGPORT -U $PGUSER $db
A BI tool on this machine (Grafana, Metabase, Superset: a PostgreSQL data source):
  host 127.0.0.1, port $PGPORT, database $db, user supplyrisk_bi (read access; any password:
  the demo trusts local connections), SSL off
Stop it with:
  make demo-stop
Remove it (its data lives in $base):
  make demo-stop && rm -rf '$base'
make demo also installed PostgreSQL 15 packages through apt and the extension's files into the
system PostgreSQL ($("$PG_CONFIG" --sharedir)/extension, $("$PG_CONFIG" --pkglibdir));
'make uninstall' removes the extension's files, the packages stay.
MSG
