# Sourced by the deb tests: one test run at a time may install dynop's
# packages on this machine. The lock is a folder (it must outlive the setup
# script, until the purge test) naming the ctest process that holds it; a
# lock whose holder is gone is stale (that run died before its purge).
#   take_package_lock    wait for the lock, at most DYNOP_PACKAGE_LOCK_WAIT seconds
#                        (600 by default; ctest sets it with the install test's
#                        timeout, tests/integration/packaging/CMakeLists.txt), then take it
#   release_package_lock
#   package_lock_was_stale   true when take_package_lock took over a stale lock
readonly DYNOP_PACKAGE_LOCK=/run/lock/dynop-package-test
# The ctest process that runs every test of this run (the scripts' parent),
# or DYNOP_TEST_RUN_ID when a person runs the scripts by hand.
dynop_package_lock_owner() { echo "${DYNOP_TEST_RUN_ID:-$PPID}"; }

package_lock_was_stale=false
take_package_lock() {
  local owner wait=${DYNOP_PACKAGE_LOCK_WAIT:-600}
  local deadline=$((SECONDS + wait))
  owner=$(dynop_package_lock_owner)
  mkdir -p /run/lock
  while ! mkdir "$DYNOP_PACKAGE_LOCK" 2>/dev/null; do
    local holder
    holder=$(cat "$DYNOP_PACKAGE_LOCK/owner" 2>/dev/null || true)
    if [[ -n "$holder" ]] && ! kill -0 "$holder" 2>/dev/null; then
      echo "package lock: the run that held it ($holder) is gone; taking over"
      package_lock_was_stale=true
      echo "$owner" >"$DYNOP_PACKAGE_LOCK/owner"
      return 0
    fi
    if ((SECONDS > deadline)); then
      echo "FAIL: another test run ($holder) has held $DYNOP_PACKAGE_LOCK for $wait s" >&2
      return 1
    fi
    sleep 5
  done
  echo "$owner" >"$DYNOP_PACKAGE_LOCK/owner"
}

release_package_lock() {
  if [[ "$(cat "$DYNOP_PACKAGE_LOCK/owner" 2>/dev/null)" == "$(dynop_package_lock_owner)" ]]; then
    rm -rf "$DYNOP_PACKAGE_LOCK"
  fi
}
