#!/usr/bin/env bash
# The time series of a real_path_replay.sh run as an SVG plot, in the layout of
# planner_trace_replay_bench's --svg: the requests the fixed graph's frontend completed per
# second (per minute), and per policy the worker GPUs (mean of the 15 s samples
# in each minute, loading pods included) with a cross on each minute that
# missed the SLA.
#
#   bench/planner/real_path_plot.sh DIR [TITLE]   # writes DIR/real_path_replay.svg
set -euo pipefail
dir="${1:?usage: $0 DIR [TITLE]}"
default_title="Azure conversation trace x10 on make run's setup: worker GPUs per policy (crosses: minutes missing the SLA)"
title="${2:-$default_title}"
for f in samples.csv minutes.csv ttft.csv; do
  [[ -s "$dir/$f" ]] || { echo "$dir/$f is missing: not a real_path_replay.sh folder" >&2; exit 1; }
done
# The trace's start: the first per-minute point is one minute after it.
t0=$(($(cut -d, -f2 "$dir/ttft.csv" | sort -n | head -1) - 60))

awk -F, -v t0="$t0" -v title="$title" '
  function esc(s) { gsub(/&/, "\\&amp;", s); gsub(/</, "\\&lt;", s); gsub(/>/, "\\&gt;", s); return s }
  FNR == 1 { file++ ; next }
  { gsub(/"/, "") }
  # minutes.csv: minute,dgd,ttft_p95,itl_p95,requests,met
  file == 1 {
    m = $1; d = $2
    if (!(d in seen_dgd)) { seen_dgd[d] = 1; order[++ndgd] = d }
    if (m > minutes) minutes = m
    met[d, m] = $6
    if (d == "replay-fixed") rate[m] = $5 / 60
  }
  # samples.csv: time,kind,dgd,name,uid,service,gpus_or_replicas,...
  file == 2 && $2 == "pod" {
    m = int(($1 - t0 + 59) / 60)
    if (m < 1) next
    gpus[$3, $1] += $7; times[$3, m, $1] = 1
  }
  END {
    for (k in times) { split(k, p, SUBSEP); n[p[1], p[2]]++; sum[p[1], p[2]] += gpus[p[1], p[3]] }
    W = 1040; L = 60; R = 340; P = 160; T = 40; G = 50; pw = W - L - R
    color[1] = "#d62728"; color[2] = "#1f77b4"; color[3] = "#2ca02c"; color[4] = "#7f7f7f"
    name["replay-planner"] = "planner plugin"; name["replay-keda"] = "guide KEDA TTFT ScaledObjects"
    name["replay-hpa"] = "guide queue-depth HPAs"; name["replay-fixed"] = "fixed size"
    rmax = 1; for (m = 1; m <= minutes; m++) if (rate[m] > rmax) rmax = rate[m]
    gmax = 1
    for (i = 1; i <= ndgd; i++) for (m = 1; m <= minutes; m++) {
      g[i, m] = n[order[i], m] ? sum[order[i], m] / n[order[i], m] : 0
      if (g[i, m] > gmax) gmax = g[i, m]
    }
    rmax *= 1.1; gmax = int(gmax * 1.1) + 1
    H = T + 2 * P + G + 40
    printf "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\">\n", W, H
    printf "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n"
    printf "<text x=\"%d\" y=\"18\" font-size=\"13\">%s</text>\n", L, esc(title)
    for (panel = 1; panel <= 2; panel++) {
      top = T + (panel - 1) * (P + G) + 16
      ymax = panel == 1 ? rmax : gmax
      printf "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>", L, top, L, top + P
      printf "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>\n", L, top + P, L + pw, top + P
      printf "<text x=\"%d\" y=\"%d\" font-size=\"12\">%s</text>\n", L, top - 6,
        panel == 1 ? "requests completed per second (per minute)" : "worker GPUs (prefill + decode, mean per minute)"
      for (t = 0; t <= 4; t++)
        printf "<text x=\"%d\" y=\"%.1f\" font-size=\"10\" text-anchor=\"end\">%.3g</text>", L - 4, top + P - P * t / 4 + 3, ymax * t / 4
      for (m = 0; m <= minutes; m += 10)
        printf "<text x=\"%.1f\" y=\"%d\" font-size=\"10\" text-anchor=\"middle\">%d</text>", L + pw * m / (minutes > 1 ? minutes : 1), top + P + 12, m
      printf "\n"
      nseries = panel == 1 ? 1 : ndgd
      for (i = 1; i <= nseries; i++) {
        c = panel == 1 ? "#000000" : color[i]
        printf "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" points=\"", c
        for (m = 1; m <= minutes; m++) {
          v = panel == 1 ? rate[m] : g[i, m]
          printf "%.1f,%.1f ", L + pw * m / minutes, top + P - P * v / ymax
        }
        printf "\"/>\n"
        if (panel == 2) for (m = 1; m <= minutes; m++) if (met[order[i], m] != 1)
          printf "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\" fill=\"%s\" text-anchor=\"middle\">x</text>", L + pw * m / minutes, top + P - P * g[i, m] / ymax + 3, c
        label = panel == 1 ? "request rate" : (order[i] in name ? name[order[i]] : order[i])
        printf "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"3\" fill=\"%s\"/><text x=\"%d\" y=\"%d\" font-size=\"11\">%s</text>\n",
          L + pw + 12, top + 14 * (i - 1) + 4, c, L + pw + 28, top + 14 * (i - 1) + 9, esc(label)
      }
    }
    printf "<text x=\"%d\" y=\"%d\" font-size=\"10\">minutes of the trace</text>\n</svg>\n", L + pw / 2 - 40, H - 4
  }' "$dir/minutes.csv" "$dir/samples.csv" >"$dir/real_path_replay.svg"
echo "$dir/real_path_replay.svg"
