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
psql -X -q -v ON_ERROR_STOP=1 -d $db -f data/summary.sql
cat <<MSG

The cluster keeps running. Connect with:
  psql -h '$PGHOST' -p $PGPORT -U $PGUSER $db
Stop it with:
  make demo-stop
MSG
