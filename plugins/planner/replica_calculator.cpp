#include "plugins/planner/replica_calculator.hpp"

#include <algorithm>
#include <cmath>

namespace dynop::plugins::planner {

namespace {

constexpr double kMinFactor = 0.1;
constexpr double kMaxFactor = 10;
constexpr double kMinQueueing = 0.5;
constexpr double kMaxQueueing = 3;
constexpr double kMinLearningUtilization = 0.2;
constexpr double kMinPrefillUtilization = 0.1;

double ratio(double observed, double expected) {
  if (observed <= 0 || expected <= 0) return 1;
  return std::clamp(observed / expected, kMinFactor, kMaxFactor);
}

int engines_for(double need) {
  // 3.0000000001 engines are 3: the need is a product of measured floats.
  return static_cast<int>(std::ceil(need - 1e-9));
}

}  // namespace

std::optional<double> prefill_queueing(const EngineModel& model, const ObservedInterval& observed,
                                       int ready_prefill_engines, EngineGpus gpus) {
  const double service = model.prefill.ttft_seconds(observed.isl);
  const double thpt = model.prefill.thpt_per_gpu(observed.isl);
  if (ready_prefill_engines <= 0 || thpt <= 0 || observed.ttft_seconds <= service) {
    return std::nullopt;
  }
  const double utilization =
      observed.request_rate * observed.isl / thpt / gpus.prefill / ready_prefill_engines;
  if (utilization < kMinLearningUtilization) return std::nullopt;
  return std::clamp((1 - service / observed.ttft_seconds) / utilization, kMinQueueing,
                    kMaxQueueing);
}

CorrectionFactors correction_factors(const EngineModel& model, const ObservedInterval& observed,
                                     int ready_decode_engines) {
  CorrectionFactors factors;
  if (observed.request_rate <= 0) return factors;
  factors.prefill = ratio(observed.ttft_seconds, model.prefill.ttft_seconds(observed.isl));
  if (ready_decode_engines > 0) {
    // Little's law: requests in flight per decode engine.
    const double concurrency =
        observed.request_rate * observed.request_duration_seconds / ready_decode_engines;
    const double context = observed.isl + observed.osl / 2;
    factors.decode =
        ratio(observed.itl_seconds, model.decode.itl_at_concurrency(concurrency, context));
  }
  return factors;
}

bool fit_gpu_budget(int& prefill, int& decode, EngineGpus gpus, int budget, int min_endpoint) {
  const int total = prefill * gpus.prefill + decode * gpus.decode;
  if (budget < 0 || total <= budget) return false;
  const double scale = static_cast<double>(budget) / total;
  if (prefill > 0) {
    prefill = std::max(min_endpoint, static_cast<int>(std::lround(prefill * scale)));
  }
  if (decode > 0) {
    decode = std::max(min_endpoint, (budget - prefill * gpus.prefill) / gpus.decode);
  }
  return true;
}

ReplicaNeed compute_replicas(const EngineModel& model, const PlannerOptions& options,
                             EngineGpus gpus, const LoadForecast& load,
                             const CorrectionFactors& factors, double load_factor) {
  ReplicaNeed need;
  const double rate = load.request_rate * load_factor;
  const bool size_prefill = options.mode != "decode";
  const bool size_decode = options.mode != "prefill";

  need.prefill_thpt_per_gpu = model.prefill.thpt_per_gpu(load.isl);
  const double mean_ttft_target = options.ttft_seconds / kTtftTailRatio;
  need.prefill_utilization = std::clamp(1 - model.prefill.ttft_seconds(load.isl) / mean_ttft_target,
                                        kMinPrefillUtilization, 1.0);
  if (size_prefill && need.prefill_thpt_per_gpu > 0) {
    need.prefill_engines = rate * load.isl / need.prefill_thpt_per_gpu / gpus.prefill *
                           factors.prefill_queueing / need.prefill_utilization;
  }

  need.decode_itl_target_seconds =
      factors.decode > 0 ? options.itl_seconds / factors.decode : options.itl_seconds;
  const auto best =
      model.decode.best_throughput_per_gpu(need.decode_itl_target_seconds, load.isl + load.osl / 2);
  need.decode_thpt_per_gpu = best.thpt_per_gpu;
  if (size_decode && best.thpt_per_gpu > 0) {
    need.decode_engines = rate * load.osl / best.thpt_per_gpu / gpus.decode;
  }

  need.prefill =
      size_prefill ? std::max(options.min_endpoint, engines_for(need.prefill_engines)) : 0;
  need.decode = size_decode ? std::max(options.min_endpoint, engines_for(need.decode_engines)) : 0;
  need.budget_limited =
      fit_gpu_budget(need.prefill, need.decode, gpus, options.max_gpu_budget, options.min_endpoint);
  return need;
}

}  // namespace dynop::plugins::planner
