#include "host/scheduler/scheduler.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <span>

#include "host/scheduler/fit_error.hpp"
#include "host/scheduler/group_plan.hpp"
#include "lib/metrics/registry.hpp"

namespace dynop::host::scheduler {
namespace {

// Whether an update of a pending pod can change where it fits. Status-only
// changes (our own PodScheduled condition) must not wake it: that would be a
// loop of writes and retries.
bool same_scheduling_facts(const PodInfo& a, const PodInfo& b) {
  if (a.priority != b.priority || a.requests != b.requests ||
      a.scheduler_name != b.scheduler_name || a.labels != b.labels ||
      a.node_selector != b.node_selector || a.tolerations != b.tolerations ||
      a.required_node_affinity != b.required_node_affinity)
    return false;
  // Annotations, but for the group plan this host writes itself.
  auto annotations = [](const StringPairs& all) {
    StringPairs out;
    for (const auto& kv : all)
      if (kv.first != kGroupPlanAnnotation) out.push_back(kv);
    return out;
  };
  return annotations(a.annotations) == annotations(b.annotations);
}

std::optional<std::string_view> node_label(const dynop_cluster_view& cluster, uint32_t node,
                                           std::string_view key) {
  const dynop_node_view* v = dynop_node_at(&cluster, node);
  std::size_t lo = 0, hi = v->label_count;
  while (lo < hi) {
    const std::size_t mid = lo + (hi - lo) / 2;
    const std::string_view k(v->labels[mid].name.data, v->labels[mid].name.size);
    if (k < key) {
      lo = mid + 1;
    } else if (key < k) {
      hi = mid;
    } else {
      return std::string_view(v->labels[mid].value.data, v->labels[mid].value.size);
    }
  }
  return std::nullopt;
}

// A write with retries for retryable failures, `delay` doubling.
template <class F>
WriteOutcome with_retries(int attempts, std::chrono::milliseconds delay, F&& write) {
  WriteOutcome o;
  for (int i = 0; i < std::max(1, attempts); ++i) {
    o = write();
    if (o.kind != WriteOutcome::Kind::kRetryable) return o;
    std::this_thread::sleep_for(delay);
    delay *= 2;
  }
  return o;
}

std::string assigned_message(const PodInfo& pod, std::string_view node) {
  return "Successfully assigned " + pod.ns + "/" + pod.name + " to " + std::string(node);
}

std::string join_or(const std::vector<std::string>& keys) {
  std::string out;
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (i > 0) out += " or ";
    out += keys[i];
  }
  return out;
}

}  // namespace

// Binding threads: run the scheduler's binding work off the scheduling thread.
class Scheduler::BindPool {
 public:
  explicit BindPool(unsigned workers) {
    for (unsigned i = 0; i < std::max(1u, workers); ++i) threads_.emplace_back([this] { run(); });
  }
  ~BindPool() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    cv_.notify_all();
    for (auto& t : threads_) t.join();
  }
  void submit(std::function<void()> task) {
    {
      std::lock_guard lock(mutex_);
      tasks_.push_back(std::move(task));
    }
    cv_.notify_one();
  }

 private:
  void run() {
    for (;;) {
      std::function<void()> task;
      {
        std::unique_lock lock(mutex_);
        cv_.wait(lock, [&] { return stopping_ || !tasks_.empty(); });
        if (tasks_.empty()) return;  // stopping, and everything submitted ran
        task = std::move(tasks_.front());
        tasks_.pop_front();
      }
      task();
    }
  }
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> tasks_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

Scheduler::Scheduler(SchedulerOptions options, SchedulerClient& client,
                     std::vector<std::unique_ptr<PlacementPlugin>> plugins)
    : options_(std::move(options)),
      clock_(options_.clock ? options_.clock : &clock::real_clock()),
      client_(client),
      plugins_(std::move(plugins)) {
  cluster_.set_listener(this);
  if (!options_.executor) {
    pool_ = std::make_unique<BindPool>(options_.bind_workers);
    options_.executor = [pool = pool_.get()](std::function<void()> task) {
      pool->submit(std::move(task));
    };
  }
}

Scheduler::~Scheduler() {
  stop();
  pool_.reset();  // finishes bindings in flight; their results go nowhere
}

bool Scheduler::is_scheduler_for(const std::string& scheduler_name) const {
  return plugin_for(scheduler_name) != nullptr;
}

PlacementPlugin* Scheduler::plugin_for(const std::string& scheduler_name) const {
  for (const auto& p : plugins_)
    if (p->scheduler_name() == scheduler_name) return p.get();
  return nullptr;
}

SchedulerStats Scheduler::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

// ---- inbox ----

void Scheduler::post(Event event) {
  {
    std::lock_guard lock(mutex_);
    inbox_.push_back(std::move(event));
  }
  cv_.notify_one();
}

void Scheduler::node_changed(NodeInfo node) { post(NodeChanged{std::move(node)}); }
void Scheduler::node_deleted(std::string name) { post(NodeDeleted{std::move(name)}); }
void Scheduler::pod_changed(PodInfo pod) { post(PodChanged{std::move(pod)}); }
void Scheduler::pod_deleted(PodInfo pod) { post(PodDeleted{std::move(pod)}); }
void Scheduler::caches_synced() { post(Synced{}); }

void Scheduler::drain() {
  std::deque<Event> events;
  {
    std::lock_guard lock(mutex_);
    events.swap(inbox_);
  }
  for (Event& e : events) apply(e);
  cluster_.make_room(cluster_.counted_count() + pods_.size());  // the pending may all be counted
  std::lock_guard lock(mutex_);
  stats_.nodes = cluster_.existing_count();
  stats_.pending = pods_.size();
}

