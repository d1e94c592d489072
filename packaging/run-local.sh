#!/usr/bin/env bash
# `make run`: dynop on the local cluster, as a user would run it on a laptop.
#   1. start dynop-localcluster (data kept in .localcluster/, reused on the next run)
#   2. apply crds/ with the real kubectl
#   3. start the dynop host with the default plugins
#   4. apply the guide's sglang-agg example
#   5. print the kubeconfig and the guide's next commands; Ctrl-C stops everything.
# Tests run the same setup against their own build and folders:
#   DYNOP_RUN_DATA_DIR  the cluster's data (default .localcluster/ in the checkout)
#   DYNOP_RUN_LOG_DIR   the logs (default .run/ in the checkout)
# SIGTERM stops everything as Ctrl-C does.
set -euo pipefail
top="$(cd "$(dirname "$0")/.." && pwd)"
build="$(cd "$top" && realpath -m "${1:-build/release}")"
cd "$top"
bin="$build/bin"
data="${DYNOP_RUN_DATA_DIR:-$top/.localcluster}"
run="${DYNOP_RUN_LOG_DIR:-$top/.run}"
mkdir -p "$data" "$run"

for exe in dynop-localcluster dynop; do
  [[ -x "$bin/$exe" ]] || { echo "run-local: $bin/$exe was not built" >&2; exit 1; }
done

pids=()
stop_all() {
  trap - INT TERM EXIT
  echo
  echo "run-local: stopping"
  # Host first (it releases its lease and stops its plugins), then the cluster.
  for ((i=${#pids[@]}-1; i>=0; i--)); do
    kill -TERM "${pids[$i]}" 2>/dev/null || true
    wait "${pids[$i]}" 2>/dev/null || true
  done
}
trap stop_all INT TERM EXIT

"$bin/dynop-localcluster" --data-dir "$data" >"$run/localcluster.log" 2>&1 &
pids+=($!)
kubeconfig="$data/kubeconfig"
for _ in $(seq 1 100); do
  [[ -s "$kubeconfig" ]] && kubectl --kubeconfig "$kubeconfig" get --raw /readyz >/dev/null 2>&1 && break
  kill -0 "${pids[0]}" 2>/dev/null || { echo "run-local: dynop-localcluster exited:"; tail -5 "$run/localcluster.log"; exit 1; }
  sleep 0.1
done
k() { kubectl --kubeconfig "$kubeconfig" "$@"; }

k apply -f crds/ >/dev/null
k wait --for=condition=Established crd --all --timeout=30s >/dev/null
# The host's leader election Lease lives in dynop-system (outside a pod).
k create namespace dynop-system --dry-run=client -o yaml | k apply -f - >/dev/null

plugin_dir="$build/plugins"
"$bin/dynop" --kubeconfig "$kubeconfig" --plugin-dir "$plugin_dir" \
  --metrics-address 127.0.0.1:0 >"$run/dynop.log" 2>&1 &
pids+=($!)

k apply -f examples/backends/sglang/deploy/agg.yaml >/dev/null

cat <<MSG
dynop is running on the local cluster.
  kubeconfig: $kubeconfig
  logs:       $run/localcluster.log, $run/dynop.log

Try the guide's commands:
  export KUBECONFIG=$kubeconfig
  kubectl get dgd -n default
  kubectl get dgdsa -n default
  kubectl scale dgdsa sglang-agg-decode -n default --replicas=3
  kubectl get dgdsa sglang-agg-decode -n default
  kubectl get pods -n default -l nvidia.com/dynamo-component=decode

Ctrl-C stops everything (the cluster's data stays in .localcluster/).
MSG
wait -n "${pids[@]}" || true
