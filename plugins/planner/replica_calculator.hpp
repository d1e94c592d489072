#pragma once
// How many prefill and decode engines a load needs, from the engine's
// profile, as upstream's SLA planner sizes them (planner_core.py; the
// formulas are in shared/reference/autoscalers.md, "Dynamo SLA planner"):
//
//   correction   p = observed TTFT / profile TTFT(isl)
//                d = observed ITL / profile ITL(concurrency per decode engine,
//                                                context isl + osl / 2)
//   prefill      dynop: ceil(rate x isl / prefill throughput per GPU(isl)
//                     / GPUs per prefill engine x c / rho_max), below
//                (upstream: x min(1, p) instead of x c / rho_max)
//   decode       ceil(rate x osl / best decode throughput per GPU whose ITL
//                     <= target / d, at context isl + osl / 2
//                     / GPUs per decode engine)
//   both at least --min-endpoint; over --max-gpu-budget both shrink in
//   proportion (prefill rounded, decode takes the GPUs left, rounded down).
//
// Prefill, better than upstream: upstream sizes prefill by throughput alone
// (min(1, p) never adds an engine when TTFT is worse than profiled), so the
// queue in front of engines at ~100% utilization eats the TTFT target. dynop
// sizes prefill for the target: with s the profile's TTFT at the input
// length (one request on an idle engine) and the mean TTFT kept at a third of
// the target (p95 about 3x the mean for a queue's exponential tail), an
// engine may be busy rho_max = 1 - s / (ttft / 3) of the time (M/M/1:
// mean TTFT = s / (1 - rho)). c, learned from the observed mean TTFT W at the
// observed utilization rho (W = s / (1 - c x rho)), says how much more the
// real engines queue than that model: bursts, chunking, uneven lengths.
//
// Rates are per second here (upstream divides an interval's request count by
// the interval): a decision depends on the load, not on how long it was
// watched.

#include <optional>

#include "lib/profiling/interpolators.hpp"
#include "plugins/planner/planner_options.hpp"

namespace dynop::plugins::planner {

// What the frontends served in the interval that just ended (means over it).
struct ObservedInterval {
  double request_rate = 0;  // requests per second
  double isl = 0;           // mean input tokens
  double osl = 0;           // mean output tokens
  double ttft_seconds = 0;
  double itl_seconds = 0;
  double request_duration_seconds = 0;
};

struct CorrectionFactors {
  double prefill = 1;           // upstream's p, reported
  double decode = 1;            // upstream's d, used
  double prefill_queueing = 1;  // dynop's c, used
};

// The mean TTFT the prefill engines are sized for: a third of the target.
inline constexpr double kTtftTailRatio = 3;

// The profile of one engine, ready to interpolate.
struct EngineModel {
  explicit EngineModel(const profiling::EngineProfile& profile)
      : prefill(profile.prefill), decode(profile.decode) {}
  profiling::PrefillInterpolator prefill;
  profiling::DecodeInterpolator decode;
};

struct EngineGpus {
  int prefill = 1;
  int decode = 1;
};

// Upstream's p and d: observed over expected latency; 1 for a side without
// traffic or a measurement of 0. Clamped to [0.1, 10]: one interval of a few
// requests must not multiply or divide the fleet by more than ten.
// prefill_queueing stays 1 here (see prefill_queueing below).
CorrectionFactors correction_factors(const EngineModel& model, const ObservedInterval& observed,
                                     int ready_decode_engines);

// c from one interval, clamped to [0.5, 3]; nullopt when the interval says
// little about the queue: no prefill engine ready, a utilization under 20%,
// or a mean TTFT no longer than one request's.
std::optional<double> prefill_queueing(const EngineModel& model, const ObservedInterval& observed,
                                       int ready_prefill_engines, EngineGpus gpus);

struct LoadForecast {
  double request_rate = 0;  // requests per second
  double isl = 0;
  double osl = 0;
};

struct ReplicaNeed {
  double prefill_engines = 0;  // the need before rounding up
  double decode_engines = 0;
  int prefill = 0;  // after --min-endpoint and the GPU budget
  int decode = 0;
  double prefill_thpt_per_gpu = 0;       // input tokens/s per GPU at the forecast isl
  double prefill_utilization = 0;        // rho_max: the share of time an engine may be busy
  double decode_thpt_per_gpu = 0;        // output tokens/s per GPU at the corrected ITL
  double decode_itl_target_seconds = 0;  // the ITL target over d
  bool budget_limited = false;           // the budget cut what the load needs
};

// `load_factor` multiplies the forecast rate (1.1: the need with 10% more
// load, what a scale-down must still cover).
ReplicaNeed compute_replicas(const EngineModel& model, const PlannerOptions& options,
                             EngineGpus gpus, const LoadForecast& load,
                             const CorrectionFactors& factors, double load_factor = 1.0);

// Upstream's budget split: fits prefill x prefill_gpus + decode x decode_gpus
// into `budget` GPUs (-1: no budget). Returns false when nothing changed.
bool fit_gpu_budget(int& prefill, int& decode, EngineGpus gpus, int budget, int min_endpoint);

}  // namespace dynop::plugins::planner
