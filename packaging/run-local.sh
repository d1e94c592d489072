#!/usr/bin/env bash
# `make run`: dynop on the local cluster, as a user would run it on a laptop.
#   1. start dynop-localcluster (data kept in .localcluster/, reused on the next run)
#   2. apply crds/ with the real kubectl
#   3. start dynop-sim: the default profile's GPU nodes (sim/profiles/default.yaml)
#      with their kubelets, and a gentle load on the example (load-gentle.yaml)
#   4. start the dynop host with the default plugins, acting as the operator's
#      service account (operator.kubeconfig) and serving admission webhooks
#      over HTTPS on a free loopback port (certificate from webhook/local-cert.sh)
#   5. register the webhooks (packaging/webhook/webhook.yaml's
#      ValidatingWebhookConfiguration, pointed at that port with our CA)
#   6. apply the guide's sglang-agg example (unless it is already there)
#   7. start Prometheus (Debian's /usr/bin/prometheus) on a free loopback port,
#      data in the run folder, scraping the pods as upstream's PodMonitors do
#      (packaging/prometheus/prometheus-config.sh) and the host's /metrics; the
#      cluster's prometheus-adapter reads the guide's values file
#      (examples/autoscaling/prometheus-adapter-values.yaml) against it; the
#      guide's KEDA examples are copied to the run folder's autoscaling/ with
#      their serverAddress pointed at it
#   8. print the kubeconfig, the scaling timeline page's URL (the host's /ui/)
#      and the guide's next commands; Ctrl-C stops everything.
# Tests run the same setup against their own build and folders:
#   DYNOP_RUN_DATA_DIR  the cluster's data (default .localcluster/ in the checkout)
#   DYNOP_RUN_LOG_DIR   the logs (default .run/ in the checkout)
#   DYNOP_PROMETHEUS_PORT  Prometheus's port (default: the first free from 9090)
#   DYNOP_RUN_SIM_LOAD  dynop-sim's load file (default sim/profiles/load-gentle.yaml)
#   DYNOP_RUN_SIM_NODES dynop-sim's cluster profile (default sim/profiles/default.yaml),
#                       e.g. more H200 nodes or other start-up times
#   DYNOP_RUN_SIM_FLAGS more dynop-sim flags, e.g. its own address blocks
#                       (--node-cidr, --pod-cidr) or --speedup
#   DYNOP_RUN_LOCALCLUSTER_FLAGS more dynop-localcluster flags, e.g.
#                       --audit-log-path FILE
#   DYNOP_RUN_HOST_FLAGS more dynop flags, e.g. --config with a pluginConfig
#   DYNOP_RUN_PROMETHEUS_ADAPTER_CONFIG the cluster's prometheus-adapter values
#                       (default examples/autoscaling/prometheus-adapter-values.yaml),
#                       e.g. a copy with a shorter PromQL window
# SIGTERM stops everything as Ctrl-C does.
set -euo pipefail
top="$(cd "$(dirname "$0")/.." && pwd)"
build="$(cd "$top" && realpath -m "${1:-build/release}")"
cd "$top"
bin="$build/bin"
data="${DYNOP_RUN_DATA_DIR:-$top/.localcluster}"
run="${DYNOP_RUN_LOG_DIR:-$top/.run}"
mkdir -p "$data" "$run"

for exe in dynop-localcluster dynop dynop-sim; do
  [[ -x "$bin/$exe" ]] || { echo "run-local: $bin/$exe was not built" >&2; exit 1; }
done
plugin_dir="$build/plugins"
[[ -f "$plugin_dir/webhook.so" ]] || { echo "run-local: $plugin_dir/webhook.so was not built" >&2; exit 1; }

