#pragma once
// The host's log of scaling decisions: what each autoscaler plugin asked for
// and what became of it, plus the /scale writes of others the host observed
// (HPA, KEDA, kubectl; see scale_conflict_detector.hpp). Bounded and in
// memory: the oldest entries go first. The planner plugin and a timeline UI
// read it through the ops server (GET /autoscaling/decisions, JSON).
//
// Thread-safe.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace dynop::host::autoscaling {

struct ScaleTarget {
  std::string api_version;  // "nvidia.com/v1alpha1"
  std::string kind;         // "DynamoGraphDeploymentScalingAdapter"
  std::string ns;
  std::string name;
  friend bool operator==(const ScaleTarget&, const ScaleTarget&) = default;
  friend auto operator<=>(const ScaleTarget&, const ScaleTarget&) = default;
};

enum class DecisionOutcome {
  kScaled,     // /scale written
  kUnchanged,  // already at the wanted size
  kFailed,     // reading or writing /scale failed (error says why)
  kObserved,   // a /scale change by another writer, seen by the host
};
const char* to_string(DecisionOutcome outcome);

struct Decision {
  std::uint64_t id = 0;      // increasing; set by DecisionLog::append
  std::int64_t time_ms = 0;  // Unix epoch milliseconds
  std::string writer;        // "plugin/<name>" or a field manager ("kube-controller-manager")
  std::string identity;      // the user the write acted as ("" for the host's own)
  ScaleTarget target;
  std::optional<std::int32_t> from;  // replicas before (unknown when reading failed)
  std::int32_t to = 0;
  std::string reason;
  DecisionOutcome outcome = DecisionOutcome::kScaled;
  std::string error;
};

struct DecisionQuery {
  std::uint64_t after_id = 0;  // only entries with a larger id
  std::string ns;              // "" any
  std::string name;            // "" any
  std::string writer;          // "" any
  std::size_t limit = 0;       // 0: all that match (newest last)
};

class DecisionLog {
 public:
  explicit DecisionLog(std::size_t capacity = 1000);

  // Stores `decision` with the next id; returns the id.
  std::uint64_t append(Decision decision);
  // Matching entries, oldest first; with a limit, the newest `limit`.
  std::vector<Decision> list(const DecisionQuery& query = {}) const;
  std::size_t capacity() const { return capacity_; }

 private:
  std::size_t capacity_;
  mutable std::mutex mutex_;
  std::deque<Decision> entries_;
  std::uint64_t next_id_ = 1;
};

// {"decisions":[{"id":1,"time":"2026-12-06T05:00:00.123Z","writer":"plugin/promql-scaler",
//   "identity":"...","target":{"apiVersion":...,"kind":...,"namespace":...,"name":...},
//   "from":1,"to":3,"reason":"...","outcome":"scaled","error":""}], "capacity":1000}
std::string to_json(const std::vector<Decision>& decisions, std::size_t capacity);

// Reads a query from the ops endpoint's query string (afterId, namespace,
// name, writer, limit). nullopt and `error` set on a bad value.
std::optional<DecisionQuery> parse_decision_query(std::string_view query_string,
                                                  std::string& error);

}  // namespace dynop::host::autoscaling
