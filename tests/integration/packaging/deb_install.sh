#!/usr/bin/env bash
# Fixture setup for the installed-package tests (ctest: packaging_deb_install),
# as root: installs the deb packages made by build_packages.sh with dpkg -i,
# checks what installing did (and did not do: start anything), runs the
# installed host as the unit would, with the installed config, against the
# installed dynop-localcluster, builds every SDK example against the installed
# dynop-dev into WORK/plugins (the out-of-tree loading tests use them) and
# installs the example plugin's own package, which depends on the host's ABI.
# packaging_deb_purge (deb_purge.sh) removes everything again.
#   deb_install.sh PACKAGE_DIR WORK_DIR VERSION ABI_VERSION PLUGIN...
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/package_lock.sh"
packages=$1 work=$2 version=$3 abi=$4
shift 4
plugins=("$@")
source "$here/checks.sh"

if [[ $(id -u) -ne 0 ]]; then echo "FAIL: installing packages needs root" >&2; exit 1; fi
take_package_lock
# A stale lock: that run died between install and purge; purge what it left
# (the lock stays ours: deb_purge.sh --quiet does not release it).
if $package_lock_was_stale; then "$here/deb_purge.sh" "$work" --quiet || true; fi
# Someone's own dynop installation is not ours to replace.
if dpkg-query -W -f='${Status}' dynop 2>/dev/null | grep -q "ok installed"; then
  release_package_lock
  echo "SKIP: a dynop package is already installed on this machine (not by these tests)"
  exit 77
fi
rm -rf "$work"
mkdir -p "$work/plugins"

# --- install ------------------------------------------------------------------
names=(dynop dynop-dev dynop-localcluster)
[[ -n "$(ls "$packages"/dynop-sim_*.deb 2>/dev/null)" ]] && names+=(dynop-sim)
debs=()
for name in "${names[@]}"; do debs+=("$packages/${name}_"*.deb); done
echo "installing: ${debs[*]##*/}"
# dpkg waits for nobody: retry while apt or another dpkg holds its lock.
for attempt in 1 2 3 4 5 6; do
  if dpkg -i "${debs[@]}" >"$work/dpkg-install.log" 2>&1; then break; fi
  if ! grep -q "dpkg frontend lock\|dpkg status database is locked" "$work/dpkg-install.log" ||
      ((attempt == 6)); then
    cat "$work/dpkg-install.log" >&2
    echo "FAIL: dpkg -i" >&2
    exit 1
  fi
  sleep 10
done
for package in "${names[@]}"; do
  check "$package is installed" \
    test "$(dpkg-query -W -f='${Status}' "$package")" = "install ok installed"
done
dpkg-query -L "${names[@]}" >"$work/installed-files.txt"

# --- the dynop package ----------------------------------------------------------
check "dynop --version prints the project version" \
  test "$(/usr/bin/dynop --version)" = "dynop $version"
check "dynop provides its plugin ABI" \
  test "$(dpkg-query -W -f='${Provides}' dynop)" = "dynop-abi-${abi%%.*} (= $abi)"
for plugin in "${plugins[@]}"; do
  check "default plugin $plugin.so is in /usr/lib/dynop/plugins" \
    test -f "/usr/lib/dynop/plugins/$plugin.so"
done
check "/etc/dynop/dynop.yaml is a conffile" \
  grep -q "^ /etc/dynop/dynop.yaml [0-9a-f]*$" <(dpkg-query -W -f='${Conffiles}\n' dynop)
check "the CRDs are in /usr/share/dynop/crds" \
  test "$(ls /usr/share/dynop/crds)" = "$(ls "$here/../../../crds")"
check "the system user dynop exists, without a login shell" \
  test "$(getent passwd dynop | cut -d: -f6,7)" = "/var/lib/dynop:/usr/sbin/nologin"
check "its uid is a system uid" test "$(id -u dynop)" -lt 1000
check "/var/lib/dynop belongs to dynop, mode 750" \
  test "$(stat -c '%U:%G %a' /var/lib/dynop)" = "dynop:dynop 750"
check "systemd-analyze verify accepts dynop.service" \
  systemd-analyze verify /usr/lib/systemd/system/dynop.service
check "installing enabled nothing" \
  test ! -e /etc/systemd/system/multi-user.target.wants/dynop.service
check "deb-systemd-helper recorded no enablement" \
  test ! -e /var/lib/systemd/deb-systemd-helper-enabled/multi-user.target.wants/dynop.service
check "installing started nothing" bash -c '! pgrep -f "^/usr/bin/dynop " >/dev/null'
# The man page documents exactly the flags --help lists. Read from the
# packages themselves: container images often tell dpkg not to install
# /usr/share/man (path-exclude), which is no fault of the package.
man_page() {
  local deb=$1 page=$2
  dpkg-deb --fsys-tarfile "$deb" | tar -xO "./usr/share/man/man1/$page.1.gz" >"$work/$page.1.gz" &&
    MANWIDTH=200 man -l -P cat "$work/$page.1.gz" 2>/dev/null | sed 's/\x08.//g'
}
help_flags=$(/usr/bin/dynop --help | grep -o -- '--[a-z][a-z-]*' | sort -u)
man_flags=$(man_page "$packages"/dynop_*.deb dynop | grep -o -- '--[a-z][a-z-]*' | sort -u)
check "man dynop lists every flag of dynop --help (and no other)" test "$help_flags" = "$man_flags"
check "man dynop-localcluster names its program" \
  grep -q "dynop-localcluster" <(man_page "$packages"/dynop-localcluster_*.deb dynop-localcluster)
