#pragma once
// The host's Prometheus, for plugins (ABI 1.2: prometheus_query and
// prometheus_query_range in dynop/abi.h). The host is configured once with
// the address (prometheus.url, --prometheus-url); a plugin only writes PromQL:
//
//   auto ttft = prometheus().value(
//       "histogram_quantile(0.95, sum(rate(dynamo_frontend_time_to_first_token_seconds_bucket"
//       "{dynamo_namespace=\"default-sglang-agg\"}[5m])) by (le))");
//   if (!ttft.is_ok()) return {};                    // the status says why
//   if (ttft.value && *ttft.value > 0.5) ...         // nullopt: no series
//
// Errors come back as statuses: kInvalidArgument with Prometheus's own error
// text for a query it refuses, kUnavailable when it cannot be reached or
// fails, kNotImplemented when the host has no Prometheus configured or is
// older than ABI 1.2. Every call copies the host's answer.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dynop/abi.h"
#include "dynop/sdk/result.hpp"
#include "dynop/sdk/status.hpp"

namespace dynop::sdk {

struct PromPoint {
  double timestamp = 0;  // seconds since the Unix epoch
  double value = 0;      // NaN and +-Inf as Prometheus returns them
};

struct PromSeries {
  std::map<std::string, std::string> labels;
  std::vector<PromPoint> points;  // instant queries: one; ranges: oldest first
  // The label's value, "" when the series has none.
  std::string_view label(const std::string& name) const {
    auto it = labels.find(name);
    return it == labels.end() ? std::string_view() : std::string_view(it->second);
  }
};

enum class PromResultType : int32_t {
  kVector = DYNOP_PROM_VECTOR,
  kMatrix = DYNOP_PROM_MATRIX,
  kScalar = DYNOP_PROM_SCALAR,
  kString = DYNOP_PROM_STRING,
};

struct PromResult {
  PromResultType type = PromResultType::kVector;
  std::vector<PromSeries> series;
  std::string string_value;           // kString only
  std::vector<std::string> warnings;  // Prometheus's warnings; the result is still valid
};

class Prometheus {
 public:
  using Clock = std::chrono::system_clock;

  explicit Prometheus(const dynop_host* host) : host_(host) {}

  // An instant query at `at` (default: now).
  Result<PromResult> query(std::string_view promql,
                           std::optional<Clock::time_point> at = std::nullopt) const {
    if (!DYNOP_HOST_HAS(host_, prometheus_query))
      return {detail::missing_slot(host_, "prometheus_query"), {}};
    return call([&](dynop_prom_result* out) {
      return host_->prometheus_query(host_->ctx, to_c(promql), at ? seconds(*at) : 0.0, out);
    });
  }

  // A range query: a matrix, one point every `step` from `start` to `end`.
  Result<PromResult> query_range(std::string_view promql, Clock::time_point start,
                                 Clock::time_point end, std::chrono::milliseconds step) const {
    if (!DYNOP_HOST_HAS(host_, prometheus_query_range))
      return {detail::missing_slot(host_, "prometheus_query_range"), {}};
    return call([&](dynop_prom_result* out) {
      return host_->prometheus_query_range(host_->ctx, to_c(promql), seconds(start), seconds(end),
                                           static_cast<double>(step.count()) / 1000.0, out);
    });
  }

  // The value of an instant query that yields at most one series, as KEDA's
  // Prometheus scaler reads it: no series is nullopt; a scalar is its value;
  // more than one series is kInvalidArgument naming how many.
  Result<std::optional<double>> value(std::string_view promql) const {
    Result<PromResult> r = query(promql);
    if (!r.is_ok()) return {r.status, std::nullopt};
    if (r.value.type == PromResultType::kString)
      return {Status(StatusCode::kInvalidArgument, "query returned a string, not a number"), {}};
    if (r.value.series.size() > 1) {
      return {Status(StatusCode::kInvalidArgument,
                     "query returned " + std::to_string(r.value.series.size()) +
                         " series; aggregate it to one (e.g. with sum or max)"),
              {}};
    }
    if (r.value.series.empty() || r.value.series[0].points.empty()) return {Status::ok(), {}};
    return {Status::ok(), r.value.series[0].points.back().value};
  }

 private:
  static double seconds(Clock::time_point t) {
    return std::chrono::duration<double>(t.time_since_epoch()).count();
  }

  // Copies the host's answer ([host-out]: valid only until the next call).
  template <class F>
  static Result<PromResult> call(F&& query) {
    dynop_prom_result out{};
    out.struct_size = sizeof(out);
    Result<PromResult> result;
    result.status = Status::from_c(query(&out));
    if (!result.is_ok()) return result;
    PromResult& r = result.value;
    r.type = static_cast<PromResultType>(out.result_type);
    r.string_value = std::string(to_string_view(out.string_value));
    for (size_t i = 0; i < out.warning_count; ++i)
      r.warnings.emplace_back(to_string_view(out.warnings[i]));
    if (out.series_count == 0 || out.series == nullptr) return result;
    // The host's element size is the stride; read only what both know.
    const size_t stride = out.series->struct_size;
    const auto* bytes = reinterpret_cast<const unsigned char*>(out.series);
    r.series.reserve(out.series_count);
    for (size_t i = 0; i < out.series_count; ++i) {
      const auto& s = *reinterpret_cast<const dynop_prom_series*>(bytes + i * stride);
      PromSeries series;
      for (size_t l = 0; l < s.label_count; ++l)
        series.labels.emplace(to_string_view(s.labels[l].name), to_string_view(s.labels[l].value));
      series.points.reserve(s.point_count);
      for (size_t p = 0; p < s.point_count; ++p)
        series.points.push_back({s.points[p].timestamp, s.points[p].value});
      r.series.push_back(std::move(series));
    }
    return result;
  }

  const dynop_host* host_;
};

}  // namespace dynop::sdk
