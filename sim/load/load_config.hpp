#pragma once
// dynop-sim's load file (YAML): the simulated time speed-up and, per DGD, the
// engine profile its workers run on and the load its frontends receive.
//
//   speedup: 10                  # simulated seconds per wall second
//   seed: 1
//   graphs:
//   - namespace: default
//     dgd: sglang-agg
//     model: Qwen/Qwen3-0.6B     # the frontend's `model` label (default: the profile's)
//     profile: h200.json         # relative to this file
//     gpus_per_engine: 1
//     max_batched_tokens: 8192   # per engine step (decode tokens + prefill chunk)
//     load:
//       start: 30s               # after the simulation starts (s, m, h or plain seconds)
//       constant: {rate: 5}      # requests per second; or exactly one of:
//       # step: [{at: 0, rate: 1}, {at: 2m, rate: 20}]
//       # square: {low: 1, high: 20, period: 10m, duty: 0.5}
//       # sine: {mean: 10, amplitude: 5, period: 1h, phase: 0}
//       # trace: {file: azure.csv, speedup: 1, rate_scale: 1, loop: false}
//       input_tokens: 1000       # or {uniform: [500, 1500]} or {normal: {mean: 1000, stddev: 200}}
//       output_tokens: 200       # (profiles only: a trace carries its own lengths)
//     resources:                 # CPU and memory the pods report (defaults below)
//       frontend: {idle_cores: 0.05, core_seconds_per_request: 0.005,
//                  core_seconds_per_token: 0.00002, memory: 512Mi, memory_per_request: 64Ki}
//       worker: {...}
//
// Graphs not listed get no load. Errors name the file and line:
// "load.yaml:9:7: load: give exactly one of constant, step, square, sine, trace".

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lib/apimachinery/result.hpp"
#include "lib/profiling/engine_profile.hpp"
#include "sim/load/arrivals.hpp"

namespace dynop::sim {

// What a pod's CPU and memory use follow: idle cost plus a cost per request
// and per token it handles; memory grows with requests in flight.
struct ResourceProfile {
  double idle_cores = 0;
  double core_seconds_per_request = 0;
  double core_seconds_per_token = 0;
  double memory_bytes = 0;
  double memory_bytes_per_request = 0;  // per request in flight
};
ResourceProfile default_frontend_resources();
ResourceProfile default_worker_resources();

struct LoadSpec {
  double start_seconds = 0;
  bool is_trace = false;
  RateProfile rate;    // when !is_trace
  TraceReplay replay;  // when is_trace
  TokenDistribution input_tokens;
  TokenDistribution output_tokens;
};

struct GraphConfig {
  std::string namespace_;
  std::string dgd;
  std::string model;
  std::shared_ptr<const profiling::EngineProfile> profile;  // null: no load, no capacity model
  int gpus_per_engine = 1;
  int max_batched_tokens = 8192;
  std::optional<LoadSpec> load;
  ResourceProfile frontend_resources = default_frontend_resources();
  ResourceProfile worker_resources = default_worker_resources();
  std::uint64_t seed = 1;

  std::string dynamo_namespace() const { return namespace_ + "-" + dgd; }
};

struct LoadConfig {
  double speedup = 1;
  std::uint64_t seed = 1;
  std::vector<GraphConfig> graphs;
};

// `base_dir`: where relative profile and trace paths start.
apimachinery::Result<LoadConfig> parse_load_config(std::string_view text, std::string_view source,
                                                   const std::string& base_dir);
apimachinery::Result<LoadConfig> load_load_config(const std::string& path);

}  // namespace dynop::sim
