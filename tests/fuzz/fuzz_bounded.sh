#!/usr/bin/env bash
# Builds libFuzzer targets with clang and runs each for a bounded time from its
# seed corpus: what `make test` does, through the ctest fuzz_bounded, so the
# fuzzers run in CI although the test builds use GCC.
#
#   fuzz_bounded.sh SOURCE_DIR WORK_DIR SECONDS BINARY:CORPUS...
#
# BINARY is the target's path in the build tree (tests/fuzz/host/host_config_fuzz),
# CORPUS its seed folder in the source tree. WORK_DIR holds the clang build
# tree (kept between runs, so only changes are rebuilt; objects come from
# ccache like every other tree's) and each target's scratch corpus. Only the
# targets and what they link are built, not the project. The tree is built
# with AddressSanitizer, UBSan and -fsanitize=fuzzer-no-link everywhere, so
# code the targets reach through libraries (and plugins, for a target that
# loads one) carries coverage and is checked too. The fuzzers run as
# many at a time as there are cores (DYNOP_FUZZ_JOBS overrides), each for
# SECONDS. Exits 77 (ctest: skipped) when clang is not installed; otherwise
# non-zero when a build fails or a fuzzer finds a crash, a leak or a timeout
# (its report and reproducer are in WORK_DIR/<target>/).
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
# -O1 with line tables only: enough for the fuzzers' speed and for symbolized
# reports, and far cheaper to compile than -O2 -g on a 2-core machine.
if ! grep -q 'CMAKE_CXX_FLAGS:STRING=-fsanitize=fuzzer-no-link' "$build/CMakeCache.txt" 2>/dev/null; then
  rm -rf "$build"
  cmake -S "$source_dir" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only" \
    -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
    -DCMAKE_CXX_FLAGS=-fsanitize=fuzzer-no-link -DDYNOP_SANITIZE=address,undefined \
    -DDYNOP_BUILD_BENCH=OFF >"$work_dir/configure.log" 2>&1 ||
    { cat "$work_dir/configure.log"; exit 1; }
fi
targets=()
for spec in "$@"; do targets+=("$(basename "${spec%%:*}")"); done
start=$SECONDS
if ! cmake --build "$build" --target "${targets[@]}" >"$work_dir/build.log" 2>&1; then
  grep -v '^\[' "$work_dir/build.log"
  echo "fuzz_bounded: the clang build failed (log: $work_dir/build.log)"
  exit 1
fi
echo "fuzz_bounded: clang build of ${targets[*]} took $((SECONDS - start)) s"

# -timeout: one input taking over 10 s is a hang; -rss_limit_mb: a bounded
# memory budget, as the servers have.
run_one() {
  local binary="$1" corpus="$2" scratch="$3" rc=0
  mkdir -p "$scratch/corpus"
  (cd "$scratch" && "$binary" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
     -print_final_stats=1 "$scratch/corpus" "$corpus") >"$scratch/fuzz.log" 2>&1 || rc=$?
  echo "$rc" >"$scratch/status"
}

jobs_max="${DYNOP_FUZZ_JOBS:-$(nproc)}"
for spec in "$@"; do
  binary="$build/${spec%%:*}"
  target="$(basename "$binary")"
  scratch="$work_dir/$target"
  rm -f "$scratch/status"
  while (($(jobs -rp | wc -l) >= jobs_max)); do wait -n || true; done
  echo "fuzz_bounded: $target for ${seconds}s"
  run_one "$binary" "$source_dir/${spec#*:}" "$scratch" &
done
wait

status=0
for spec in "$@"; do
  target="$(basename "${spec%%:*}")"
  scratch="$work_dir/$target"
  if [[ "$(cat "$scratch/status" 2>/dev/null)" == 0 ]]; then
    echo "fuzz_bounded: $target passed: $(grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb|#[0-9]+ *DONE)' "$scratch/fuzz.log" | tr '\n' ' ')"
  else
    cat "$scratch/fuzz.log"
    echo "fuzz_bounded: $target failed; the report is above, the reproducer in $scratch"
    status=1
  fi
done
exit "$status"
