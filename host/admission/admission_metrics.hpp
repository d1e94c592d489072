#pragma once
// The admission server's metrics:
//   dynop_admission_requests_total{path,operation,result}   result: allowed, denied,
//       malformed (400), error (a plugin failed: 500), not_found (unknown path: 404,
//       counted under path="unknown" so that scanners cannot grow the series)
//   dynop_admission_denials_total{path,operation,plugin}    plugin="none": no plugin
//       handles the request (denied, fail closed)
//   dynop_admission_review_duration_seconds{path}           from request to encoded answer
//
// Every label value comes from a small fixed set (the served paths, the four
// operations, the results, the loaded plugins), so each series is looked up
// in the registry once, on its first update, and kept: an update on the
// review path is an atomic add, with no label strings built and no lock.

#include <array>
#include <atomic>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lib/admission/admission_request.hpp"
#include "lib/metrics/registry.hpp"

namespace dynop::host::admission {

enum class ReviewResult { kAllowed, kDenied, kMalformed, kError, kNotFound };
std::string_view to_string(ReviewResult result);

class AdmissionMetrics {
 public:
  // `registry` must outlive this object. `paths` are the label values of the
  // path slots, by index; `plugins` the plugin names, by index.
  AdmissionMetrics(metrics::Registry& registry, std::vector<std::string> paths,
                   std::vector<std::string> plugins);

  // The slot for requests to a path that is not served (label "unknown").
  std::size_t unknown_path() const { return paths_.size() - 1; }

  // `operation` nullopt: the request was not read far enough (label "unknown").
  void count(std::size_t path, std::optional<dynop::admission::Operation> operation,
             ReviewResult result);
  // `plugin` nullopt: no plugin handles the request (label "none").
  void denial(std::size_t path, dynop::admission::Operation operation,
              std::optional<std::size_t> plugin);
  void observe_seconds(std::size_t path, double seconds);

 private:
  static constexpr std::size_t kOperations = 5;  // the four operations, then "unknown"
  static constexpr std::size_t kResults = 5;

  // A series looked up on first use.
  template <class M>
  struct Slot {
    std::atomic<M*> series{nullptr};
  };
  struct PathSlots {
    std::array<Slot<metrics::Counter>, kOperations * kResults> requests;
    std::unique_ptr<Slot<metrics::Counter>[]> denials;  // kOperations * (plugins + 1)
    Slot<metrics::Histogram> duration;
  };

  template <class M, class MakeLabels>
  static M& series(Slot<M>& slot, const metrics::Family<M>& family, MakeLabels&& labels) {
    M* known = slot.series.load(std::memory_order_acquire);
    if (known != nullptr) return *known;
    M& found = family.with(labels());  // the same child for every thread
    slot.series.store(&found, std::memory_order_release);
    return found;
  }

  metrics::Family<metrics::Counter> requests_;
  metrics::Family<metrics::Counter> denials_;
  metrics::Family<metrics::Histogram> duration_;
  std::vector<std::string> paths_;  // the last one is "unknown"
  std::vector<std::string> plugins_;
  std::unique_ptr<PathSlots[]> slots_;
};

}  // namespace dynop::host::admission
