#include "lib/metrics/registry.hpp"

#include <fmt/format.h>

#include <cmath>
#include <stdexcept>

namespace dynop::metrics {
namespace {

bool valid_metric_name(const std::string& name) {
  if (name.empty()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' ||
              (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

bool valid_label_name(const std::string& name) {
  if (name.empty() || name.starts_with("__")) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
              (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

const char* type_name(MetricType type) {
  switch (type) {
    case MetricType::kCounter:
      return "counter";
    case MetricType::kGauge:
      return "gauge";
    case MetricType::kHistogram:
      return "histogram";
  }
  return "untyped";
}

// HELP text escapes only backslash and newline (the exposition format spec).
std::string escape_help(const std::string& help) {
  std::string out;
  out.reserve(help.size());
  for (char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

void append_header(std::string& out, const FamilyBase& family) {
  fmt::format_to(std::back_inserter(out), "# HELP {} {}\n# TYPE {} {}\n", family.name(),
                 escape_help(family.help()), family.name(), type_name(family.type()));
}

// `extra` is appended last (the histogram's `le`).
void append_labels(std::string& out, const Labels& labels, const char* extra_name = nullptr,
                   const std::string& extra_value = {}) {
  if (labels.empty() && extra_name == nullptr) return;
  out += '{';
  bool first = true;
  for (const auto& [name, value] : labels) {
    if (!first) out += ',';
    first = false;
    out += name;
    out += "=\"";
    out += escape_label_value(value);
    out += '"';
  }
  if (extra_name != nullptr) {
    if (!first) out += ',';
    out += extra_name;
    out += "=\"";
    out += escape_label_value(extra_value);
    out += '"';
  }
  out += '}';
}

void append_sample(std::string& out, const std::string& name, const Labels& labels, double value) {
  out += name;
  append_labels(out, labels);
  out += ' ';
  out += format_value(value);
  out += '\n';
}

}  // namespace

std::string format_value(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  return fmt::format("{}", v);
}

std::string escape_label_value(const std::string& v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        out += c;
    }
  }
  return out;
}

void FamilyBase::validate_labels(const Labels& sorted) const {
  const std::string& family = name_;
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    const std::string& name = sorted[i].first;
    if (!valid_label_name(name) || (type_ == MetricType::kHistogram && name == "le")) {
      throw std::invalid_argument(
          fmt::format("metric {}: invalid label name \"{}\"", family, name));
    }
    if (i > 0 && sorted[i - 1].first == name) {
      throw std::invalid_argument(fmt::format("metric {}: label \"{}\" given twice", family, name));
    }
  }
}

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)),
      counts_(std::make_unique<std::atomic<std::uint64_t>[]>(bounds_.size() + 1)) {}

void Histogram::observe(double v) {
  // Buckets are few (typically <= 20): a linear scan beats binary search here.
  std::size_t i = 0;
  while (i < bounds_.size() && v > bounds_[i]) ++i;
  counts_[i].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(v, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::snapshot() const {
  Snapshot s;
  s.bounds = bounds_;
  s.cumulative.resize(bounds_.size() + 1);
  std::uint64_t running = 0;
  for (std::size_t i = 0; i <= bounds_.size(); ++i) {
    running += counts_[i].load(std::memory_order_relaxed);
    s.cumulative[i] = running;
  }
  // Read concurrently with observe(): report the bucket total as the count so
  // that the +Inf bucket always equals _count, as scrapers expect.
  s.count = running;
  s.sum = sum_.load(std::memory_order_relaxed);
  return s;
}

template <>
void Family<Counter>::serialize(std::string& out) const {
  append_header(out, *this);
  for_each([&](const Labels& labels, const Counter& c) {
    append_sample(out, name(), labels, c.value());
  });
}

template <>
void Family<Gauge>::serialize(std::string& out) const {
  append_header(out, *this);
  for_each(
      [&](const Labels& labels, const Gauge& g) { append_sample(out, name(), labels, g.value()); });
}

template <>
void Family<Histogram>::serialize(std::string& out) const {
  append_header(out, *this);
  const std::string bucket = name() + "_bucket";
  for_each([&](const Labels& labels, const Histogram& h) {
    Histogram::Snapshot s = h.snapshot();
    for (std::size_t i = 0; i <= s.bounds.size(); ++i) {
      out += bucket;
      append_labels(out, labels, "le",
                    i < s.bounds.size() ? format_value(s.bounds[i]) : std::string("+Inf"));
      out += ' ';
      out += std::to_string(s.cumulative[i]);
      out += '\n';
    }
    append_sample(out, name() + "_sum", labels, s.sum);
    out += name();
    out += "_count";
    append_labels(out, labels);
    out += ' ';
    out += std::to_string(s.count);
    out += '\n';
  });
}

FamilyBase& Registry::find_or_add(const std::string& name, MetricType type,
                                  const std::function<std::unique_ptr<FamilyBase>()>& make) {
  if (!valid_metric_name(name)) {
    throw std::invalid_argument(fmt::format("invalid metric name \"{}\"", name));
  }
  std::lock_guard lock(mutex_);
  auto it = families_.find(name);
  if (it != families_.end()) {
    if (it->second->type() != type) {
      throw std::invalid_argument(fmt::format("metric {} is already registered as a {}", name,
                                              type_name(it->second->type())));
    }
    return *it->second;
  }
  return *families_.emplace(name, make()).first->second;
}

Family<Counter>& Registry::counter(std::string name, std::string help) {
  return static_cast<Family<Counter>&>(find_or_add(name, MetricType::kCounter, [&] {
    return std::make_unique<Family<Counter>>(name, std::move(help), MetricType::kCounter,
                                             [] { return std::make_unique<Counter>(); });
  }));
}

Family<Gauge>& Registry::gauge(std::string name, std::string help) {
  return static_cast<Family<Gauge>&>(find_or_add(name, MetricType::kGauge, [&] {
    return std::make_unique<Family<Gauge>>(name, std::move(help), MetricType::kGauge,
                                           [] { return std::make_unique<Gauge>(); });
  }));
}

Family<Histogram>& Registry::histogram(std::string name, std::string help,
                                       std::vector<double> buckets) {
  for (std::size_t i = 0; i < buckets.size(); ++i) {
    if (std::isnan(buckets[i]) || (i > 0 && !(buckets[i] > buckets[i - 1]))) {
      throw std::invalid_argument(
          fmt::format("histogram {}: buckets must be strictly increasing", name));
    }
  }
  // +Inf is implicit; drop an explicit one so it is not printed twice.
  if (!buckets.empty() && std::isinf(buckets.back()) && buckets.back() > 0) buckets.pop_back();
  return static_cast<Family<Histogram>&>(find_or_add(name, MetricType::kHistogram, [&] {
    return std::make_unique<Family<Histogram>>(
        name, std::move(help), MetricType::kHistogram,
        [b = std::move(buckets)] { return std::make_unique<Histogram>(b); });
  }));
}

std::string Registry::serialize() const {
  std::string out;
  std::lock_guard lock(mutex_);
  for (const auto& [name, family] : families_) family->serialize(out);
  return out;
}

std::vector<double> exponential_buckets(double start, double factor, int count) {
  if (!(start > 0) || !(factor > 1) || count < 1) {
    throw std::invalid_argument("exponential_buckets needs start > 0, factor > 1 and count >= 1");
  }
  std::vector<double> out;
  out.reserve(static_cast<std::size_t>(count));
  double v = start;
  for (int i = 0; i < count; ++i) {
    out.push_back(v);
    v *= factor;
  }
  return out;
}

std::vector<double> linear_buckets(double start, double width, int count) {
  if (!(width > 0) || count < 1) {
    throw std::invalid_argument("linear_buckets needs width > 0 and count >= 1");
  }
  std::vector<double> out;
  out.reserve(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) out.push_back(start + width * i);
  return out;
}

}  // namespace dynop::metrics
