#!/usr/bin/env bash
# Installs the Debian packages listed in debian-packages.txt that are missing.
# Idempotent and quiet when everything is present, so `make` can call it every time.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
mapfile -t wanted < <(grep -v -E '^\s*(#|$)' "$here/debian-packages.txt")
missing=()
for pkg in "${wanted[@]}"; do
  # kubectl may come from elsewhere; only install kubernetes-client when no kubectl exists.
  if [[ "$pkg" == kubernetes-client ]] && command -v kubectl >/dev/null 2>&1; then continue; fi
  status="$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)"
  # Installed, or installed with a trigger still to run (man-db's, while
  # another dpkg run on this machine is installing packages with man pages).
  [[ "$status" =~ ^install\ ok\ (installed|triggers-pending|triggers-awaited)$ ]] ||
    missing+=("$pkg")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0
if [[ $(id -u) -ne 0 ]]; then
  echo "install-deps: missing Debian packages: ${missing[*]} (run as root, or install them)" >&2
  exit 1
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
