#!/usr/bin/env bash
# `make deb`: Debian packages in the PostgreSQL team's style (debian/, pg_buildext,
# one postgresql-NN-supplyrisk package per installed postgresql-server-dev-NN).
# Builds from a copy of the checkout (the files git tracks plus the untracked ones
# it does not ignore), so the checkout is not touched: the orig tarball is the
# copy without debian/, debian/control is regenerated for the installed versions
# (PG_UPDATECONTROL), and dpkg-buildpackage -us -uc builds source and binaries.
# Then lintian, when installed: errors fail the build, warnings are listed.
# The packages, .dsc, .changes and lintian's report go to pkg/out/ (SR_DEB_OUT).
# Missing build tools are installed with apt when run as root.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out=${SR_DEB_OUT:-$top/pkg/out}
version=$(dpkg-parsechangelog -l "$top/debian/changelog" -S Version 2>/dev/null || sed -nE '1s/^[^(]*\(([^)]+)\).*/\1/p' "$top/debian/changelog")
upstream=${version%-*}
ext=$(sed -nE "s/^default_version *= *'([^']+)'.*/\1/p" "$top/supplyrisk.control")
[ "$upstream" = "$ext" ] || { echo "supplyrisk: debian/changelog is at $upstream, supplyrisk.control at $ext; add a changelog entry (dch -v $ext-1)" >&2; exit 1; }

need=()
for t in dpkg-buildpackage:dpkg-dev dh:debhelper pg_buildext:postgresql-server-dev-all; do
  command -v "${t%%:*}" >/dev/null 2>&1 || need+=("${t#*:}")
done
[ -f /usr/share/perl5/Debian/Debhelper/Sequence/pgxs_loop.pm ] || need+=(postgresql-server-dev-all)
dpkg-query -W -f '${Status}' build-essential 2>/dev/null | grep -q 'ok installed' || need+=(build-essential)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "supplyrisk: installing ${need[*]} (apt)" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  else
    echo "supplyrisk: make deb needs ${need[*]} (apt-get install ${need[*]})" >&2; exit 1
  fi
fi

work=$(mktemp -d /tmp/supplyrisk-deb.XXXXXX)
trap 'rm -rf "$work"' EXIT
src=$work/supplyrisk-$upstream
mkdir -p "$src"
if git -C "$top" rev-parse --git-dir >/dev/null 2>&1; then
  (cd "$top" && git ls-files -z --cached --others --exclude-standard \
     | while IFS= read -r -d '' f; do { [ -e "$f" ] || [ -L "$f" ]; } && printf '%s\0' "$f"; done \
     | tar --null --no-recursion -T - -cf -) | tar -xf - -C "$src"
else
  tar -C "$top" --exclude=./.git --exclude=./.pg --exclude=./pkg/out -cf - . | tar -xf - -C "$src"
fi
rm -rf "$src/pkg/out"
tar -C "$work" --exclude="supplyrisk-$upstream/debian" --sort=name --owner=0 --group=0 --numeric-owner \
  -czf "$work/supplyrisk_$upstream.orig.tar.gz" "supplyrisk-$upstream"
echo "supplyrisk: building $version for PostgreSQL $(cd "$src" && PG_SUPPORTED_VERSIONS=installed pg_buildext supported-versions | xargs)" >&2
(cd "$src" && PG_SUPPORTED_VERSIONS=installed PG_UPDATECONTROL=yes dpkg-buildpackage -us -uc) >"$work/build.log" 2>&1 \
  || { tail -40 "$work/build.log" >&2; echo "supplyrisk: dpkg-buildpackage failed" >&2; exit 1; }
mkdir -p "$out"
rm -f "$out"/*.deb "$out"/*.ddeb "$out"/*.dsc "$out"/*.changes "$out"/*.buildinfo "$out"/*.tar.* "$out"/lintian.txt
cp "$work"/*.deb "$work"/*.dsc "$work"/*.changes "$work"/*.buildinfo "$work"/*.tar.* "$out"/
cp "$work/build.log" "$out/build.log"
ls "$out"/*.deb | sed 's/^/supplyrisk: built /' >&2
if command -v lintian >/dev/null 2>&1; then
  changes=$(ls "$out"/*.changes | head -1)
  rc=0; lintian --no-cfg --info --display-level '>=warning' "$changes" >"$out/lintian.txt" 2>&1 || rc=$?
  errors=$(grep -c '^E: ' "$out/lintian.txt" || true); warnings=$(grep -c '^W: ' "$out/lintian.txt" || true)
  echo "supplyrisk: lintian: $errors error(s), $warnings warning(s) ($out/lintian.txt)" >&2
  grep -E '^(E|W): ' "$out/lintian.txt" | sed 's/^/  /' >&2 || true
  [ "$errors" -eq 0 ] || exit 1
else
  echo "supplyrisk: lintian is not installed; not checked" >&2
fi
