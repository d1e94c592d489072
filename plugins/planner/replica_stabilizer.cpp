#include "plugins/planner/replica_stabilizer.hpp"

#include <algorithm>

namespace dynop::plugins::planner {

int ReplicaStabilizer::decide(double now_seconds, int need, int need_with_headroom,
                              ServiceReplicas current) {
  need_with_headroom = std::max(need, need_with_headroom);
  const bool window_full = !needs_.empty() && now_seconds - needs_.front().first >= window_seconds_;
  needs_.emplace_back(now_seconds, need_with_headroom);
  while (needs_.size() > 1 && now_seconds - needs_[1].first >= window_seconds_) needs_.pop_front();

  if (need > current.desired) return need;
  if (current.ready < current.desired || !window_full) return current.desired;
  int highest = 0;
  for (const auto& [when, n] : needs_) highest = std::max(highest, n);
  return std::min(current.desired, highest);
}

}  // namespace dynop::plugins::planner
