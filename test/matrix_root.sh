#!/usr/bin/env bash
# Debian roots for the PostgreSQL version matrix (issue 26): one chroot per
# PostgreSQL major version, with the server, its headers, pgTAP, pg_prove, a C
# toolchain and the browser the report tests render in, cached under
# /var/tmp/supplyrisk-matrix/pg<NN> (SR_MATRIX_CACHE overrides the directory).
#   bash test/matrix_root.sh 17    Debian 13 (trixie), PostgreSQL 17
#   bash test/matrix_root.sh 18    Debian unstable (sid), PostgreSQL 18, plus the Debian
#                                  packaging tools (make deb builds there, lintian runs there)
#   bash test/matrix_root.sh 15    Debian 12 (bookworm) with the PostgreSQL 15 server only:
#                                  the clean root the 15 package is installed into
#                                  (the 15 suites run on the host itself)
# Prints the root's path. A root is built once (debootstrap, then apt inside it)
# and reused while its stamp matches the package list; a changed list rebuilds
# it. It is built in a temporary directory and renamed into place when complete,
# under a lock: an interrupted build never leaves a root that looks finished,
# and two runs never build the same root at once. Runs as root.
# The mirror is the host's own (from its apt sources; SR_MATRIX_MIRROR overrides).
# No cluster is created in the root and no service is started there: the tests
# run private clusters of their own (test/cluster.sh).
# (One brace group, read whole before it runs: an edit during a run does not change the run.)
{
set -euo pipefail

usage() { echo "usage: $0 15|17|18" >&2; exit 2; }
[ $# -eq 1 ] || usage
ver=$1
case "$ver" in
  15) suite=bookworm ;;
  17) suite=trixie ;;
  18) suite=sid ;;
  *) usage ;;
esac
[ "$(id -u)" -eq 0 ] || { echo "supplyrisk: $0 must run as root (debootstrap, chroot)" >&2; exit 1; }

cache=${SR_MATRIX_CACHE:-/var/tmp/supplyrisk-matrix}
root=$cache/pg$ver
stampname=.supplyrisk-matrix-stamp

# installed by debootstrap (plain tools, no maintainer scripts that matter)
base_pkgs=(gcc make perl python3 procps bc)
# installed by apt inside the root, once it is configured not to create or start clusters
pkgs=(postgresql-$ver postgresql-server-dev-$ver postgresql-$ver-pgtap
      libtap-parser-sourcehandler-pgtap-perl chromium fonts-dejavu-core cmark-gfm)
optional=(postgresql-$ver-cron)
case "$ver" in
  15) base_pkgs=(procps); pkgs=(postgresql-$ver); optional=() ;;
  18) pkgs+=(build-essential dpkg-dev debhelper postgresql-server-dev-all lintian) ;;
esac
# the stamp: what the root was built from (bump the recipe number when the
# steps below change in a way that needs a rebuild)
recipe=1
# a root of the host's own release takes the host's apt sources too (its -updates and -security
# suites): the 15 package built on the host needs the host's PostgreSQL 15 point release
. /etc/os-release
host_sources=""; [ "$suite" = "${VERSION_CODENAME:-}" ] && host_sources="host sources"
stamp=$(printf '%s\n' "recipe $recipe" "suite $suite" "base ${base_pkgs[*]}" "pkgs ${pkgs[*]}" "optional ${optional[*]}" $host_sources | sha256sum | cut -c1-16)

fresh() { [ -f "$root/$stampname" ] && [ "$(cat "$root/$stampname")" = "$stamp" ]; }
if fresh; then echo "$root"; exit 0; fi

mkdir -p "$cache"
exec 9>"$cache/pg$ver.lock"
if ! flock -n 9; then
  echo "supplyrisk: another run is building $root; waiting for it" >&2
  flock 9
fi
# built meanwhile by the run we waited for?
if fresh; then echo "$root"; exit 0; fi

mirror=${SR_MATRIX_MIRROR:-}
if [ -z "$mirror" ]; then
  # the host's main archive: the URI of its sources entry for the host's own codename
  . /etc/os-release
  mirror=$(
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
      [ -f "$f" ] && awk -v c="${VERSION_CODENAME:-}" '
        $1 == "deb" { i = 2; if ($2 ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
                      if ($(i+1) == c) { print $i; exit } }' "$f"
    done
    for f in /etc/apt/sources.list.d/*.sources; do
      [ -f "$f" ] && awk -v c="${VERSION_CODENAME:-}" '
        function flush() { if (deb && uri != "" && suites ~ ("(^| )" c "( |$)")) { print uri; exit } deb = 0; uri = ""; suites = "" }
        /^[ \t]*$/ { flush(); next }
        /^Types:/  { deb = ($0 ~ /[ \t]deb([ \t]|$)/) }
        /^URIs:/   { uri = $2 }
        /^Suites:/ { sub(/^Suites:[ \t]*/, ""); suites = $0 }
        END { flush() }' "$f"
    done | head -1)
