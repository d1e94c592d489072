#!/usr/bin/env bash
# The build stage of packaging/Dockerfile, also run outside a container by
# tests/integration/packaging/dockerfile_test.sh: builds only what the dynop
# package holds (the host and its default plugins) and makes that package.
#   build-operator.sh SOURCE_DIR BUILD_DIR OUT_DIR
# BUILD_DIR is configured (release, no tests or benchmarks) unless it already
# is a configured tree, which is then only brought up to date.
set -euo pipefail
src=$1 build=$2 out=$3
if [[ ! -f "$build/CMakeCache.txt" ]]; then
  cmake -S "$src" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DDYNOP_BUILD_TESTS=OFF -DDYNOP_BUILD_BENCH=OFF
fi
cmake --build "$build" --target dynop-package-files
mkdir -p "$out"
cpack --config "$build/CPackConfig.cmake" -G DEB -B "$out/cpack" -D DYNOP_PACKAGES=runtime
mv "$out"/cpack/dynop_*.deb "$out/"
rm -rf "$out/cpack"
ls "$out"/dynop_*.deb
