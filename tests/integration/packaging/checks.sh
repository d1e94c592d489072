# Sourced by the package tests: named checks that print "ok: <what>" or
# "FAIL: <what>" and count the failures, so that one run reports every
# failed check, then finish_checks exits with the verdict.
#   check "what a user would see" command args...
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
check() { local what=$1; shift; if "$@"; then echo "ok: $what"; else fail "$what"; fi; }
# finish_checks "message when all passed"
finish_checks() {
  ((failures == 0)) || { echo "$failures check(s) failed" >&2; exit 1; }
  echo "$1"
}
