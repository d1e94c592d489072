#!/usr/bin/env bash
# lintian on every deb package build_packages.sh made: no error or warning
# (each tag the packages still carry is overridden, with its reason, in
# packaging/deb/lintian-overrides, installed with each package).
#   lintian_test.sh PACKAGE_DIR
set -euo pipefail
packages=$1
debs=("$packages"/*.deb)
# One run (lintian takes most of a minute here): every tag, the overridden
# ones (O:, with their reasons) too, for the reader; the verdict from its
# errors (E:) and warnings (W:).
lintian --fail-on none --show-overrides --tag-display-limit 0 "${debs[@]}" \
  >"$packages/lintian.log" 2>&1 || { cat "$packages/lintian.log"; echo "FAIL: lintian did not run" >&2; exit 1; }
grep -v "running with root privileges" "$packages/lintian.log" || true
if grep -q "^[EW]: " "$packages/lintian.log"; then
  echo "FAIL: lintian found errors or warnings (above)" >&2
  exit 1
fi
echo "lintian: no error or warning in ${debs[*]##*/}"