void Scheduler::apply(Event& event) {
  std::visit(
      [&](auto& e) {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, NodeChanged>) {
          apply_node(e);
        } else if constexpr (std::is_same_v<T, NodeDeleted>) {
          apply_node_deleted(e);
        } else if constexpr (std::is_same_v<T, PodChanged>) {
          apply_pod(std::move(e.pod));
        } else if constexpr (std::is_same_v<T, PodDeleted>) {
          apply_pod_deleted(std::move(e.pod));
        } else if constexpr (std::is_same_v<T, Synced>) {
          synced_ = true;
        } else if constexpr (std::is_same_v<T, BindDone>) {
          apply_bind(e);
        } else {
          apply_group_bind(e);
        }
      },
      event);
}

void Scheduler::apply_node(NodeChanged& e) {
  if (cluster_.upsert_node(std::move(e.node))) {
    cluster_changed_ = true;
    existing_nodes_stale_ = true;
  }
}

void Scheduler::apply_node_deleted(NodeDeleted& e) {
  if (cluster_.remove_node(e.name)) existing_nodes_stale_ = true;
}

const std::vector<uint32_t>& Scheduler::existing_nodes() {
  if (existing_nodes_stale_) {
    existing_nodes_ = cluster_.existing_nodes();
    existing_nodes_stale_ = false;
    domains_.clear();
  }
  return existing_nodes_;
}

std::string Scheduler::group_key(const Entry& entry) const {
  return entry.pod->info().ns + "/" + entry.group.name;
}

Scheduler::GroupState* Scheduler::group_of(const Entry& entry) {
  if (!entry.group.gang()) return nullptr;
  auto it = groups_.find(group_key(entry));
  return it == groups_.end() ? nullptr : &it->second;
}

void Scheduler::apply_pod(PodInfo info) {
  const std::string key = info.key();
  auto it = pods_.find(key);
  if (it != pods_.end() && it->second.pod->info().uid != info.uid) {
    forget(key);  // deleted and created again under the same name
    it = pods_.end();
  }
  PlacementPlugin* plugin = plugin_for(info.scheduler_name);
  if (it != pods_.end() && it->second.plugin != plugin && info.node_name.empty()) {
    forget(key);  // another scheduler's now: gone for the plugin that was placing it
    it = pods_.end();
  }

  if (!repaired_ && plugin != nullptr)
    if (auto plan = info.annotation(kGroupPlanAnnotation))
      if (auto parsed = parse_group_plan(*plan)) planned_[parsed->id].push_back(info);

  if (!info.node_name.empty() && !info.terminal) {
    // Already counted there (any later update of a bound pod, or our own
    // reservation now seen bound where we put it): nothing changes but the
    // queue, so no view is built (this runs for every pod update in the cluster).
    const std::optional<uint32_t> counted = cluster_.counted_on(key);
    const bool counted_there = counted && cluster_.name_of(*counted) == info.node_name;
    // It counts on a node from now on, wherever we thought it would go.
    if (it != pods_.end()) {
      Entry& e = it->second;
      if (e.where == Where::kAssumed && cluster_.name_of(e.node) != info.node_name) {
        e.plugin->unreserve(cluster_.view(), *e.pod, e.node);
      }
      if (GroupState* g = group_of(e)) {
        g->members.erase(key);
        ++g->bound;
        bound_group_[key] = group_key(e);
      }
      dequeue(e);
      pods_.erase(it);
      if (counted_there) return;
      PodView view(std::move(info), resources_);
      cluster_.count(key, view, view.info().node_name);
      return;
    }
    if (counted_there) return;
    PodView view(std::move(info), resources_);
    if (!counted && plugin != nullptr) {
      const GroupSpec group = plugin->pod_group(view);
      if (group.gang()) {
        const std::string gk = view.info().ns + "/" + group.name;
        GroupState& g = groups_[gk];
        g.spec = group;
        ++g.bound;
        bound_group_[key] = gk;
      }
    }
    cluster_.count(key, view, view.info().node_name);
    return;
  }

  if (info.terminal) {
    // With a node it was bound (and ran) before we saw it bound: placed, not gone.
    const Left left = info.node_name.empty() ? Left::kUnbound : Left::kBound;
    if (cluster_.counted_on(key)) {
      PodView view(std::move(info), resources_);
      if (cluster_.uncount(key, view)) cluster_changed_ = true;
    }
    if (it != pods_.end()) forget(key, left);
    if (auto b = bound_group_.find(key); b != bound_group_.end()) {
      if (auto g = groups_.find(b->second); g != groups_.end() && g->second.bound > 0)
        --g->second.bound;
      bound_group_.erase(b);
    }
    return;
  }
  if (plugin == nullptr) return;  // another scheduler's pending pod
  if (info.deleting) {
    if (it != pods_.end()) forget(key);
    return;
  }
  if (it != pods_.end()) {
    Entry& e = it->second;
    if (e.where == Where::kAssumed) return;  // binding in flight; the informer lags
    const bool changed = !same_scheduling_facts(e.pod->info(), info);
    e.pod = std::make_unique<PodView>(std::move(info), resources_);
    if (changed) {
      // kube-scheduler moves an updated pod to the active queue.
      dequeue(e);
      enqueue(e);
    }
    return;
  }
  Entry& e = pods_[key];
  e.pod = std::make_unique<PodView>(std::move(info), resources_);
  e.plugin = plugin;
  e.group = plugin->pod_group(*e.pod);
  if (e.group.gang()) {
    GroupState& g = groups_[group_key(e)];
    g.spec = e.group;
    g.members.insert(key);
    // A new member may complete the group: wake the others, wherever they wait.
    wake_group(g);
  }
  enqueue(e);
}

