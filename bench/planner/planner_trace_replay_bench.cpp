// Replays the Azure conversation trace through dynop-sim's load model on one
// disaggregated graph with the shared H200 profile, once per scaling policy,
// and reports for each: the share of 1-minute intervals meeting the SLA
// (TTFT p95 <= 0.5 s and ITL p95 <= 0.05 s, from the frontend's histograms as
// histogram_quantile computes them), GPU-hours, scaling actions; and writes
// the time series as an SVG plot. README.md says what runs for real and what
// is substituted.
//
//   planner_trace_replay_bench [--rate-scale 10] [--startup 60] [--svg out.svg]

#include <boost/json.hpp>
#include <boost/program_options.hpp>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "bench/planner/fleet.hpp"
#include "bench/planner/frontend_window.hpp"
#include "bench/planner/svg_plot.hpp"
#include "lib/cli/command_line.hpp"
#include "localcluster/controllers/hpa/replica_calculator.hpp"
#include "localcluster/controllers/hpa/scaling_behavior.hpp"
#include "plugins/planner/graph_planner.hpp"
#include "sim/load/load_simulator.hpp"
#include "tests/support/reference_dir.hpp"

namespace dynop::bench::planner {
namespace {

namespace po = boost::program_options;
namespace hpa = localcluster::hpa;
using plugins::planner::CorrectionFactors;
using plugins::planner::EngineModel;
using plugins::planner::GraphPlanner;
using plugins::planner::LoadForecast;
using plugins::planner::ObservedInterval;
using plugins::planner::PlannedGraph;
using plugins::planner::PlannedService;
using plugins::planner::PlannerOptions;

constexpr double kTick = 5;     // simulated seconds between model steps
constexpr double kSync = 15;    // every autoscaler's period (HPA sync, KEDA polling, planner)
constexpr double kMinute = 60;  // the SLA interval
constexpr double kTtftSla = 0.5;
constexpr double kItlSla = 0.05;
constexpr const char* kNs = "default";
constexpr const char* kDgd = "bench-disagg";

struct Settings {
  double rate_scale = 10;
  double startup_seconds = 60;
  int max_replicas = 10;  // the guide's HPA and ScaledObject maxima
  int adjustment_interval_seconds = 60;  // the planner's; upstream's example sets 60
  std::string svg;
};

// What one run produced, per policy.
struct RunResult {
  std::string policy;
  int intervals = 0;
  int intervals_met = 0;
  double gpu_hours = 0;
  int actions = 0;
  std::uint64_t completed = 0;
  std::vector<double> minute_gpus;  // mean GPUs per minute
  std::vector<bool> minute_met;     // per minute
  std::vector<double> minute_ttft_p95;
  std::vector<double> minute_itl_p95;
  std::vector<double> minute_rate;       // completed requests per second
  std::vector<int> minute_prefill_need;  // for the oracle: what each minute needed
  std::vector<int> minute_decode_need;
};

// A policy sees the frontend's metrics and sets the fleets every kSync.
class Policy {
 public:
  virtual ~Policy() = default;
  // After the run has started every policy's fleet warm at the same size.
  virtual void start(Fleet& /*prefill*/, Fleet& /*decode*/, double /*now*/) {}
  virtual void sync(double now, Fleet& prefill, Fleet& decode,
                    const std::vector<std::pair<double, FrontendSnapshot>>& history) = 0;
};

// The snapshot at or just before `t` (the history is kept every kSync).
const FrontendSnapshot& at_or_before(const std::vector<std::pair<double, FrontendSnapshot>>& h,
                                     double t) {
  for (auto it = h.rbegin(); it != h.rend(); ++it) {
    if (it->first <= t + 1e-9) return it->second;
  }
  return h.front().second;
}

// (1) The planner plugin's algorithm (GraphPlanner), fed what its PromQL
// reads: increase() over the last kSync.
class PlannerPolicy final : public Policy {
 public:
  PlannerPolicy(const EngineModel& model, PlannerOptions options)
      : model_(model), options_(std::move(options)), planner_(options_) {}

