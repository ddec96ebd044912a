#!/usr/bin/env bash
# `make dist`: the PGXN distribution, supplyrisk-VERSION.zip in pkg/out/ (SR_DIST_OUT),
# made with git archive from HEAD: commit first (a dirty working tree is reported,
# and left out). SR_DIST_TREE=worktree archives the tracked files as they are in the
# working tree instead (git stash create; used by test/meta.sh). VERSION is META.json's,
# which must equal supplyrisk.control's default_version.
# Upload the zip at https://manager.pgxn.org/; users install it with
#   pgxn install supplyrisk
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
out=${SR_DIST_OUT:-$top/pkg/out}
git rev-parse --git-dir >/dev/null 2>&1 || { echo "supplyrisk: make dist needs a git checkout" >&2; exit 1; }
version=$(python3 -c 'import json; print(json.load(open("META.json"))["version"])')
ext=$(sed -nE "s/^default_version *= *'([^']+)'.*/\1/p" supplyrisk.control)
[ "$version" = "$ext" ] || { echo "supplyrisk: META.json is at $version, supplyrisk.control at $ext" >&2; exit 1; }
treeish=HEAD
if [ "${SR_DIST_TREE:-}" = worktree ]; then
  treeish=$(git stash create)
  [ -n "$treeish" ] || treeish=HEAD
elif [ -n "$(git status --porcelain --untracked-files=no)" ]; then
  echo "supplyrisk: the working tree has uncommitted changes; the zip holds HEAD ($(git rev-parse --short HEAD)) without them" >&2
fi
mkdir -p "$out"
zip=$out/supplyrisk-$version.zip
rm -f "$zip"
git archive --format=zip --prefix="supplyrisk-$version/" -o "$zip" "$treeish"
echo "supplyrisk: $zip ($(git rev-parse --short "$treeish"), $(python3 -c 'import sys, zipfile; print(sum(not n.endswith("/") for n in zipfile.ZipFile(sys.argv[1]).namelist()))' "$zip") files)" >&2
