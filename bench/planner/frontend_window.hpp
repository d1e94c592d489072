#pragma once
// The frontend's metrics as the benchmark's policies and its SLA check read
// them: cumulative snapshots of the simulated frontend's prometheus-cpp
// registry, and what PromQL computes from two of them (increase(), the means
// sum/count, and histogram_quantile over the bucket increases). This stands in
// for Prometheus scraping the pod (see README.md, "What is substituted").

#include <prometheus/registry.h>

#include <vector>

namespace dynop::bench::planner {

struct HistogramSnapshot {
  std::vector<double> upper_bounds;  // finite bounds, increasing
  std::vector<double> cumulative;    // per bound, then +Inf last
  double count = 0;
  double sum = 0;
};

struct FrontendSnapshot {
  double requests = 0;  // requests_total, every status
  double queued = 0;    // queued_requests gauge
  HistogramSnapshot ttft, itl, duration, input_tokens, output_tokens;
};

FrontendSnapshot snapshot(prometheus::Registry& registry);

// PromQL's histogram_quantile(q, increase(bucket[...])) between two snapshots;
// 0 without observations.
double quantile_between(double q, const HistogramSnapshot& before, const HistogramSnapshot& after);
// increase(sum) / increase(count); 0 without observations.
double mean_between(const HistogramSnapshot& before, const HistogramSnapshot& after);

}  // namespace dynop::bench::planner
