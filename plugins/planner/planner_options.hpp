#pragma once
// The planner's options, read from the arguments of a DGD's planner service
// (componentType `planner`) exactly as upstream's SLA planner spells them
// (dynamo/planner/utils/planner_argparse.py), with upstream's defaults, so an
// upstream disagg_planner.yaml configures this planner unchanged.
//
// Options upstream needs for its own process but dynop does not (where
// Prometheus is, which port the planner serves metrics on, its log folder,
// the environment and backend) are accepted, checked for type and have no
// effect: the host's Prometheus and /metrics serve every plugin.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lib/apimachinery/result.hpp"

namespace dynop::plugins::planner {

enum class PredictorKind { kConstant, kKalman, kHoltWinters };

struct PlannerOptions {
  // --adjustment-interval (s): the window of metrics each decision reads and
  // the horizon the load is predicted for.
  int adjustment_interval_seconds = 180;
  double ttft_seconds = 0.5;  // --ttft, given in milliseconds
  double itl_seconds = 0.05;  // --itl, given in milliseconds
  int max_gpu_budget = 8;     // --max-gpu-budget; -1: no budget
  int min_endpoint = 1;       // --min-endpoint
  // --prefill-engine-num-gpu / --decode-engine-num-gpu; nullopt: from the
  // service's GPU resources (as upstream does in Kubernetes mode), else 1.
  std::optional<int> prefill_engine_num_gpu;
  std::optional<int> decode_engine_num_gpu;
  bool no_operation = false;    // --no-operation: decide and report, never scale
  bool no_correction = false;   // --no-correction: correction factors stay 1
  std::string mode = "disagg";  // --mode: disagg, prefill or decode (which services it sizes)
  std::string profile_results_dir = "profiling_results";  // --profile-results-dir
  std::string model_name;                                 // --model-name ("" : any model)

  // --load-predictor as given, and the predictor that runs. Upstream's
  // default `arima` and `prophet` run the Holt-Winters predictor (dynop has
  // neither model); `predictor_note` says so in the PlannerReady message.
  std::string load_predictor = "arima";
  PredictorKind predictor = PredictorKind::kHoltWinters;
  std::string predictor_note;
  bool load_predictor_log1p = false;  // --load-predictor-log1p
  int prophet_window_size = 50;       // --prophet-window-size: history the predictors keep
  double kalman_q_level = 1.0;        // --kalman-q-level
  double kalman_q_trend = 0.1;        // --kalman-q-trend
  double kalman_r = 10.0;             // --kalman-r
  int kalman_min_points = 5;          // --kalman-min-points
  // --holt-winters-season (dynop's own): the season in rounds (observations);
  // 0: level and trend only.
  int holt_winters_season = 0;
};

// The options in a container's command and args (the program and anything
// before the first `--option` are skipped; one argument holding a whole
// shell command line, `python3 -m planner_sla --ttft=200 ...`, is split on
// spaces). Errors name the option: `--ttft: invalid value "fast"`,
// `unknown option --adjustment-intervall`, `--load-predictor: "lstm" is not
// one of constant, kalman, holt-winters, arima, prophet`.
apimachinery::Result<PlannerOptions> parse_planner_options(const std::vector<std::string>& words);

}  // namespace dynop::plugins::planner
