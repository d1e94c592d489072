#!/usr/bin/env bash
# The Azure conversation trace replayed through `make run`'s real setup
# (packaging/run-local.sh: dynop-localcluster with its HPA and KEDA controllers
# and prometheus-adapter, the real Prometheus, dynop-sim's nodes, kubelets and
# load, the dynop host with the dgd, dgdsa, webhook, gpu-scheduler and planner
# plugins), with four disaggregated graphs side by side in one cluster, each
# fed the same trace at the same rate_scale:
#   replay-planner  upstream's sglang-disagg_planner.yaml (the planner plugin)
#   replay-keda     the guide's KEDA TTFT p95 ScaledObject on decode, and the
#                   same on prefill
#   replay-hpa      the guide's queue-depth HPA on decode (prometheus-adapter's
#                   dynamo_queued_requests rule), and the same on prefill
#   replay-fixed    a fixed size (--fixed, the in-process oracle's peak)
# The oracle is not here: it needs foresight (planner_trace_replay_bench).
#
#   bench/planner/real_path_replay.sh [--minutes 59] [--out DIR] [--build build/release]
#       [--rate-scale 10] [--warm 4P+1D] [--fixed 7P+1D] [--load-start 150]
#
# Speed 1: no time compression. HPA sync periods, KEDA's polling, PromQL
# windows ([5m], [1m]), Prometheus's scrapes and the planner's interval are
# wall-clock; compressing the trace would change what they see, so a full
# run takes the trace's hour (plus ~4 minutes of setup and start-up).
#
# Every 15 s it samples with kubectl the adapters' spec.replicas and the
# worker pods (created, Ready, deleting) into DIR/samples.csv; at the end it
# queries Prometheus per minute of the trace (query_range, step 60 s) for
# TTFT p95 and ITL p95 of each graph's frontend (histogram_quantile over the
# increase of the buckets over 1 m) and writes DIR/minutes.csv and the table
# DIR/table.md (also printed): per policy the minutes meeting the SLA (TTFT
# p95 <= 0.5 s and ITL p95 <= 0.05 s), GPU-hours (every worker pod from its
# creation to its deletion, loading included, clipped to the trace's minutes)
# and scaling actions (spec.replicas changes of the adapters in the host's
# decision log, and as the 15 s samples see them).
# bench/planner/README.md says what runs for real and what is still substituted.
set -euo pipefail
top="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$top"

minutes=59
out=""
build=build/release
rate_scale=10
warm=4P+1D
fixed=7P+1D
load_start=150
sample_every=15
usage="usage: $0 [--minutes N] [--out DIR] [--build DIR] [--rate-scale X] [--warm NP+MD] [--fixed NP+MD] [--load-start SECONDS]"
while (($#)); do
  case "$1" in
    --minutes) minutes="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --build) build="$2"; shift 2 ;;
    --rate-scale) rate_scale="$2"; shift 2 ;;
    --warm) warm="$2"; shift 2 ;;
    --fixed) fixed="$2"; shift 2 ;;
    --load-start) load_start="$2"; shift 2 ;;
    -h|--help) echo "$usage"; exit 0 ;;
    *) echo "$usage" >&2; exit 2 ;;
  esac
done
[[ "$minutes" =~ ^[0-9]+$ && "$minutes" -ge 1 ]] || { echo "--minutes: a whole number >= 1" >&2; exit 2; }
# Sizes are NP+MD; checked here, in the script's own shell, so a bad one exits.
size_re='^([0-9]+)P\+([0-9]+)D$'
[[ "$warm" =~ $size_re ]] || { echo "--warm: a size is NP+MD, not '$warm'" >&2; exit 2; }
warm_prefill=${BASH_REMATCH[1]} warm_decode=${BASH_REMATCH[2]}
[[ "$fixed" =~ $size_re ]] || { echo "--fixed: a size is NP+MD, not '$fixed'" >&2; exit 2; }
fixed_prefill=${BASH_REMATCH[1]} fixed_decode=${BASH_REMATCH[2]}
[[ "$rate_scale" =~ ^[0-9]+([.][0-9]+)?$ ]] || { echo "--rate-scale: a number, not '$rate_scale'" >&2; exit 2; }
[[ "$load_start" =~ ^[0-9]+$ ]] || { echo "--load-start: whole seconds, not '$load_start'" >&2; exit 2; }
out="${out:-$top/.run/real-path-replay-$(date -u +%Y%m%dT%H%M%SZ)}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
[[ ! -e "$out/run" ]] || { echo "$out/run exists: give a new --out folder (each run starts a fresh cluster)" >&2; exit 1; }
build="$(realpath -m "$build")"
for exe in bin/dynop bin/dynop-localcluster bin/dynop-sim plugins/planner.so plugins/dgd.so; do
  [[ -e "$build/$exe" ]] || { echo "$build/$exe was not built (make build)" >&2; exit 1; }
