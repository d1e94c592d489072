#!/usr/bin/env bash
# Fixture cleanup for the installed-package tests (ctest: packaging_deb_purge):
# purges every package deb_install.sh installed and checks that nothing is
# left behind: no file the packages held, no config, state or systemd
# enablement record; the system user dynop stays, as Debian policy 9.2.2 says.
#   deb_purge.sh WORK_DIR [--quiet]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/package_lock.sh"
work=$1
quiet=${2:-}
source "$here/checks.sh"

ours=(dynop-plugin-file-scaler dynop-sim dynop-localcluster dynop-dev dynop)
installed=()
for package in "${ours[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -qv "not-installed" &&
    installed+=("$package")
done
rm -f /etc/dynop/kubeconfig  # the install test's, not the package's
if ((${#installed[@]})); then
  dpkg --purge "${installed[@]}" >"$work/dpkg-purge.log" 2>&1 ||
    { cat "$work/dpkg-purge.log" >&2; fail "dpkg --purge ${installed[*]}"; }
fi
if [[ "$quiet" == --quiet ]]; then exit 0; fi

for package in "${ours[@]}"; do
  check "$package is gone from dpkg's database" \
    bash -c "! dpkg-query -W -f='\${Status}' $package 2>/dev/null | grep -qv not-installed"
done
left=()
if [[ -f "$work/installed-files.txt" ]]; then
  while read -r path; do
    # Folders other packages share (/usr/bin, /usr/share/man/man1, ...) stay.
    [[ -e "$path" && ! -d "$path" ]] && left+=("$path")
  done <"$work/installed-files.txt"
fi
for path in /usr/bin/dynop /usr/bin/dynop-localcluster /usr/bin/dynop-sim /usr/lib/dynop /usr/share/dynop \
    /usr/share/dynop-sim /etc/dynop \
    /var/lib/dynop /usr/lib/systemd/system/dynop.service /usr/share/doc/dynop /usr/share/doc/dynop-dev \
    /usr/share/cmake/dynop-sdk /usr/include/dynop \
    /var/lib/systemd/deb-systemd-helper-enabled/dynop.service.dsh-also \
    /var/lib/systemd/deb-systemd-helper-masked/dynop.service; do
  [[ -e "$path" ]] && left+=("$path")
done
check "nothing the packages installed or made is left (${left[*]:-none})" test ${#left[@]} -eq 0
check "no systemd record names dynop.service" \
  bash -c '! grep -rqs "dynop.service" /var/lib/systemd/deb-systemd-helper-enabled /etc/systemd/system'
check "the system user dynop stays (Debian policy 9.2.2)" getent passwd dynop
release_package_lock
finish_checks "purged; nothing left behind"
