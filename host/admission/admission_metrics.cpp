#include "host/admission/admission_metrics.hpp"

namespace dynop::host::admission {

AdmissionMetrics::AdmissionMetrics(metrics::Registry& registry)
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
                                   metrics::exponential_buckets(25e-6, 2, 16))) {}

void AdmissionMetrics::count(std::string_view path, std::string_view operation,
                             std::string_view result) {
  requests_
      .with({{"path", std::string(path)},
             {"operation", std::string(operation)},
             {"result", std::string(result)}})
      .inc();
}

void AdmissionMetrics::denial(std::string_view path, std::string_view operation,
                              std::string_view plugin) {
  denials_
      .with({{"path", std::string(path)},
             {"operation", std::string(operation)},
             {"plugin", std::string(plugin)}})
      .inc();
}

void AdmissionMetrics::observe_seconds(std::string_view path, double seconds) {
  duration_.with({{"path", std::string(path)}}).observe(seconds);
}

}  // namespace dynop::host::admission
