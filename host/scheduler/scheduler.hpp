#pragma once
// The host's scheduling loop for the pods its placement plugins claim
// (spec.schedulerName), modelled on kube-scheduler: one scheduling thread
// owns the inventory (ClusterState) and the queue, runs the plugins' hooks
// (placement_plugin.hpp) and hands bindings to binding threads.
//
//   - Inventory: every node, and every pod that counts on one (bound and not
//     terminal, whatever its scheduler), plus the pods this host reserved a
//     node for and has not seen bound yet ("assumed", as kube-scheduler
//     says). Fed by informer events through a thread-safe inbox.
//   - Queue: pending pods by priority (spec.priority, from the pod's
//     PriorityClass), then age. A pod that fits nowhere gets PodScheduled=
//     False/Unschedulable and a FailedScheduling event counting the reasons
//     per node (fit_error.hpp), and waits until the cluster changes (a node
//     added or changed, a pod leaving a node) and its backoff (1 s doubling
//     to 10 s) has passed; at the latest after 5 minutes it is tried again.
//     A pod that leaves the queue unbound (deleted, terminal, recreated
//     under its name, another scheduler's) is reported to its plugin
//     (pod_event PENDING_GONE, to plugins of ABI 1.3 and later only).
//   - Cycle: pre_filter, filter in chunks until nodes_to_score candidates
//     fit, score, reserve on the best (counted at once, so the next pod sees
//     it), then bind asynchronously: pods/binding (or the plugin's bind),
//     then a Scheduled event "Successfully assigned <ns>/<pod> to <node>".
//     A failed binding unreserves and retries the pod with backoff.
//   - Groups (gangs, GroupSpec): placed all or nothing. The group waits
//     until all its pods exist; then every member gets a node reserved,
//     inside one topology domain (the first key whose domains can hold the
//     group); if one does not fit, none is reserved. A plan annotation goes
//     on every member before any is bound (group_plan.hpp), and a group
//     left half bound (a binding that keeps failing, or a leader that died)
//     is completed or rolled back by deleting its bound members.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <unordered_map>
#include <variant>
#include <vector>

#include "host/scheduler/cluster_state.hpp"
#include "host/scheduler/node_info.hpp"
#include "host/scheduler/placement_plugin.hpp"
#include "host/scheduler/pod_info.hpp"
#include "host/scheduler/resource_table.hpp"
#include "host/scheduler/scheduler_client.hpp"
#include "lib/clock/clock.hpp"

namespace dynop::metrics {
class Registry;
}

namespace dynop::host::scheduler {

struct SchedulerOptions {
  clock::Clock* clock = nullptr;  // null: the real clock
  std::chrono::milliseconds initial_backoff{1000};
  std::chrono::milliseconds max_backoff{10000};
  // Unschedulable pods are tried again after this even if nothing changed.
  std::chrono::milliseconds unschedulable_flush{std::chrono::minutes(5)};
  // How long a group waits silently for its missing pods before it reports.
  std::chrono::milliseconds group_wait{std::chrono::seconds(10)};
  std::size_t filter_chunk = 512;  // nodes per filter call
  // Tries per binding that fails with a retryable error (429, 5xx, transport).
  int bind_attempts = 5;
  std::chrono::milliseconds bind_retry{200};  // doubled per try
  // Runs binding work. Null: a pool of bind_workers threads.
  std::function<void(std::function<void()>)> executor;
  unsigned bind_workers = 16;
  metrics::Registry* metrics = nullptr;
  // Observes every scheduling cycle on the scheduling thread: the pods it
  // decided (placed or found unschedulable; a group's cycle decides each of
  // its pending members) and the wall time it took. For benches (p99 per
  // decision); null: not measured.
  std::function<void(std::size_t decided, std::chrono::nanoseconds took)> on_cycle;
  // Called as each scheduling cycle starts (with on_cycle): a bench that
  // measures a cycle's CPU time takes its mark here, so the work between
  // cycles (events, finished bindings) is not charged to the next decision.
  std::function<void()> on_cycle_start;
};

struct SchedulerStats {
  uint64_t attempts = 0;       // scheduling cycles (a group counts once per member)
  uint64_t reserved = 0;       // pods given a node
  uint64_t unschedulable = 0;  // cycles that found no node
  uint64_t errors = 0;         // cycles a plugin failed
  uint64_t bound = 0;          // bindings that succeeded
  uint64_t bind_failures = 0;
  uint64_t groups_placed = 0;
  uint64_t groups_in_one_domain = 0;  // of those, placed inside one topology domain
  uint64_t groups_completed = 0;      // half-bound groups completed after a restart
  uint64_t groups_rolled_back = 0;    // half-bound groups whose bound pods were deleted
  std::size_t pending = 0;            // pods waiting for a node
  std::size_t nodes = 0;
};

class Scheduler final : private InventoryListener {
 public:
  // `client` must outlive the scheduler. Plugins are the profiles: a pod is
  // scheduled by the plugin whose scheduler name it carries.
  Scheduler(SchedulerOptions options, SchedulerClient& client,
            std::vector<std::unique_ptr<PlacementPlugin>> plugins);
  ~Scheduler() override;  // stop()
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // Informer events, from any thread, in each object's order.
  void node_changed(NodeInfo node);
  void node_deleted(std::string name);
  void pod_changed(PodInfo pod);
  void pod_deleted(PodInfo pod);
  // Every cached object has been fed: repair half-bound groups, then schedule.
  void caches_synced();