  void sync(double now, Fleet& prefill, Fleet& decode,
            const std::vector<std::pair<double, FrontendSnapshot>>& h) override {
    const FrontendSnapshot& before = at_or_before(h, now - kSync);
    const FrontendSnapshot& after = h.back().second;
    ObservedInterval o;
    o.request_rate = (after.requests - before.requests) / kSync;
    o.isl = mean_between(before.input_tokens, after.input_tokens);
    o.osl = mean_between(before.output_tokens, after.output_tokens);
    o.ttft_seconds = mean_between(before.ttft, after.ttft);
    o.itl_seconds = mean_between(before.itl, after.itl);
    o.request_duration_seconds = mean_between(before.duration, after.duration);
    PlannedGraph g;
    g.options = options_;
    g.prefill = PlannedService{"prefill", "", prefill.ready()};
    g.decode = PlannedService{"decode", "", decode.ready()};
    auto round = planner_.round(now, g, model_, o, {prefill.desired(), decode.desired()});
    if (round.skipped) return;
    prefill.set_replicas(round.decisions[0].to, now);
    decode.set_replicas(round.decisions[1].to, now);
  }

 private:
  const EngineModel& model_;
  PlannerOptions options_;
  GraphPlanner planner_;
};

// (2) and (3): the local cluster's HPA controller code (replica calculator
// and scaling behavior, kube's defaults: tolerance 0.1, 5 min downscale
// stabilization, scale-up at most max(2x, 4)), on an external metric whose
// value the policy computes from the frontend's metrics as the trigger's or
// the adapter rule's PromQL does.
class HpaPolicy final : public Policy, hpa::MetricsClient, hpa::PodLister {
 public:
  enum class Rule { kKedaTtft, kQueueDepth };

  HpaPolicy(Rule rule, int max_replicas) : rule_(rule), max_(max_replicas) {}

  void sync(double now, Fleet& prefill, Fleet& decode,
            const std::vector<std::pair<double, FrontendSnapshot>>& h) override {
    if (rule_ == Rule::kKedaTtft) {
      // histogram_quantile(0.95, sum(rate(..._bucket[5m])) by (le)): threshold 0.5 s
      // (AverageValue, KEDA's default metricType), activation 0.1 s.
      // Below the activation threshold KEDA reports its scaler inactive, which
      // only matters for scaling to zero; with minReplicaCount 1 the HPA keeps
      // sizing from the value, as here.
      const double ttft =
          quantile_between(0.95, at_or_before(h, now - 300).ttft, h.back().second.ttft);
      value_milli_ = static_cast<int64_t>(std::llround(ttft * 1000));
    } else {
      // sum(dynamo_frontend_queued_requests) by dynamo_namespace: Value target 10.
      value_milli_ = static_cast<int64_t>(std::llround(h.back().second.queued * 1000));
    }
    scale(now, prefill, prefill_history_);
    scale(now, decode, decode_history_);
  }

 private:
  void scale(double now, Fleet& fleet, hpa::ScalingHistory& history) {
    ready_ = fleet.ready();
    desired_ = fleet.desired();
    const hpa::Timestamp t{std::chrono::microseconds(static_cast<int64_t>(now * 1e6))};
    hpa::ReplicaCalculator calc(*this, *this, {}, [t] { return t; });
    const auto selector = apimachinery::LabelSelector::parse("app=bench");
    int32_t proposal = desired_;
    if (rule_ == Rule::kKedaTtft) {
      auto r = calc.external_per_pod_metric_replicas(desired_, 500, "s0-prometheus", kNs,
                                                     boost::json::object{});
      if (r.ok()) proposal = r->replicas;
    } else {
      auto r = calc.external_metric_replicas(desired_, 10000, "dynamo_queued_requests", kNs,
                                             boost::json::object{}, *selector);
      if (r.ok()) proposal = r->replicas;
    }
    hpa::record_initial_recommendation(history, desired_, t);
    auto normalized = hpa::normalize_desired_replicas(history, desired_, proposal, 1, max_,
                                                      std::chrono::seconds(300), t);
    fleet.set_replicas(normalized.replicas, now);
  }

  // hpa::MetricsClient: only the external metric is asked for.
  apimachinery::Result<hpa::PodMetrics> resource_metric(const std::string&, const std::string&,
                                                        const apimachinery::LabelSelector&,
                                                        const std::string&) override {
    return apimachinery::Error{"not served"};
  }
  apimachinery::Result<hpa::PodMetrics> raw_metric(const std::string&, const std::string&,
                                                   const apimachinery::LabelSelector&,
                                                   const apimachinery::LabelSelector&) override {
    return apimachinery::Error{"not served"};
  }
  apimachinery::Result<hpa::ObjectMetric> object_metric(
      const std::string&, const std::string&,
      const localcluster::autoscaling::CrossVersionObjectReference&,
      const apimachinery::LabelSelector&) override {
    return apimachinery::Error{"not served"};
  }
  apimachinery::Result<hpa::ExternalMetrics> external_metric(
      const std::string&, const std::string&, const apimachinery::LabelSelector&) override {
    return hpa::ExternalMetrics{{value_milli_}, {}};
  }
  // hpa::PodLister: the service's pods, Ready or still loading.
  apimachinery::Result<std::vector<hpa::PodInfo>> list(
      const std::string&, const apimachinery::LabelSelector&) override {
    std::vector<hpa::PodInfo> pods;
    for (int i = 0; i < desired_; ++i) {
      hpa::PodInfo p;
      p.name = "p" + std::to_string(i);
      p.phase = "Running";
      p.ready = hpa::PodCondition{i < ready_ ? "True" : "False", {}};
      pods.push_back(std::move(p));
    }
    return pods;
  }

