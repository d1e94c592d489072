// promql-scaler: the guide's KEDA rule (a Prometheus trigger with a threshold)
// as a dynop autoscaler plugin. Every interval it runs one PromQL query
// through the host's Prometheus and sizes one target as KEDA's Prometheus
// scaler and the HPA it creates would: ceil(value / threshold) replicas
// (an AverageValue target), the minimum while the value is at or below
// activationThreshold, within [minReplicas, maxReplicas], and no scale-down
// until the value has stayed low for cooldownSeconds. Configuration (the
// plugin's section of the host configuration, `pluginConfig`):
//
//   promql-scaler:
//     target: {namespace: default, name: sglang-agg-decode}   # a DGDSA by default
//     query: |
//       histogram_quantile(0.95, sum(rate(dynamo_frontend_time_to_first_token_seconds_bucket{
//         dynamo_namespace="default-sglang-agg"}[5m])) by (le))
//     threshold: 0.5
//     activationThreshold: 0.1
//     minReplicas: 1
//     maxReplicas: 10
//     intervalSeconds: 15
//     cooldownSeconds: 60

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <dynop/sdk/export.hpp>
#include <dynop/sdk/plugin.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

class PromqlScaler : public dynop::sdk::Plugin {
 public:
  static constexpr const char* kName = "promql-scaler";
  static constexpr const char* kVersion = "0.1.0";
  static constexpr const char* kDescription =
      "scales one target on a PromQL query and a threshold, as KEDA's Prometheus scaler";
  static constexpr dynop::sdk::Capabilities kCapabilities = dynop::sdk::kAutoscaler;

  PromqlScaler(dynop::sdk::Host& host, std::string_view config_yaml) : Plugin(host) {
    const YAML::Node c = YAML::Load(std::string(config_yaml));
    if (!c["query"] || !c["threshold"] || !c["target"] || !c["target"]["name"])
      throw std::invalid_argument("promql-scaler needs `query`, `threshold` and `target.name`");
    const YAML::Node t = c["target"];
    target_ = {{t["group"].as<std::string>("nvidia.com"), t["version"].as<std::string>("v1alpha1"),
                t["kind"].as<std::string>("DynamoGraphDeploymentScalingAdapter")},
               t["namespace"].as<std::string>("default"),
               t["name"].as<std::string>()};
    query_ = c["query"].as<std::string>();
    threshold_ = c["threshold"].as<double>();
    activation_ = c["activationThreshold"].as<double>(0);
    min_ = c["minReplicas"].as<int32_t>(1);
    max_ = c["maxReplicas"].as<int32_t>(10);
    interval_ = std::chrono::seconds(c["intervalSeconds"].as<int>(15));
    cooldown_ = std::chrono::seconds(c["cooldownSeconds"].as<int>(60));
    if (!(threshold_ > 0) || min_ < 0 || max_ < std::max(min_, 1))
      throw std::invalid_argument(
          "promql-scaler needs threshold > 0 and 0 <= minReplicas <= "
          "maxReplicas, maxReplicas >= 1");
  }

  dynop::sdk::AutoscalerSpec autoscaler_spec() { return {interval_}; }

  // Called by one host timer thread, never concurrently with itself.
  std::vector<dynop::sdk::ScaleDecision> evaluate() {
    auto value = host().prometheus().value(query_);
    if (!value.is_ok()) {
      logger().warn("query failed, leaving " + target_.name + " alone: " + value.status.message());
      return {};
    }
    const double v = value.value.value_or(0);  // no series: 0, as KEDA reads it
    const bool active = v > activation_;
    int32_t wanted = active ? static_cast<int32_t>(std::ceil(v / threshold_)) : min_;
    wanted = std::clamp(wanted, active ? std::max(min_, 1) : min_, max_);
    if (active) last_active_ = Clock::now();
    // Scale down only after the value has been low for the cooldown.
    if (last_ && wanted < *last_ && Clock::now() - last_active_ < cooldown_) wanted = *last_;
    last_ = wanted;
    // Active, the value is shared out at `threshold` per replica (it may be
    // below the threshold itself: any value over the activation asks for one).
    return {{target_, wanted,
             "query " + std::to_string(v) +
                 (active ? ", threshold " + std::to_string(threshold_) + " per replica"
                         : " <= activation " + std::to_string(activation_))}};
  }

 private:
  dynop::sdk::ObjectRef target_;
  std::string query_;
  double threshold_ = 1, activation_ = 0;
  int32_t min_ = 1, max_ = 10;
  std::chrono::milliseconds interval_{15000}, cooldown_{60000};
  std::optional<int32_t> last_;
  Clock::time_point last_active_{};
};

}  // namespace

DYNOP_PLUGIN(PromqlScaler)
