#!/usr/bin/env bash
# The one place the PostgreSQL installation is chosen. Sourced by every script:
#   PG_CONFIG  (from the environment, else PostgreSQL 15's, else the one on PATH)
#   PGBIN      its bindir (initdb, pg_ctl, postgres, pg_dump, pg_restore, pgbench)
#   PGSHAREDIR its sharedir (extension control files)
# Run as a program (bash test/pg.sh) it prints PG_CONFIG, for the Makefile.
: "${PG_CONFIG:=$(command -v /usr/lib/postgresql/15/bin/pg_config || command -v pg_config || echo pg_config)}"
export PG_CONFIG
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  echo "$PG_CONFIG"
  exit 0
fi
if command -v "$PG_CONFIG" >/dev/null 2>&1; then
  PGBIN=$("$PG_CONFIG" --bindir)
  PGSHAREDIR=$("$PG_CONFIG" --sharedir)
  export PGBIN PGSHAREDIR
fi
