#pragma once
// The node side of every simulated kubelet: registers the profile's nodes,
// keeps their Leases renewed and their status reported as a kubelet does,
// and breaks them on demand.
//
// - Registration: POST the Node; one that exists already (a sim started
//   again) is adopted: its labels, annotations and status are brought to the
//   profile's. Nodes carrying this profile's instance label that the profile
//   no longer lists are deleted.
// - Heartbeats: the Lease in kube-node-lease is renewed (PUT) every quarter of
//   its duration (10 s of 40 s by default), the nodes' renewals spread evenly
//   over that interval; the node status is PATCHed only when it changes or
//   every status_report_interval (5 min), as the kubelet's
//   nodeStatusReportFrequency. Wall time: leases are read by real controllers.
// - Failures (API server gone, 5xx, 429) are retried per node with backoff
//   (200 ms doubling to 10 s, as the kubelet's lease controller); a Node or
//   Lease that disappeared (an in-memory server restarted, someone deleted it)
//   is registered again, so the nodes stay.
// - Faults: set_ready(false) reports Ready=False (KubeletNotReady), fail_gpus
//   lowers allocatable nvidia.com/gpu, remove deletes the Node and stops
//   playing it.

#include <atomic>
#include <boost/json/object.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "lib/apimachinery/result.hpp"
#include "lib/clock/clock.hpp"
#include "lib/kube/client/client.hpp"
#include "lib/workqueue/work_queue.hpp"
#include "sim/nodes/sim_node.hpp"

namespace dynop::sim {

struct NodeAgentStats {
  std::uint64_t registrations = 0;
  std::uint64_t lease_writes = 0;   // creates and renewals
  std::uint64_t status_writes = 0;  // status PATCHes after registration
  std::uint64_t api_errors = 0;
  std::uint64_t registered = 0;  // nodes registered now
};

class NodeAgent {
 public:
  struct Options {
    int workers = 4;
    clock::Clock* clock = nullptr;  // real clock when null
  };

  NodeAgent(kube::Client& client, const NodeProfile& profile, Options options);
  ~NodeAgent();  // stop()
  NodeAgent(const NodeAgent&) = delete;
  NodeAgent& operator=(const NodeAgent&) = delete;

  // Queues every node (and the clean-up of stale ones); returns at once.
  void start();
  void stop();

  const std::vector<SimNode>& nodes() const { return nodes_; }
  const SimNode* find(std::string_view name) const;
  // Whether this sim plays `name` (in the profile and not removed by a fault).
  bool serves(std::string_view name) const;
  bool ready(std::string_view name) const;
  // Nodes registered (and not removed).
  std::size_t registered() const;
  bool wait_registered(std::chrono::milliseconds timeout) const;

  // Faults, by node name; errors name an unknown or removed node.
  apimachinery::Result<void> set_ready(const std::string& name, bool ready);
  // Marks `count` more GPUs unhealthy (negative: repairs); returns the
  // allocatable GPUs left.
  apimachinery::Result<std::int64_t> fail_gpus(const std::string& name, std::int64_t count);
  apimachinery::Result<void> remove(const std::string& name);

  // Called (on a worker thread) when a node's readiness or presence changes,
  // so the kubelet looks at the node's pods again.
  void set_on_change(std::function<void(const std::string& node)> on_change);

  NodeAgentStats stats() const;

 private:
  struct Runtime {
    NodeHealth health;
    bool removed = false;
    bool registered = false;
    std::string uid;
    std::optional<boost::json::object> lease;  // as last written (with its resourceVersion)
    clock::TimePoint next_renew{};
    clock::TimePoint next_report{};
    NodeHealth reported;
    TransitionTimes transitions;
  };
  enum class Outcome { kDone, kRetry };

  void work();
  // Returns when to look at the node next, or nullopt for never.
  apimachinery::Result<std::optional<clock::TimePoint>> sync(const std::string& name);
  apimachinery::Result<void> resolve();
  apimachinery::Result<void> clean_up_stale();
  apimachinery::Result<void> register_node(const SimNode& node, Runtime& rt);
  apimachinery::Result<void> renew_lease(const SimNode& node, Runtime& rt);
  apimachinery::Result<void> report_status(const SimNode& node, Runtime& rt);
  Runtime* runtime(std::string_view name);
  const Runtime* runtime(std::string_view name) const;
  void changed(const std::string& name);

  kube::Client& client_;
  const NodeProfile& profile_;
  Options options_;
  clock::Clock& clock_;
  std::vector<SimNode> nodes_;
  std::map<std::string, std::size_t, std::less<>> by_name_;

  mutable std::mutex mutex_;  // runtimes_, resources, on_change_
  std::vector<Runtime> runtimes_;
  std::optional<kube::ResourceInfo> node_resource_;
  std::optional<kube::ResourceInfo> lease_resource_;
  bool cleaned_up_ = false;
  std::function<void(const std::string&)> on_change_;
  mutable std::condition_variable registered_cv_;

  std::unique_ptr<workqueue::WorkQueue<std::string>> queue_;
  std::vector<std::thread> workers_;

  std::atomic<std::uint64_t> registrations_{0};
  std::atomic<std::uint64_t> lease_writes_{0};
  std::atomic<std::uint64_t> status_writes_{0};
  std::atomic<std::uint64_t> api_errors_{0};
};

}  // namespace dynop::sim
