#pragma once
// The pod side of every simulated kubelet: plays the pods bound to this sim's
// nodes (spec.nodeName) as a kubelet runs them.
//
//   bound -> ContainerCreating (phase Pending, hostIP, startTime)
//         -> Running after the create delay (its own loopback podIP, containers
//            started; the pod's container ports are served there and the pod
//            joins the load model)
//         -> Ready after the ready delay (Ready and ContainersReady True; the
//            load model sends it requests)
//   deletionTimestamp set -> not Ready, in-flight requests drain, the
//            containers exit after the delete delay or the grace period,
//            whichever is first (killed: exit code 137), the terminated status
//            is written and the pod removed as a kubelet does: DELETE with
//            gracePeriodSeconds 0 and a uid precondition.
//
// Times are simulated (pod_timing.hpp, scaled by the load model's clock);
// what is written into objects is wall-clock time. Each pod is a key in a
// work queue: a sync reads the pod from the informer cache, works out the
// stage it should be in now, writes the status only when the written one
// differs, and queues itself for its next transition. Failed writes are
// retried with backoff; a restart of the sim picks up running pods (their
// addresses kept) instead of starting them again.
//
// Faults: crash() restarts a pod's containers (restartCount + 1, lastState
// terminated, not Ready until the ready delay has passed again); a node that
// is not ready makes its pods not Ready (reason NodeNotReady) until it is
// ready again; a removed node's pods are no longer played.

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "lib/apimachinery/result.hpp"
#include "lib/kube/cache/informer.hpp"
#include "lib/kube/client/client.hpp"
#include "lib/record/event_recorder.hpp"
#include "lib/workqueue/work_queue.hpp"
#include "sim/kubelet/pod_facts.hpp"
#include "sim/kubelet/pod_status.hpp"
#include "sim/load/load_simulator.hpp"
#include "sim/load/pod_endpoints.hpp"
#include "sim/load/resource_metrics.hpp"
#include "sim/nodes/node_agent.hpp"
#include "sim/nodes/pod_addresses.hpp"

namespace dynop::sim {

struct KubeletStats {
  std::uint64_t status_writes = 0;
  std::uint64_t deletions = 0;  // pods removed after termination
  std::uint64_t api_errors = 0;
  std::uint64_t pods = 0;  // pods played now
  std::uint64_t running = 0;
  std::uint64_t ready = 0;
  std::uint64_t serving = 0;  // pods whose ports are served
};

class Kubelet {
 public:
  struct Options {
    int workers = 4;
  };

  // `pods` must watch pods bound to nodes (field selector spec.nodeName!=);
  // every reference must outlive the kubelet. `recorder` may be null.
  Kubelet(kube::Client& client, kube::Informer& pods, NodeAgent& nodes, const NodeProfile& profile,
          LoadSimulator& load, PodEndpoints& endpoints, record::EventRecorder* recorder,
          Options options);
  ~Kubelet();  // stop()
  Kubelet(const Kubelet&) = delete;
  Kubelet& operator=(const Kubelet&) = delete;

  // Registers with the informer (start it after) and starts the workers.
  void start();
  void stop();

  // Crashes the pod's containers once (fault). Errors: unknown pod, a pod
  // not running yet or terminating.
  apimachinery::Result<void> crash(const std::string& ns, const std::string& name);
  // The node's pods are looked at again (its readiness or presence changed).
  void node_changed(const std::string& node);

  // What the node's kubelet reports at /metrics/resource.
  std::vector<PodResources> resources_on(const std::string& node) const;

  KubeletStats stats() const;

 private:
  struct PodRuntime {
    std::string ns;
    std::string name;
    std::string uid;
    std::string node;
    std::uint32_t address = 0;
    std::string ip;
    SimTime running_at{};  // containers start
    SimTime ready_at{};    // Ready
    int restarts = 0;
    WallTime start_time{};
    WallTime container_started{};
    std::optional<Termination> last_termination;
    bool crash_requested = false;
    bool adopted = false;  // running already when this run of the sim found it
    // Termination.
    bool terminating = false;
    SimTime exit_at{};
    bool killed = false;  // the grace period ended before the containers exited
    bool exited = false;
    WallTime exited_at{};
    // What has been done to the world.
    bool started = false;  // containers started: events, load, endpoints
    bool in_load = false;
    bool load_ready = false;
    bool serving = false;
    std::string main_container;
    std::optional<Role> role;
  };
  using Next = std::optional<SimTime>;

  void work();
  apimachinery::Result<Next> sync(const std::string& key);
  // Creates the runtime of a pod seen for the first time (adopting a pod a
  // previous run of the sim started).
  PodRuntime make_runtime(const PodFacts& pod, SimTime now);
  void start_containers(PodRuntime& rt, const PodFacts& pod);
  // Stops serving and leaves the load model; frees the address.
  void tear_down(PodRuntime& rt, bool graceful);
  apimachinery::Result<kube::ResourceInfo> pod_resource();
  apimachinery::Result<void> write_status(const PodFacts& pod, const PodRun& run);
  void event(const PodRuntime& rt, const std::string& type, const std::string& reason,
             const std::string& message);
  PodAddresses& addresses_of(const std::string& node);
  void enqueue(const kube::ObjectPtr& object);

  kube::Client& client_;
  kube::Informer& pods_;
  NodeAgent& nodes_;
  const NodeProfile& profile_;
  LoadSimulator& load_;
  PodEndpoints& endpoints_;
  record::EventRecorder* recorder_;
  Options options_;
  const Clock& clock_;

  std::optional<kube::ResourceInfo> pod_resource_;
  mutable std::mutex mutex_;  // runtimes_, by_node_, addresses_, pod_resource_
  std::map<std::string, std::unique_ptr<PodRuntime>> runtimes_;  // by "ns/name"
  std::map<std::string, std::set<std::string>> by_node_;
  std::map<std::string, PodAddresses> addresses_;

  std::unique_ptr<workqueue::WorkQueue<std::string>> queue_;
  std::vector<std::thread> workers_;
  int handler_id_ = 0;

  std::atomic<std::uint64_t> status_writes_{0};
  std::atomic<std::uint64_t> deletions_{0};
  std::atomic<std::uint64_t> api_errors_{0};
};

}  // namespace dynop::sim
