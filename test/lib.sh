# test/lib.sh — sourced by the shell test suites: TAP-like checks and the ending.
#   check NAME EXPECTED ACTUAL   prints "ok N - NAME" or "not ok N - NAME (expected .., got ..)"
#   finish LABEL                 prints the plan and "LABEL: ok" / "LABEL: FAILED", exits 0 / 1
fail=0; n=0
check() {
  n=$((n+1))
  if [ "$2" = "$3" ]; then echo "ok $n - $1"; else echo "not ok $n - $1 (expected '$2', got '$3')"; fail=1; fi
}
finish() {
  echo "1..$n"
  if [ $fail -eq 0 ]; then echo "$1: ok"; else echo "$1: FAILED"; fi
  exit $fail
}
