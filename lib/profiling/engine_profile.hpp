#pragma once
// Pre-deployment profiling data of one inference engine (model, GPU, framework),
// in the format of Dynamo's SLA planner (its prefill.npz and decode.npz, as
// JSON: see shared/reference/bench-data/profiles/):
//
//   {"units": {"prefill_ttft": "ms", "z_itl": "ms", ...},
//    "prefill": {"prefill_isl": [...], "prefill_ttft": [...], "prefill_thpt_per_gpu": [...],
//                "model": "...", "gpu_type": "...", ...},
//    "decode": {"x_kv_usage": [...], "y_context_length": [...], "z_itl": [...],
//               "z_thpt_per_gpu": [...], "max_kv_tokens": 945029, ...}}
//
// Used by the simulated workers (sim/) and by the planner, so both read the
// same numbers the same way. Errors name the source and line:
// "profile.json:14:5: prefill.prefill_ttft has 16 values, prefill.prefill_isl has 17".

#include <string>
#include <string_view>
#include <vector>

#include "lib/apimachinery/result.hpp"

namespace dynop::profiling {

// Prefill: TTFT and throughput of one engine against input length, measured
// one request at a time. Times are in seconds whatever the file's unit.
struct PrefillProfile {
  std::vector<double> isl;           // tokens, strictly increasing
  std::vector<double> ttft_seconds;  // per point
  std::vector<double> thpt_per_gpu;  // input tokens per second per GPU
};

// Decode: inter-token latency and throughput against KV cache use (0..1) and
// context length, scattered points (a few KV levels per context length).
struct DecodeProfile {
  std::vector<double> kv_usage;
  std::vector<double> context_length;
  std::vector<double> itl_seconds;
  std::vector<double> thpt_per_gpu;  // output tokens per second per GPU
  double max_kv_tokens = 0;          // KV cache capacity of one engine, in tokens
};

struct EngineProfile {
  std::string model;      // "nvidia/Llama-3.1-8B-Instruct-FP8"; "" when the file has none
  std::string gpu_type;   // "h200_sxm"
  std::string framework;  // "vllm"
  PrefillProfile prefill;
  DecodeProfile decode;
};

// `source` names the text in messages (a file path, "configmap default/x key profile.json").
apimachinery::Result<EngineProfile> parse_engine_profile(std::string_view text,
                                                         std::string_view source);
apimachinery::Result<EngineProfile> load_engine_profile(const std::string& path);

}  // namespace dynop::profiling