  // Schedules on a thread of its own until stop().
  void start();
  void stop();
  // Tests: do everything that is due now on the caller's thread (the inbox,
  // due retries, one cycle per pending unit); true if anything was done.
  bool run_once();

  bool is_scheduler_for(const std::string& scheduler_name) const;
  SchedulerStats stats() const;

 private:
  struct NodeChanged {
    NodeInfo node;
  };
  struct NodeDeleted {
    std::string name;
  };
  struct PodChanged {
    PodInfo pod;
  };
  struct PodDeleted {
    PodInfo pod;
  };
  struct Synced {};
  // A binding finished (single pods), or a group's bindings did.
  struct BindDone {
    std::string key;
    std::string uid;
    WriteOutcome outcome;
  };
  struct GroupBindDone {
    std::string group;                   // ns/name
    std::vector<std::string> members;    // keys, in binding order
    std::vector<PodInfo> pods;           // the members as bound (to delete them by uid)
    std::vector<WriteOutcome> outcomes;  // one per member tried; fewer when it stopped early
    bool annotated = false;              // every plan annotation was written
  };
  using Event = std::variant<NodeChanged, NodeDeleted, PodChanged, PodDeleted, Synced, BindDone,
                             GroupBindDone>;

  enum class Where { kNone, kActive, kBackoff, kUnschedulable, kWaitingForGroup, kAssumed };
  struct Entry {
    std::unique_ptr<PodView> pod;
    PlacementPlugin* plugin = nullptr;
    GroupSpec group;
    Where where = Where::kNone;
    int attempts = 0;
    clock::TimePoint backoff_until{};
    clock::TimePoint parked_at{};
    uint32_t node = 0;  // while assumed
  };
  struct QueueKey {
    int32_t neg_priority;
    int64_t created_us;
    std::string key;
    auto operator<=>(const QueueKey&) const = default;
  };
  struct GroupState {
    GroupSpec spec;
    std::set<std::string> members;  // pending and assumed pods of ours
    std::size_t bound = 0;          // members bound (seen by the informer)
    // Bound members this host is deleting to undo a half-bound placement:
    // the group waits until they are gone.
    std::set<std::string> doomed;
    clock::TimePoint waiting_since{};
    bool reported_waiting = false;
  };

  void post(Event event);
  void loop();
  // The inbox, applied in order. True if anything changed that could make
  // unschedulable pods fit.
  void drain();
  void apply(Event& event);
  void apply_node(NodeChanged& e);
  void apply_node_deleted(NodeDeleted& e);
  void apply_pod(PodInfo info);
  void apply_pod_deleted(PodInfo info);
  void apply_bind(BindDone& e);
  void apply_group_bind(GroupBindDone& e);
  void repair_groups();
  void move_due();  // backoff -> active; unschedulable -> backoff on cluster change / flush
  // One unit (a pod, or a pod's group) from the active queue; false when empty.
  bool schedule_next();
  void schedule_pod(Entry& entry);
  void schedule_group(const std::string& group_key);