done
for tool in kubectl jq curl /usr/bin/prometheus flock; do
  command -v "$tool" >/dev/null || { echo "$tool is missing (packaging/install-deps.sh)" >&2; exit 1; }
done

reference="$(realpath -m "$top/../shared/reference")"
[[ -d "$reference" ]] || reference=/work/shared/reference
trace="$reference/bench-data/traces/azure_llm_2023_conv.csv"
profile_json="$reference/bench-data/profiles/dynamo_h200_llama31_8b_fp8_vllm.json"
upstream="$reference/upstream-dynamo-0.8/examples/sglang-disagg_planner.yaml"
engine_profile="$top/sim/profiles/engines/dynamo_h200_llama31_8b_fp8_vllm.json"
for f in "$trace" "$profile_json" "$upstream" "$engine_profile"; do
  [[ -f "$f" ]] || { echo "missing $f" >&2; exit 1; }
done

log() { echo "[$(date -u +%H:%M:%S)] $*"; }
policies=(planner keda hpa fixed)
declare -A policy_name=(
  [planner]="planner plugin (upstream's disagg_planner.yaml)"
  [keda]="guide's KEDA TTFT p95 ScaledObjects (KEDA + HPA controller)"
  [hpa]="guide's queue-depth HPAs (prometheus-adapter + HPA controller)"
  [fixed]="fixed ${fixed_prefill}P+${fixed_decode}D (the in-process oracle's peak)")

# One of the 32 loopback address blocks the e2e tests share
# (tests/support/sim_addresses.cpp: a lock file each, 127.(20+i).0.0).
block=-1
for i in $(seq 0 31); do
  exec {block_fd}>"/tmp/dynop-sim-addresses-$i.lock"
  if flock -n "$block_fd"; then block=$i; break; fi
  exec {block_fd}>&-
done
((block >= 0)) || { echo "all 32 simulated address blocks are in use" >&2; exit 1; }
octet=$((20 + block))

# --- the inputs: node profile, load file, manifests -------------------------
cp "$top/bench/planner/replay-h200-nodes.yaml" "$out/nodes.yaml"
{
  echo "# ${#policies[@]} graphs, one trace each, all the same (same seed, same rate_scale)."
  echo "speedup: 1"
  echo "graphs:"
  for p in "${policies[@]}"; do
    cat <<YAML
- namespace: default
  dgd: replay-$p
  profile: $engine_profile
  load:
    start: ${load_start}s
    trace: {file: $trace, speedup: 1, rate_scale: $rate_scale, loop: false}
YAML
  done
} >"$out/load.yaml"

