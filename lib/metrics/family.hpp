#pragma once
// A metric family: one name, one help text, one child per label set.

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <utility>
#include <vector>

namespace dynop::metrics {

using Labels = std::vector<std::pair<std::string, std::string>>;

enum class MetricType { kCounter, kGauge, kHistogram };

class FamilyBase {
 public:
  FamilyBase(std::string name, std::string help, MetricType type)
      : name_(std::move(name)), help_(std::move(help)), type_(type) {}
  virtual ~FamilyBase() = default;
  FamilyBase(const FamilyBase&) = delete;
  FamilyBase& operator=(const FamilyBase&) = delete;

  const std::string& name() const { return name_; }
  const std::string& help() const { return help_; }
  MetricType type() const { return type_; }

  // Appends this family's samples in text exposition format 0.0.4.
  virtual void serialize(std::string& out) const = 0;

 protected:
  // Label sets are identified regardless of the order the caller lists them.
  static Labels canonical(const Labels& labels) {
    Labels sorted = labels;
    std::sort(sorted.begin(), sorted.end());
    return sorted;
  }
  // Throws std::invalid_argument for a name Prometheus would reject or a
  // repeated name; checked only when a child is created, never on updates.
  void validate_labels(const Labels& sorted) const;

 private:
  std::string name_;
  std::string help_;
  MetricType type_;
};

template <class M>
class Family final : public FamilyBase {
 public:
  using Factory = std::function<std::unique_ptr<M>()>;

  Family(std::string name, std::string help, MetricType type, Factory factory)
      : FamilyBase(std::move(name), std::move(help), type), factory_(std::move(factory)) {}

  // Same label set (in any order) -> same child. The reference stays valid
  // until remove() of that label set or the registry's destruction; callers
  // on hot paths keep it instead of calling with() per update.
  M& with(const Labels& labels) {
    Labels key = canonical(labels);
    {
      std::shared_lock lock(mutex_);
      auto it = children_.find(key);
      if (it != children_.end()) return *it->second;
    }
    std::unique_lock lock(mutex_);
    auto it = children_.find(key);
    if (it != children_.end()) return *it->second;
    validate_labels(key);
    return *children_.emplace(std::move(key), factory_()).first->second;
  }

  void remove(const Labels& labels) {
    std::unique_lock lock(mutex_);
    children_.erase(canonical(labels));
  }

  // Calls fn(labels, child) for every child, in label order, under the lock.
  template <class Fn>
  void for_each(Fn&& fn) const {
    std::shared_lock lock(mutex_);
    for (const auto& [labels, child] : children_) fn(labels, *child);
  }

  void serialize(std::string& out) const override;

 private:
  Factory factory_;
  mutable std::shared_mutex mutex_;
  std::map<Labels, std::unique_ptr<M>> children_;
};

// Defined in registry.cpp, one per metric kind.
class Counter;
class Gauge;
class Histogram;
template <>
void Family<Counter>::serialize(std::string& out) const;
template <>
void Family<Gauge>::serialize(std::string& out) const;
template <>
void Family<Histogram>::serialize(std::string& out) const;

}  // namespace dynop::metrics
