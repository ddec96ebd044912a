#!/usr/bin/env bash
# PGXN: META.json against the PGXN Meta Spec 1.0.0 (https://pgxn.org/spec/: the
# required keys and their forms), its versions against supplyrisk.control, and
# `make dist`: the zip holds exactly the tracked files under supplyrisk-VERSION/,
# and a build from the unpacked zip alone makes the same install and upgrade
# scripts as the checkout. Each META.json rule is also shown to fail on a broken copy.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
. test/pg.sh
. test/lib.sh
tmp=$(mktemp -d /tmp/supplyrisk-meta.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
default=$(sed -nE "s/^default_version *= *'([^']+)'.*/\1/p" supplyrisk.control)

# the rules, in one checker; prints one line per broken rule (nothing: valid)
cat >"$tmp/check.py" <<'PY'
import json, re, sys, os
path, control_version, root = sys.argv[1], sys.argv[2], sys.argv[3]
try:
    m = json.load(open(path))
except Exception as e:
    print("not JSON: %s" % e); sys.exit()
semver = re.compile(r'^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z-]+)?$')
licenses = {"agpl_3", "apache_1_1", "apache_2_0", "artistic_1", "artistic_2", "bsd", "freebsd", "gfdl_1_2",
            "gfdl_1_3", "gpl_1", "gpl_2", "gpl_3", "lgpl_2_1", "lgpl_3_0", "mit", "mozilla_1_0", "mozilla_1_1",
            "openssl", "perl_5", "postgresql", "qpl_1_0", "ssleay", "sun", "zlib", "open_source", "restricted",
            "unrestricted", "unknown"}
for k in ("name", "abstract", "maintainer", "license", "provides", "meta-spec", "version"):
    if k not in m: print("required key %s missing" % k)
if not isinstance(m.get("name"), str) or not re.match(r'^[A-Za-z0-9][A-Za-z0-9_.-]*$', m.get("name") or "") or "/" in m.get("name", ""):
    print("name is not a valid distribution name")
if not isinstance(m.get("abstract"), str) or not m.get("abstract"): print("abstract is not a non-empty string")
if not semver.match(str(m.get("version", ""))): print("version %r is not a semantic version" % m.get("version"))
if m.get("version") != control_version: print("version %r is not supplyrisk.control's default_version %r" % (m.get("version"), control_version))
mt = m.get("maintainer")
if not (isinstance(mt, str) and mt) and not (isinstance(mt, list) and mt and all(isinstance(x, str) and x for x in mt)):
    print("maintainer is neither a string nor a list of strings")
lic = m.get("license")
if not ((isinstance(lic, str) and lic in licenses) or (isinstance(lic, list) and lic and all(l in licenses for l in lic))
        or (isinstance(lic, dict) and lic)):
    print("license %r is not one of the spec's license strings" % lic)
ms = m.get("meta-spec")
if not isinstance(ms, dict) or ms.get("version") != "1.0.0": print("meta-spec.version is not 1.0.0")
pv = m.get("provides")
if not isinstance(pv, dict) or not pv: print("provides is not a non-empty object")
else:
    if "supplyrisk" not in pv: print("provides does not name the extension supplyrisk")
    for ext, p in pv.items():
        if not isinstance(p, dict): print("provides.%s is not an object" % ext); continue
        if "file" not in p or "version" not in p: print("provides.%s lacks file or version" % ext)
        if not semver.match(str(p.get("version", ""))): print("provides.%s.version is not a semantic version" % ext)
        if p.get("version") != control_version: print("provides.%s.version is not the default_version" % ext)
        for f in ("file", "docfile"):
            if f in p and not os.path.isfile(os.path.join(root, p[f])): print("provides.%s.%s %s is not a file of the distribution" % (ext, f, p[f]))
pr = m.get("prereqs", {}).get("runtime", {}).get("requires", {})
if pr.get("PostgreSQL") != "15.0.0": print("prereqs.runtime.requires.PostgreSQL is not 15.0.0 (the oldest supported version)")
rs = m.get("release_status", "stable")
if rs not in ("stable", "testing", "unstable"): print("release_status %r is not stable, testing or unstable" % rs)
for k in m:
    if k not in ("name", "abstract", "description", "version", "maintainer", "license", "provides", "prereqs", "resources",
                 "generated_by", "no_index", "tags", "release_status", "meta-spec") and not k.startswith("x_") and not k.startswith("X_"):
        print("unknown key %s (custom keys start with x_)" % k)
PY
check "META.json follows the PGXN Meta Spec 1.0.0; its versions are the control file's ($default)" "" \
  "$(python3 "$tmp/check.py" META.json "$default" "$top")"
# each rule can fail: broken copies
broken() {  # LABEL PYTHON-EXPRESSION-ON-m
  python3 -c "import json, sys; m = json.load(open('META.json')); $2; json.dump(m, open(sys.argv[1], 'w'))" "$tmp/broken.json"
  check "a META.json with $1 is refused" "t" "$([ -n "$(python3 "$tmp/check.py" "$tmp/broken.json" "$default" "$top")" ] && echo t)"
}
broken "another version than the control file" "m['version'] = '9.9.9'"
broken "no maintainer" "del m['maintainer']"
broken "an unknown license" "m['license'] = 'beerware'"
broken "a provides file that is not in the distribution" "m['provides']['supplyrisk']['file'] = 'sql/nothing.sql'"
broken "a runtime prerequisite older than 15" "m['prereqs']['runtime']['requires']['PostgreSQL'] = '9.6.0'"
broken "meta-spec 0.9" "m['meta-spec']['version'] = '0.9'"

# make dist: the zip, from the tracked files of the working tree (git archive: only in a git
# checkout; test/matrix.sh tests copies without .git, where these four checks are skipped)
if ! git rev-parse --git-dir >/dev/null 2>&1; then
  for c in "make dist makes the zip" "the zip holds exactly the tracked files" "the zip holds META.json and the sources" "the unpacked zip builds alone"; do
    n=$((n+1)); echo "ok $n # SKIP $c: not a git checkout"
  done
  finish "PGXN"
fi
out=$(SR_DIST_OUT=$tmp SR_DIST_TREE=worktree bash pkg/dist.sh 2>&1)
zip=$tmp/supplyrisk-$default.zip
check "make dist makes supplyrisk-$default.zip" "t" "$([ -s "$zip" ] && echo t)"
listing=$(python3 -c 'import sys, zipfile; [print(n) for n in sorted(zipfile.ZipFile(sys.argv[1]).namelist()) if not n.endswith("/")]' "$zip" 2>/dev/null)
check "the zip holds exactly the tracked files, under supplyrisk-$default/" "" \
  "$(diff <(git ls-files | sed "s|^|supplyrisk-$default/|" | sort) <(echo "$listing") | head -5)"
check "the zip holds META.json, the control file, the Makefile and the SQL sources; no build output" "t|0" \
  "$(echo "$listing" | grep -cxE "supplyrisk-$default/(META.json|supplyrisk.control|Makefile|sql/install.sql)" | sed 's/^4$/t/')|$(echo "$listing" | grep -cE '\.(o|so|bc)$|/\.pg/|supplyrisk--'"$default"'\.sql$')"
python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' "$zip" "$tmp/x"
if (cd "$tmp/x/supplyrisk-$default" && make -s PG_CONFIG="$PG_CONFIG" sql/supplyrisk--$default.sql sql/supplyrisk--0.2.0--$default.sql >/dev/null 2>&1); then
  make -s sql/supplyrisk--$default.sql sql/supplyrisk--0.2.0--$default.sql >/dev/null 2>&1
  check "the unpacked zip alone builds the same install and upgrade scripts as the checkout" "" \
    "$(cmp sql/supplyrisk--$default.sql "$tmp/x/supplyrisk-$default/sql/supplyrisk--$default.sql" 2>&1; cmp sql/supplyrisk--0.2.0--$default.sql "$tmp/x/supplyrisk-$default/sql/supplyrisk--0.2.0--$default.sql" 2>&1)"
else
  check "the unpacked zip alone builds the install and upgrade scripts" "ok" "failed"
fi
finish "PGXN"