  Rule rule_;
  int max_;
  int64_t value_milli_ = 0;
  int ready_ = 0;
  int desired_ = 0;
  hpa::ScalingHistory prefill_history_, decode_history_;
};

// (4) and (5): replica counts known per minute in advance. Pods for minute m
// are started `startup` before it, so they are Ready when it begins.
class SchedulePolicy final : public Policy {
 public:
  SchedulePolicy(std::vector<int> prefill, std::vector<int> decode, double startup)
      : prefill_(std::move(prefill)), decode_(std::move(decode)), startup_(startup) {}

  void start(Fleet& prefill, Fleet& decode, double now) override {
    prefill.set_replicas(need(prefill_, now), now, true);
    decode.set_replicas(need(decode_, now), now, true);
  }
  void sync(double now, Fleet& prefill, Fleet& decode,
            const std::vector<std::pair<double, FrontendSnapshot>>&) override {
    prefill.set_replicas(need(prefill_, now), now);
    decode.set_replicas(need(decode_, now), now);
  }

 private:
  // The most any minute overlapping [now, now + startup] needs.
  int need(const std::vector<int>& per_minute, double now) const {
    int n = 1;
    for (int m = static_cast<int>(now / kMinute);
         m <= static_cast<int>((now + startup_) / kMinute) &&
         m < static_cast<int>(per_minute.size());
         ++m) {
      n = std::max(n, per_minute[m]);
    }
    return n;
  }
  std::vector<int> prefill_, decode_;
  double startup_;
};

// Every policy starts from the same warm fleet (`initial`, the oracle's size
// for the first minutes), as a graph that was serving before the trace began.
struct InitialFleet {
  int prefill = 1;
  int decode = 1;
};

RunResult run(const std::string& name, Policy& policy, const sim::LoadConfig& config,
              double duration, const Settings& settings, int gpus_per_engine,
              InitialFleet initial) {
  sim::ManualClock clock(1.0);
  sim::LoadSimulator load(clock, config);
  load.add_pod({kNs, "frontend", kDgd, sim::Role::kFrontend, "Frontend"});
  load.set_ready(kNs, "frontend", true);
  Fleet prefill(load, kNs, kDgd, "prefill", sim::Role::kPrefill, gpus_per_engine,
                settings.startup_seconds);
  Fleet decode(load, kNs, kDgd, "decode", sim::Role::kDecode, gpus_per_engine,
               settings.startup_seconds);
  auto registry = load.registry(kNs, "frontend");
  std::vector<std::pair<double, FrontendSnapshot>> history{{0.0, snapshot(*registry)}};
  prefill.set_replicas(initial.prefill, 0, /*warm=*/true);
  decode.set_replicas(initial.decode, 0, /*warm=*/true);
  policy.start(prefill, decode, 0);
  prefill.advance(0);
  decode.advance(0);

  RunResult r;
  r.policy = name;
  FrontendSnapshot minute_start = history.back().second;
  double minute_gpu_seconds = 0;
  for (double t = kTick; t <= duration + 1e-9; t += kTick) {
    load.advance_to(sim::SimTime(sim::sim_seconds(t)));
    const double gpu_before = prefill.gpu_seconds() + decode.gpu_seconds();
    prefill.advance(t);
    decode.advance(t);
    minute_gpu_seconds += prefill.gpu_seconds() + decode.gpu_seconds() - gpu_before;
    if (std::fmod(t, kSync) < 1e-9) {
      history.emplace_back(t, snapshot(*registry));
      // Five minutes of history is all any rule reads.
      if (history.size() > 40) history.erase(history.begin());
      policy.sync(t, prefill, decode, history);
    }
    if (std::fmod(t, kMinute) < 1e-9) {
      const FrontendSnapshot now = snapshot(*registry);
      const double ttft = quantile_between(0.95, minute_start.ttft, now.ttft);
      const double itl = quantile_between(0.95, minute_start.itl, now.itl);
      const double completed = now.ttft.count - minute_start.ttft.count;
      r.minute_gpus.push_back(minute_gpu_seconds / kMinute);
      r.minute_ttft_p95.push_back(ttft);
      r.minute_itl_p95.push_back(itl);
      r.minute_rate.push_back((now.requests - minute_start.requests) / kMinute);
      const bool met = ttft <= kTtftSla && itl <= kItlSla;
      r.minute_met.push_back(met);
      if (completed > 0) {
        ++r.intervals;
        r.intervals_met += met ? 1 : 0;
      }
      minute_start = now;
      minute_gpu_seconds = 0;
    }
  }
  r.gpu_hours = (prefill.gpu_seconds() + decode.gpu_seconds()) / 3600;
  r.actions = prefill.changes() + decode.changes();
  r.completed = load.stats(kNs, kDgd)->completed;
  return r;
}

// Each minute's actual load from the trace (what the oracle knows): the
// engines the profile says it needs, as the planner computes them with
// correction factors of 1.
void profile_need_per_minute(const sim::Trace& trace, double rate_scale, double minutes,
                             const EngineModel& model, const PlannerOptions& options,
                             std::vector<int>& prefill, std::vector<int>& decode) {
  const auto n = static_cast<std::size_t>(minutes);
  std::vector<double> count(n), isl(n), osl(n);
  for (const auto& rec : trace.records) {
    const auto m = static_cast<std::size_t>((rec.offset_seconds + 1) / kMinute);
    if (m >= n) continue;
    count[m] += 1;
    isl[m] += rec.input_tokens;
    osl[m] += rec.output_tokens;
  }
  prefill.assign(n, 1);
  decode.assign(n, 1);
  for (std::size_t m = 0; m < n; ++m) {
    if (count[m] == 0) continue;
    LoadForecast load{count[m] * rate_scale / kMinute, isl[m] / count[m], osl[m] / count[m]};
    auto need = plugins::planner::compute_replicas(model, options, {}, load, CorrectionFactors{});
    prefill[m] = need.prefill;
    decode[m] = need.decode;
  }
}

int main_with(const Settings& settings) {
  const std::string data = test::reference_dir() + "/bench-data";
  const std::string yaml =
      "graphs:\n- namespace: default\n  dgd: bench-disagg\n  profile: "
      "profiles/dynamo_h200_llama31_8b_fp8_vllm.json\n  load:\n    start: 1s\n    trace: {file: "
      "traces/azure_llm_2023_conv.csv, rate_scale: " +
      std::to_string(settings.rate_scale) + "}\n";
  auto config = sim::parse_load_config(yaml, "bench.yaml", data);
  if (!config) {
    std::fprintf(stderr, "%s\n", config.error().c_str());
    return 1;
  }
  const sim::Trace& trace = *config->graphs[0].load->replay.trace;
  const double minutes = std::ceil((trace.duration_seconds() + 1) / kMinute) + 1;
  const double duration = minutes * kMinute;
  const EngineModel model(*config->graphs[0].profile);

  PlannerOptions options;  // upstream's defaults, as the upstream example sets them:
  options.adjustment_interval_seconds = settings.adjustment_interval_seconds;
  options.max_gpu_budget = -1;  // every policy may use what it asks for

  std::vector<RunResult> results;
  // (5) first: its schedule also sizes (4). The oracle starts from the
  // profile's need of each minute's actual load and, for each minute that
  // misses the SLA, adds an engine to the side that missed (TTFT: prefill,
  // ITL: decode) and runs again, until every minute meets it or 8 passes.
  std::vector<int> prefill_need, decode_need;
  profile_need_per_minute(trace, settings.rate_scale, minutes, model, options, prefill_need,
                          decode_need);
  // The fleet for the first minutes of a schedule (what SchedulePolicy starts with).
  auto initial_of = [&](const std::vector<int>& p, const std::vector<int>& d) {
    return InitialFleet{std::max(p[0], p[1]), std::max(d[0], d[1])};
  };
  RunResult oracle;
  for (int pass = 0; pass < 8; ++pass) {
    SchedulePolicy schedule(prefill_need, decode_need, settings.startup_seconds);
    oracle = run("oracle (each minute's need known in advance)", schedule, *config, duration,
                 settings, 1, initial_of(prefill_need, decode_need));
    // The last pass keeps its schedule, so the needs reported are the ones that ran.
    if (oracle.intervals_met == oracle.intervals || pass == 7) break;
    for (std::size_t m = 0; m < oracle.minute_met.size() && m < prefill_need.size(); ++m) {
      if (oracle.minute_met[m]) continue;
      if (oracle.minute_ttft_p95[m] > kTtftSla) ++prefill_need[m];
      if (oracle.minute_itl_p95[m] > kItlSla) ++decode_need[m];
    }
  }
  oracle.minute_prefill_need = prefill_need;
  oracle.minute_decode_need = decode_need;
  const InitialFleet initial = initial_of(prefill_need, decode_need);
  // The real-path replay (real_path_replay.sh) starts its graphs at this size.
  std::printf("warm fleet (every policy's start): %dP+%dD\n", initial.prefill, initial.decode);

  PlannerPolicy planner(model, options);
  // The names say what runs: the planner's algorithm, not the plugin in a host; the guide's
  // KEDA and HPA rules as the local cluster's HPA code computes them, not KEDA or a cluster.
  results.push_back(
      run("planner algorithm (GraphPlanner)", planner, *config, duration, settings, 1, initial));
  HpaPolicy keda(HpaPolicy::Rule::kKedaTtft, settings.max_replicas);
  results.push_back(run("guide's KEDA TTFT p95 trigger, local HPA code", keda, *config, duration,
                        settings, 1, initial));
  HpaPolicy queue(HpaPolicy::Rule::kQueueDepth, settings.max_replicas);
  results.push_back(run("guide's HPA queue-depth rule, local HPA code", queue, *config, duration,
                        settings, 1, initial));
  const int fixed_prefill = *std::max_element(prefill_need.begin(), prefill_need.end());
  const int fixed_decode = *std::max_element(decode_need.begin(), decode_need.end());
  SchedulePolicy fixed(std::vector<int>(prefill_need.size(), fixed_prefill),
                       std::vector<int>(decode_need.size(), fixed_decode), 0);
  results.push_back(run("fixed " + std::to_string(fixed_prefill) + "P+" +
                            std::to_string(fixed_decode) + "D (the oracle's peak)",
                        fixed, *config, duration, settings, 1, initial));
  results.push_back(oracle);

  std::printf(
      "| policy | 1-min intervals meeting the SLA | GPU-hours | scaling actions | requests "
      "completed |\n");
  std::printf("|---|---|---|---|---|\n");
  for (const RunResult& r : results) {
    std::printf("| %s | %d / %d (%.1f%%) | %.2f | %d | %llu |\n", r.policy.c_str(), r.intervals_met,
                r.intervals, r.intervals > 0 ? 100.0 * r.intervals_met / r.intervals : 0.0,
                r.gpu_hours, r.actions, static_cast<unsigned long long>(r.completed));
  }
  if (!settings.svg.empty()) {
    std::vector<PlotSeries> gpus;
    for (const RunResult& r : results) gpus.push_back({r.policy, r.minute_gpus, r.minute_met});
    std::ofstream out(settings.svg);
    out << render_svg(results.front().minute_rate, gpus,
                      "Azure conversation trace x" +
                          std::to_string(static_cast<int>(settings.rate_scale)) +
                          ", H200 profile: GPUs per policy (crosses: minutes missing the SLA)");
    std::printf("\nplot: %s\n", settings.svg.c_str());
  }
  return 0;
}

}  // namespace
}  // namespace dynop::bench::planner

int main(int argc, char** argv) {
  namespace po = boost::program_options;
  dynop::bench::planner::Settings s;
  po::options_description flags("Flags");
  flags.add_options()("rate-scale", po::value(&s.rate_scale)->default_value(s.rate_scale),
                      "trace requests sent per recorded request")(
      "startup", po::value(&s.startup_seconds)->default_value(s.startup_seconds),
      "simulated seconds a new worker takes to load")(
      "max-replicas", po::value(&s.max_replicas)->default_value(s.max_replicas),
      "maxReplicas of the HPA and KEDA rules (the guide's 10)")(
      "adjustment-interval",
      po::value(&s.adjustment_interval_seconds)->default_value(s.adjustment_interval_seconds),
      "the planner's --adjustment-interval in simulated seconds (upstream's example: 60)")("svg", po::value(&s.svg),
                                                                "write the time series plot here");
  po::variables_map values;
  if (auto exit = dynop::cli::parse_main(argc, argv, flags, "planner_trace_replay_bench", "[flags]",
                                         values)) {
    return *exit;
  }
  return dynop::bench::planner::main_with(s);
}