# Upstream's DGD with another name and size; without its Planner service
# unless asked; extra planner arguments after --adjustment-interval=60.
dgd_manifest() {  # name prefill decode keep_planner [extra planner arg]
  awk -v name="$1" -v p="$2" -v d="$3" -v planner="$4" -v extra="${5:-}" '
    /^  name: sglang-disagg-planner$/ { print "  name: " name; next }
    /^    [A-Za-z]+:$/ { svc = $1; sub(":", "", svc) }
    svc == "Planner" && planner != "yes" { next }
    /^      replicas: / && svc == "prefill" { print "      replicas: " p; next }
    /^      replicas: / && svc == "decode" { print "      replicas: " d; next }
    { print }
    /- --adjustment-interval=60$/ && extra != "" { i = $0; sub(/-.*/, "", i); print i "- " extra }
  ' "$upstream"
}
dgd_manifest replay-planner "$warm_prefill" "$warm_decode" yes --max-gpu-budget=-1 >"$out/replay-planner.yaml"
# The same graph without its Planner service, for the minutes before the trace.
dgd_manifest replay-planner "$warm_prefill" "$warm_decode" no >"$out/replay-planner-warm.yaml"
dgd_manifest replay-keda "$warm_prefill" "$warm_decode" no >"$out/replay-keda.yaml"
dgd_manifest replay-hpa "$warm_prefill" "$warm_decode" no >"$out/replay-hpa.yaml"
dgd_manifest replay-fixed "$fixed_prefill" "$fixed_decode" no >"$out/replay-fixed.yaml"
grep -q -- "--max-gpu-budget=-1" "$out/replay-planner.yaml" || { echo "upstream's manifest changed: no --adjustment-interval=60" >&2; exit 1; }

# The host as make run starts it; its decision log holds the whole hour (the
# planner logs each round's decision) and the planner plans every 15 s, its
# default (--adjustment-interval=60 stays upstream's: its scale-down window).
cat >"$out/dynop.yaml" <<YAML
pluginConfig:
  planner:
    intervalSeconds: 15
    timeSpeedup: 1
autoscaling:
  decisionLogSize: 20000
YAML

# --- make run's setup --------------------------------------------------------
prometheus_port=""
for candidate in $(seq 19090 19190); do
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then prometheus_port=$candidate; break; fi
done
[[ -n "$prometheus_port" ]] || { echo "no free port for Prometheus" >&2; exit 1; }
mkdir -p "$out/run/home"
log "starting make run's setup (packaging/run-local.sh $build); logs in $out/run/logs"
# Its own session and process group, so that a stop that hangs can end all of it.
DYNOP_RUN_DATA_DIR="$out/run/data" DYNOP_RUN_LOG_DIR="$out/run/logs" HOME="$out/run/home" \
  DYNOP_RUN_SIM_LOAD="$out/load.yaml" DYNOP_RUN_SIM_NODES="$out/nodes.yaml" \
  DYNOP_RUN_SIM_FLAGS="--node-cidr 127.$octet.0.0/24 --pod-cidr 127.$octet.16.0/20" \
  DYNOP_PROMETHEUS_PORT="$prometheus_port" DYNOP_RUN_HOST_FLAGS="--config $out/dynop.yaml" KUBECONFIG="" \
  setsid packaging/run-local.sh "$build" >"$out/run-local.out" 2>&1 </dev/null &
setup_pid=$!

stop_setup() {
  trap - INT TERM EXIT
  if kill -0 "$setup_pid" 2>/dev/null; then
    log "stopping the setup"
    kill -TERM "$setup_pid" 2>/dev/null || true
    for _ in $(seq 1 120); do kill -0 "$setup_pid" 2>/dev/null || break; sleep 0.5; done
    if kill -0 "$setup_pid" 2>/dev/null; then
      log "the setup did not stop in 60 s: SIGKILL to its process group"
      kill -KILL -- "-$setup_pid" 2>/dev/null || true
    fi
    wait "$setup_pid" 2>/dev/null || true
  fi
}
trap stop_setup EXIT
trap 'exit 130' INT TERM

kubeconfig=""
for _ in $(seq 1 1800); do
  kubeconfig="$(sed -n 's|^  kubeconfig: \(.*\)$|\1|p' "$out/run-local.out" 2>/dev/null || true)"
  [[ -n "$kubeconfig" ]] && break
  kill -0 "$setup_pid" 2>/dev/null || { cat "$out/run-local.out" >&2; exit 1; }
  sleep 0.1
