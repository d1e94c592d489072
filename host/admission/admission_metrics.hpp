#pragma once
// The admission server's metrics:
//   dynop_admission_requests_total{path,operation,result}   result: allowed, denied,
//       malformed (400), error (a plugin failed: 500), not_found (unknown path: 404,
//       counted under path="unknown" so that scanners cannot grow the series)
//   dynop_admission_denials_total{path,operation,plugin}    plugin="none": no plugin
//       handles the request (denied, fail closed)
//   dynop_admission_review_duration_seconds{path}           from request to encoded answer

#include <string>
#include <string_view>

#include "lib/metrics/registry.hpp"

namespace dynop::host::admission {

class AdmissionMetrics {
 public:
  // `registry` must outlive this object.
  explicit AdmissionMetrics(metrics::Registry& registry);

  void count(std::string_view path, std::string_view operation, std::string_view result);
  void denial(std::string_view path, std::string_view operation, std::string_view plugin);
  void observe_seconds(std::string_view path, double seconds);

 private:
  metrics::Family<metrics::Counter>& requests_;
  metrics::Family<metrics::Counter>& denials_;
  metrics::Family<metrics::Histogram>& duration_;
};

}  // namespace dynop::host::admission
