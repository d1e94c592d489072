#include "plugins/planner/graph_planner.hpp"

#include <fmt/format.h>

#include <cmath>

namespace dynop::plugins::planner {

namespace {
constexpr double kQueueingSmoothing = 0.3;
}  // namespace

std::string human_number(double value) {
  if (std::abs(value) < 10 && std::round(value * 10) != std::round(value) * 10) {
    return fmt::format("{:.1f}", value);
  }
  auto whole = static_cast<long long>(std::llround(value));
  std::string digits = std::to_string(std::llabs(whole));
  for (int i = static_cast<int>(digits.size()) - 3; i > 0; i -= 3) digits.insert(i, ",");
  return (whole < 0 ? "-" : "") + digits;
}

GraphPlanner::GraphPlanner(const PlannerOptions& options)
    : options_(options),
      requests_(make_load_predictor(options)),
      isl_(make_load_predictor(options)),
      osl_(make_load_predictor(options)),
      prefill_(options.adjustment_interval_seconds),
      decode_(options.adjustment_interval_seconds) {}

RoundOutcome GraphPlanner::round(double now_seconds, const PlannedGraph& graph,
                                 const EngineModel& model,
                                 const apimachinery::Result<ObservedInterval>& observed,
                                 CurrentReplicas current) {
  RoundOutcome out;
  out.factors = factors_;
  if (!observed) {
    out.skipped = true;
    out.skipped_reason = "metrics missing: " + observed.error();
    return out;
  }
  if ((graph.prefill && !current.prefill) || (graph.decode && !current.decode)) {
    out.skipped = true;
    out.skipped_reason =
        "the scaling adapter of " +
        (graph.prefill && !current.prefill ? graph.prefill->adapter : graph.decode->adapter) +
        " does not exist yet";
    return out;
  }
  out.observed = *observed;
  const double interval = options_.adjustment_interval_seconds;
  requests_->add(observed->request_rate * interval);
  if (observed->request_rate > 0) {
    isl_->add(observed->isl);
    osl_->add(observed->osl);
  }

  // Correction factors from a steady graph only: while decode workers start,
  // the ITL reflects the fewer engines that are ready, and learning from it
  // would scale up again for capacity that is already coming.
  const bool decode_steady =
      !graph.decode || (current.decode && graph.decode->ready >= *current.decode);
  const bool prefill_steady =
      !graph.prefill || (current.prefill && graph.prefill->ready >= *current.prefill);
  if (!options_.no_correction && observed->request_rate > 0 && decode_steady && prefill_steady) {
    const double queueing = factors_.prefill_queueing;
    factors_ = correction_factors(model, *observed, graph.decode ? graph.decode->ready : 0);
    factors_.prefill_queueing = queueing;
    // c is a property of the engines and the traffic, not of one window:
    // smoothed, so one burst does not double the fleet.
    if (auto seen = prefill_queueing(model, *observed, graph.prefill ? graph.prefill->ready : 0,
                                     graph.gpus)) {
      factors_.prefill_queueing = kQueueingSmoothing * *seen + (1 - kQueueingSmoothing) * queueing;
    }
  }
  out.factors = factors_;

  out.prediction = {requests_->predict() / interval, isl_->predict(), osl_->predict()};
  const ReplicaNeed need = compute_replicas(model, options_, graph.gpus, out.prediction, factors_);
  const ReplicaNeed safe =
      compute_replicas(model, options_, graph.gpus, out.prediction, factors_, kScaleDownHeadroom);
  out.budget_limited = need.budget_limited;

  const std::string load =
      fmt::format("predicted {} req/s, ISL {}", human_number(out.prediction.request_rate),
                  human_number(out.prediction.isl));
  const std::string budget =
      need.budget_limited ? fmt::format(", cut to fit --max-gpu-budget {}", options_.max_gpu_budget)
                          : "";
  if (graph.prefill) {
    ServiceDecision d{
        graph.prefill->name, graph.prefill->adapter, *current.prefill, 0, need.prefill_engines, ""};
    d.to = prefill_.decide(now_seconds, need.prefill, safe.prefill,
                           {*current.prefill, graph.prefill->ready});
    d.reason = fmt::format(
        "prefill: {}, needs {} engines at TTFT <= {} ms ({} tokens/s per GPU, {}% busy){}", load,
        human_number(need.prefill_engines), human_number(options_.ttft_seconds * 1000),
        human_number(need.prefill_thpt_per_gpu), human_number(need.prefill_utilization * 100),
        budget);
    out.decisions.push_back(std::move(d));
  }
  if (graph.decode) {
    ServiceDecision d{
        graph.decode->name, graph.decode->adapter, *current.decode, 0, need.decode_engines, ""};
    d.to = decode_.decide(now_seconds, need.decode, safe.decode,
                          {*current.decode, graph.decode->ready});
    d.reason = fmt::format("decode: {}, OSL {}, needs {} engines at ITL <= {} ms{}", load,
                           human_number(out.prediction.osl), human_number(need.decode_engines),
                           human_number(options_.itl_seconds * 1000), budget);
    out.decisions.push_back(std::move(d));
  }
  // The stabilizers decide each service alone; the budget holds for the sum.
  if (options_.max_gpu_budget > 0 && out.decisions.size() == 2) {
    int p = out.decisions[0].to, dd = out.decisions[1].to;
    if (fit_gpu_budget(p, dd, graph.gpus, options_.max_gpu_budget, options_.min_endpoint)) {
      out.decisions[0].to = p;
      out.decisions[1].to = dd;
      out.budget_limited = true;
    }
  }
  return out;
}

}  // namespace dynop::plugins::planner
