#include "bench/planner/fleet.hpp"

#include <algorithm>

namespace dynop::bench::planner {

Fleet::Fleet(sim::LoadSimulator& load, std::string ns, std::string dgd, std::string service,
             sim::Role role, int gpus_per_engine, double startup_seconds)
    : load_(load),
      ns_(std::move(ns)),
      dgd_(std::move(dgd)),
      service_(std::move(service)),
      role_(role),
      gpus_(gpus_per_engine),
      startup_(startup_seconds) {}

int Fleet::ready() const {
  return static_cast<int>(
      std::count_if(pods_.begin(), pods_.end(), [](const Pod& p) { return p.ready; }));
}

void Fleet::set_replicas(int replicas, double now, bool warm) {
  replicas = std::max(replicas, 0);
  if (replicas == desired()) return;
  advance(now);
  ++changes_;
  while (desired() < replicas) {
    Pod pod{dgd_ + "-" + service_ + "-" + std::to_string(next_++), warm ? now : now + startup_};
    load_.add_pod({ns_, pod.name, dgd_, role_, service_});
    pods_.push_back(std::move(pod));
  }
  while (desired() > replicas) {
    // A pod still loading goes first (it serves nothing yet), else the newest.
    auto victim = std::find_if(pods_.rbegin(), pods_.rend(), [](const Pod& p) { return !p.ready; });
    auto it = victim != pods_.rend() ? std::prev(victim.base()) : std::prev(pods_.end());
    load_.remove_pod(ns_, it->name, /*graceful=*/true);
    pods_.erase(it);
  }
  advance(now);
}

void Fleet::advance(double now) {
  gpu_seconds_ += (now - last_) * desired() * gpus_;
  last_ = now;
  for (Pod& p : pods_) {
    if (!p.ready && now >= p.ready_at) {
      p.ready = true;
      load_.set_ready(ns_, p.name, true);
    }
  }
}

}  // namespace dynop::bench::planner
