#include "host/admission/admission_metrics.hpp"

#include <utility>

namespace dynop::host::admission {

namespace {

constexpr std::string_view kUnknown = "unknown";
// Operations index the series by their enum value.
static_assert(static_cast<int>(dynop::admission::Operation::kCreate) == 0 &&
              static_cast<int>(dynop::admission::Operation::kConnect) == 3);

std::size_t operation_index(std::optional<dynop::admission::Operation> operation) {
  return operation ? static_cast<std::size_t>(*operation) : 4;
}

std::string_view operation_label(std::size_t index) {
  return index < 4 ? dynop::admission::to_string(static_cast<dynop::admission::Operation>(index))
                   : kUnknown;
}

}  // namespace

std::string_view to_string(ReviewResult result) {
  switch (result) {
    case ReviewResult::kAllowed:
      return "allowed";
    case ReviewResult::kDenied:
      return "denied";
    case ReviewResult::kMalformed:
      return "malformed";
    case ReviewResult::kError:
      return "error";
    case ReviewResult::kNotFound:
      return "not_found";
  }
  return "";
}

AdmissionMetrics::AdmissionMetrics(metrics::Registry& registry, std::vector<std::string> paths,
                                   std::vector<std::string> plugins)
    : requests_(registry.counter("dynop_admission_requests_total",
                                 "Admission reviews answered, by webhook path, operation and "
                                 "result (allowed, denied, malformed, error, not_found).")),
      denials_(registry.counter("dynop_admission_denials_total",
                                "Admission reviews denied, by webhook path, operation and the "
                                "plugin that denied (none: no plugin handles the request).")),
      // 25 us .. ~0.8 s: a review takes microseconds; the tail is what matters.
      duration_(registry.histogram("dynop_admission_review_duration_seconds",
                                   "Time from receiving an admission request to its encoded "
                                   "answer, by webhook path.",
                                   metrics::exponential_buckets(25e-6, 2, 16))),
      paths_(std::move(paths)),
      plugins_(std::move(plugins)) {
  paths_.emplace_back(kUnknown);
  slots_ = std::make_unique<PathSlots[]>(paths_.size());
  for (std::size_t i = 0; i < paths_.size(); ++i) {
    slots_[i].denials =
        std::make_unique<Slot<metrics::Counter>[]>(kOperations * (plugins_.size() + 1));
  }
}

void AdmissionMetrics::count(std::size_t path, std::optional<dynop::admission::Operation> operation,
                             ReviewResult result) {
  const std::size_t op = operation_index(operation);
  auto& slot = slots_[path].requests[op * kResults + static_cast<std::size_t>(result)];
  series(slot, requests_, [&] {
    return metrics::Labels{{"path", paths_[path]},
                           {"operation", std::string(operation_label(op))},
                           {"result", std::string(to_string(result))}};
  }).Increment();
}

void AdmissionMetrics::denial(std::size_t path, dynop::admission::Operation operation,
                              std::optional<std::size_t> plugin) {
  const std::size_t op = operation_index(operation);
  const std::size_t who = plugin ? *plugin : plugins_.size();
  auto& slot = slots_[path].denials[op * (plugins_.size() + 1) + who];
  series(slot, denials_, [&] {
    return metrics::Labels{{"path", paths_[path]},
                           {"operation", std::string(operation_label(op))},
                           {"plugin", plugin ? plugins_[who] : std::string("none")}};
  }).Increment();
}

void AdmissionMetrics::observe_seconds(std::size_t path, double seconds) {
  series(slots_[path].duration, duration_, [&] {
    return metrics::Labels{{"path", paths_[path]}};
  }).Observe(seconds);
}

}  // namespace dynop::host::admission
