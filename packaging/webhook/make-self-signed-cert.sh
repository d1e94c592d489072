#!/usr/bin/env bash
# Without cert-manager: creates a self-signed serving certificate for the
# webhook Service, stores it as the secret dynop-webhook-tls, and writes its
# PEM as the caBundle of both webhooks. Rerun it to rotate (dynop reloads the
# mounted files once the kubelet updates the secret volume).
#   packaging/webhook/make-self-signed-cert.sh [namespace] [days]
# With --out DIR it only writes DIR/tls.crt and DIR/tls.key, for the
# kustomize overlay packaging/kubernetes/overlays/self-signed to apply.
#   packaging/webhook/make-self-signed-cert.sh --out DIR [namespace] [days]
set -euo pipefail
out=""
if [[ "${1:-}" == "--out" ]]; then
  out="${2:?--out needs a folder}"
  shift 2
fi
ns="${1:-dynop-system}"
days="${2:-365}"
service=dynop-webhook
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
  -keyout "$work/tls.key" -out "$work/tls.crt" -days "$days" \
  -subj "/CN=$service.$ns.svc" \
  -addext "subjectAltName=DNS:$service.$ns.svc,DNS:$service.$ns.svc.cluster.local" \
  -addext "extendedKeyUsage=serverAuth" 2>/dev/null

if [[ -n "$out" ]]; then
  install -m 0644 "$work/tls.crt" "$out/tls.crt"
  install -m 0600 "$work/tls.key" "$out/tls.key"
  echo "wrote $out/tls.crt and $out/tls.key (for $service.$ns.svc, $days days)"
  exit 0
fi

kubectl -n "$ns" create secret tls dynop-webhook-tls \
  --cert="$work/tls.crt" --key="$work/tls.key" --dry-run=client -o yaml | kubectl apply -f -

ca="$(base64 -w0 <"$work/tls.crt")"
kubectl patch validatingwebhookconfiguration dynop-validating-webhooks --type=json -p "[
  {\"op\":\"add\",\"path\":\"/webhooks/0/clientConfig/caBundle\",\"value\":\"$ca\"},
  {\"op\":\"add\",\"path\":\"/webhooks/1/clientConfig/caBundle\",\"value\":\"$ca\"}]"
echo "dynop-webhook-tls updated in $ns; caBundle set on dynop-validating-webhooks"
