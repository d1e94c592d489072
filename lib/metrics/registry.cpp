#include "lib/metrics/registry.hpp"

#include <fmt/format.h>
#include <prometheus/check_names.h>

#include <cmath>
#include <stdexcept>
#include <type_traits>

namespace dynop::metrics {
namespace {

// prometheus-cpp's messages ("Invalid label name") name neither the metric
// nor the label: find the culprit and say so.
[[noreturn]] void throw_label_error(const std::string& metric, const Labels& labels,
                                    const std::exception& cause) {
  for (const auto& [name, value] : labels) {
    if (!::prometheus::CheckLabelName(name)) {
      throw std::invalid_argument(
          fmt::format("metric {}: invalid label name \"{}\"", metric, name));
    }
  }
  throw std::invalid_argument(fmt::format("metric {}: {}", metric, cause.what()));
}

}  // namespace

template <class M>
M& Family<M>::with(const Labels& labels) const {
  try {
    if constexpr (std::is_same_v<M, Histogram>) {
      // The exposition adds `le` itself; a series with its own would be unreadable.
      if (labels.count("le") != 0) {
        throw std::invalid_argument(
            fmt::format("metric {}: invalid label name \"le\" (reserved for buckets)", name()));
      }
      return family_->Add(labels, *buckets_);
    } else {
      return family_->Add(labels);
    }
  } catch (const std::invalid_argument& e) {
    if (std::string_view(e.what()).starts_with("metric ")) throw;
    throw_label_error(name(), labels, e);
  }
}

template class Family<Counter>;
template class Family<Gauge>;
template class Family<Histogram>;

template <class M>
::prometheus::Family<M>& Registry::add(const std::string& name, const std::string& help) {
  if (!::prometheus::CheckMetricName(name)) {
    throw std::invalid_argument(fmt::format("invalid metric name \"{}\"", name));
  }
  try {
    if constexpr (std::is_same_v<M, Counter>) {
      return ::prometheus::BuildCounter().Name(name).Help(help).Register(registry_);
    } else if constexpr (std::is_same_v<M, Gauge>) {
      return ::prometheus::BuildGauge().Name(name).Help(help).Register(registry_);
    } else {
      return ::prometheus::BuildHistogram().Name(name).Help(help).Register(registry_);
    }
  } catch (const std::invalid_argument& e) {
    // The name is taken by a family of another type.
    throw std::invalid_argument(fmt::format("metric {}: {}", name, e.what()));
  }
}

Family<Counter> Registry::counter(const std::string& name, const std::string& help) {
  return Family<Counter>(add<Counter>(name, help), nullptr);
}

Family<Gauge> Registry::gauge(const std::string& name, const std::string& help) {
  return Family<Gauge>(add<Gauge>(name, help), nullptr);
}

Family<Histogram> Registry::histogram(const std::string& name, const std::string& help,
                                      std::vector<double> buckets) {
  for (std::size_t i = 0; i < buckets.size(); ++i) {
    if (std::isnan(buckets[i]) || (i > 0 && !(buckets[i] > buckets[i - 1]))) {
      throw std::invalid_argument(
          fmt::format("histogram {}: buckets must be strictly increasing", name));
    }
  }
  // +Inf is implicit; drop an explicit one so that it is not written twice.
  if (!buckets.empty() && std::isinf(buckets.back()) && buckets.back() > 0) buckets.pop_back();
  ::prometheus::Family<Histogram>& family = add<Histogram>(name, help);
  std::lock_guard lock(mutex_);
  auto [it, inserted] = histogram_buckets_.try_emplace(name);
  if (inserted) it->second = std::make_shared<const std::vector<double>>(std::move(buckets));
  return Family<Histogram>(family, it->second);
}

std::string Registry::serialize() const { return text_exposition(registry_); }

}  // namespace dynop::metrics
