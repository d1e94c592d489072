#!/usr/bin/env bash
# The rpm packages build_packages.sh made: rpmlint finds no error or warning
# (packaging/rpm/rpmlint.toml filters each remaining one, with its reason), and
# rpm -qpl / -qpR / --provides / -qpc list the files, dependencies and
# capabilities expected.
#   rpm_test.sh PACKAGE_DIR SOURCE_DIR VERSION ABI_VERSION PLUGIN...
set -euo pipefail
packages=$1 source_dir=$2 version=$3 abi=$4
shift 4
plugins=("$@")
source "$(dirname "$0")/checks.sh"
has_line() { grep -qxF -- "$1" <<<"$2"; }

rpm_of() { ls "$packages/$1"-"$version"-*.rpm; }
dynop=$(rpm_of dynop)
devel=$(rpm_of dynop-devel)
localcluster=$(rpm_of dynop-localcluster)
sim=$(rpm_of dynop-sim)

# rpmlint: print everything, fail on what is not filtered.
if ! rpmlint -c "$source_dir/packaging/rpm/rpmlint.toml" "$packages"/*.rpm >"$packages/rpmlint.log" 2>&1; then
  cat "$packages/rpmlint.log"
  fail "rpmlint found errors or warnings"
else
  cat "$packages/rpmlint.log"
fi

files=$(rpm -qpl "$dynop")
expected=(/usr/bin/dynop /etc/dynop/dynop.yaml /usr/lib/systemd/system/dynop.service
  /usr/share/man/man1/dynop.1.gz)
for crd in "$source_dir"/crds/*.yaml; do expected+=("/usr/share/dynop/crds/${crd##*/}"); done
for plugin in "${plugins[@]}"; do expected+=("/usr/lib/dynop/plugins/$plugin.so"); done
for path in "${expected[@]}" /var/lib/dynop; do
  check "rpm -qpl dynop lists $path" has_line "$path" "$files"
done
check "dynop holds no other file" test "$(rpm -qplv "$dynop" | awk '$1 !~ /^d/ {print $NF}' |
  sort)" = "$(printf '%s\n' "${expected[@]}" | sort)"
check "rpm -qpc dynop: the config is a config file" \
  has_line /etc/dynop/dynop.yaml "$(rpm -qpc "$dynop")"
check "the state folder belongs to dynop" \
  grep -q "^drwxr-x---  *[0-9]* dynop  *dynop .* /var/lib/dynop$" <(rpm -qplv "$dynop")
requires=$(rpm -qpR "$dynop")
for capability in "libyaml-cpp.so.0.7()(64bit)" "libssl.so.3()(64bit)" \
    "libboost_program_options.so.1.81.0()(64bit)" "libprometheus-cpp-core.so.1.0()(64bit)" \
    "shadow-utils" "/bin/sh"; do
  check "rpm -qpR dynop lists $capability" has_line "$capability" "$requires"
done
check "dynop provides its plugin ABI" \
  has_line "dynop(abi-${abi%%.*}) = $abi" "$(rpm -qp --provides "$dynop")"
scripts=$(rpm -qp --scripts "$dynop")
check "dynop's %pre creates the system user" grep -q "useradd -r -g dynop" <<<"$scripts"
check "nothing enables or starts the unit on install" \
  bash -c "! grep -q 'systemctl.* enable\|systemctl.* start' <<<\"\$(rpm -qp --scripts '$dynop' | sed -n '/^postinstall/,/^preuninstall/p')\""
check "the changelog names this version" grep -q -- "- $version-" <(rpm -qp --changelog "$dynop")

devel_files=$(rpm -qpl "$devel")
for path in /usr/include/dynop/abi.h /usr/include/dynop/sdk/plugin.hpp \
    /usr/share/cmake/dynop-sdk/dynop-sdkConfig.cmake /usr/share/cmake/dynop-sdk/DynopPlugin.cmake \
    /usr/share/dynop/sdk/examples/file-scaler/CMakeLists.txt; do
  check "rpm -qpl dynop-devel lists $path" has_line "$path" "$devel_files"
done
check "dynop-devel is noarch" test "$(rpm -qp --qf '%{ARCH}' "$devel")" = noarch
devel_requires=$(rpm -qpR "$devel")
check "dynop-devel needs cmake and a C++ compiler" \
  bash -c "grep -q '^cmake >= 3.20' <<<'$devel_requires' && grep -q '^gcc-c++' <<<'$devel_requires'"
check "rpm -qpl dynop-localcluster lists its binary and man page" \
  test "$(rpm -qpl "$localcluster" | grep -c 'dynop-localcluster')" -eq 2
sim_files=$(rpm -qpl "$sim")
for path in /usr/bin/dynop-sim /usr/share/man/man1/dynop-sim.1.gz \
    /usr/share/dynop-sim/profiles/default.yaml /usr/share/dynop-sim/profiles/bench-5000.yaml; do
  check "rpm -qpl dynop-sim lists $path" has_line "$path" "$sim_files"
done

finish_checks "rpm packages: files, dependencies and capabilities as expected"