check "dynop-sim is installed with its man page" \
  grep -q "dynop-sim" <(man_page "$packages"/dynop-sim_*.deb dynop-sim)
check "dynop-sim's shipped profiles are installed, the engines its load profiles name too" \
  bash -c 'test -f /usr/share/dynop-sim/profiles/default.yaml &&
           test -f /usr/share/dynop-sim/profiles/bench-5000.yaml &&
           test -d /usr/share/dynop-sim/profiles/engines'

# --- the installed host as dynop.service runs it ----------------------------------
# No systemd runs here: run the unit's ExecStart as its user, with the
# installed config, against the installed local cluster.
/usr/bin/dynop-localcluster --data-dir "$work/cluster" --port 0 >"$work/cluster.out" \
  2>"$work/cluster.log" &
cluster_pid=$!
host_pid=""
stop_all() {
  [[ -n "$host_pid" ]] && kill "$host_pid" 2>/dev/null && wait "$host_pid" 2>/dev/null
  kill "$cluster_pid" 2>/dev/null && wait "$cluster_pid" 2>/dev/null
  rm -f /etc/dynop/kubeconfig
}
trap stop_all EXIT
for _ in $(seq 60); do grep -q '^listening:' "$work/cluster.out" && break; sleep 0.5; done
export KUBECONFIG="$work/cluster/kubeconfig"
kubectl apply -f /usr/share/dynop/crds >/dev/null
kubectl create namespace dynop-system >/dev/null
install -o root -g dynop -m 0640 "$work/cluster/kubeconfig" /etc/dynop/kubeconfig
exec_start=$(sed -n 's/^ExecStart=//p' /usr/lib/systemd/system/dynop.service)
setpriv --reuid=dynop --regid=dynop --init-groups -- $exec_start --metrics-address 127.0.0.1:0 >"$work/host.log" 2>&1 &
host_pid=$!
for _ in $(seq 120); do grep -q "dynop is ready" "$work/host.log" && break; sleep 0.5; done
check "the installed host, as user dynop with /etc/dynop/dynop.yaml, gets ready" \
  grep -q "dynop is ready" "$work/host.log"
for plugin in "${plugins[@]}"; do
  check "it loaded the default plugin $plugin" \
    grep -q "loaded from /usr/lib/dynop/plugins/$plugin.so" "$work/host.log"
done
check "it took the leader Lease in dynop-system" \
  bash -c "for _ in \$(seq 60); do kubectl get lease dynop-leader -n dynop-system >/dev/null 2>&1 && exit 0; sleep 0.5; done; exit 1"
kill -TERM "$host_pid"
wait "$host_pid" && rc=0 || rc=$?
host_pid=""
check "it stops cleanly on SIGTERM (exit $rc)" test "$rc" -eq 0

# --- the dynop-sim package ----------------------------------------------------------
# The README's line, against the installed cluster. No kubelet ports nor admin
# endpoint: other suites' simulators may hold the profile's addresses.
/usr/bin/dynop-sim --nodes /usr/share/dynop-sim/profiles/default.yaml --kubeconfig "$KUBECONFIG" \
  --serve-kubelet-ports false --admin-address "" >"$work/sim.log" 2>&1 &
sim_pid=$!
check "the installed dynop-sim, with its installed default profile, registers GPU nodes" \
  bash -c 'for _ in $(seq 60); do
             [[ -n "$(kubectl get nodes -l nvidia.com/gpu.product -o name 2>/dev/null)" ]] && exit 0
             sleep 0.5
           done; exit 1'
kill -TERM "$sim_pid"
wait "$sim_pid" && rc=0 || rc=$?
check "dynop-sim stops cleanly on SIGTERM (exit $rc)" test "$rc" -eq 0
if ((failures)); then cat "$work/sim.log" >&2; fi
if ((failures)); then cat "$work/host.log" >&2; fi
stop_all
trap - EXIT

# --- plugin authors: the SDK examples against the installed dynop-dev ----------------
for example in /usr/share/dynop/sdk/examples/*/; do
  name=$(basename "$example")
  # As the README tells plugin authors.
  if cmake -S "$example" -B "$work/examples/$name" -G Ninja \
      >"$work/example-$name.log" 2>&1 &&
      cmake --build "$work/examples/$name" >>"$work/example-$name.log" 2>&1; then
    echo "ok: example $name builds against the installed SDK"
    cp "$work/examples/$name"/*.so "$work/plugins/"
  else
    cat "$work/example-$name.log" >&2
    fail "example $name builds against the installed SDK"
  fi
done
check "the examples found the SDK in /usr (not in a build tree)" \
  grep -q "dynop-sdk_DIR:PATH=/usr/share/cmake/dynop-sdk" "$work/examples/file-scaler/CMakeCache.txt"

# A plugin package depends on a host with its ABI, and installs beside it.
(cd "$work/examples/file-scaler" && cpack -G DEB >"$work/plugin-package.log" 2>&1) ||
  { cat "$work/plugin-package.log" >&2; fail "the file-scaler plugin package"; }
plugin_deb=$(ls "$work/examples/file-scaler"/dynop-plugin-file-scaler_*.deb)
check "the plugin package depends on dynop-abi-1 (>= the SDK's ABI)" \
  grep -q "dynop-abi-${abi%%.*} (>= $abi)" <(dpkg-deb -f "$plugin_deb" Depends)
check "dpkg installs it beside the installed host" dpkg -i "$plugin_deb"
check "into the host's plugin folder" test -f /usr/lib/dynop/plugins/file_scaler.so

finish_checks "installed; the out-of-tree plugins are in $work/plugins"