done
[[ -n "$kubeconfig" ]] || { echo "the setup did not come up in 180 s" >&2; cat "$out/run-local.out" >&2; exit 1; }
prometheus="http://127.0.0.1:$prometheus_port"
ops="$(sed -n 's|.*serving metrics and health on http://\([^ ]*\).*|\1|p' "$out/run/logs/dynop.log" | head -1)"
k() { timeout 60 kubectl --kubeconfig "$kubeconfig" --cache-dir "$out/run/kube-cache" "$@"; }
# Simulated time 0 is when dynop-sim's clock started: its log's first info line.
sim_started="$(sed -n 's|^\([0-9-]*T[0-9:.]*Z\) info dynop-sim: .* nodes in .*simulated time x1$|\1|p' "$out/run/logs/sim.log" | head -1)"
[[ -n "$sim_started" ]] || { echo "no start line in sim.log" >&2; head -5 "$out/run/logs/sim.log" >&2; exit 1; }
t0=$(($(date -u -d "$sim_started" +%s) + load_start))
t_end=$((t0 + minutes * 60))
log "setup up: prometheus $prometheus, host ops http://$ops; the trace starts at $(date -u -d "@$t0" +%H:%M:%S), the last minute ends at $(date -u -d "@$t_end" +%H:%M:%S)"

# make run's own example would only take a GPU and CPU here.
k delete dgd sglang-agg -n default --ignore-not-found --wait=false >/dev/null
k create configmap planner-profile-data -n default --from-file=profile.json="$profile_json" >/dev/null
# Every graph starts at its warm size with no autoscaler: the planner's
# service, the ScaledObjects and the HPAs are applied when the trace starts
# (below), so each policy starts from the same warm fleet at the trace's first
# second, as in planner_trace_replay_bench (without load, the planner would
# scale the idle graph to 1 + 1 and the HPAs' 5-minute windows would start
# early).
k apply -n default -f "$out/replay-planner-warm.yaml" >/dev/null
for p in keda hpa fixed; do k apply -n default -f "$out/replay-$p.yaml" >/dev/null; done

# The guide's autoscalers, as make run copies them (serverAddress -> this Prometheus),
# pointed at each graph's adapters and dynamo_namespace.
guide_prometheus=http://prometheus-kube-prometheus-prometheus.monitoring.svc:9090
for service in decode prefill; do
  sed -e "s|serverAddress: $guide_prometheus|serverAddress: $prometheus|" \
    -e "s|sglang-agg-decode|replay-keda-$service|g" -e "s|default-sglang-agg|default-replay-keda|g" \
    examples/autoscaling/sglang-agg-decode-scaler.yaml >"$out/replay-keda-$service-scaler.yaml"
  sed -e "s|sglang-agg-decode|replay-hpa-$service|g" -e "s|default-sglang-agg|default-replay-hpa|g" \
    examples/autoscaling/sglang-agg-decode-queue-hpa.yaml >"$out/replay-hpa-$service-queue-hpa.yaml"
done
# The adapters exist once the dgd plugin has made them.
for p in "${policies[@]}"; do
  for service in prefill decode; do
    for _ in $(seq 1 120); do k get dgdsa "replay-$p-$service" -n default >/dev/null 2>&1 && break; sleep 0.5; done
    k get dgdsa "replay-$p-$service" -n default >/dev/null || { echo "no adapter replay-$p-$service" >&2; exit 1; }
  done
done
log "applied the four graphs at their warm sizes"