  // Placement of one pod on the best of `allowed` nodes (all when null);
  // nullopt when none fits, with the per-reason counts in `reasons`.
  struct Attempt {
    std::optional<uint32_t> node;
    int64_t score = 0;  // the node's
    HookStatus status;  // non-OK: pre_filter refused or a plugin failed
    std::map<std::string, std::size_t> reasons;
    // pre_filter's candidates, kept for a gang's pod (its group's domains
    // are judged on them); nullopt: every node, or not a gang's.
    std::optional<std::vector<uint32_t>> candidates;
  };
  Attempt find_node(Entry& entry, const std::vector<uint32_t>* allowed, bool diagnose);
  std::map<std::string, std::size_t> diagnose(Entry& entry, HookStatus& status);
  // For each domain (value -> its nodes) where `entry` fits: the best score
  // find_node(entry, &nodes, false) would give, in the domains' order.
  struct DomainBest {
    const std::vector<uint32_t>* nodes;
    int64_t score;
  };
  // `candidates`: pre_filter's for `entry` (null: every node).
  std::vector<DomainBest> best_in_domains(
      Entry& entry, const std::map<std::string, std::vector<uint32_t>>& domains,
      const std::vector<uint32_t>* candidates);
  bool reserve(Entry& entry, uint32_t node);
  void unreserve(Entry& entry);
  void bind_async(Entry& entry);
  // Writes the plan annotation on every member (unless `annotate` is false:
  // completing a plan a previous leader wrote), then binds them in order.
  void bind_group_async(const std::string& group_key, const std::vector<Entry*>& members,
                        bool annotate);
  // Existing nodes by their value of topology label `key` (cached until nodes change).
  const std::map<std::string, std::vector<uint32_t>>& domains(const std::string& key);

  void enqueue(Entry& entry);
  void dequeue(Entry& entry);
  void park(Entry& entry, Where where);
  void backoff(Entry& entry);
  void fail(Entry& entry, const std::string& message);
  void error(Entry& entry, const HookStatus& status);
  // The entry leaves the scheduler. Unbound (deleted, terminal, another
  // scheduler's): its plugin is told (pending_gone); bound: it was placed.
  enum class Left { kUnbound, kBound };
  void forget(const std::string& key, Left left = Left::kUnbound);
  void wake_group(GroupState& group);  // its waiting members go back to the active queue
  // Deletes bound members of group `gk` to undo a half-bound placement.
  void doom(const std::string& gk, const std::vector<PodInfo>& pods);
  GroupState* group_of(const Entry& entry);
  std::string group_key(const Entry& entry) const;
  PlacementPlugin* plugin_for(const std::string& scheduler_name) const;
  const std::vector<uint32_t>& existing_nodes();
  clock::TimePoint now() const { return clock_->now(); }

  // InventoryListener: fan out to every plugin.
  void on_node(uint32_t node, dynop_node_event_kind kind) override;
  void on_pod(const dynop_pod_view& pod, uint32_t node, dynop_pod_event_kind kind) override;

  SchedulerOptions options_;
  clock::Clock* clock_;
  SchedulerClient& client_;
  std::vector<std::unique_ptr<PlacementPlugin>> plugins_;

  // Scheduling thread only.
  ResourceTable resources_;
  ClusterState cluster_{resources_};
  std::unordered_map<std::string, Entry> pods_;               // our pending and assumed pods
  std::unordered_map<std::string, std::string> bound_group_;  // our bound group members -> group
  std::unordered_map<std::string, GroupState> groups_;        // ns/group name
  std::set<QueueKey> active_;
  std::set<std::pair<clock::TimePoint, std::string>> backoff_;
  std::set<std::string> unschedulable_;
  bool cluster_changed_ = false;
  bool synced_ = false;
  bool repaired_ = false;
  std::vector<uint32_t> existing_nodes_;
  bool existing_nodes_stale_ = true;
  std::map<std::string, std::map<std::string, std::vector<uint32_t>>> domains_;
  // Until the first repair: our pods carrying a group plan, by plan id.
  std::map<std::string, std::vector<PodInfo>> planned_;
  clock::TimePoint next_flush_scan_{};

  mutable std::mutex mutex_;  // inbox_, stopping_, stats_
  std::condition_variable cv_;
  std::deque<Event> inbox_;
  bool stopping_ = false;
  SchedulerStats stats_;
  std::thread thread_;

  class BindPool;
  std::unique_ptr<BindPool> pool_;
};

}  // namespace dynop::host::scheduler