pids=()
prometheus_pid=""
stop_all() {
  trap - INT TERM EXIT
  echo
  echo "run-local: stopping"
  # Prometheus is an observer: first, and its exit never ends the run.
  if [[ -n "$prometheus_pid" ]]; then
    kill -TERM "$prometheus_pid" 2>/dev/null || true
    wait "$prometheus_pid" 2>/dev/null || true
  fi
  # Host first (it releases its lease and stops its plugins), then the cluster.
  for ((i=${#pids[@]}-1; i>=0; i--)); do
    kill -TERM "${pids[$i]}" 2>/dev/null || true
    wait "${pids[$i]}" 2>/dev/null || true
  done
}
trap stop_all INT TERM EXIT

# Ctrl-C signals the whole foreground process group: a cluster stopped at the
# same moment as the host refuses the host's lease release, and the next run
# waits the lease out. At a terminal the cluster gets its own session and
# stop_all stops it after the host; elsewhere (tests) it stays in the script's
# process group, so that killing the group still cleans everything up.
session=()
if [[ -t 0 || -t 1 ]]; then session=(setsid); fi
# Prometheus's port is chosen first: the cluster's prometheus-adapter is told
# where it will be (it relists until it answers).
prometheus=/usr/bin/prometheus
prometheus_port="${DYNOP_PROMETHEUS_PORT:-}"
if [[ -z "$prometheus_port" ]]; then
  for candidate in $(seq 9090 9190); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then
      prometheus_port=$candidate
      break
    fi
  done
  [[ -n "$prometheus_port" ]] || { echo "run-local: no free port for Prometheus in 9090-9190 (set DYNOP_PROMETHEUS_PORT)" >&2; exit 1; }
fi
prometheus_url="http://127.0.0.1:$prometheus_port"
read -ra localcluster_flags <<<"${DYNOP_RUN_LOCALCLUSTER_FLAGS:-}"
"${session[@]}" "$bin/dynop-localcluster" --data-dir "$data" \
  --prometheus-adapter-config "${DYNOP_RUN_PROMETHEUS_ADAPTER_CONFIG:-examples/autoscaling/prometheus-adapter-values.yaml}" \
  --prometheus-url "$prometheus_url" "${localcluster_flags[@]}" >"$run/localcluster.log" 2>&1 &
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

# dynop-sim plays the GPU nodes and their kubelets (it is an API client, as
# KWOK is, with the admin's identity, as a kubelet has its own), and sends
# the example a gentle load once its pods are Ready. Started before the host,
# so the scheduler finds the nodes; stopped after it.
read -ra sim_flags <<<"${DYNOP_RUN_SIM_FLAGS:-}"
sim_token="$data/sim-admin-token"
"${session[@]}" "$bin/dynop-sim" --kubeconfig "$kubeconfig" --nodes "${DYNOP_RUN_SIM_NODES:-sim/profiles/default.yaml}" \
  --load "${DYNOP_RUN_SIM_LOAD:-sim/profiles/load-gentle.yaml}" --admin-token-file "$sim_token" \
  "${sim_flags[@]}" >"$run/sim.log" 2>&1 &
pids+=($!)
sim_pid=$!
sim_admin=""
for _ in $(seq 1 300); do
  grep -q "^dynop-sim is ready" "$run/sim.log" 2>/dev/null && break
  kill -0 "$sim_pid" 2>/dev/null || { echo "run-local: dynop-sim exited:"; tail -5 "$run/sim.log"; exit 1; }
  sleep 0.1
done
grep -q "^dynop-sim is ready" "$run/sim.log" || { echo "run-local: dynop-sim is not ready:"; tail -5 "$run/sim.log"; exit 1; }
sim_admin="$(sed -n 's|^admin: \(http://[^ ]*\)$|\1|p' "$run/sim.log")"

# The host acts as the operator's service account, as it would in a cluster:
# the webhook admits DGD replica writes only from that identity (and
# planners). Same server and token as the admin, plus client-go's `as`; the
# API server adds the service account's groups, as kube-apiserver does.
operator_sa=system:serviceaccount:dynop-system:dynop
operator_kubeconfig="$data/operator.kubeconfig"
(umask 077 && k config view --raw --minify --flatten >"$operator_kubeconfig")
op() { kubectl --kubeconfig "$operator_kubeconfig" "$@"; }
op config set "users.$(op config view -o jsonpath='{.users[0].name}').act-as" "$operator_sa" >/dev/null

# The real cluster's ValidatingWebhookConfiguration (webhook.yaml), minus the
# Deployment around it; a previous run's copy points at a port that is gone.
vwc="$(awk 'BEGIN { RS = "\n---\n" } /(^|\n)kind: ValidatingWebhookConfiguration\n/ { print }' \
  packaging/webhook/webhook.yaml)"
vwc_name="$(k create --dry-run=client -f - -o jsonpath='{.metadata.name}' <<<"$vwc")"
k delete validatingwebhookconfiguration "$vwc_name" --ignore-not-found >/dev/null

certs="$data/webhook"
packaging/webhook/local-cert.sh "$certs"
# Autoscaler plugins query the Prometheus started below (its port is known).
host_prometheus=()
[[ -x "$prometheus" ]] && host_prometheus=(--prometheus-url "$prometheus_url")
read -ra host_flags <<<"${DYNOP_RUN_HOST_FLAGS:-}"
"$bin/dynop" --kubeconfig "$operator_kubeconfig" --plugin-dir "$plugin_dir" \
  --metrics-address 127.0.0.1:0 --admission-address 127.0.0.1:0 \
  --admission-cert-file "$certs/tls.crt" --admission-key-file "$certs/tls.key" \
  "${host_prometheus[@]}" "${host_flags[@]}" >"$run/dynop.log" 2>&1 &
pids+=($!)
host_pid=$!
# Its log names the port it bound; it is up once it answers over TLS with our CA.
admission=""
answered=""
for _ in $(seq 1 600); do
  # The log may not exist yet: the background job opens it after the fork.
  admission="$(sed -n 's|.*serving admission webhooks on https://\([^ ]*\) .*|\1|p' \
    "$run/dynop.log" 2>/dev/null || true)"
  if [[ -n "$admission" ]] &&
    curl -s -o /dev/null --max-time 2 --cacert "$certs/ca.crt" "https://$admission/"; then
    answered=yes
    break
  fi
  kill -0 "$host_pid" 2>/dev/null || { echo "run-local: dynop exited:"; tail -5 "$run/dynop.log"; exit 1; }
  sleep 0.1
done
[[ -n "$answered" ]] || { echo "run-local: dynop's admission webhooks do not answer:"; tail -5 "$run/dynop.log"; exit 1; }

# Each webhook's service path becomes a URL on that port; our CA is the caBundle.
read -ra paths <<<"$(k create --dry-run=client -f - -o jsonpath='{.webhooks[*].clientConfig.service.path}' <<<"$vwc")"
ca_bundle="$(base64 -w0 <"$certs/ca.crt")"
ops=""
for i in "${!paths[@]}"; do
  ops+="${ops:+,}{\"op\":\"remove\",\"path\":\"/webhooks/$i/clientConfig/service\"}"
  ops+=",{\"op\":\"add\",\"path\":\"/webhooks/$i/clientConfig/url\",\"value\":\"https://$admission${paths[$i]}\"}"
  ops+=",{\"op\":\"add\",\"path\":\"/webhooks/$i/clientConfig/caBundle\",\"value\":\"$ca_bundle\"}"
done
k patch --local -f - --type=json -p "[$ops]" -o yaml <<<"$vwc" | k apply -f - >/dev/null

# On a second run the example is already there, maybe scaled: re-applying it
# would be a direct replica edit, which the webhook now refuses.
example=examples/backends/sglang/deploy/agg.yaml
k get -f "$example" >/dev/null 2>&1 || k apply -f "$example" >/dev/null

# Prometheus, as the monitoring stack would run it in a cluster.
prometheus_note="not started ($prometheus is not installed: packaging/install-deps.sh)"
metrics_address="$(sed -n 's|.*serving metrics and health on http://\([^ ]*\).*|\1|p' "$run/dynop.log" | head -1)"
if [[ -x "$prometheus" ]]; then
  server="$(k config view --raw --minify -o jsonpath='{.clusters[0].cluster.server}')"
  mkdir -p "$run/prometheus"
  packaging/prometheus/prometheus-config.sh --api-server "$server" --ca-file "$data/pki/ca.crt" \
    --token-file "$data/token" ${metrics_address:+--dynop-metrics "$metrics_address"} \
    >"$run/prometheus/prometheus.yml"
  "$prometheus" --config.file="$run/prometheus/prometheus.yml" \
    --storage.tsdb.path="$run/prometheus/data" --web.listen-address="127.0.0.1:$prometheus_port" \
    --log.level=warn >"$run/prometheus.log" 2>&1 &
  prometheus_pid=$!
  prometheus_note="$prometheus_url (config $run/prometheus/prometheus.yml)"
fi
# The guide's ScaledObjects name the monitoring stack's Prometheus; their
# copies here name this one, the only change the guide asks for.
guide_prometheus=http://prometheus-kube-prometheus-prometheus.monitoring.svc:9090
autoscaling="$run/autoscaling"
mkdir -p "$autoscaling"
for example in examples/autoscaling/*.yaml; do
  if grep -q "serverAddress: $guide_prometheus" "$example"; then
    sed "s|serverAddress: $guide_prometheus|serverAddress: $prometheus_url|" "$example" \
      >"$autoscaling/$(basename "$example")"
  fi
done

cat <<MSG
dynop is running on the local cluster.
  kubeconfig: $kubeconfig
  logs:       $run/localcluster.log, $run/dynop.log, $run/sim.log
  admission:  https://$admission (ValidatingWebhookConfiguration $vwc_name)
  dynop-sim:  $sim_admin (faults: sim/README.md; token in $sim_token)
  prometheus: $prometheus_note
  timeline:   http://$metrics_address/ui/ (replicas, load, latency and scaling decisions; charts need Prometheus)

Try the guide's commands:
  export KUBECONFIG=$kubeconfig
  kubectl get dgd -n default
  kubectl get dgdsa -n default
  kubectl scale dgdsa sglang-agg-decode -n default --replicas=3
  kubectl get dgdsa sglang-agg-decode -n default
  kubectl get pods -n default -l nvidia.com/dynamo-component=decode

Then the guide's autoscaling (one autoscaler per adapter at a time; the KEDA
examples in $autoscaling name this Prometheus):
  kubectl get --raw /apis/external.metrics.k8s.io/v1beta1
  kubectl apply -f examples/autoscaling/sglang-agg-decode-hpa.yaml
  kubectl get hpa -n default
  kubectl describe hpa sglang-agg-decode-hpa -n default
  kubectl describe dgdsa sglang-agg-decode -n default
  curl -s http://$metrics_address/autoscaling/decisions   # every /scale write the host saw
  kubectl delete -f examples/autoscaling/sglang-agg-decode-hpa.yaml
  kubectl apply -f $autoscaling/sglang-agg-decode-scaler.yaml
  kubectl get scaledobject -n default
  kubectl get hpa -n default
  kubectl describe scaledobject sglang-agg-decode-scaler -n default
  kubectl delete -f $autoscaling/sglang-agg-decode-scaler.yaml
  kubectl patch dgd sglang-agg --type=merge -p '{"spec":{"services":{"decode":{"replicas":3}}}}'
    (refused: replicas belong to the adapter)

The simulated GPU nodes, the pods on them, and a frontend's live metrics:
  kubectl get nodes -L nvidia.com/gpu.product,nvidia.com/gpu.count
  kubectl get pods -n default -o wide
  curl -s http://\$(kubectl get pods -n default -l nvidia.com/dynamo-component-type=frontend \\
    -o jsonpath='{.items[0].status.podIP}'):8000/metrics | grep dynamo_frontend

Ctrl-C stops everything (the cluster's data stays in $data).
MSG
wait -n "${pids[@]}" || true