# --- sampling ----------------------------------------------------------------
samples="$out/samples.csv"
echo "time,kind,dgd,name,uid,service,gpus_or_replicas,created,ready,deleting" >"$samples"
sample() {
  local now pods adapters
  now=$(date -u +%s)
  pods="$(k get pods -n default -l nvidia.com/dynamo-sub-component-type -o json 2>/dev/null)" || return 0
  adapters="$(k get dgdsa -n default -o json 2>/dev/null)" || return 0
  jq -r --argjson now "$now" '.items[] |
    [$now, "pod", .metadata.labels["nvidia.com/dynamo-graph-deployment-name"], .metadata.name,
     .metadata.uid, .metadata.labels["nvidia.com/dynamo-sub-component-type"],
     ([.spec.containers[].resources.limits["nvidia.com/gpu"] // "0" | tonumber] | add),
     (.metadata.creationTimestamp | fromdate),
     ([.status.conditions[]? | select(.type == "Ready") | .status][0] // "False"),
     ((.metadata.deletionTimestamp // null) | if . then fromdate else "" end)] | @csv' \
    <<<"$pods" >>"$samples"
  jq -r --argjson now "$now" '.items[] |
    [$now, "adapter", (.metadata.name | sub("-(prefill|decode)$"; "")), .metadata.name, .metadata.uid,
     (.metadata.name | capture("-(?<s>prefill|decode)$").s), .spec.replicas, "", "", ""] | @csv' \
    <<<"$adapters" >>"$samples"
}

# The warm fleets should be serving when the trace starts.
while (($(date -u +%s) < t0)); do
  sample
  sleep_for=$((t0 - $(date -u +%s)))
  ((sleep_for > sample_every)) && sleep_for=$sample_every
  ((sleep_for > 0)) && sleep "$sleep_for"
done
# The trace starts: now the autoscalers.
k apply -n default -f "$out/replay-planner.yaml" >/dev/null
for service in decode prefill; do
  k apply -f "$out/replay-keda-$service-scaler.yaml" >/dev/null
  k apply -f "$out/replay-hpa-$service-queue-hpa.yaml" >/dev/null
done
log "applied the planner service, the ScaledObjects and the HPAs"
ready_at_start="$(k get pods -n default -l nvidia.com/dynamo-sub-component-type -o json |
  jq -r '[.items[] | select(any(.status.conditions[]?; .type == "Ready" and .status == "True"))] | length')"
log "trace started; $ready_at_start worker pods Ready (want $((3 * (warm_prefill + warm_decode) + fixed_prefill + fixed_decode)))"
echo "$ready_at_start" >"$out/workers-ready-at-start.txt"

next=$(date -u +%s)
last_report=$next
while (($(date -u +%s) < t_end + 30)); do
  sample
  now=$(date -u +%s)
  if ((now - last_report >= 300)); then
    last_report=$now
    log "minute $(((now - t0) / 60)) of $minutes: $(k get dgdsa -n default --no-headers 2>/dev/null |
      awk '$3 == "prefill" || $3 == "decode" {printf "%s=%s ", $1, $4}')load $(cut -d' ' -f1 /proc/loadavg)"
  fi
  next=$((next + sample_every))
  sleep_for=$((next - $(date -u +%s)))
  ((sleep_for > 0)) && sleep "$sleep_for"
done
log "trace window over; reading Prometheus and the host's decision log"
uptime >"$out/uptime-at-end.txt"

# --- results -----------------------------------------------------------------
prom_range() {  # query -> CSV lines "dynamo_namespace,time,value"
  curl -s --max-time 60 --get "$prometheus/api/v1/query_range" --data-urlencode "query=$1" \
    --data-urlencode "start=$((t0 + 60))" --data-urlencode "end=$t_end" --data-urlencode "step=60" |
    jq -r '.data.result[] | .metric.dynamo_namespace as $ns | .values[] | [$ns, .[0], .[1]] | @csv'
}
selector='dynamo_namespace=~"default-replay-.*"'
p95() {
  echo "histogram_quantile(0.95, sum by (le, dynamo_namespace) (increase(dynamo_frontend_$1_bucket{$selector}[1m])))"
}
prom_range "$(p95 time_to_first_token_seconds)" >"$out/ttft.csv"
prom_range "$(p95 inter_token_latency_seconds)" >"$out/itl.csv"
prom_range "sum by (dynamo_namespace) (increase(dynamo_frontend_requests_total{$selector}[1m]))" >"$out/requests.csv"
curl -s --max-time 30 "http://$ops/autoscaling/decisions" >"$out/decisions.json" || echo '[]' >"$out/decisions.json"

# Per minute and graph: TTFT p95, ITL p95, requests; a minute meets the SLA
# when both quantiles are at most the targets (a minute without a value misses).
echo "minute,dgd,ttft_p95,itl_p95,requests,met" >"$out/minutes.csv"
for p in "${policies[@]}"; do
  ns="\"default-replay-$p\""
  for m in $(seq 1 "$minutes"); do
    t=$((t0 + 60 * m))
    ttft="$(awk -F, -v ns="$ns" -v t="$t" '$1 == ns && $2 == t { gsub(/"/, "", $3); print $3 }' "$out/ttft.csv")"
    itl="$(awk -F, -v ns="$ns" -v t="$t" '$1 == ns && $2 == t { gsub(/"/, "", $3); print $3 }' "$out/itl.csv")"
    reqs="$(awk -F, -v ns="$ns" -v t="$t" '$1 == ns && $2 == t { gsub(/"/, "", $3); print $3 }' "$out/requests.csv")"
    met="$(awk -v a="${ttft:-NaN}" -v b="${itl:-NaN}" 'BEGIN {
      print (a != "NaN" && b != "NaN" && a + 0 <= 0.5 && b + 0 <= 0.05) ? 1 : 0 }')"
    echo "$m,replay-$p,${ttft:-},${itl:-},${reqs:-},$met" >>"$out/minutes.csv"
  done
