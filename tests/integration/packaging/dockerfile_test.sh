#!/usr/bin/env bash
# packaging/Dockerfile without a Docker engine (none runs on this machine):
# checks the image's shape (Debian 12 stages, only the dynop package copied
# from the build stage, a numeric non-root USER that the package's user
# matches, /usr/bin/dynop as entrypoint) and runs its build stage's RUN steps
# outside a container, with /src = this checkout, /build = the already built
# BUILD_DIR (so the world is not rebuilt) and /out = a temporary folder. The
# run stage's package install is checked with apt-get's simulation (a real
# install is packaging_deb_install's job), and the package it installs is
# unpacked into a temporary root whose host must run as that non-root uid.
#   dockerfile_test.sh SOURCE_DIR BUILD_DIR WORK_DIR VERSION PLUGIN...
set -euo pipefail
src=$1 build=$2 work=$3 version=$4
shift 4
plugins=("$@")
dockerfile="$src/packaging/Dockerfile"
source "$(dirname "$0")/checks.sh"
rm -rf "$work"
mkdir -p "$work"

# Instructions, one per line: continuation lines joined, comments dropped.
sed -e '/^\s*#/d' "$dockerfile" | sed -e ':a' -e '/\\$/N; s/\\\n/ /; ta' | sed '/^\s*$/d' |
  tr -s ' ' >"$work/instructions"
stage_of() { awk -v n="$1" '/^FROM /{s++} s==n' "$work/instructions"; }
build_stage=$(stage_of 1)
run_stage=$(stage_of 2)

# --- shape -----------------------------------------------------------------------
check "two stages: a Debian 12 build stage named build, then Debian 12" \
  test "$(grep '^FROM ' "$work/instructions")" = $'FROM debian:12 AS build\nFROM debian:12-slim'
check "the run stage copies only the build stage's packages" \
  test "$(grep '^COPY' <<<"$run_stage")" = "COPY --from=build /out/ /tmp/dynop/"
user=$(sed -n 's/^USER //p' <<<"$run_stage")
check "it runs as a numeric non-root user ($user)" \
  bash -c "[[ '$user' =~ ^[1-9][0-9]*:[1-9][0-9]*$ ]]"
check "the image's dynop user has that uid" \
  grep -q "useradd --system --uid ${user%%:*} " <<<"$run_stage"
check "its entrypoint is the host" \
  test "$(sed -n 's/^ENTRYPOINT //p' <<<"$run_stage")" = '["/usr/bin/dynop"]'

# --- the build stage's RUN steps, outside a container ---------------------------
mapfile -t build_steps < <(sed -n 's/^RUN //p' <<<"$build_stage")
check "the build stage has its two RUN steps" test "${#build_steps[@]}" -eq 2
for step in "${build_steps[@]}"; do
  # The container's paths, word by word, for the ones here.
  command=""
  for word in $step; do
    case "$word" in
      /src | /src/*) word="$src${word#/src}" ;;
      /build) word="$build" ;;
      /out) word="$work/out" ;;
    esac
    command+="${command:+ }$word"
  done
  echo "RUN $step"
  echo "  as: $command"
  if ! bash -c "$command" >"$work/step.log" 2>&1; then
    cat "$work/step.log" >&2
    fail "RUN $step"
  fi
done
debs=("$work"/out/*.deb)
check "the build stage made exactly the dynop package (${debs[*]##*/})" \
  test "${debs[*]##*/}" = "dynop_${version}-1_$(dpkg --print-architecture).deb"
deb=${debs[0]}

# --- the run stage ------------------------------------------------------------------
install_step=$(sed -n 's/^RUN apt-get update && //p' <<<"$run_stage")
check "the run stage installs the package with apt-get" \
  grep -q "^apt-get install -y --no-install-recommends /tmp/dynop/dynop_\*.deb " <<<"$install_step"
check "apt-get can install it on Debian 12 (simulated)" \
  apt-get install -s -y --no-install-recommends "$deb"
dpkg-deb -x "$deb" "$work/root"
check "the image holds the host" test -x "$work/root/usr/bin/dynop"
for plugin in "${plugins[@]}"; do
  check "and the default plugin $plugin" test -f "$work/root/usr/lib/dynop/plugins/$plugin.so"
done
check "and no local cluster or SDK" \
  test -z "$(find "$work/root" -name 'dynop-localcluster*' -o -name 'abi.h')"
as_user() {
  if [[ $(id -u) -eq 0 ]]; then
    setpriv --reuid="${user%%:*}" --regid="${user##*:}" --clear-groups -- "$@"
  else
    "$@"
  fi
}
chmod -R a+rX "$work/root"
check "its host runs as uid ${user%%:*}: dynop --version" \
  test "$(as_user "$work/root/usr/bin/dynop" --version)" = "dynop $version"

finish_checks "Dockerfile: shape as expected, build stage ran, its package runs as a non-root user"
