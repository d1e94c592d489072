#!/usr/bin/env bash
# Builds the AdmissionReview libFuzzer targets with clang and runs each for a
# bounded time, starting from the seed corpus: what `make test` does, through
# the ctest admission_fuzz_bounded, so the fuzzers run in CI although the test
# builds use GCC.
#
#   fuzz_bounded.sh SOURCE_DIR WORK_DIR SECONDS TARGET...
#
# WORK_DIR holds the clang build tree (kept between runs, so only changes are
# rebuilt) and each target's scratch corpus. Exits 77 (ctest: skipped) when
# clang is not installed; otherwise non-zero when a build fails or a fuzzer
# finds a crash, a leak or a timeout (its report and reproducer are in
# WORK_DIR/<target>/).
set -euo pipefail
source_dir="$1"
work_dir="$2"
seconds="$3"
shift 3

if ! command -v clang++ >/dev/null || ! command -v clang >/dev/null; then
  echo "fuzz_bounded: clang is not installed (packaging/debian-packages.txt lists it); skipped"
  exit 77
fi

mkdir -p "$work_dir"
build="$work_dir/build"
if [[ ! -f "$build/CMakeCache.txt" ]]; then
  cmake -S "$source_dir" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ >"$work_dir/configure.log" 2>&1 ||
    { cat "$work_dir/configure.log"; exit 1; }
fi
cmake --build "$build" --target "$@"

status=0
for target in "$@"; do
  scratch="$work_dir/$target"
  mkdir -p "$scratch/corpus"
  echo "fuzz_bounded: $target for ${seconds}s"
  # -timeout: one input taking over 10 s is a hang; -rss_limit_mb: a bounded
  # memory budget, as the admission server has.
  if ! (cd "$scratch" && "$build/tests/fuzz/admission/$target" -max_total_time="$seconds" \
          -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
          "$scratch/corpus" "$source_dir/tests/fuzz/admission/corpus"); then
    echo "fuzz_bounded: $target failed; the reproducer is in $scratch"
    status=1
  fi
done
exit "$status"
