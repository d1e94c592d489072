#!/usr/bin/env bash
# Webhook throughput and latency over HTTPS on loopback: the release dynop with
# webhook.so and a throwaway self-signed certificate, loaded by wrk with 4
# keep-alive connections posting a recorded AdmissionReview. Builds nothing.
#
#   bench/webhook/run_wrk.sh [build-dir]      (default build/release)
#
# Rounds, each WEBHOOK_BENCH_RUNS times (default 3), each printing the load
# average, wrk's latency distribution, and a summary line with requests/s,
# p50/p99 latency and dynop's CPU time per review (utime+stime of the dynop
# process over the round / requests):
#   saturated, wrk -t1 -c4 and -t2 -c4: as fast as 4 connections go;
#   paced, wrk -t2 -c4 at WEBHOOK_BENCH_RATE requests/s (default 5000; 0 skips).
# Environment: WEBHOOK_BENCH_BODY (review file), WEBHOOK_BENCH_DURATION (10s),
# WEBHOOK_BENCH_RUNS, WEBHOOK_BENCH_RATE, and WEBHOOK_BENCH_RT=1 to run dynop
# and wrk under SCHED_FIFO (chrt -f 50; needs root): on a machine shared with
# other work this measures the server when it is not waiting for a core
# behind unrelated processes. Mind that a saturated round under SCHED_FIFO
# takes both cores from everything else, and the kernel's RT throttling
# (sched_rt_runtime_us) then stalls it for 50 ms each second, which shows up
# in its tail.
set -euo pipefail
top="$(cd "$(dirname "$0")/../.." && pwd)"
build="${1:-build/release}"
cd "$top"
[[ "$build" = /* ]] || build="$top/$build"
dynop="$build/bin/dynop"
plugins="$build/plugins"
[[ -x "$dynop" ]] || { echo "run_wrk: $dynop was not built (Release)" >&2; exit 1; }
[[ -f "$plugins/webhook.so" ]] || { echo "run_wrk: $plugins/webhook.so was not built" >&2; exit 1; }
command -v wrk >/dev/null || { echo "run_wrk: wrk is not installed (apt-get install wrk)" >&2; exit 1; }
duration="${WEBHOOK_BENCH_DURATION:-10s}"
runs="${WEBHOOK_BENCH_RUNS:-3}"
rate="${WEBHOOK_BENCH_RATE:-5000}"
export WEBHOOK_BENCH_BODY="${WEBHOOK_BENCH_BODY:-$top/bench/webhook/review-create.json}"
rt=()
if [[ "${WEBHOOK_BENCH_RT:-0}" == 1 ]]; then rt=(chrt -f 50); fi

work="$(mktemp -d)"
pid=""
cleanup() {
  if [[ -n "$pid" ]]; then kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
  -keyout "$work/tls.key" -out "$work/tls.crt" -days 1 -subj "/CN=dynop-webhook-bench" \
  -addext "subjectAltName=IP:127.0.0.1" 2>/dev/null

"${rt[@]}" "$dynop" --metrics-address 127.0.0.1:0 --plugin-dir "$plugins" --plugins webhook \
  --admission-address 127.0.0.1:0 --admission-cert-file "$work/tls.crt" \
  --admission-key-file "$work/tls.key" --log-level info >"$work/dynop.log" 2>&1 &
pid=$!
address=""
for _ in $(seq 1 100); do
  address="$(grep -oE 'serving admission webhooks on https://[0-9.]+:[0-9]+' "$work/dynop.log" | grep -oE '[0-9.]+:[0-9]+$' || true)"
  [[ -n "$address" ]] && break
  kill -0 "$pid" 2>/dev/null || { echo "run_wrk: dynop exited:"; cat "$work/dynop.log"; exit 1; }
  sleep 0.1
done
[[ -n "$address" ]] || { echo "run_wrk: dynop did not start serving admission"; cat "$work/dynop.log"; exit 1; }
url="https://$address/validate-nvidia-com-v1alpha1-dynamographdeployment"
ticks="$(getconf CLK_TCK)"

cpu_ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }

# One round: wrk's report on stderr, then the summary line (with the load average).
round() {
  local label="$1" threads="$2" pace="$3"
  local before after out requests load
  load="$(cut -d' ' -f1-3 /proc/loadavg)"
  before="$(cpu_ticks)"
  out="$(WEBHOOK_BENCH_RATE="$pace" WEBHOOK_BENCH_THREADS="$threads" "${rt[@]}" \
         wrk -t"$threads" -c4 -d"$duration" --latency -s "$top/bench/webhook/post_review.lua" "$url")"
  after="$(cpu_ticks)"
  echo "$out" >&2
  requests="$(echo "$out" | awk '/requests in/ {print $1}')"
  echo "$out" | awk -v label="$label" -v requests="$requests" -v cpu="$((after - before))" \
                    -v hz="$ticks" -v load="$load" -v when="$(date -u +%H:%M:%S)" '
    /Requests\/sec/ {rps = $2}
    /^ +50%/ {p50 = $2}
    /^ +90%/ {p90 = $2}
    /^ +99%/ {p99 = $2}
    /Non-2xx/ {non2xx = $NF}
    END {
      printf "%s UTC, load %s: %s: %s req/s, p50 %s, p90 %s, p99 %s, dynop CPU %.1f us/review (%d requests%s)\n",
             when, load, label, rps, p50, p90, p99, (requests > 0 ? cpu * 1e6 / hz / requests : 0),
             requests, non2xx ? ", " non2xx " non-2xx" : ""
    }'
}

echo "# dynop $("$dynop" --version | awk '{print $2}'), body $(basename "$WEBHOOK_BENCH_BODY") ($(wc -c <"$WEBHOOK_BENCH_BODY") bytes), $url${rt[*]:+, under ${rt[*]}}"
echo "# answer: $(curl -sk -H 'Content-Type: application/json' --data-binary "@$WEBHOOK_BENCH_BODY" "$url")"
wrk -t1 -c1 -d1s -s "$top/bench/webhook/post_review.lua" "$url" >/dev/null  # warm-up
summary=()
for run in $(seq 1 "$runs"); do
  summary+=("$(round "saturated, wrk -t1 -c4 (run $run)" 1 0)")
  summary+=("$(round "saturated, wrk -t2 -c4 (run $run)" 2 0)")
  if [[ "$rate" != 0 ]]; then
    summary+=("$(round "paced at $rate req/s, wrk -t2 -c4 (run $run)" 2 "$rate")")
  fi
done
echo "# summary"
printf '%s\n' "${summary[@]}"
