#pragma once
// A Prometheus metrics registry with text exposition (format 0.0.4).
//
//   dynop::metrics::Registry registry;
//   auto& reconciles = registry.counter("dynop_reconcile_total", "Reconciles by result.");
//   reconciles.with({{"plugin", "dgd"}, {"result", "success"}}).inc();
//   std::string body = registry.serialize();   // serve as text/plain; version=0.0.4
//
// Registering a name twice with the same type returns the same family; with
// another type, or an invalid metric or label name, throws
// std::invalid_argument (a programming error, caught at startup).

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "lib/metrics/family.hpp"
#include "lib/metrics/metric.hpp"

namespace dynop::metrics {

class Registry {
 public:
  Registry() = default;
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  Family<Counter>& counter(std::string name, std::string help);
  Family<Gauge>& gauge(std::string name, std::string help);
  // `buckets`: finite upper bounds, strictly increasing; +Inf is added. An
  // existing family keeps its original buckets.
  Family<Histogram>& histogram(std::string name, std::string help, std::vector<double> buckets);

  // Families in name order, children in label order.
  std::string serialize() const;

  static constexpr const char* kContentType = "text/plain; version=0.0.4; charset=utf-8";

 private:
  FamilyBase& find_or_add(const std::string& name, MetricType type,
                          const std::function<std::unique_ptr<FamilyBase>()>& make);

  mutable std::mutex mutex_;
  std::map<std::string, std::unique_ptr<FamilyBase>> families_;
};

// start, start*factor, ... (count values). Throws std::invalid_argument when
// start <= 0, factor <= 1 or count < 1.
std::vector<double> exponential_buckets(double start, double factor, int count);
// start, start+width, ... (count values).
std::vector<double> linear_buckets(double start, double width, int count);

// Formats a sample value as Prometheus does: "+Inf", "-Inf", "NaN", else the
// shortest round-trip decimal.
std::string format_value(double v);
// Escapes a label value: backslash, double quote and newline.
std::string escape_label_value(const std::string& v);

}  // namespace dynop::metrics