void Scheduler::wake_group(GroupState& group) {
  for (const std::string& member : group.members) {
    auto m = pods_.find(member);
    if (m == pods_.end() || m->second.where == Where::kAssumed ||
        m->second.where == Where::kActive || m->second.where == Where::kNone)
      continue;
    dequeue(m->second);
    enqueue(m->second);
  }
}

void Scheduler::doom(const std::string& gk, const std::vector<PodInfo>& pods) {
  GroupState& g = groups_[gk];
  for (const PodInfo& pod : pods) {
    g.doomed.insert(pod.key());
    options_.executor([this, pod] {
      with_retries(options_.bind_attempts, options_.bind_retry,
                   [&] { return client_.delete_pod(pod); });
    });
  }
}

void Scheduler::apply_pod_deleted(PodInfo info) {
  const std::string key = info.key();
  // With a node it was bound before we saw it bound: placed, not gone.
  const Left left = info.node_name.empty() ? Left::kUnbound : Left::kBound;
  if (cluster_.counted_on(key)) {
    auto it = pods_.find(key);
    if (it != pods_.end() && it->second.where == Where::kAssumed) {
      it->second.plugin->unreserve(cluster_.view(), *it->second.pod, it->second.node);
    }
    PodView view(std::move(info), resources_);
    if (cluster_.uncount(key, view)) cluster_changed_ = true;
    if (it != pods_.end()) it->second.where = Where::kNone;  // uncounted already
  }
  if (pods_.contains(key)) forget(key, left);
  if (auto b = bound_group_.find(key); b != bound_group_.end()) {
    if (auto g = groups_.find(b->second); g != groups_.end()) {
      if (g->second.bound > 0) --g->second.bound;
      if (g->second.doomed.erase(key) > 0 && g->second.doomed.empty()) wake_group(g->second);
      if (g->second.bound == 0 && g->second.members.empty() && g->second.doomed.empty())
        groups_.erase(g);
    }
    bound_group_.erase(b);
  }
}

void Scheduler::forget(const std::string& key, Left left) {
  auto it = pods_.find(key);
  if (it == pods_.end()) return;
  Entry& e = it->second;
  dequeue(e);
  if (e.where == Where::kAssumed) unreserve(e);
  // After the reservation's UNASSIGNED, as abi.h promises.
  if (left == Left::kUnbound) e.plugin->pending_gone(cluster_.view(), *e.pod);
  if (e.group.gang()) {
    auto g = groups_.find(group_key(e));
    if (g != groups_.end()) {
      g->second.members.erase(key);
      if (g->second.members.empty() && g->second.bound == 0) groups_.erase(g);
    }
  }
  pods_.erase(it);
}

// ---- queue ----

void Scheduler::enqueue(Entry& entry) {
  const PodInfo& info = entry.pod->info();
  active_.insert(QueueKey{-info.priority, info.created_us, info.key()});
  entry.where = Where::kActive;
}

void Scheduler::dequeue(Entry& entry) {
  const PodInfo& info = entry.pod->info();
  switch (entry.where) {
    case Where::kActive:
      active_.erase(QueueKey{-info.priority, info.created_us, info.key()});
      break;
    case Where::kBackoff:
    case Where::kWaitingForGroup:
      backoff_.erase({entry.backoff_until, info.key()});
      break;
    case Where::kUnschedulable:
      unschedulable_.erase(info.key());
      break;
    default:
      return;
  }
  entry.where = Where::kNone;
}

void Scheduler::backoff(Entry& entry) {
  dequeue(entry);
  ++entry.attempts;
  auto delay = options_.initial_backoff;
  for (int i = 1; i < entry.attempts && delay < options_.max_backoff; ++i) delay *= 2;
  delay = std::min(delay, options_.max_backoff);
  entry.backoff_until = now() + delay;
  backoff_.insert({entry.backoff_until, entry.pod->info().key()});
  entry.where = Where::kBackoff;
}

void Scheduler::park(Entry& entry, Where where) {
  dequeue(entry);
  if (where == Where::kUnschedulable) {
    ++entry.attempts;
    auto delay = options_.initial_backoff;
    for (int i = 1; i < entry.attempts && delay < options_.max_backoff; ++i) delay *= 2;
    entry.backoff_until = now() + std::min(delay, options_.max_backoff);
    entry.parked_at = now();
    unschedulable_.insert(entry.pod->info().key());
    entry.where = where;
    return;
  }
  // Waiting for its group: back when the group's wait is over (or a member arrives).
  GroupState* g = group_of(entry);
  entry.backoff_until = (g ? g->waiting_since : now()) + options_.group_wait;
  backoff_.insert({entry.backoff_until, entry.pod->info().key()});
  entry.where = Where::kWaitingForGroup;
}

