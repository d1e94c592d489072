#pragma once
// One planning round for one graph: from the last interval's observation to
// the replicas of its prefill and decode services, with the prediction, the
// correction factors and a sentence per service that says why. Keeps the
// graph's history (predictors, stabilizers, last correction factors) between
// rounds. Pure: the plugin does the reading and writing.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lib/apimachinery/result.hpp"
#include "plugins/planner/load_predictor.hpp"
#include "plugins/planner/planned_graph.hpp"
#include "plugins/planner/replica_calculator.hpp"
#include "plugins/planner/replica_stabilizer.hpp"

namespace dynop::plugins::planner {

// A scale-down must still meet the SLA with this much more load than
// predicted (the dead band that keeps a need hovering at a boundary still).
inline constexpr double kScaleDownHeadroom = 1.1;

struct ServiceDecision {
  std::string service;
  std::string adapter;
  int from = 0;  // the adapter's spec.replicas
  int to = 0;    // == from: no change
  double engines_needed = 0;
  std::string reason;  // "decode: predicted 31 req/s, ISL 1,150, OSL 210, needs 3.6 engines ..."
};

struct RoundOutcome {
  bool skipped = false;
  std::string skipped_reason;  // why no decision was made
  ObservedInterval observed;
  LoadForecast prediction;
  CorrectionFactors factors;
  bool budget_limited = false;
  std::vector<ServiceDecision> decisions;  // one per service the planner sizes
};

// The adapters' spec.replicas; nullopt: the adapter does not exist (yet).
struct CurrentReplicas {
  std::optional<int> prefill;
  std::optional<int> decode;
};

class GraphPlanner {
 public:
  explicit GraphPlanner(const PlannerOptions& options);

  // The options this planner was built for (a changed planner service makes
  // a new GraphPlanner).
  const PlannerOptions& options() const { return options_; }

  RoundOutcome round(double now_seconds, const PlannedGraph& graph, const EngineModel& model,
                     const apimachinery::Result<ObservedInterval>& observed,
                     CurrentReplicas current);

 private:
  PlannerOptions options_;
  std::unique_ptr<LoadPredictor> requests_;  // requests per adjustment interval
  std::unique_ptr<LoadPredictor> isl_;
  std::unique_ptr<LoadPredictor> osl_;
  CorrectionFactors factors_;
  ReplicaStabilizer prefill_;
  ReplicaStabilizer decode_;
};

// 1150.4 -> "1,150"; 31.04 -> "31" ; 3.64 -> "3.6" (one decimal below 10).
std::string human_number(double value);

}  // namespace dynop::plugins::planner
