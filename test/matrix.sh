#!/usr/bin/env bash
# `make test-matrix` (issue 26): the whole `make test` against every supported
# PostgreSQL major version, one after the other:
#   15  on the host, as it is (test/deps.sh installs what is missing)
#   17  in a Debian 13 (trixie) root  } built on first use and cached by
#   18  in a Debian unstable root     } test/matrix_root.sh (~2 min each)
# Each version tests its own copy of the checkout (the files git tracks plus the
# untracked ones it does not ignore, as they are in the working tree; no build
# outputs, no .pg/), in a temporary directory under the cache, with a cluster of
# its own on a port of its own (SR_PGPORT 54515, 54517, 54518; the suites that
# start more clusters take the next few ports). The checkout itself is not
# touched: a `make test` running in it meanwhile is not disturbed.
# The cached roots stay clean: each run of 17/18 works in a throwaway overlayfs
# layer over the root. The host's PostgreSQL 15 stays clean too: the script runs
# in a private mount namespace, where the 15 leg's `make install` goes into
# overlay layers over its pkglibdir and sharedir (without a private namespace
# it installs into the host's PostgreSQL 15, as `make test` does).
# Everything is unmounted and removed at the end, on failure or Ctrl-C too.
# After 15's make test, test/crossversion.sh write makes databases (this version and
# the previous release) with user rows, dumps them and stores mixes and states; after
# 17's and 18's, test/crossversion.sh read restores, updates and compares them there.
# For 15 and 18, make deb builds the Debian package (15 on the host, 18 in its root,
# where lintian runs too), and test/package.sh installs it into a clean root of that
# version (for 15 a Debian 12 root with the server only) and uses it there.
# These checks count with the version's own.
# Prints progress, then one line per version and the total:
#   PostgreSQL 17: N passed, M failed
#   test-matrix: N passed, M failed
# and exits non-zero when a version fails or does not report. Each version's
# full log stays in /var/tmp/supplyrisk-matrix/logs/pgNN.log (the last run's).
# Runs as root (chroot, mount). Environment:
#   SR_MATRIX_VERSIONS  the versions to test (default "15 17 18")
#   SR_MATRIX_TIMEOUT   seconds one version may take (default 1200)
#   SR_MATRIX_CACHE     the cache directory (default /var/tmp/supplyrisk-matrix)
#   SR_MATRIX_KEEP=1    keep the temporary directories (layers, copies, clusters)
# (The whole script is one brace group, read completely before it runs: editing the checkout's
# copy during a run does not change the run.)
{
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
self=$top/test/matrix.sh
cache=${SR_MATRIX_CACHE:-/var/tmp/supplyrisk-matrix}
versions=$(printf '%s\n' ${SR_MATRIX_VERSIONS:-15 17 18} | sort -n -u | xargs)
limit=${SR_MATRIX_TIMEOUT:-1200}

[ "$(id -u)" -eq 0 ] || { echo "test-matrix: must run as root (chroot, mount)" >&2; exit 1; }
for v in $versions; do
  case "$v" in 15|17|18) ;; *) echo "test-matrix: unknown version $v (SR_MATRIX_VERSIONS: 15 17 18)" >&2; exit 2 ;; esac
done
[[ "$limit" =~ ^[0-9]+$ ]] || { echo "test-matrix: SR_MATRIX_TIMEOUT must be seconds" >&2; exit 2; }

# a private mount namespace: nothing mounted here is seen by the host, and
# whatever is still mounted goes away with the last process of the run
if [ -z "${SR_MATRIX_NS:-}" ]; then
  if unshare --mount --propagation private true 2>/dev/null; then
    export SR_MATRIX_NS=private
    exec unshare --mount --propagation private bash "$self" "$@"
  fi
  export SR_MATRIX_NS=host
  echo "test-matrix: no private mount namespace (unshare failed): mounts are made in the host's," \
       "and the PostgreSQL 15 leg installs into the host's PostgreSQL 15"
fi

mkdir -p "$cache/logs"
logs=$cache/logs
exec 8>"$cache/matrix.lock"
flock -n 8 || { echo "test-matrix: another test-matrix is running ($cache/matrix.lock)" >&2; exit 1; }

T0=$SECONDS
hms() { local s=$1; if [ "$s" -ge 60 ]; then printf '%dm%02ds' $((s / 60)) $((s % 60)); else printf '%ds' "$s"; fi; }
say() { echo "test-matrix: [$(hms $((SECONDS - T0)))] $*"; }