void Scheduler::move_due() {
  const clock::TimePoint t = now();
  while (!backoff_.empty() && backoff_.begin()->first <= t) {
    const std::string key = backoff_.begin()->second;
    backoff_.erase(backoff_.begin());
    auto it = pods_.find(key);
    if (it == pods_.end()) continue;
    it->second.where = Where::kNone;
    enqueue(it->second);
  }
  if (!cluster_changed_ && t < next_flush_scan_) return;
  const bool changed = cluster_changed_;
  cluster_changed_ = false;
  next_flush_scan_ = t + std::chrono::seconds(1);
  for (auto u = unschedulable_.begin(); u != unschedulable_.end();) {
    auto it = pods_.find(*u);
    if (it == pods_.end()) {
      u = unschedulable_.erase(u);
      continue;
    }
    Entry& e = it->second;
    if (!changed && e.parked_at + options_.unschedulable_flush > t) {
      ++u;
      continue;
    }
    u = unschedulable_.erase(u);
    if (e.backoff_until <= t) {
      enqueue(e);
    } else {
      backoff_.insert({e.backoff_until, e.pod->info().key()});
      e.where = Where::kBackoff;
    }
  }
}

// ---- outcomes ----

void Scheduler::fail(Entry& entry, const std::string& message) {
  {
    std::lock_guard lock(mutex_);
    ++stats_.unschedulable;
  }
  const PodInfo& info = entry.pod->info();
  client_.record_event(info, "Warning", "FailedScheduling", message);
  if (info.scheduled_status != "False" || info.scheduled_reason != "Unschedulable" ||
      info.scheduled_message != message)
    client_.set_unschedulable(info, message);
  park(entry, Where::kUnschedulable);
}

void Scheduler::error(Entry& entry, const HookStatus& status) {
  {
    std::lock_guard lock(mutex_);
    ++stats_.errors;
  }
  const std::string message =
      "plugin " + entry.plugin->name() + " failed: " +
      (status.message.empty() ? "status code " + std::to_string(status.code) : status.message);
  spdlog::warn("scheduling {}: {}", entry.pod->info().key(), message);
  client_.record_event(entry.pod->info(), "Warning", "FailedScheduling", message);
  backoff(entry);
}

// ---- placement ----

std::map<std::string, std::size_t> Scheduler::diagnose(Entry& entry, HookStatus& status) {
  std::map<std::string, std::size_t> reasons;
  const std::vector<uint32_t>& nodes = existing_nodes();
  const dynop_cluster_view& view = cluster_.view();
  FilterVerdicts verdicts;
  std::vector<std::size_t> per_reason;  // nodes per reason id of one filter call
  for (std::size_t off = 0; off < nodes.size(); off += options_.filter_chunk) {
    const std::size_t n = std::min(options_.filter_chunk, nodes.size() - off);
    status = entry.plugin->filter(view, *entry.pod, std::span(nodes).subspan(off, n), verdicts);
    if (!status.ok()) return reasons;
    // Counted by reason id first, then once per reason into the map: a call
    // names a few reasons for hundreds of nodes, and a string-keyed map
    // lookup per node was most of the cost of a diagnosis.
    per_reason.assign(verdicts.reasons.size(), 0);
    for (uint32_t v : verdicts.verdicts)
      if (v != 0) ++per_reason[v - 1];  // 0: fits now (not offered, or it changed): no reason
    for (std::size_t r = 0; r < per_reason.size(); ++r)
      if (per_reason[r] != 0)
        for (const std::string& m : verdicts.reasons[r].messages) reasons[m] += per_reason[r];
  }
  return reasons;
}

Scheduler::Attempt Scheduler::find_node(Entry& entry, const std::vector<uint32_t>* allowed,
                                        bool diagnose_failure) {
  Attempt a;
  const dynop_cluster_view& view = cluster_.view();
  std::vector<uint32_t> restricted;
  std::span<const uint32_t> nodes;
  std::size_t limit = 0;
  bool check_exists = false;
  if (allowed != nullptr) {
    // Trying one topology domain: its few nodes, every one judged.
    nodes = *allowed;
  } else {
    Candidates c;
    a.status = entry.plugin->pre_filter(view, *entry.pod, c);
    if (!a.status.ok()) return a;
    if (c.restricted) {
      if (entry.group.gang()) a.candidates = c.nodes;  // for its group's domains
      restricted = std::move(c.nodes);  // may name deleted nodes: skipped chunk by chunk
      nodes = restricted;
      check_exists = true;
    } else {
      nodes = existing_nodes();
    }
    limit = entry.plugin->nodes_to_score();
  }
  std::vector<uint32_t> feasible;
  FilterVerdicts verdicts;
  verdicts.want_messages = false;  // a failure is diagnosed afterwards, over every node
  // When only `limit` feasible nodes are wanted, the first chunk is a few
  // times that and each next one twice as big (up to filter_chunk): a pod
  // that fits is judged on tens of nodes, not thousands.
  std::size_t chunk_size =
      limit == 0 ? options_.filter_chunk
                 : std::min(options_.filter_chunk, std::max<std::size_t>(4 * limit, 32));
  std::vector<uint32_t> chunk;
  for (std::size_t off = 0; off < nodes.size();) {
    chunk.clear();
    for (; off < nodes.size() && chunk.size() < chunk_size; ++off)
      if (!check_exists || cluster_.exists(nodes[off])) chunk.push_back(nodes[off]);
    if (chunk.empty()) break;
    a.status = entry.plugin->filter(view, *entry.pod, chunk, verdicts);
    if (!a.status.ok()) return a;
    for (std::size_t i = 0; i < chunk.size(); ++i)
      if (verdicts.verdicts[i] == 0) feasible.push_back(chunk[i]);
    if (limit != 0 && feasible.size() >= limit) break;
    chunk_size = std::min(options_.filter_chunk, 2 * chunk_size);
  }
  if (feasible.empty()) {
    if (diagnose_failure) a.reasons = diagnose(entry, a.status);
    return a;
  }
  std::vector<int64_t> scores(feasible.size(), 0);
  a.status = entry.plugin->score(view, *entry.pod, feasible, scores);
  if (!a.status.ok()) return a;
  std::size_t best = 0;
  for (std::size_t i = 1; i < feasible.size(); ++i)
    if (scores[i] > scores[best]) best = i;  // ties: the first, in the plugin's order
  a.node = feasible[best];
  a.score = scores[best];
  return a;
}

