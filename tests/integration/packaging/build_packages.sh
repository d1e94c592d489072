#!/usr/bin/env bash
# Makes the deb and rpm packages from the already built tree, as a release
# would: cpack -G DEB and -G RPM into OUT_DIR (emptied first).
#   build_packages.sh BUILD_DIR OUT_DIR PACKAGE...
# PACKAGE: the deb and rpm file names to expect, e.g. dynop_0.1.0-1_amd64.deb.
set -euo pipefail
build_dir=$1 out_dir=$2
shift 2
rm -rf "$out_dir"
mkdir -p "$out_dir"
for generator in DEB RPM; do
  if ! cpack --config "$build_dir/CPackConfig.cmake" -G "$generator" -B "$out_dir/cpack" \
      >"$out_dir/cpack-$generator.log" 2>&1; then
    cat "$out_dir/cpack-$generator.log"
    echo "FAIL: cpack -G $generator" >&2
    exit 1
  fi
done
mv "$out_dir"/cpack/*.deb "$out_dir"/cpack/*.rpm "$out_dir"/
missing=0
for package in "$@"; do
  if [[ ! -f "$out_dir/$package" ]]; then
    echo "FAIL: cpack made no $package" >&2
    missing=1
  fi
done
ls -l "$out_dir"
exit $missing