# --- clean-up: everything this run mounted or started, whatever the way out -----------
run=""; mounts=(); legpid=""
mounted_under() { awk -v d="$1" '$2 == d || index($2, d "/") == 1 { found = 1 } END { exit !found }' /proc/mounts; }
mnt() { mount "$@" && mounts+=("${!#}"); }
umount_all() {
  local i
  for (( i=${#mounts[@]}-1; i>=0; i-- )); do
    umount "${mounts[i]}" 2>/dev/null || umount -l "${mounts[i]}" || echo "test-matrix: could not unmount ${mounts[i]}" >&2
  done
  mounts=()
}
# processes of this run left behind (servers started by the suites): those whose root
# or working directory is inside the run's directory; TERM, then KILL
leftovers() {
  local p pid r c
  for p in /proc/[0-9]*; do
    pid=${p#/proc/}
    [ "$pid" = $$ ] && continue
    r=$(readlink "$p/root" 2>/dev/null) || continue
    c=$(readlink "$p/cwd" 2>/dev/null) || c=""
    case "$r/" in "$run"/*) echo "$pid"; continue ;; esac
    case "$c/" in "$run"/*) echo "$pid" ;; esac
  done
}
stop_leftovers() {
  [ -n "$run" ] || return 0
  local pids i
  pids=$(leftovers)
  [ -n "$pids" ] || return 0
  echo "test-matrix: stopping processes left behind: $(echo $pids)" >&2
  kill -TERM $pids 2>/dev/null
  for (( i=0; i<20; i++ )); do
    pids=$(leftovers); [ -n "$pids" ] || return 0
    sleep 0.5
  done
  kill -KILL $pids 2>/dev/null; sleep 0.5
}
stop_leg() {
  [ -n "$legpid" ] || return 0
  kill -TERM "$legpid" 2>/dev/null   # timeout passes it on to the whole leg
  local i; for (( i=0; i<70; i++ )); do kill -0 "$legpid" 2>/dev/null || break; sleep 0.5; done
  wait "$legpid" 2>/dev/null; legpid=""
}
# a leg's directory, once its processes are gone and its mounts undone
drop_dir() {
  [ -n "${SR_MATRIX_KEEP:-}" ] && return 0
  if mounted_under "$1"; then echo "test-matrix: $1 still has mounts; left in place" >&2
  else rm -rf --one-file-system "$1"; fi
}
cleanup() {
  trap - EXIT INT TERM
  stop_leg; stop_leftovers; umount_all
  if [ -n "$run" ]; then
    if [ -n "${SR_MATRIX_KEEP:-}" ]; then echo "test-matrix: kept $run (SR_MATRIX_KEEP)"; else drop_dir "$run"; fi
  fi
}
trap cleanup EXIT
trap 'echo; say "interrupted; cleaning up"; exit 130' INT TERM

# --- what is tested -----------------------------------------------------------------
if git -C "$top" rev-parse --git-dir >/dev/null 2>&1; then
  what="$(git -C "$top" rev-parse --short HEAD)"
  changed=$(git -C "$top" status --porcelain --untracked-files=all | wc -l)
  [ "$changed" -gt 0 ] && what="$what plus $changed changed or untracked file(s) of the working tree"
else
  what="$top (not a git checkout)"
fi
say "testing $what on PostgreSQL $versions"

# --- the roots (built on first use) -------------------------------------------------
declare -A root rootfail
for v in $versions; do
  [ "$v" = 15 ] && continue
  t=$SECONDS
  say "PostgreSQL $v: root (test/matrix_root.sh $v)"
  if r=$(bash "$top/test/matrix_root.sh" "$v" 8>&-) && [ -d "$r" ]; then
    root[$v]=$r
    say "PostgreSQL $v: root $r ready ($(hms $((SECONDS - t))))"
  else
    rootfail[$v]=1
    say "PostgreSQL $v: could not build its root"
  fi
done

run=$(mktemp -d "$cache/run.XXXXXX")
chmod 755 "$run"   # the clusters run as the postgres user, who must reach into it

# the checkout's files, once (each leg copies this)
tree=$run/tree
mkdir -p "$tree"
if git -C "$top" rev-parse --git-dir >/dev/null 2>&1; then
  (cd "$top" && git ls-files -z --cached --others --exclude-standard \
     | while IFS= read -r -d '' f; do { [ -e "$f" ] || [ -L "$f" ]; } && printf '%s\0' "$f"; done \
     | tar --null --no-recursion -T - -cf -) | tar -xf - -C "$tree" || { say "could not copy the checkout"; exit 1; }
else
  tar -C "$top" --exclude=./.git --exclude=./.pg -cf - . | tar -xf - -C "$tree" || { say "could not copy the checkout"; exit 1; }
fi
# prove prints the failing checks themselves (`not ok ...`), not only their numbers
echo "--failures" >>"$tree/.proverc"

# --- one leg ------------------------------------------------------------------------
declare -A legtime
# leg V CMD...: runs CMD (the version's `make test`) under the time limit, its output
# into the version's log, printing progress every minute
leg() {
  local v=$1; shift
  local log=$logs/pg$v.log t=$SECONDS next rc at
  say "PostgreSQL $v: make test (SR_PGPORT=545$v; log $log)"
  timeout -k 30 "$limit" "$@" >>"$log" 2>&1 8>&- &
  legpid=$!
  next=$((SECONDS + 60))
  while kill -0 "$legpid" 2>/dev/null; do
    sleep 2
    if [ "$SECONDS" -ge "$next" ]; then
      at=$(grep -oE 'test/[A-Za-z0-9_/.-]+\.(sh|sql)' "$log" | tail -1)
      say "PostgreSQL $v: $(hms $((SECONDS - t)))${at:+, at $at}"
      next=$((next + 60))
    fi
  done
  wait "$legpid"; rc=$?; legpid=""
  legtime[$v]=$((SECONDS - t))
  [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ] && echo "test-matrix: timed out after $(hms "$limit") (SR_MATRIX_TIMEOUT)" >>"$log"
  say "PostgreSQL $v: finished in $(hms "${legtime[$v]}") (exit $rc)"
  return "$rc"
}
# the leg's log header and the copy of the tree
prepare() {  # V SRC
  rm -f "$logs/pg$1".*
  printf '# test-matrix: PostgreSQL %s, %s, %s\n' "$1" "$what" "$(date '+%F %T')" >"$logs/pg$1.log"
  mkdir -p "$2" && cp -a "$tree/." "$2/" && chmod 755 "$2"
}
# after a leg: its regression diffs next to the log, its processes stopped, its mounts undone
finish_leg() {  # V SRC
  [ -f "$2/test/results/regression.diffs" ] && cp "$2/test/results/regression.diffs" "$logs/pg$1.regression.diffs"
  stop_leftovers; umount_all
}

# build_deb V CMD...: make deb (pkg/deb.sh) for version V, its output and one check in pgV.deb
build_deb() {
  local v=$1; shift
  say "PostgreSQL $v: Debian package (make deb)"
  timeout -k 10 900 "$@" >"$logs/pg$v.deb" 2>&1 8>&-
  local rc=$? lint
  lint=$(grep -aoE 'lintian: [0-9]+ error\(s\), [0-9]+ warning\(s\)' "$logs/pg$v.deb" | tail -1)
  if [ $rc -eq 0 ]; then echo "ok 1 - PostgreSQL $v: make deb builds postgresql-$v-supplyrisk${lint:+; $lint}"; echo "deb: ok"
  else echo "not ok 1 - PostgreSQL $v: make deb (exit $rc${lint:+; $lint}; $logs/pg$v.deb)"; echo "deb: FAILED"; fi >>"$logs/pg$v.deb"
  say "PostgreSQL $v: make deb exit $rc${lint:+ ($lint)}"
}
# the package installed into a clean root (the version's, in a throwaway layer) and used there
package_leg() {  # V ROOT
  local v=$1 r=$2 d=$run/pkg$1 m=$run/pkg$1/root
  say "PostgreSQL $v: the package in a clean root (test/package.sh)"
  mkdir -p "$d/upper" "$d/work" "$m"
  { mnt -t overlay overlay -o "lowerdir=$r,upperdir=$d/upper,workdir=$d/work" "$m" &&
    mnt -t proc proc "$m/proc" && mnt -t sysfs sysfs "$m/sys" &&
    mnt --bind /dev "$m/dev" && mnt --bind /dev/pts "$m/dev/pts" &&
    mnt -t tmpfs -o mode=1777 tmpfs "$m/dev/shm"; } \
    || { echo "not ok 1 - PostgreSQL $v: mounting a layer over $r"; umount_all; return 1; } >>"$logs/pg$v.pkg"
  mkdir -p "$m/pkg" && cp "$run/deb$v/"*.deb "$m/pkg/" 2>/dev/null; cp "$tree/test/package.sh" "$m/pkg/package.sh"
  timeout -k 10 600 chroot "$m" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 TERM=dumb \
    bash /pkg/package.sh "$v" /pkg $((54550 + v)) >>"$logs/pg$v.pkg" 2>&1 8>&-
  stop_leftovers; umount_all; drop_dir "$d"
}

leg15() {
  local d=$run/pg15 pgc=/usr/lib/postgresql/15/bin/pg_config
  prepare 15 "$d/src" || return 1
  # packages first, on the host itself (nothing is mounted over PostgreSQL 15 yet)
  (cd "$d/src" && PG_CONFIG=$pgc bash test/deps.sh) >>"$logs/pg15.log" 2>&1 8>&- \
    || { echo "supplyrisk: set-up failed (test/deps.sh)" >>"$logs/pg15.log"; return 1; }
  if [ "$SR_MATRIX_NS" = private ]; then
    local dir n=0
    for dir in "$("$pgc" --pkglibdir)" "$("$pgc" --sharedir)"; do
      n=$((n + 1)); mkdir -p "$d/layer$n/upper" "$d/layer$n/work"
      mnt -t overlay overlay -o "lowerdir=$dir,upperdir=$d/layer$n/upper,workdir=$d/layer$n/work" "$dir" \
        || { echo "supplyrisk: set-up failed (overlay over $dir)" >>"$logs/pg15.log"; umount_all; return 1; }
    done
  fi
  leg 15 env -i PATH="$PATH" HOME="${HOME:-/root}" LANG=C.UTF-8 TERM=dumb \
    PG_CONFIG=$pgc SR_PGPORT=54515 make -C "$d/src" --no-print-directory test
  local rc=$?
  # the databases, dumps and states the newer versions read (with the library make test installed)
  say "PostgreSQL 15: cross-version dumps and states (test/crossversion.sh write)"
  env -i PATH="$PATH" HOME="${HOME:-/root}" LANG=C.UTF-8 TERM=dumb PG_CONFIG=$pgc SR_PGPORT=54545 \
    timeout -k 10 600 bash "$d/src/test/crossversion.sh" write "$run/xv" >"$logs/pg15.xv" 2>&1 8>&-
  # the Debian package, built here with the host's PostgreSQL 15 headers (installed next)
  [ -n "${pkgv[15]:-}" ] && build_deb 15 env -i PATH="$PATH" HOME="${HOME:-/root}" LANG=C.UTF-8 TERM=dumb \
    SR_DEB_OUT="$run/deb15" bash "$d/src/pkg/deb.sh"
  finish_leg 15 "$d/src"
  return $rc
}

legroot() {  # V
  local v=$1 d=$run/pg$1 m=$run/pg$1/root
  mkdir -p "$d/upper" "$d/work" "$m"
  rm -f "$logs/pg$v".*
  { mnt -t overlay overlay -o "lowerdir=${root[$v]},upperdir=$d/upper,workdir=$d/work" "$m" &&
    mnt -t proc proc "$m/proc" && mnt -t sysfs sysfs "$m/sys" &&
    mnt --bind /dev "$m/dev" && mnt --bind /dev/pts "$m/dev/pts" &&
    mnt -t tmpfs -o mode=1777 tmpfs "$m/dev/shm"; } \
    || { echo "supplyrisk: set-up failed (mounting the layer over ${root[$v]})" >>"$logs/pg$v.log"; umount_all; return 1; }
  prepare "$v" "$m/src" || { umount_all; return 1; }
  leg "$v" chroot "$m" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 TERM=dumb \
    PG_CONFIG=/usr/lib/postgresql/$v/bin/pg_config SR_PGPORT=545$v make -C /src --no-print-directory test
  local rc=$?
  # what PostgreSQL 15 dumped and stored, restored and read back here
  if [ -n "$xv" ]; then
    say "PostgreSQL $v: cross-version restore and read-back (test/crossversion.sh read)"
    mkdir -p "$m/xv" && cp -a "$run/xv/." "$m/xv/"
    timeout -k 10 600 chroot "$m" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 TERM=dumb \
      PG_CONFIG=/usr/lib/postgresql/$v/bin/pg_config SR_PGPORT=$((54530 + v)) bash /src/test/crossversion.sh read /xv \
      >"$logs/pg$v.xv" 2>&1 8>&-
  fi
  if [ -n "${pkgv[$v]:-}" ]; then
    build_deb "$v" chroot "$m" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 TERM=dumb \
      SR_DEB_OUT=/debout bash /src/pkg/deb.sh
    mkdir -p "$run/deb$v" && cp -a "$m/debout/." "$run/deb$v/" 2>/dev/null
  fi
  finish_leg "$v" "$m/src"
  return $rc
}

# --- the legs, then the summary -----------------------------------------------------
declare -A rcs
# the cross-version checks: written on 15, read on the others (only when 15 is tested)
xv=""; case " $versions " in *" 15 "*) xv=1 ;; esac
# the versions whose Debian package is built (make deb) and installed into a clean root
declare -A pkgv; for v in 15 18; do case " $versions " in *" $v "*) pkgv[$v]=1 ;; esac; done
for v in $versions; do
  if [ "$v" = 15 ]; then leg15; rcs[$v]=$?
  elif [ -n "${rootfail[$v]:-}" ]; then
    echo "supplyrisk: set-up failed (no root: test/matrix_root.sh $v)" >"$logs/pg$v.log"; rcs[$v]=1
  else legroot "$v"; rcs[$v]=$?
  fi
  drop_dir "$run/pg$v"
done
for v in 15 18; do
  [ -n "${pkgv[$v]:-}" ] || continue
  rm -f "$logs/pg$v.pkg"
  if [ "$v" = 15 ]; then r=$(bash "$top/test/matrix_root.sh" 15 8>&-) || r=""; else r=${root[$v]:-}; fi
  if [ -z "$r" ] || [ ! -d "$r" ]; then echo "not ok 1 - PostgreSQL $v: no clean root to install the package into" >"$logs/pg$v.pkg"; continue; fi
  package_leg "$v" "$r"
done

echo
tp=0; tf=0; ts=0; bad=()
summary=()
for v in $versions; do
  log=$logs/pg$v.log
  line=$(grep -aE '^supplyrisk: [0-9]+ passed, [0-9]+ failed' "$log" 2>/dev/null | tail -1)
  if [[ "$line" =~ ^supplyrisk:\ ([0-9]+)\ passed,\ ([0-9]+)\ failed(,\ ([0-9]+)\ skipped)? ]]; then
    p=${BASH_REMATCH[1]}; f=${BASH_REMATCH[2]}; s=${BASH_REMATCH[4]:-0}
    note=""
    if [ "${rcs[$v]}" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; note=" (make test exited ${rcs[$v]})"; fi
  else
    p=0; f=1; s=0; note=" (no result: make test exited ${rcs[$v]} without its closing line)"
  fi
  # plus this version's other checks: cross-version (xv: written on 15, read on the others),
  # make deb (deb) and the package in a clean root (pkg); each must end in "<label>: ok"
  extras=""; [ -n "$xv" ] && extras="xv"; [ -n "${pkgv[$v]:-}" ] && extras="$extras deb pkg"
  for x in $extras; do
    xo=$(grep -acE '^ok [0-9]+' "$logs/pg$v.$x" 2>/dev/null); xf=$(grep -acE '^not ok [0-9]+' "$logs/pg$v.$x" 2>/dev/null)
    xo=${xo:-0}; xf=${xf:-0}
    if ! grep -aqE '^(cross-version (write|read)|deb|package): ok$' "$logs/pg$v.$x" 2>/dev/null && [ "$xf" -eq 0 ]; then
      xf=1; note="$note ($x checks did not finish: $logs/pg$v.$x)"
    fi
    p=$((p + xo)); f=$((f + xf))
    [ "$xf" -gt 0 ] && grep -aE '^not ok' "$logs/pg$v.$x" >>"$log"
  done
  tp=$((tp + p)); tf=$((tf + f)); ts=$((ts + s))
  l="PostgreSQL $v: $p passed, $f failed"
  [ "$s" -gt 0 ] && l="$l, $s skipped"
  summary+=("$l$note")
  if [ "$f" -gt 0 ]; then
    bad+=("$v")
    echo "=== PostgreSQL $v failed; its failing lines ($log):"
    fl=$(grep -aE '^[[:space:]]*not ok|Failed tests?:|Dubious|Bail out|set-up failed|only [0-9]+ of [0-9]+ suites|^make(\[[0-9]+\])?: \*\*\*|[Ee]rror:|timed out' "$log" | head -60)
    [ -n "$fl" ] || fl=$(tail -25 "$log")
    echo "$fl" | sed 's/^/  | /'
    [ -f "$logs/pg$v.regression.diffs" ] && echo "  (pg_regress diffs: $logs/pg$v.regression.diffs)"
  fi
done
for v in $versions; do say "PostgreSQL $v took $(hms "${legtime[$v]:-0}")"; done
say "done in $(hms $((SECONDS - T0))); logs in $logs"
printf '%s\n' "${summary[@]}"
if [ "$ts" -gt 0 ]; then echo "test-matrix: $((tp)) passed, $tf failed, $ts skipped"
else echo "test-matrix: $tp passed, $tf failed"; fi
[ "$tf" -eq 0 ]
exit
}