done

# GPU-hours: each worker pod from its creationTimestamp to its deletion (its
# deletionTimestamp, else the middle between the last sample that saw it and
# the next), clipped to [t0, t_end]: the in-process bench counts the warm
# fleet from the trace's start too.
gpu_hours() {  # dgd
  awk -F, -v dgd="\"$1\"" -v t0="$t0" -v tend="$t_end" -v step="$sample_every" '
    $2 == "\"pod\"" && $3 == dgd {
      gsub(/"/, ""); pod = $5; gpus[pod] = $7; created[pod] = $8; last[pod] = $1
      if ($10 != "") deleted[pod] = $10
    }
    END {
      for (pod in gpus) {
        end = (pod in deleted) ? deleted[pod] : last[pod] + step / 2
        if (last[pod] >= tend) end = (pod in deleted && deleted[pod] < tend) ? deleted[pod] : tend
        s = created[pod] < t0 ? t0 : created[pod]
        e = end > tend ? tend : end
        if (e > s) total += gpus[pod] * (e - s)
      }
      printf "%.2f", total / 3600
    }' "$samples"
}
sampled_actions() {  # dgd: spec.replicas changes between samples within the trace's minutes
  awk -F, -v dgd="\"$1\"" -v t0="$t0" -v tend="$t_end" '
    $2 == "\"adapter\"" && $3 == dgd && $1 <= tend {
      gsub(/"/, "", $4); gsub(/"/, "", $7)
      if (($4 in seen) && seen[$4] != $7 && $1 > t0) n++
      seen[$4] = $7
    }
    END { print n + 0 }' "$samples"
}
logged_actions() {  # dgd: the host's decision log, /scale writes that changed replicas
  jq -r --arg dgd "$1" --argjson t0 "$t0" --argjson tend "$t_end" '
    [.decisions[] | .t = (.time | sub("\\.[0-9]+Z$"; "Z") | fromdate)
     | select(.target.name == ($dgd + "-prefill") or .target.name == ($dgd + "-decode"))
     | select((.outcome == "scaled" or .outcome == "observed") and .from != null and .from != .to)
     | select(.t >= $t0 and .t <= $tend)] | length' \
    "$out/decisions.json" 2>/dev/null || echo "?"
}

{
  echo "| policy | 1-min intervals meeting the SLA | GPU-hours | scaling actions (decision log / 15 s samples) | requests completed |"
  echo "|---|---|---|---|---|"
  for p in "${policies[@]}"; do
    met=$(awk -F, -v d="replay-$p" '$2 == d && $6 == 1' "$out/minutes.csv" | wc -l)
    reqs=$(awk -F, -v d="replay-$p" '$2 == d { s += $5 } END { printf "%.0f", s }' "$out/minutes.csv")
    printf '| %s | %d / %d (%.1f%%) | %s | %s / %s | %s |\n' "${policy_name[$p]}" "$met" "$minutes" \
      "$(awk -v a="$met" -v b="$minutes" 'BEGIN { print 100 * a / b }')" "$(gpu_hours "replay-$p")" \
      "$(logged_actions "replay-$p")" "$(sampled_actions "replay-$p")" "$reqs"
  done
} >"$out/table.md"
cat "$out/table.md"
"$top/bench/planner/real_path_plot.sh" "$out" \
  "Azure conversation trace x$rate_scale on make run's setup: worker GPUs per policy (crosses: minutes missing the SLA)" >/dev/null
log "written: $out/{table.md,real_path_replay.svg,minutes.csv,samples.csv,ttft.csv,itl.csv,decisions.json}"
