#pragma once
// The planner plugin: every interval, for every DGD with a planner service,
// one round of GraphPlanner over the host's caches and Prometheus, decisions
// through the adapters' /scale (the host writes them), events, the DGD's
// status block and PlannerReady condition, and metrics. README.md says what
// a user sees.
//
// Plugin configuration (the host configuration's `planner` section):
//   intervalSeconds: 15   # rounds, and the metrics window [Ns]
//   timeSpeedup: 1        # simulated seconds per wall second (dynop-sim); 1 in a cluster

#include <chrono>
#include <dynop/sdk/plugin.hpp>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "plugins/planner/graph_planner.hpp"
#include "plugins/planner/planner_status.hpp"

namespace dynop::plugins::planner {

class PlannerPlugin : public sdk::Plugin {
 public:
  static constexpr const char* kName = "planner";
  static constexpr const char* kVersion = "0.1.0";
  static constexpr const char* kDescription =
      "Dynamo's SLA planner: sizes prefill and decode from the profile and Prometheus";
  static constexpr sdk::Capabilities kCapabilities = sdk::kAutoscaler;

  PlannerPlugin(sdk::Host& host, std::string_view config_yaml);

  sdk::AutoscalerSpec autoscaler_spec();
  std::vector<sdk::ScaleDecision> evaluate();

 private:
  struct GraphState {
    std::vector<std::string> option_words;  // what the GraphPlanner was built from
    std::unique_ptr<GraphPlanner> planner;
    std::string profile_version;  // ConfigMap resourceVersion the model came from
    std::unique_ptr<EngineModel> model;
    std::string reported_problem;  // the last problem an event was recorded for
    std::string reported_skip;     // the last reason a skipped round was reported for
    std::optional<LastChange> last_change;
  };

  // One round for one DGD; its namespace/name when it has a planner service.
  std::string plan(const std::string& dgd_json, std::vector<sdk::ScaleDecision>& decisions,
                   double now_seconds);
  void report_problem(GraphState& state, const common::DgdView& dgd, std::string_view reason,
                      const std::string& message);
  void write_status(const std::string& dgd_json, const common::DgdView& dgd,
                    const boost::json::object* block, bool ready, std::string_view reason,
                    const std::string& message);
  void export_metrics(const PlannedGraph& graph, const RoundOutcome& round);

  std::chrono::seconds interval_{15};
  double time_speedup_ = 1;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  std::map<std::string, GraphState> graphs_;  // by namespace/name
  sdk::Counter rounds_;
  sdk::Gauge predicted_rate_;
  sdk::Gauge desired_replicas_;
  sdk::Gauge engines_needed_;
  sdk::Gauge correction_factor_;
};

}  // namespace dynop::plugins::planner