fi
[ -n "$mirror" ] || { echo "supplyrisk: no Debian mirror found in the host's apt sources; set SR_MATRIX_MIRROR" >&2; exit 1; }
command -v debootstrap >/dev/null 2>&1 || {
  echo "supplyrisk: installing debootstrap (apt)" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >/dev/null
}

# anything mounted at or under a directory? (never remove a directory with mounts:
# a bind-mounted checkout is on the same filesystem and would be deleted with it)
mounted_under() { awk -v d="$1" '$2 == d || index($2, d "/") == 1 { found = 1 } END { exit !found }' /proc/mounts; }
if mounted_under "$root"; then
  echo "supplyrisk: $root is stale (its package list changed) but in use (mounts under it); unmount them first" >&2; exit 1
fi
# what a build killed outright left behind (we hold the lock: no build is running)
for d in "$cache/.pg$ver.build."* "$cache/.pg$ver.old."*; do
  [ -e "$d" ] || continue
  if mounted_under "${d%.log}"; then echo "supplyrisk: $d has mounts; left in place" >&2; else rm -rf --one-file-system "$d"; fi
done

work=$(mktemp -d "$cache/.pg$ver.build.XXXXXX")
chmod 755 "$work"   # it becomes the root's /: mktemp made it 700
mounts=()
umount_all() {
  local i
  for (( i=${#mounts[@]}-1; i>=0; i-- )); do umount "${mounts[i]}" 2>/dev/null || umount -l "${mounts[i]}" || true; done
  mounts=()
}
cleanup() {
  umount_all
  if [ -n "${work:-}" ]; then
    if mounted_under "$work"; then echo "supplyrisk: $work still has mounts; left in place" >&2
    else rm -rf --one-file-system "$work" "$work.log"; fi
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
mnt() { mount "$@"; mounts+=("${!#}"); }

t0=$SECONDS
echo "supplyrisk: debootstrap $suite into $work (mirror $mirror)" >&2
debootstrap --variant=minbase --include="$(IFS=,; echo "${base_pkgs[*]}")" \
  "$suite" "$work" "$mirror" >"$work.log" 2>&1 \
  || { tail -30 "$work.log" >&2; rm -f "$work.log"; exit 1; }
rm -f "$work.log"

# before the server package: no cluster is created, no service started
mkdir -p "$work/etc/postgresql-common"
echo "create_main_cluster = false" >"$work/etc/postgresql-common/createcluster.conf"
printf '#!/bin/sh\nexit 101\n' >"$work/usr/sbin/policy-rc.d"; chmod 755 "$work/usr/sbin/policy-rc.d"
{ echo 'APT::Install-Recommends "false";'; echo 'APT::Install-Suggests "false";'
  # unstable's Release file is often past its Valid-Until on mirrors and snapshots
  [ "$suite" = sid ] && echo 'Acquire::Check-Valid-Until "false";'
} >"$work/etc/apt/apt.conf.d/90supplyrisk-matrix"
cp -L /etc/resolv.conf "$work/etc/resolv.conf" 2>/dev/null || true
if [ -n "$host_sources" ]; then
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] && grep -q 'debian' "$f" && cp "$f" "$work$f"
  done
fi

mnt -t proc proc "$work/proc"
mnt -t sysfs sysfs "$work/sys"
mnt --bind /dev "$work/dev"
mnt --bind /dev/pts "$work/dev/pts"
in_root() { chroot "$work" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8 "$@"; }
echo "supplyrisk: installing ${pkgs[*]} in the root (apt)" >&2
in_root apt-get update -qq >&2
in_root apt-get install -y -qq "${pkgs[@]}" >"$work/tmp/apt.log" 2>&1 \
  || { tail -30 "$work/tmp/apt.log" >&2; exit 1; }
for p in "${optional[@]}"; do
  in_root apt-get install -y -qq "$p" >>"$work/tmp/apt.log" 2>&1 \
    || echo "supplyrisk: optional package $p not available in $suite; its tests will be skipped" >&2
done
in_root apt-get clean
rm -f "$work/tmp/apt.log"
umount_all
# no cluster and no server left behind by the packages
if [ -n "$(ls -A "$work/etc/postgresql" 2>/dev/null)" ]; then
  echo "supplyrisk: the packages created a cluster in the root ($(ls "$work/etc/postgresql"/*)); refusing it" >&2; exit 1
fi
echo "$stamp" >"$work/$stampname"

# into place: the old root (a stale stamp) is moved aside first, then removed
if [ -e "$root" ]; then
  old=$(mktemp -d "$cache/.pg$ver.old.XXXXXX")
  mv "$root" "$old/"
  mv "$work" "$root"; work=
  rm -rf --one-file-system "$old"
else
  mv "$work" "$root"; work=
fi
echo "supplyrisk: root $root built in $(( SECONDS - t0 ))s ($(du -sh --one-file-system "$root" | cut -f1))" >&2
echo "$root"
exit
}