std::vector<Scheduler::DomainBest> Scheduler::best_in_domains(
    Entry& entry, const std::map<std::string, std::vector<uint32_t>>& domains,
    const std::vector<uint32_t>* candidates) {
  // What find_node(entry, &nodes, false) gives for each domain, from a few
  // calls over all of them instead of a filter and a score call per domain
  // (a 5,000-node cluster has 313 NVLink cliques of 16): a verdict and a
  // score belong to one pod and one node (abi.h, filter_nodes and
  // score_nodes), so the batch a node is judged in does not change them.
  // Nodes pre_filter left out of `candidates` are ones filter_nodes would
  // reject (abi.h, dynop_candidate_nodes): not asked about.
  std::vector<DomainBest> out;
  const dynop_cluster_view& view = cluster_.view();
  std::vector<char> candidate;
  if (candidates != nullptr) {
    candidate.assign(view.node_count, 0);
    for (uint32_t n : *candidates)
      if (n < candidate.size()) candidate[n] = 1;
  }
  std::vector<uint32_t> all;      // the domains' nodes to judge, domain after domain
  std::vector<std::size_t> ends;  // where each domain's end in `all`
  for (const auto& [value, nodes] : domains) {
    for (uint32_t n : nodes)
      if (candidates == nullptr || (n < candidate.size() && candidate[n])) all.push_back(n);
    ends.push_back(all.size());
  }
  std::vector<uint32_t> feasible;
  std::vector<char> fits(all.size(), 0);
  FilterVerdicts verdicts;
  verdicts.want_messages = false;
  auto one_by_one = [&] {
    out.clear();
    for (const auto& [value, nodes] : domains) {
      Attempt a = find_node(entry, &nodes, false);
      if (a.status.ok() && a.node) out.push_back({&nodes, a.score});
    }
    return out;
  };
  for (std::size_t off = 0; off < all.size(); off += options_.filter_chunk) {
    const std::size_t n = std::min(options_.filter_chunk, all.size() - off);
    // A plugin failure: judged domain by domain, so that only the domains
    // whose calls fail are left out, as before.
    if (!entry.plugin->filter(view, *entry.pod, std::span(all).subspan(off, n), verdicts).ok())
      return one_by_one();
    for (std::size_t i = 0; i < n; ++i)
      if (verdicts.verdicts[i] == 0) {
        fits[off + i] = 1;
        feasible.push_back(all[off + i]);
      }
  }
  std::vector<int64_t> scores(feasible.size(), 0);
  if (!feasible.empty() && !entry.plugin->score(view, *entry.pod, feasible, scores).ok())
    return one_by_one();
  std::size_t at = 0, scored = 0, d = 0;
  for (const auto& [value, nodes] : domains) {
    std::optional<int64_t> best;
    for (; at < ends[d]; ++at) {
      if (!fits[at]) continue;
      const int64_t s = scores[scored++];
      if (!best || s > *best) best = s;  // ties: the first, as find_node
    }
    ++d;
    if (best) out.push_back({&nodes, *best});
  }
  return out;
}

bool Scheduler::reserve(Entry& entry, uint32_t node) {
  const std::string key = entry.pod->info().key();
  cluster_.count(key, *entry.pod, std::string(cluster_.name_of(node)));
  HookStatus s = entry.plugin->reserve(cluster_.view(), *entry.pod, node);
  if (!s.ok()) {
    entry.plugin->unreserve(cluster_.view(), *entry.pod, node);
    cluster_.uncount(key, *entry.pod);
    spdlog::debug("scheduling {}: plugin {} refused node {}: {}", key, entry.plugin->name(),
                  cluster_.name_of(node), s.message);
    return false;
  }
  dequeue(entry);
  entry.where = Where::kAssumed;
  entry.node = node;
  return true;
}

void Scheduler::unreserve(Entry& entry) {
  if (entry.where != Where::kAssumed) return;
  entry.plugin->unreserve(cluster_.view(), *entry.pod, entry.node);
  cluster_.uncount(entry.pod->info().key(), *entry.pod);
  entry.where = Where::kNone;
  cluster_changed_ = true;  // what it held is free again
}

bool Scheduler::schedule_next() {
  if (active_.empty()) return false;
  const std::string key = active_.begin()->key;
  active_.erase(active_.begin());
  auto it = pods_.find(key);
  if (it == pods_.end()) return true;
  Entry& e = it->second;
  e.where = Where::kNone;
  if (options_.on_cycle_start) options_.on_cycle_start();
  const auto started = std::chrono::steady_clock::now();
  const uint64_t attempts_before = options_.on_cycle ? stats().attempts : 0;
  if (e.group.gang()) {
    schedule_group(group_key(e));
  } else {
    schedule_pod(e);
  }
  if (options_.on_cycle) {
    const uint64_t decided = stats().attempts - attempts_before;
    if (decided > 0) options_.on_cycle(decided, std::chrono::steady_clock::now() - started);
  }
  return true;
}

