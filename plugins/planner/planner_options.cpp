#include "plugins/planner/planner_options.hpp"

#include <boost/program_options.hpp>
#include <sstream>

#include "lib/cli/command_line.hpp"

namespace dynop::plugins::planner {

namespace po = boost::program_options;
using apimachinery::Error;
using apimachinery::Result;

namespace {

// The words from the first `--option` on; a single word holding a shell
// command line is split first.
std::vector<std::string> option_words(const std::vector<std::string>& words) {
  std::vector<std::string> split;
  for (const std::string& word : words) {
    if (word.find(' ') == std::string::npos) {
      split.push_back(word);
      continue;
    }
    std::istringstream in(word);
    for (std::string part; in >> part;) split.push_back(part);
  }
  std::vector<std::string> options;
  bool started = false;
  for (std::string& word : split) {
    started = started || word.starts_with("--");
    if (started) options.push_back(std::move(word));
  }
  return options;
}

std::string without_help_hint(std::string error) {
  constexpr std::string_view kHint = " (see --help)";
  if (error.ends_with(kHint)) error.resize(error.size() - kHint.size());
  if (error.starts_with("unknown flag ")) {
    error.replace(0, 12, "unknown option");
    error = error.substr(0, error.find('='));  // program_options names "--x=1"
  }
  if (error.starts_with("flag ")) error.replace(0, 4, "option");
  return error;
}

Result<void> check_positive(const char* name, double value) {
  if (value > 0) return {};
  std::ostringstream message;
  message << "--" << name << ": must be greater than 0, not " << value;
  return Error{message.str()};
}

}  // namespace

Result<PlannerOptions> parse_planner_options(const std::vector<std::string>& words) {
  PlannerOptions o;
  double ttft_ms = o.ttft_seconds * 1000;
  double itl_ms = o.itl_seconds * 1000;
  int prefill_gpus = 0;
  int decode_gpus = 0;
  std::string unused_text;
  int unused_int = 0;
  bool unused_switch = false;
  bool enable_loadbased = false;
  bool disable_throughput = false;

  po::options_description flags;
  // clang-format off
  flags.add_options()
      ("adjustment-interval", po::value(&o.adjustment_interval_seconds)->default_value(o.adjustment_interval_seconds))
      ("ttft", po::value(&ttft_ms)->default_value(ttft_ms))
      ("itl", po::value(&itl_ms)->default_value(itl_ms))
      ("max-gpu-budget", po::value(&o.max_gpu_budget)->default_value(o.max_gpu_budget))
      ("min-endpoint", po::value(&o.min_endpoint)->default_value(o.min_endpoint))
      ("prefill-engine-num-gpu", po::value(&prefill_gpus))
      ("decode-engine-num-gpu", po::value(&decode_gpus))
      ("no-operation", po::bool_switch(&o.no_operation))
      ("no-correction", po::bool_switch(&o.no_correction))
      ("mode", po::value(&o.mode)->default_value(o.mode))
      ("profile-results-dir", po::value(&o.profile_results_dir)->default_value(o.profile_results_dir))
      ("model-name", po::value(&o.model_name))
      ("load-predictor", po::value(&o.load_predictor)->default_value(o.load_predictor))
      ("load-predictor-log1p", po::bool_switch(&o.load_predictor_log1p))
      ("prophet-window-size", po::value(&o.prophet_window_size)->default_value(o.prophet_window_size))
      ("kalman-q-level", po::value(&o.kalman_q_level)->default_value(o.kalman_q_level))
      ("kalman-q-trend", po::value(&o.kalman_q_trend)->default_value(o.kalman_q_trend))
      ("kalman-r", po::value(&o.kalman_r)->default_value(o.kalman_r))
      ("kalman-min-points", po::value(&o.kalman_min_points)->default_value(o.kalman_min_points))
      // dynop's own: the season of the holt-winters predictor, in rounds (one observation each).
      ("holt-winters-season", po::value(&o.holt_winters_season)->default_value(o.holt_winters_season))
      ("enable-throughput-scaling", po::bool_switch(&unused_switch))
      ("disable-throughput-scaling", po::bool_switch(&disable_throughput))
      ("enable-loadbased-scaling", po::bool_switch(&enable_loadbased))
      // Upstream's process settings: checked, without effect here.
      ("environment", po::value(&unused_text))
      ("namespace", po::value(&unused_text))
      ("backend", po::value(&unused_text))
      ("log-dir", po::value(&unused_text))
      ("isl", po::value(&unused_int))
      ("osl", po::value(&unused_int))
      ("metric-pulling-prometheus-endpoint", po::value(&unused_text))
      ("metric-reporting-prometheus-port", po::value(&unused_int));
  // clang-format on

  po::variables_map values;
  std::string error;
  if (!cli::parse(option_words(words), flags, "planner", values, error)) {
    return Error{without_help_hint(error)};
  }
  if (enable_loadbased || disable_throughput) {
    return Error{
        "--enable-loadbased-scaling and --disable-throughput-scaling: load-based scaling "
        "is not supported by dynop's planner (it scales from throughput and the profile)"};
  }
  if (auto r = check_positive("adjustment-interval", o.adjustment_interval_seconds); !r) {
    return Error{r.error()};
  }
  if (auto r = check_positive("ttft", ttft_ms); !r) return Error{r.error()};
  if (auto r = check_positive("itl", itl_ms); !r) return Error{r.error()};
  o.ttft_seconds = ttft_ms / 1000;
  o.itl_seconds = itl_ms / 1000;
  if (o.min_endpoint < 0) {
    return Error{"--min-endpoint: must be 0 or more, not " + std::to_string(o.min_endpoint)};
  }
  if (o.max_gpu_budget < -1 || o.max_gpu_budget == 0) {
    return Error{"--max-gpu-budget: must be -1 (no budget) or greater than 0, not " +
                 std::to_string(o.max_gpu_budget)};
  }
  if (values.count("prefill-engine-num-gpu") != 0) {
    if (auto r = check_positive("prefill-engine-num-gpu", prefill_gpus); !r) {
      return Error{r.error()};
    }
    o.prefill_engine_num_gpu = prefill_gpus;
  }
  if (values.count("decode-engine-num-gpu") != 0) {
    if (auto r = check_positive("decode-engine-num-gpu", decode_gpus); !r) return Error{r.error()};
    o.decode_engine_num_gpu = decode_gpus;
  }
  if (o.mode != "disagg" && o.mode != "prefill" && o.mode != "decode") {
    return Error{"--mode: \"" + o.mode + "\" is not one of disagg, prefill, decode"};
  }
  if (o.load_predictor == "constant") {
    o.predictor = PredictorKind::kConstant;
  } else if (o.load_predictor == "kalman") {
    o.predictor = PredictorKind::kKalman;
  } else if (o.load_predictor == "holt-winters") {
    o.predictor = PredictorKind::kHoltWinters;
  } else if (o.load_predictor == "arima" || o.load_predictor == "prophet") {
    o.predictor = PredictorKind::kHoltWinters;
  } else {
    return Error{"--load-predictor: \"" + o.load_predictor +
                 "\" is not one of constant, kalman, holt-winters, arima, prophet"};
  }
  if (auto r = check_positive("prophet-window-size", o.prophet_window_size); !r) {
    return Error{r.error()};
  }
  if (o.kalman_q_level < 0 || o.kalman_q_trend < 0) {
    return Error{"--kalman-q-level and --kalman-q-trend: must be 0 or more"};
  }
  if (auto r = check_positive("kalman-r", o.kalman_r); !r) return Error{r.error()};
  if (o.holt_winters_season < 0 || o.holt_winters_season == 1) {
    return Error{"--holt-winters-season: must be 0 (no season) or 2 or more intervals, not " +
                 std::to_string(o.holt_winters_season)};
  }
  if (o.kalman_min_points < 1) return Error{"--kalman-min-points: must be 1 or more"};
  if (o.load_predictor == "arima" || o.load_predictor == "prophet") {
    // What runs instead, as configured: a season only with --holt-winters-season.
    o.predictor_note =
        "load predictor " + o.load_predictor +
        " is not implemented by dynop's planner: holt-winters predicts instead (" +
        (o.holt_winters_season == 0
             ? std::string("level and trend; no season without --holt-winters-season")
             : "level, trend and a season of " + std::to_string(o.holt_winters_season) +
                   " rounds") +
        ")";
  }
  return o;
}

}  // namespace dynop::plugins::planner
