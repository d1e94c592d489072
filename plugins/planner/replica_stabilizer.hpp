#pragma once
// When the planner changes a service's replicas, so it neither flaps nor
// lags (what upstream's fixed 180 s interval trades against each other):
//
// - Up at once: a need above the desired replicas is applied the round it is
//   seen. Desired replicas count pods still starting (capacity that is
//   coming), so a load that was already answered is not answered twice while
//   workers load.
// - Down only when it is safe: nothing is starting (ready == desired), and
//   for a whole window (--adjustment-interval) every round's need, computed
//   with headroom (the load plus a margin), stayed at or below the new count.
//   The count applied is the highest of those needs, as the HPA's scale-down
//   stabilization window does.
//
// One per service of a graph; not thread-safe.

#include <deque>
#include <utility>

namespace dynop::plugins::planner {

struct ServiceReplicas {
  int desired = 0;  // spec.replicas of the adapter
  int ready = 0;    // ready pods of the service
};

class ReplicaStabilizer {
 public:
  explicit ReplicaStabilizer(double window_seconds) : window_seconds_(window_seconds) {}

  // `need`: engines for the predicted load; `need_with_headroom`: for the
  // predicted load plus the margin. Returns the replicas to set (== desired:
  // no change).
  int decide(double now_seconds, int need, int need_with_headroom, ServiceReplicas current);

  // Forget the needs seen (after a change made by someone else, or when the
  // planner starts on a graph again).
  void reset() { needs_.clear(); }

 private:
  double window_seconds_;
  std::deque<std::pair<double, int>> needs_;  // (time, need with headroom)
};

}  // namespace dynop::plugins::planner