void Scheduler::schedule_pod(Entry& entry) {
  {
    std::lock_guard lock(mutex_);
    ++stats_.attempts;
  }
  Attempt a = find_node(entry, nullptr, true);
  if (!a.status.ok()) {
    if (a.status.code == DYNOP_UNSCHEDULABLE ||
        a.status.code == DYNOP_UNSCHEDULABLE_AND_UNRESOLVABLE) {
      fail(entry, pre_filter_error_message(cluster_.existing_count(), a.status.message));
    } else {
      error(entry, a.status);
    }
    return;
  }
  if (!a.node) {
    fail(entry, fit_error_message(cluster_.existing_count(), a.reasons));
    return;
  }
  if (!reserve(entry, *a.node)) {
    backoff(entry);
    return;
  }
  {
    std::lock_guard lock(mutex_);
    ++stats_.reserved;
  }
  bind_async(entry);
}

const std::map<std::string, std::vector<uint32_t>>& Scheduler::domains(const std::string& key) {
  existing_nodes();  // clears domains_ when nodes changed
  auto it = domains_.find(key);
  if (it != domains_.end()) return it->second;
  std::map<std::string, std::vector<uint32_t>> out;
  const dynop_cluster_view& view = cluster_.view();
  for (uint32_t n : existing_nodes_)
    if (auto value = node_label(view, n, key)) out[std::string(*value)].push_back(n);
  return domains_[key] = std::move(out);
}

void Scheduler::schedule_group(const std::string& gk) {
  auto git = groups_.find(gk);
  if (git == groups_.end()) return;
  GroupState& g = git->second;
  std::vector<Entry*> pending;
  std::size_t assumed = 0;
  for (const std::string& key : g.members) {
    Entry& e = pods_.at(key);
    if (e.where == Where::kAssumed) {
      ++assumed;
      continue;
    }
    dequeue(e);
    pending.push_back(&e);
  }
  if (pending.empty()) return;
  if (!g.doomed.empty()) {
    // Its half-bound pods are being deleted; it is placed whole after that.
    for (Entry* e : pending) park(*e, Where::kWaitingForGroup);
    return;
  }
  const std::size_t have = g.bound + assumed;
  const std::size_t needed = g.spec.min_member > have ? g.spec.min_member - have : 0;
  const std::string& group_name = g.spec.name;
  if (pending.size() < needed) {
    // Its pods are still being created: wait for them, quietly at first.
    if (g.waiting_since == clock::TimePoint{}) g.waiting_since = now();
    if (now() - g.waiting_since < options_.group_wait) {
      for (Entry* e : pending) park(*e, Where::kWaitingForGroup);
      return;
    }
    const std::string message = pre_filter_error_message(
        cluster_.existing_count(), "pod group " + group_name + " has " +
                                       std::to_string(have + pending.size()) + " of its " +
                                       std::to_string(g.spec.min_member) + " pods");
    for (Entry* e : pending) fail(*e, message);
    return;
  }
  g.waiting_since = {};
  if (needed == 0) {
    // More pods than the group needs (a replaced member): each goes alone.
    for (Entry* e : pending) schedule_pod(*e);
    return;
  }
  std::sort(pending.begin(), pending.end(), [](const Entry* a, const Entry* b) {
    return a->pod->info().name < b->pod->info().name;
  });
  std::vector<Entry*> members(pending.begin(), pending.begin() + static_cast<long>(needed));
  for (std::size_t i = needed; i < pending.size(); ++i) park(*pending[i], Where::kWaitingForGroup);
  {
    std::lock_guard lock(mutex_);
    stats_.attempts += members.size();
  }
  const std::size_t node_count = cluster_.existing_count();
  auto fail_all = [&](const std::string& message) {
    for (Entry* e : members) fail(*e, message);
  };

  // The first member, judged over every node: whether it fits anywhere, and
  // which domains look best for the group.
  Attempt first = find_node(*members.front(), nullptr, true);
  if (!first.status.ok()) {
    if (first.status.code == DYNOP_UNSCHEDULABLE ||
        first.status.code == DYNOP_UNSCHEDULABLE_AND_UNRESOLVABLE) {
      fail_all(pre_filter_error_message(node_count, first.status.message));
    } else {
      for (Entry* e : members) error(*e, first.status);
    }
    return;
  }
  if (!first.node) {
    fail_all(fit_error_message(node_count, first.reasons) + " Pod group " + group_name +
             " needs all " + std::to_string(g.spec.min_member) + " of its pods placed; none was.");
    return;
  }

  // Places every member on `allowed` (all nodes when null), all or nothing.
  std::map<std::string, std::size_t> failed_reasons;
  auto place_all = [&](const std::vector<uint32_t>* allowed) {
    std::vector<Entry*> placed;
    for (Entry* m : members) {
      Attempt a = find_node(*m, allowed, false);
      if (a.status.ok() && a.node && reserve(*m, *a.node)) {
        placed.push_back(m);
        continue;
      }
      if (allowed == nullptr) {
        HookStatus ignored;
        failed_reasons = diagnose(*m, ignored);  // with the others still reserved
      }
      for (Entry* p : placed) unreserve(*p);
      return false;
    }
    return true;
  };

  bool placed = false;
  bool in_one_domain = false;
  std::vector<std::string> carried;  // topology keys some node carries
  for (const std::string& key : g.spec.topology_keys) {
    const auto& by_value = domains(key);
    if (by_value.empty()) continue;
    carried.push_back(key);
    // Domains in the order the first member likes their best node, then
    // smaller first (the tighter fit).
    std::vector<DomainBest> order = best_in_domains(
        *members.front(), by_value, first.candidates ? &*first.candidates : nullptr);
    std::stable_sort(order.begin(), order.end(), [](const DomainBest& a, const DomainBest& b) {
      if (a.score != b.score) return a.score > b.score;
      return a.nodes->size() < b.nodes->size();
    });
    for (const DomainBest& c : order)
      if (place_all(c.nodes)) {
        placed = in_one_domain = true;
        break;
      }
    if (placed) break;
  }
  if (!placed) {
    if (!carried.empty() && g.spec.topology_required) {
      fail_all(pre_filter_error_message(
          node_count, "no " + join_or(carried) + " domain has room for all " +
                          std::to_string(members.size()) + " pods of group " + group_name +
                          "; none was placed"));
      return;
    }
    if (!place_all(nullptr)) {
      fail_all(fit_error_message(node_count, failed_reasons) + " Pod group " + group_name +
               " needs all " + std::to_string(g.spec.min_member) +
               " of its pods placed; none was.");
      return;
    }
  }
  {
    std::lock_guard lock(mutex_);
    stats_.reserved += members.size();
    ++stats_.groups_placed;
    if (in_one_domain) ++stats_.groups_in_one_domain;
  }
  bind_group_async(gk, members, true);
}

