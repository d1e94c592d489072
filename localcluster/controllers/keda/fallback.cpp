#include "localcluster/controllers/keda/fallback.hpp"

namespace dynop::localcluster::keda {

namespace {

bool fallback_enabled(const ScaledObjectSpec& spec, const autoscaling::MetricSpec& metric) {
  return spec.fallback && metric.target.type == "AverageValue";
}

bool fallback_valid(const ScaledObjectSpec& spec) {
  return spec.fallback->failure_threshold >= 0 && spec.fallback->replicas >= 0;
}

}  // namespace

FallbackOutcome apply_fallback(const ScaledObjectSpec& spec, const autoscaling::MetricSpec& metric,
                               const Health& previous, const std::string& metric_name,
                               bool failed) {
  FallbackOutcome out;
  out.health = previous;
  auto& health = out.health[metric_name];
  if (!failed) {
    health = HealthStatus{0, "Happy"};
  } else {
    health.status = "Failing";
    ++health.number_of_failures;
  }

  // fallbackExistsInScaledObject, on the health before this update.
  bool exists = false;
  if (fallback_enabled(spec, metric) && fallback_valid(spec)) {
    for (const auto& [name, h] : previous) {
      if (h.status == "Failing" && h.number_of_failures > spec.fallback->failure_threshold) {
        exists = true;
      }
    }
  }
  out.fallback_condition =
      exists ? KedaCondition{"Fallback", "True", "FallbackExists",
                             "At least one trigger is falling back on this scaled object"}
             : KedaCondition{"Fallback", "False", "NoFallbackFound",
                             "No fallbacks are active on this scaled object"};
  if (!failed) return out;
  if (!fallback_enabled(spec, metric) || !fallback_valid(spec) ||
      health.number_of_failures <= spec.fallback->failure_threshold) {
    out.error_stays = true;
    return out;
  }
  // normalisationValue = int64(averageValue.AsApproximateFloat64()): truncated,
  // so a fractional target (0.5) falls back to 0 exactly as KEDA does.
  const int64_t normalisation =
      metric.target.average_value ? metric.target.average_value->milli_value() / 1000 : 0;
  out.fallback_milli_value = normalisation * 1000 * static_cast<int64_t>(spec.fallback->replicas);
  return out;
}

}  // namespace dynop::localcluster::keda
