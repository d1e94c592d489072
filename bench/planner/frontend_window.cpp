#include "bench/planner/frontend_window.hpp"

#include <cmath>
#include <string>

namespace dynop::bench::planner {

namespace {

HistogramSnapshot read_histogram(const prometheus::ClientMetric& m) {
  HistogramSnapshot h;
  h.count = static_cast<double>(m.histogram.sample_count);
  h.sum = m.histogram.sample_sum;
  for (const auto& b : m.histogram.bucket) {
    if (std::isfinite(b.upper_bound)) h.upper_bounds.push_back(b.upper_bound);
    h.cumulative.push_back(static_cast<double>(b.cumulative_count));
  }
  return h;
}

}  // namespace

FrontendSnapshot snapshot(prometheus::Registry& registry) {
  FrontendSnapshot s;
  for (const auto& family : registry.Collect()) {
    const std::string& name = family.name;
    for (const auto& m : family.metric) {
      if (name == "dynamo_frontend_requests_total")
        s.requests += m.counter.value;
      else if (name == "dynamo_frontend_queued_requests")
        s.queued += m.gauge.value;
      else if (name == "dynamo_frontend_time_to_first_token_seconds")
        s.ttft = read_histogram(m);
      else if (name == "dynamo_frontend_inter_token_latency_seconds")
        s.itl = read_histogram(m);
      else if (name == "dynamo_frontend_request_duration_seconds")
        s.duration = read_histogram(m);
      else if (name == "dynamo_frontend_input_sequence_tokens")
        s.input_tokens = read_histogram(m);
      else if (name == "dynamo_frontend_output_sequence_tokens")
        s.output_tokens = read_histogram(m);
    }
  }
  return s;
}

double quantile_between(double q, const HistogramSnapshot& before, const HistogramSnapshot& after) {
  const std::size_t n = after.cumulative.size();
  if (n == 0) return 0;
  auto at = [&](std::size_t i) {
    return after.cumulative[i] - (i < before.cumulative.size() ? before.cumulative[i] : 0);
  };
  const double total = at(n - 1);
  if (total <= 0) return 0;
  const double rank = q * total;
  for (std::size_t i = 0; i < n; ++i) {
    if (at(i) < rank) continue;
    if (i >= after.upper_bounds.size())
      return after.upper_bounds.empty() ? 0 : after.upper_bounds.back();
    const double lower = i == 0 ? 0 : after.upper_bounds[i - 1];
    const double below = i == 0 ? 0 : at(i - 1);
    const double in_bucket = at(i) - below;
    if (in_bucket <= 0) return after.upper_bounds[i];
    return lower + (after.upper_bounds[i] - lower) * (rank - below) / in_bucket;
  }
  return after.upper_bounds.empty() ? 0 : after.upper_bounds.back();
}

double mean_between(const HistogramSnapshot& before, const HistogramSnapshot& after) {
  const double count = after.count - before.count;
  return count > 0 ? (after.sum - before.sum) / count : 0;
}

}  // namespace dynop::bench::planner
