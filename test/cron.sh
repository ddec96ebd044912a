#!/usr/bin/env bash
# pg_cron for real: a throw-away cluster with shared_preload_libraries = pg_cron
# (test/cluster.sh adds it when Debian's postgresql-15-cron is installed), the
# extension scheduled through schedule_refresh / schedule_snapshot, and the jobs
# seen running in cron.job_run_details. pg_cron 1.4 schedules by the minute, so
# this waits up to CRON_WAIT seconds (default 150).
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
. test/pg.sh
if [ ! -f "$PGSHAREDIR/extension/pg_cron.control" ]; then
  echo "ok 1 # SKIP pg_cron not installed (package postgresql-15-cron)"; echo "1..1"; exit 0
fi
# a cluster of its own (pg_cron preloaded), next to the test cluster's port
export SR_CLUSTER=cron SR_PGPORT=$(( ${SR_PGPORT:-54339} + 1 ))
unset SR_PGBASE
bash test/cluster.sh stop >/dev/null 2>&1
eval "$(bash test/cluster.sh env)"; base=$(dirname "$SR_CLUSTER_DATA"); rm -rf "$base"
cleanup() { bash test/cluster.sh stop >/dev/null 2>&1; rm -rf "$base"; }
trap cleanup EXIT
eval "$(bash test/cluster.sh start)" || exit 1
export PGHOST PGPORT PGUSER
db=supplyrisk_cron
q() { psql -X -qAt -v ON_ERROR_STOP=1 -d $db "$@"; }
. "$top/test/lib.sh"
psql -X -q -d postgres -c "CREATE DATABASE $db" >/dev/null || exit 1
q -c 'CREATE EXTENSION pg_cron' -c 'CREATE EXTENSION supplyrisk' >/dev/null || exit 1
q -v scale=0.05 -f data/generate.sql >/dev/null || exit 1
check "pg_cron preloaded" "pg_cron" "$(q -c 'SHOW shared_preload_libraries')"
check "nothing scheduled by the install" "0" "$(q -c 'SELECT count(*) FROM cron.job')"
r1=$(q -c "SELECT supplyrisk.schedule_refresh('* * * * *')")
r2=$(q -c "SELECT supplyrisk.schedule_refresh('* * * * *')")
check "rescheduling keeps one refresh job" "$r1" "$r2"
q -c "SELECT supplyrisk.schedule_snapshot('* * * * *', 'it''s \"scheduled\"; DROP TABLE x --')" >/dev/null
check "the jobs' commands, names qualified and label quoted" \
  "supplyrisk_refresh|CALL supplyrisk.refresh()
supplyrisk_snapshot|SELECT supplyrisk.take_snapshot('it''s \"scheduled\"; DROP TABLE x --')" \
  "$(q -c 'SELECT jobname, command FROM cron.job ORDER BY jobname')"
echo "# waiting for pg_cron to run both jobs (minute granularity) ..."
for i in $(seq 1 "${CRON_WAIT:-150}"); do
  n=$(q -c "SELECT count(DISTINCT j.jobname) FROM cron.job_run_details d JOIN cron.job j USING (jobid) WHERE d.status = 'succeeded'")
  [ "$n" = "2" ] && break
  sleep 1
done
check "both jobs ran and succeeded (cron.job_run_details)" "2" "$n"
q -c "SELECT j.jobname, d.status, d.return_message FROM cron.job_run_details d JOIN cron.job j USING (jobid) ORDER BY d.start_time" | sed 's/^/# /'
check "the scheduled refresh filled the rollups" "rollup" "$(q -c 'SELECT source FROM supplyrisk.rollup_status')"
check "the scheduled snapshot was taken with its label" "it's \"scheduled\"; DROP TABLE x --" "$(q -c 'SELECT label FROM supplyrisk.snapshot ORDER BY snapshot_id LIMIT 1')"
check "unschedule refresh" "t" "$(q -c "SELECT supplyrisk.unschedule('refresh')")"
check "unschedule refresh again: not scheduled" "f" "$(q -c "SELECT supplyrisk.unschedule('refresh')")"
check "unschedule snapshot by job name" "t" "$(q -c "SELECT supplyrisk.unschedule('supplyrisk_snapshot')")"
check "no jobs left" "0" "$(q -c 'SELECT count(*) FROM cron.job')"
check "a bad schedule is refused by pg_cron" "ERROR" "$(q -c "SELECT supplyrisk.schedule_refresh('every now and then')" 2>&1 | grep -o '^ERROR' | head -1)"
check "an empty schedule is refused (22023)" "22023" "$(psql -X -q -d $db -c '\set VERBOSITY sqlstate' -c "SELECT supplyrisk.schedule_refresh(' ')" 2>&1 | grep -oE '[0-9]{2}[0-9A-Z]{3}' | head -1)"
finish "pg_cron"