// ---- binding ----

void Scheduler::bind_async(Entry& entry) {
  PodInfo pod = entry.pod->info();
  std::string node(cluster_.name_of(entry.node));
  PlacementPlugin* plugin = entry.plugin;
  options_.executor([this, pod = std::move(pod), node = std::move(node), plugin] {
    WriteOutcome o;
    bool host_binds = true;
    if (plugin->binds()) {
      HookStatus s = plugin->bind(pod, node);
      if (s.code != DYNOP_SKIP) {
        host_binds = false;
        o.kind = s.ok()                        ? WriteOutcome::Kind::kOk
                 : s.code == DYNOP_NOT_FOUND   ? WriteOutcome::Kind::kGone
                 : s.code == DYNOP_UNAVAILABLE ? WriteOutcome::Kind::kRetryable
                                               : WriteOutcome::Kind::kFailed;
        o.message = s.message;
      }
    }
    if (host_binds)
      o = with_retries(options_.bind_attempts, options_.bind_retry,
                       [&] { return client_.bind(pod, node); });
    if (o.ok()) client_.record_event(pod, "Normal", "Scheduled", assigned_message(pod, node));
    post(BindDone{pod.key(), pod.uid, std::move(o)});
  });
}

void Scheduler::bind_group_async(const std::string& gk, const std::vector<Entry*>& members,
                                 bool annotate) {
  struct Member {
    PodInfo pod;
    std::string node;
  };
  std::vector<Member> work;
  const GroupState& g = groups_.at(gk);
  GroupPlan plan{new_plan_id(), static_cast<uint32_t>(g.spec.min_member), ""};
  for (Entry* e : members) work.push_back({e->pod->info(), std::string(cluster_.name_of(e->node))});
  options_.executor([this, gk, work = std::move(work), plan, annotate]() mutable {
    GroupBindDone done;
    done.group = gk;
    for (const Member& m : work) {
      done.members.push_back(m.pod.key());
      done.pods.push_back(m.pod);
    }
    if (annotate) {
      for (const Member& m : work) {
        plan.node = m.node;
        WriteOutcome o = with_retries(options_.bind_attempts, options_.bind_retry, [&] {
          return client_.annotate(m.pod, kGroupPlanAnnotation, format_group_plan(plan));
        });
        if (!o.ok()) {
          done.outcomes.push_back(std::move(o));
          post(std::move(done));
          return;
        }
      }
    }
    done.annotated = true;
    for (const Member& m : work) {
      WriteOutcome o = with_retries(options_.bind_attempts, options_.bind_retry,
                                    [&] { return client_.bind(m.pod, m.node); });
      const bool ok = o.ok();
      if (ok) client_.record_event(m.pod, "Normal", "Scheduled", assigned_message(m.pod, m.node));
      done.outcomes.push_back(std::move(o));
      if (!ok) break;
    }
    post(std::move(done));
  });
}

void Scheduler::apply_bind(BindDone& e) {
  {
    std::lock_guard lock(mutex_);
    ++(e.outcome.ok() ? stats_.bound : stats_.bind_failures);
  }
  if (e.outcome.ok()) return;  // the informer will show it bound
  auto it = pods_.find(e.key);
  if (it == pods_.end() || it->second.pod->info().uid != e.uid) return;
  Entry& entry = it->second;
  if (entry.where != Where::kAssumed) return;
  if (e.outcome.kind == WriteOutcome::Kind::kGone) {
    forget(e.key);
    return;
  }
  spdlog::warn("binding {} failed: {}", e.key, e.outcome.message);
  client_.record_event(entry.pod->info(), "Warning", "FailedScheduling",
                       "Binding rejected: " + e.outcome.message);
  unreserve(entry);
  backoff(entry);
}

