#pragma once
// The host's metrics: a prometheus-cpp registry, with families whose series
// are looked up once and kept.
//
//   dynop::metrics::Registry registry;
//   auto reconciles = registry.counter("dynop_reconcile_total", "Reconciles by result.");
//   ::prometheus::Counter& ok = reconciles.with({{"controller", "dgd"}, {"result", "success"}});
//   ok.Increment();                          // hot path: an atomic add, no lookup
//   std::string body = registry.serialize();  // serve with kContentType
//
// Series are prometheus-cpp's own (Counter, Gauge, Histogram); a series
// reference stays valid as long as the registry, so callers on hot paths
// (reconciles, reviews, watch events) look a series up once and keep it.
// Registering a name twice with the same type returns the same family; with
// another type, or an invalid metric or label name, throws
// std::invalid_argument naming the metric (a programming error, caught at
// startup or, for plugins, turned into DYNOP_INVALID_ARGUMENT).
//
// Nothing here is process-global: any number of registries can coexist (one
// per simulated pod, say), and lib/metrics/exposition.hpp serializes any of
// them, or a bare ::prometheus::Registry.

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "lib/metrics/buckets.hpp"
#include "lib/metrics/exposition.hpp"

namespace dynop::metrics {

using Labels = ::prometheus::Labels;
using Counter = ::prometheus::Counter;
using Gauge = ::prometheus::Gauge;
using Histogram = ::prometheus::Histogram;

// A handle on one family of a Registry; cheap to copy, valid as long as the
// registry.
template <class M>
class Family {
 public:
  // The series with these labels (order is irrelevant), created on first
  // use. The reference stays valid as long as the registry. Throws
  // std::invalid_argument for an invalid label name.
  M& with(const Labels& labels) const;

  const std::string& name() const { return family_->GetName(); }
  ::prometheus::Family<M>& prometheus_family() const { return *family_; }

 private:
  friend class Registry;
  Family(::prometheus::Family<M>& family, std::shared_ptr<const std::vector<double>> buckets)
      : family_(&family), buckets_(std::move(buckets)) {}

  ::prometheus::Family<M>* family_;
  std::shared_ptr<const std::vector<double>> buckets_;  // histograms only
};

class Registry {
 public:
  Registry() = default;
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  Family<Counter> counter(const std::string& name, const std::string& help);
  Family<Gauge> gauge(const std::string& name, const std::string& help);
  // `buckets`: finite upper bounds, strictly increasing; +Inf is added. A
  // name registered again keeps its first buckets.
  Family<Histogram> histogram(const std::string& name, const std::string& help,
                              std::vector<double> buckets);

  // Text exposition of every family (text_exposition of prometheus()).
  std::string serialize() const;
  static constexpr const char* kContentType = metrics::kContentType;

  ::prometheus::Registry& prometheus() { return registry_; }
  const ::prometheus::Registry& prometheus() const { return registry_; }

 private:
  template <class M>
  ::prometheus::Family<M>& add(const std::string& name, const std::string& help);

  ::prometheus::Registry registry_;
  std::mutex mutex_;  // guards histogram_buckets_
  std::map<std::string, std::shared_ptr<const std::vector<double>>> histogram_buckets_;
};

extern template class Family<Counter>;
extern template class Family<Gauge>;
extern template class Family<Histogram>;

}  // namespace dynop::metrics
