#!/usr/bin/env bash
# The webhook serving certificate for a cluster that calls dynop on loopback
# (dynop-localcluster, `make run`): a local CA and a server certificate for
# IP 127.0.0.1 signed by it, in DIR:
#   ca.crt          the caBundle of the ValidatingWebhookConfiguration
#   tls.crt tls.key --admission-cert-file / --admission-key-file
# Kept and reused while they are valid for at least another week; created
# again (CA included) when a file is missing or about to expire.
#   packaging/webhook/local-cert.sh DIR
set -euo pipefail
dir="${1:?usage: local-cert.sh DIR}"
mkdir -p "$dir"
week=$((7 * 24 * 3600))

valid() {
  [[ -s "$dir/ca.crt" && -s "$dir/tls.crt" && -s "$dir/tls.key" ]] &&
    openssl x509 -checkend "$week" -noout -in "$dir/ca.crt" >/dev/null 2>&1 &&
    openssl x509 -checkend "$week" -noout -in "$dir/tls.crt" >/dev/null 2>&1 &&
    openssl verify -CAfile "$dir/ca.crt" "$dir/tls.crt" >/dev/null 2>&1
}
valid && exit 0

# Written beside the old files and renamed into place, so that a dynop still
# running (it reloads changed files) never reads half a pair.
work="$(mktemp -d "$dir/.new.XXXXXX")"
trap 'rm -rf "$work"' EXIT
umask 077
ec=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)

openssl req -x509 "${ec[@]}" -keyout "$work/ca.key" -out "$work/ca.crt" -days 365 \
  -subj "/CN=dynop local webhook CA" \
  -addext "basicConstraints=critical,CA:TRUE" \
  -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
openssl req "${ec[@]}" -keyout "$work/tls.key" -out "$work/tls.csr" \
  -subj "/CN=127.0.0.1" 2>/dev/null
printf '%s\n' "subjectAltName=IP:127.0.0.1" "extendedKeyUsage=serverAuth" \
  "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature" >"$work/ext"
openssl x509 -req -in "$work/tls.csr" -CA "$work/ca.crt" -CAkey "$work/ca.key" \
  -set_serial "0x$(openssl rand -hex 16)" -days 90 -extfile "$work/ext" \
  -out "$work/tls.crt" 2>/dev/null

# The CA key is not kept: the next certificate comes with a new CA.
chmod 644 "$work/ca.crt" "$work/tls.crt"
mv -f "$work/ca.crt" "$dir/ca.crt"
mv -f "$work/tls.key" "$dir/tls.key"
mv -f "$work/tls.crt" "$dir/tls.crt"