void Scheduler::apply_group_bind(GroupBindDone& e) {
  std::size_t ok = 0;
  for (const WriteOutcome& o : e.outcomes) ok += o.ok() ? 1 : 0;
  {
    std::lock_guard lock(mutex_);
    stats_.bound += ok;
    stats_.bind_failures += e.outcomes.size() - ok;
  }
  const bool complete = e.annotated && ok == e.members.size();
  if (complete) return;
  const std::string why = e.outcomes.empty() ? std::string("unknown") : e.outcomes.back().message;
  // Members not bound give their nodes back and wait for the group again.
  std::vector<std::string> bound(e.members.begin(), e.members.begin() + static_cast<long>(ok));
  for (std::size_t i = ok; i < e.members.size(); ++i) {
    auto it = pods_.find(e.members[i]);
    if (it == pods_.end() || it->second.where != Where::kAssumed) continue;
    const std::string message =
        !e.annotated    ? "pod group " + e.group + ": could not record its placement plan: " + why
        : bound.empty() ? "pod group " + e.group + ": binding failed: " + why
                        : "pod group " + e.group + ": binding " + e.members[ok] + " failed (" +
                              why + "); deleting the " + std::to_string(bound.size()) +
                              " bound pods so the group is placed whole";
    client_.record_event(it->second.pod->info(), "Warning", "FailedScheduling", message);
    unreserve(it->second);
    backoff(it->second);
  }
  if (bound.empty()) return;
  // Half bound: undo it. The bound pods' controller recreates the group.
  {
    std::lock_guard lock(mutex_);
    ++stats_.groups_rolled_back;
  }
  spdlog::warn("pod group {}: binding {} failed ({}); deleting its {} bound pods", e.group,
               e.members[ok], why, bound.size());
  doom(e.group, std::vector<PodInfo>(e.pods.begin(), e.pods.begin() + static_cast<long>(ok)));
}

// ---- repair after a leader change ----

void Scheduler::repair_groups() {
  repaired_ = true;
  std::map<std::string, std::vector<PodInfo>> plans;
  plans.swap(planned_);
  for (auto& [id, pods] : plans) {
    std::vector<PlannedMember> members;
    uint32_t size = 0;
    for (const PodInfo& p : pods) {
      auto plan = parse_group_plan(*p.annotation(kGroupPlanAnnotation));
      size = std::max(size, plan->size);
      members.push_back({p.key(), plan->node, p.node_name, p.deleting || p.terminal});
    }
    const PlanRepair repair = plan_repair(size, members);
    if (repair == PlanRepair::kNone) continue;
    std::vector<Entry*> unbound;
    bool completable = repair == PlanRepair::kComplete;
    for (std::size_t i = 0; i < members.size() && completable; ++i) {
      if (!members[i].bound_node.empty()) continue;
      auto it = pods_.find(members[i].key);
      if (it == pods_.end() || it->second.where == Where::kAssumed) {
        completable = false;
        break;
      }
      Entry& e = it->second;
      auto node = cluster_.index_of(members[i].planned_node);
      if (!node || !cluster_.exists(*node) || !cluster_.fits(*node, e.pod->requests()) ||
          !reserve(e, *node)) {
        completable = false;
        break;
      }
      unbound.push_back(&e);
    }
    if (completable && !unbound.empty()) {
      spdlog::info("pod group with plan {}: {} of {} pods were bound; binding the rest as planned",
                   id, members.size() - unbound.size(), size);
      {
        std::lock_guard lock(mutex_);
        ++stats_.groups_completed;
      }
      const std::string gk = group_key(*unbound.front());
      if (!groups_.contains(gk)) groups_[gk].spec = unbound.front()->group;
      bind_group_async(gk, unbound, false);
      continue;
    }
    for (Entry* e : unbound) {
      unreserve(*e);
      enqueue(*e);  // it waits for its group to be whole again
    }
    spdlog::warn(
        "pod group with plan {}: half bound and it cannot be completed; deleting its "
        "bound pods so it is placed whole",
        id);
    {
      std::lock_guard lock(mutex_);
      ++stats_.groups_rolled_back;
    }
    std::vector<PodInfo> bound;
    for (const PodInfo& p : pods) {
      if (p.node_name.empty()) continue;
      client_.record_event(p, "Warning", "FailedScheduling",
                           "its pod group was left half bound (plan " + id +
                               "); deleting the bound pods so the group is placed whole");
      bound.push_back(p);
    }
    const std::string gk = bound_group_.contains(bound.front().key())
                               ? bound_group_.at(bound.front().key())
                               : bound.front().ns + "/" + id;
    doom(gk, bound);
  }
}

// ---- the loop ----

bool Scheduler::run_once() {
  bool did = false;
  {
    std::lock_guard lock(mutex_);
    did = !inbox_.empty();
  }
  drain();
  if (!synced_) return did;
  if (!repaired_) {
    repair_groups();
    did = true;
  }
  move_due();
  while (schedule_next()) did = true;
  return did;
}

void Scheduler::start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { loop(); });
}

void Scheduler::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Scheduler::loop() {
  for (;;) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return;
    }
    drain();
    if (synced_) {
      if (!repaired_) repair_groups();
      move_due();
      if (schedule_next()) continue;
    }
    std::unique_lock lock(mutex_);
    if (stopping_ || !inbox_.empty()) continue;
    clock::TimePoint deadline = now() + std::chrono::seconds(1);  // the flush scan
    if (!backoff_.empty()) deadline = std::min(deadline, backoff_.begin()->first);
    clock_->wait_until(lock, cv_, deadline);
  }
}

// ---- inventory events to the plugins ----

void Scheduler::on_node(uint32_t node, dynop_node_event_kind kind) {
  const dynop_cluster_view& view = cluster_.view();
  for (auto& p : plugins_) p->node_event(view, node, kind);
}

void Scheduler::on_pod(const dynop_pod_view& pod, uint32_t node, dynop_pod_event_kind kind) {
  const dynop_cluster_view& view = cluster_.view();
  for (auto& p : plugins_) p->pod_event(view, pod, node, kind);
}

}  // namespace dynop::host::scheduler
