#!/usr/bin/env bash
# Installs, through apt, whatever `make test` / `make demo` need and is missing:
# the PostgreSQL 15 server and headers, pgTAP and pg_prove, a C toolchain, and the browser
# the report tests render in (chromium, a font, python3 for the checks, cmark-gfm for markdown).
# pg_cron is installed when the package can be had, but nothing requires it.
set -euo pipefail

# the major version: PG_CONFIG's when it is a Debian /usr/lib/postgresql/NN/bin/pg_config, else 15
pgv=15
[[ "${PG_CONFIG:-}" =~ ^/usr/lib/postgresql/([0-9]+)/bin/pg_config$ ]] && pgv=${BASH_REMATCH[1]}
need=()
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }
for p in postgresql-$pgv postgresql-server-dev-$pgv postgresql-$pgv-pgtap \
         libtap-parser-sourcehandler-pgtap-perl gcc make chromium fonts-dejavu-core python3 cmark-gfm; do
  have_pkg "$p" || need+=("$p")
done
optional=(postgresql-$pgv-cron)

if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
    echo "supplyrisk: missing packages: ${need[*]}; run as root or install them yourself" >&2
    exit 1
  fi
fi
echo "supplyrisk: installing ${need[*]} (apt)"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
for p in "${optional[@]}"; do
  have_pkg "$p" || $SUDO apt-get install -y -qq --no-install-recommends "$p" >/dev/null 2>&1 \
    || echo "supplyrisk: optional package $p not available; its tests will be skipped"
done
