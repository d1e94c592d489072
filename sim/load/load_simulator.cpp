#include "sim/load/load_simulator.hpp"

namespace dynop::sim {

LoadSimulator::LoadSimulator(const Clock& clock, LoadConfig config)
    : clock_(clock), config_(std::move(config)) {
  for (const auto& g : config_.graphs) {
    graphs_.emplace(g.namespace_ + "/" + g.dgd, std::make_unique<GraphLoad>(g));
  }
}

LoadSimulator::~LoadSimulator() { stop(); }

GraphLoad& LoadSimulator::graph_for(const std::string& ns, const std::string& dgd) {
  auto [it, added] = graphs_.try_emplace(ns + "/" + dgd);
  if (added) {
    GraphConfig g;
    g.namespace_ = ns;
    g.dgd = dgd;
    it->second = std::make_unique<GraphLoad>(std::move(g));
    it->second->advance_to(clock_.now());
  }
  return *it->second;
}

const LoadSimulator::PodEntry* LoadSimulator::find(const std::string& ns,
                                                   const std::string& name) const {
  auto it = pods_.find(ns + "/" + name);
  return it == pods_.end() ? nullptr : &it->second;
}

void LoadSimulator::add_pod(const PodInfo& pod) {
  std::lock_guard lock(mutex_);
  if (find(pod.namespace_, pod.name)) return;
  GraphLoad& graph = graph_for(pod.namespace_, pod.dgd);
  const SimTime now = std::max(clock_.now(), graph.now());
  graph.advance_to(now);
  pods_.emplace(pod.namespace_ + "/" + pod.name,
                PodEntry{&graph, graph.add_pod(pod.role, pod.component, now)});
}

bool LoadSimulator::set_ready(const std::string& ns, const std::string& name, bool ready) {
  std::lock_guard lock(mutex_);
  const PodEntry* p = find(ns, name);
  if (!p) return false;
  p->graph->set_ready(p->handle, ready, std::max(clock_.now(), p->graph->now()));
  return true;
}

bool LoadSimulator::remove_pod(const std::string& ns, const std::string& name, bool graceful) {
  std::lock_guard lock(mutex_);
  const PodEntry* p = find(ns, name);
  if (!p) return false;
  p->graph->remove_pod(p->handle, graceful, std::max(clock_.now(), p->graph->now()));
  pods_.erase(ns + "/" + name);
  return true;
}

bool LoadSimulator::restart_pod(const std::string& ns, const std::string& name) {
  std::lock_guard lock(mutex_);
  const PodEntry* p = find(ns, name);
  if (!p) return false;
  p->graph->restart_pod(p->handle, std::max(clock_.now(), p->graph->now()));
  return true;
}

bool LoadSimulator::known(const std::string& ns, const std::string& name) const {
  std::lock_guard lock(mutex_);
  return find(ns, name) != nullptr;
}

bool LoadSimulator::ready(const std::string& ns, const std::string& name) const {
  std::lock_guard lock(mutex_);
  const PodEntry* p = find(ns, name);
  return p && p->graph->ready(p->handle);
}

std::shared_ptr<prometheus::Registry> LoadSimulator::registry(const std::string& ns,
                                                              const std::string& name) const {
  std::lock_guard lock(mutex_);
  const PodEntry* p = find(ns, name);
  return p ? p->graph->registry(p->handle) : nullptr;
}

std::optional<ResourceSample> LoadSimulator::usage(const std::string& ns,
                                                   const std::string& name) const {
  std::lock_guard lock(mutex_);
  const PodEntry* p = find(ns, name);
  if (!p) return std::nullopt;
  const SimTime now = std::max(clock_.now(), p->graph->now());
  const PodUsage u = p->graph->usage(p->handle, now);
  ResourceSample s;
  s.cpu_core_seconds = u.cpu_core_seconds / clock_.speedup();
  s.memory_working_set_bytes = u.memory_bytes;
  s.start_time = clock_.wall_time(u.started);
  s.timestamp = clock_.wall_time(now);
  return s;
}

std::optional<GraphStats> LoadSimulator::stats(const std::string& ns,
                                               const std::string& dgd) const {
  std::lock_guard lock(mutex_);
  auto it = graphs_.find(ns + "/" + dgd);
  if (it == graphs_.end()) return std::nullopt;
  return it->second->stats();
}

void LoadSimulator::advance() { advance_to(clock_.now()); }

void LoadSimulator::advance_to(SimTime t) {
  std::lock_guard lock(mutex_);
  for (auto& [key, graph] : graphs_) graph->advance_to(t);
}

void LoadSimulator::start(std::chrono::milliseconds tick) {
  std::lock_guard lock(mutex_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this, tick] {
    std::unique_lock held(mutex_);
    while (!stopping_) {
      for (auto& [key, graph] : graphs_) graph->advance_to(clock_.now());
      wake_.wait_for(held, tick, [this] { return stopping_; });
    }
  });
}

void LoadSimulator::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace dynop::sim
