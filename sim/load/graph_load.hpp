#pragma once
// The inference load of one DGD: requests arrive (load_config's profile or
// trace), are spread round-robin over the Ready frontends, wait there until a
// Ready worker takes them (the least-loaded one: least queued prefill, or
// most KV room for decode), and are served by the workers' engines
// (worker_engine.hpp). Frontend and worker pods export upstream's metrics
// from what happens (dynamo_metrics.hpp).
//
// Discrete-event and single-threaded: advance_to() runs the model up to a
// simulated time; LoadSimulator serializes callers. Deterministic: the same
// config, seed and calls give the same metrics.

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sim/load/arrivals.hpp"
#include "sim/load/dynamo_metrics.hpp"
#include "sim/load/load_config.hpp"
#include "sim/load/request.hpp"
#include "sim/load/worker_engine.hpp"

namespace dynop::sim {

struct PodHandle {
  Role role = Role::kFrontend;
  std::int32_t slot = -1;
};

// CPU and memory a pod uses, from its share of the load.
struct PodUsage {
  double cpu_core_seconds = 0;  // simulated core-seconds since the pod started
  double memory_bytes = 0;      // working set now
  SimTime started{};
};

struct GraphStats {
  std::uint64_t arrived = 0;
  std::uint64_t dropped = 0;  // arrived while no frontend was Ready
  std::uint64_t completed = 0;
  std::uint64_t failed = 0;   // their pod died
  std::uint64_t waiting = 0;  // at a frontend, no worker has taken them yet
  std::uint64_t output_tokens = 0;
};

class GraphLoad {
 public:
  // Arrivals start at config.load->start_seconds of simulated time.
  explicit GraphLoad(GraphConfig config);
  ~GraphLoad();

  const GraphConfig& config() const { return config_; }

  // A pod of this graph started (not Ready yet). `component`: the DGD
  // service name, the workers' dynamo_component label.
  PodHandle add_pod(Role role, const std::string& component, SimTime now);
  // Only Ready pods get new requests; a pod that stops being Ready finishes
  // the ones it has.
  void set_ready(PodHandle pod, bool ready, SimTime now);
  bool ready(PodHandle pod) const;
  // Graceful (drain): no new requests, the ones it has finish. Not graceful:
  // the requests it holds fail (requests_total status="error").
  void remove_pod(PodHandle pod, bool graceful, SimTime now);
  // The container restarted: its requests fail, its metrics start from zero,
  // it is not Ready.
  void restart_pod(PodHandle pod, SimTime now);

  std::shared_ptr<prometheus::Registry> registry(PodHandle pod) const;
  PodUsage usage(PodHandle pod, SimTime now) const;

  // Runs the model up to `t` (not before the last call) and updates the metrics.
  void advance_to(SimTime t);
  SimTime now() const { return now_; }
  GraphStats stats() const;

 private:
  struct Frontend;
  struct Worker;
  struct Event {
    SimTime at;
    std::int32_t worker;
    std::uint32_t generation;
    bool operator<(const Event& o) const {  // min-heap through push_heap
      return at > o.at || (at == o.at && worker > o.worker);
    }
  };

  void on_arrival(const Arrival& a);
  void dispatch_prefill(RequestId id);
  bool dispatch_decode(RequestId id);
  void dispatch_pending();
  void kick(std::int32_t worker);
  void on_step_end(std::int32_t worker);
  void first_token(RequestId id);
  void finish(RequestId id, bool success);
  void fail_worker_requests(Worker& w);
  void fail_frontend_requests(std::int32_t frontend);
  void retire_if_drained(std::int32_t worker);
  void flush_metrics();

  GraphConfig config_;
  std::shared_ptr<const EngineModel> model_;
  std::unique_ptr<ArrivalSource> arrivals_;
  std::optional<Arrival> next_arrival_;
  RequestTable requests_;
  std::vector<std::unique_ptr<Frontend>> frontends_;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::vector<Event> events_;
  std::deque<RequestId> pending_prefill_;
  std::deque<RequestId> pending_decode_;
  std::size_t next_frontend_ = 0;
  SimTime now_{};
  GraphStats stats_;
};

}  // namespace dynop::sim
