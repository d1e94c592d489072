// The scheduling loop against a fake API server (pods, bindings, status,
// annotations, deletions, events, informer events back), with the real
// gpu-scheduler plugin driven through the C ABI as the host loads it, time
// on a FakeClock and bindings run when the test says.

#include "host/scheduler/scheduler.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <dynop/sdk/export.hpp>
#include <dynop/sdk/testing/fake_host.hpp>
#include <map>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "host/scheduler/fit_error.hpp"
#include "host/scheduler/group_plan.hpp"
#include "plugins/common/names.hpp"
#include "plugins/gpu-scheduler/gpu_scheduler_plugin.hpp"

namespace dynop::host::scheduler {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

constexpr const char* kScheduler = "dynop-gpu-scheduler";

// The API server and informers as the scheduler sees them.
class FakeApi : public SchedulerClient {
 public:
  WriteOutcome bind(const PodInfo& pod, std::string_view node) override {
    log.push_back("bind " + pod.key() + " " + std::string(node));
    if (bind_override) {
      WriteOutcome o = bind_override(pod, node);
      if (!o.ok()) return o;
    }
    auto it = pods.find(pod.key());
    if (it == pods.end() || it->second.uid != pod.uid) return {WriteOutcome::Kind::kGone, "gone"};
    if (!it->second.node_name.empty()) return {WriteOutcome::Kind::kConflict, "already assigned"};
    it->second.node_name = std::string(node);
    deliver(it->second);
    return {};
  }
  WriteOutcome annotate(const PodInfo& pod, std::string_view key, std::string_view value) override {
    log.push_back("annotate " + pod.key());
    auto it = pods.find(pod.key());
    if (it == pods.end()) return {WriteOutcome::Kind::kGone, "gone"};
    auto& a = it->second.annotations;
    std::erase_if(a, [&](const auto& kv) { return kv.first == key; });
    a.emplace_back(std::string(key), std::string(value));
    std::sort(a.begin(), a.end());
    deliver(it->second);
    return {};
  }
  WriteOutcome delete_pod(const PodInfo& pod) override {
    log.push_back("delete " + pod.key());
    auto it = pods.find(pod.key());
    if (it == pods.end()) return {WriteOutcome::Kind::kGone, "gone"};
    PodInfo last = it->second;
    pods.erase(it);
    deliveries.push_back([last](Scheduler& s) { s.pod_deleted(last); });
    return {};
  }
  void set_unschedulable(const PodInfo& pod, std::string_view message) override {
    log.push_back("status " + pod.key());
    auto it = pods.find(pod.key());
    if (it == pods.end()) return;
    it->second.scheduled_status = "False";
    it->second.scheduled_reason = "Unschedulable";
    it->second.scheduled_message = std::string(message);
    deliver(it->second);
  }
  void record_event(const PodInfo& pod, std::string_view type, std::string_view reason,
                    std::string_view message) override {
    events.push_back(pod.key() + " " + std::string(type) + " " + std::string(reason) + ": " +
                     std::string(message));
  }

  void deliver(const PodInfo& pod) {
    deliveries.push_back([pod](Scheduler& s) { s.pod_changed(pod); });
  }

  std::map<std::string, PodInfo> pods;
  std::vector<std::string> log;
  std::vector<std::string> events;
  std::deque<std::function<void(Scheduler&)>> deliveries;
  std::function<WriteOutcome(const PodInfo&, std::string_view)> bind_override;
};

// A plugin of the typed hooks that records each pod_event as it crosses the
// C ABI: "<pod> <kind> <node>" (node "none" for DYNOP_NO_NODE). Pods named
// stuck-* fit no node; the others fit every node.
struct PodEventLog {
  std::vector<std::string> events;
  std::vector<std::string> gone_uids;  // of PENDING_GONE, in order

  static PodEventLog& of(dynop_plugin* p) { return *reinterpret_cast<PodEventLog*>(p); }
  static std::string text(dynop_str s) { return std::string(s.data, s.size); }

  static dynop_status filter_nodes(dynop_plugin*, const dynop_cluster_view*,
                                   const dynop_pod_view* pod, const uint32_t*, size_t count,
                                   uint32_t* verdicts, dynop_filter_result* out) {
    static const dynop_str kStuck{"stuck", 5};
    static const dynop_filter_reason kReason{sizeof(dynop_filter_reason), DYNOP_UNSCHEDULABLE,
                                             &kStuck, 1};
    if (!text(pod->name).starts_with("stuck-")) return {DYNOP_OK, {}};
    for (size_t i = 0; i < count; ++i) verdicts[i] = 1;
    out->reasons = &kReason;
    out->reason_count = 1;
    return {DYNOP_OK, {}};
  }
  static dynop_status score_nodes(dynop_plugin*, const dynop_cluster_view*, const dynop_pod_view*,
                                  const uint32_t*, size_t count, int64_t* scores) {
    std::fill(scores, scores + count, 0);
    return {DYNOP_OK, {}};
  }
  static dynop_status pod_event(dynop_plugin* p, const dynop_cluster_view* cluster,
                                const dynop_pod_view* pod, uint32_t node, int32_t kind) {
    static const char* const kKinds[] = {"ASSIGNED", "UNASSIGNED", "PENDING_GONE"};
    const std::string where =
        node == DYNOP_NO_NODE ? "none" : text(dynop_node_at(cluster, node)->name);
    of(p).events.push_back(text(pod->name) + " " + (kind >= 0 && kind < 3 ? kKinds[kind] : "?") +
                           " " + where);
    if (kind == DYNOP_POD_PENDING_GONE) of(p).gone_uids.push_back(text(pod->uid));
    return {DYNOP_OK, {}};
  }
  // The hooks as the host's loader hands them over, for a plugin declaring 1.`minor`.
  PlacementHooksInfo info(uint16_t minor) {
    PlacementHooksInfo info;
    info.plugin = "recorder";
    info.scheduler_name = kScheduler;
    info.abi_minor = minor;
    info.hooks.struct_size = sizeof(dynop_placement_hooks);
    info.hooks.filter_nodes = &filter_nodes;
    info.hooks.score_nodes = &score_nodes;
    info.hooks.pod_event = &pod_event;
    info.instance = reinterpret_cast<dynop_plugin*>(this);
    return info;
  }
  std::vector<std::string> take() { return std::exchange(events, {}); }
};

class SchedulerTest : public ::testing::Test {
 protected:
  void SetUp() override { make(""); }

  void make(const std::string& config) {
    TearDown();
    const dynop_plugin_descriptor& d =
        *sdk::detail::Exported<plugins::gpu_scheduler::GpuSchedulerPlugin>::entry();
    dynop_status error{};
    instance_ = d.lifecycle.init(host_.raw(), config.data(), config.size(), &error);
    ASSERT_NE(instance_, nullptr) << std::string(error.message.data, error.message.size);
    PlacementHooksInfo info;
    info.plugin = "gpu-scheduler";
    info.scheduler_name = kScheduler;
    info.nodes_to_score = 16;
    info.abi_minor = d.abi_minor;
    info.hooks = *d.placement;
    info.instance = instance_;
    start_scheduler(std::move(info));
  }
  // A scheduler whose one plugin is `info`.
  void start_scheduler(PlacementHooksInfo info) {
    scheduler_.reset();
    std::vector<std::unique_ptr<PlacementPlugin>> plugins;
    plugins.push_back(make_placement_plugin(std::move(info), nullptr, nullptr));
    SchedulerOptions options;
    options.clock = &clock_;
    options.bind_retry = std::chrono::milliseconds(0);
    options.executor = [this](std::function<void()> task) { tasks_.push_back(std::move(task)); };
    options.on_cycle = on_cycle_;
    scheduler_ = std::make_unique<Scheduler>(options, api_, std::move(plugins));
  }
  void TearDown() override {
    scheduler_.reset();
    if (instance_)
      sdk::detail::Exported<plugins::gpu_scheduler::GpuSchedulerPlugin>::entry()->lifecycle.destroy(
          instance_);
    instance_ = nullptr;
  }

  // Everything that is due now: the loop, bindings, informer events back.
  void settle() {
    for (int round = 0; round < 1000; ++round) {
      bool did = scheduler_->run_once();
      while (!tasks_.empty()) {
        auto task = std::move(tasks_.front());
        tasks_.pop_front();
        task();
        did = true;
      }
      while (!api_.deliveries.empty()) {
        auto d = std::move(api_.deliveries.front());
        api_.deliveries.pop_front();
        d(*scheduler_);
        did = true;
      }
      if (!did) return;
    }
    ADD_FAILURE() << "the scheduler never settled";
  }
  void later(std::chrono::milliseconds by) {
    clock_.advance(by);
    settle();
  }

  NodeInfo gpu_node(const std::string& name, int64_t gpus,
                    const std::string& product = "NVIDIA-H100", StringPairs labels = {}) {
    NodeInfo n;
    n.name = name;
    n.ready = true;
    labels.emplace_back("nvidia.com/gpu.product", product);
    std::sort(labels.begin(), labels.end());
    n.labels = std::move(labels);
    n.allocatable = {
        {"cpu", 64000}, {"memory", int64_t{512} << 30}, {"nvidia.com/gpu", gpus}, {"pods", 110}};
    return n;
  }
  void add_node(NodeInfo n) { scheduler_->node_changed(std::move(n)); }

  PodInfo make_pod(const std::string& name, int64_t gpus,
                   const std::string& scheduler = kScheduler) {
    PodInfo p;
    p.ns = "default";
    p.name = name;
    p.uid = "uid-" + name + "-" + std::to_string(++uid_);
    p.scheduler_name = scheduler;
    p.created_us = ++created_;
    p.requests = {{"cpu", 1000}};
    if (gpus > 0) p.requests.emplace_back("nvidia.com/gpu", gpus);
    return p;
  }
  void create(PodInfo p) {
    api_.pods[p.key()] = p;
    scheduler_->pod_changed(std::move(p));
  }
  // A member of a multinode group as the dgd plugin labels it.
  PodInfo member(const std::string& group, int rank, int size, int64_t gpus) {
    PodInfo p = make_pod(group + "-" + std::to_string(rank), gpus);
    p.labels = {{std::string(plugins::common::kLabelGroup), group},
                {std::string(plugins::common::kLabelGroupSize), std::to_string(size)}};
    std::sort(p.labels.begin(), p.labels.end());
    return p;
  }
  // What a leader killed between bindings leaves of gang "mn" (4 pods of 4
  // GPUs): plans on all (ranks 0-1 on n1, 2-3 on n2), ranks 0-1 bound.
  void create_half_bound_gang() {
    for (int rank = 0; rank < 4; ++rank) {
      PodInfo p = member("mn", rank, 4, 4);
      const std::string node = rank < 2 ? "n1" : "n2";
      p.annotations = {{std::string(kGroupPlanAnnotation), "0123456789abcdef 4 " + node}};
      if (rank < 2) p.node_name = node;
      create(p);
    }
  }
  // Pinned by required node affinity to GPU product `product`.
  PodInfo pinned_pod(const std::string& name, int64_t gpus, const std::string& product) {
    PodInfo p = make_pod(name, gpus);
    p.required_node_affinity = {NodeSelectorTerm{
        {SelectorRequirement{"nvidia.com/gpu.product", DYNOP_SELECTOR_IN, {product}}}, {}}};
    return p;
  }
  // `kubectl delete pod` as the informer reports it.
  void delete_pod(const std::string& name) {
    PodInfo last = api_.pods.at("default/" + name);
    api_.pods.erase("default/" + name);
    scheduler_->pod_deleted(last);
  }
  std::string node_of(const std::string& pod) { return api_.pods.at("default/" + pod).node_name; }
  std::vector<std::string> events_of(const std::string& pod) {
    std::vector<std::string> out;
    for (const std::string& e : api_.events)
      if (e.starts_with("default/" + pod + " ")) out.push_back(e.substr(pod.size() + 9));
    return out;
  }

  sdk::testing::FakeHost host_;
  dynop_plugin* instance_ = nullptr;
  clock::FakeClock clock_;
  FakeApi api_;
  std::deque<std::function<void()>> tasks_;
  std::unique_ptr<Scheduler> scheduler_;
  std::function<void(std::size_t, std::chrono::nanoseconds)> on_cycle_;
  int uid_ = 0;
  int64_t created_ = 1000;
};

TEST_F(SchedulerTest, BindsAPodAndTellsWhere) {
  add_node(gpu_node("n1", 8));
  create(make_pod("p", 2));
  scheduler_->caches_synced();
  settle();
  EXPECT_EQ(node_of("p"), "n1");
  EXPECT_THAT(events_of("p"),
              ElementsAre("Normal Scheduled: Successfully assigned default/p to n1"));
  const SchedulerStats s = scheduler_->stats();
  EXPECT_EQ(s.bound, 1u);
  EXPECT_EQ(s.pending, 0u);
}

TEST_F(SchedulerTest, EachCycleReportsThePodsItDecidedAGangsMembersTogether) {
  std::vector<std::size_t> decided;
  // The cycle's wall time is not checked here: it is a timing figure, which
  // bench/placement records (p99 per decision).
  on_cycle_ = [&](std::size_t pods, std::chrono::nanoseconds) { decided.push_back(pods); };
  make("");
  add_node(gpu_node("a1", 8, "NVIDIA-H100", {{"nvidia.com/gpu.clique", "a"}}));
  create(make_pod("fits", 2));
  create(make_pod("too-big", 16));
  for (int rank = 0; rank < 3; ++rank) create(member("mn", rank, 3, 2));
  scheduler_->caches_synced();
  settle();
  EXPECT_EQ(node_of("fits"), "a1");
  EXPECT_EQ(node_of("mn-2"), "a1");
  // One placed, one unschedulable, the gang's three in one cycle.
  EXPECT_THAT(decided, UnorderedElementsAre(1u, 1u, 3u));
}

TEST_F(SchedulerTest, FeasibleNodesBeyondTheFirstFilterChunkAreFound) {
  // 16 nodes to score: the first chunk judged is 64 candidates. Here the
  // first 80 nodes have the GPUs but not the CPU the pod asks for.
  for (int i = 0; i < 100; ++i) {
    NodeInfo n = gpu_node("n" + std::to_string(100 + i), 8);
    if (i < 80)
      for (auto& [resource, amount] : n.allocatable)
        if (resource == "cpu") amount = 1000;
    add_node(std::move(n));
  }
  PodInfo p = make_pod("p", 1);
  p.requests = {{"cpu", 2000}, {"nvidia.com/gpu", 1}};
  create(p);
  scheduler_->caches_synced();
  settle();
  ASSERT_NE(node_of("p"), "");
  EXPECT_GE(std::stoi(node_of("p").substr(1)), 180);
}

TEST_F(SchedulerTest, NothingIsScheduledBeforeTheCachesSynced) {
  add_node(gpu_node("n1", 8));
  create(make_pod("p", 2));
  settle();
  EXPECT_EQ(node_of("p"), "");
  scheduler_->caches_synced();
  settle();
  EXPECT_EQ(node_of("p"), "n1");
}

TEST_F(SchedulerTest, PodsOfOtherSchedulersAreLeftAloneButCount) {
  add_node(gpu_node("n1", 8));
  PodInfo theirs = make_pod("theirs", 6, "default-scheduler");
  create(theirs);
  PodInfo bound = make_pod("bound", 2, "default-scheduler");
  bound.node_name = "n1";
  create(bound);
  create(make_pod("ours", 2));
  scheduler_->caches_synced();
  settle();
  EXPECT_EQ(node_of("theirs"), "");  // not ours to bind
  EXPECT_EQ(node_of("ours"), "n1");  // 2 of 8 were taken by the bound pod
  create(make_pod("too-big", 6));
  settle();
  EXPECT_EQ(node_of("too-big"), "");
  EXPECT_THAT(api_.log, ::testing::Not(::testing::Contains(HasSubstr("theirs"))));
}

TEST_F(SchedulerTest, UnschedulablePodGetsConditionAndCountedReasonsThenWaitsForAChange) {
  add_node(gpu_node("n1", 2));
  NodeInfo tainted = gpu_node("n2", 8);
  tainted.taints = {{"gpu", "reserved", DYNOP_TAINT_NO_SCHEDULE}};
  add_node(tainted);
  create(make_pod("big", 4));
  scheduler_->caches_synced();
  settle();
  const std::string message =
      "0/2 nodes are available: 1 Insufficient nvidia.com/gpu, 1 node(s) had untolerated taint "
      "{gpu: reserved}.";
  EXPECT_THAT(events_of("big"), ElementsAre("Warning FailedScheduling: " + message));
  EXPECT_EQ(api_.pods.at("default/big").scheduled_message, message);
  EXPECT_EQ(api_.pods.at("default/big").scheduled_reason, "Unschedulable");
  // Our own condition write came back as an update: no retry, no second write.
  const auto attempts = scheduler_->stats().attempts;
  later(std::chrono::minutes(1));
  EXPECT_EQ(scheduler_->stats().attempts, attempts);
  EXPECT_EQ(std::count(api_.log.begin(), api_.log.end(), "status default/big"), 1);
  // A heartbeat of an unchanged node is no change either.
  add_node(gpu_node("n1", 2));
  later(std::chrono::seconds(20));
  EXPECT_EQ(scheduler_->stats().attempts, attempts);
  // A node added is: the pod is placed as soon as its backoff has passed.
  add_node(gpu_node("n3", 8));
  later(std::chrono::seconds(11));
  EXPECT_EQ(node_of("big"), "n3");
}

// The FailedScheduling message of a pod that fits nowhere, on a varied
// cluster, against the oracle: every node judged alone, in kube-scheduler's
// plugin order, the reasons counted per node, written by the test from the
// nodes and pods it made (not by asking the plugin). Locks in that however
// the scheduler and the plugin count the reasons, the counts are the walk's.
TEST_F(SchedulerTest, TheDiagnosisOfAnUnschedulablePodCountsWhatAWalkOverEveryNodeFinds) {
  std::mt19937 random(12);
  auto pick = [&](int n) { return static_cast<int>(random() % static_cast<unsigned>(n)); };
  const std::vector<std::string> products = {"NVIDIA-H100", "NVIDIA-H200", "NVIDIA-A100"};
  const std::vector<std::pair<std::string, std::string>> taints = {{"dedicated", "training"},
                                                                   {"gpu", "reserved"}};
  std::map<std::string, NodeInfo> nodes;
  for (int i = 0; i < 70; ++i) {
    NodeInfo n = gpu_node("n" + std::to_string(i), std::vector<int64_t>{0, 2, 4, 8}[pick(4)],
                          products[pick(3)]);
    n.ready = pick(12) != 0;
    n.unschedulable = pick(12) == 0;
    if (pick(5) == 0) {
      const auto& [key, value] = taints[pick(2)];
      n.taints = {{key, value, DYNOP_TAINT_NO_SCHEDULE}};
    }
    if (pick(4) == 0) n.allocatable[0].second = 2000;  // cpu: little room
    nodes[n.name] = n;
    add_node(n);
  }
  scheduler_->caches_synced();
  settle();

  struct Asked {
    int64_t cpu, gpus;
  };
  std::map<std::string, Asked> asked;  // pods bound, by name
  auto oracle = [&](const PodInfo& pod) {
    std::map<std::string, std::size_t> reasons;
    for (const auto& [name, n] : nodes) {
      int64_t cpu_used = 0, gpus_used = 0;
      for (const auto& [pod_name, a] : asked)
        if (node_of(pod_name) == name) {
          cpu_used += a.cpu;
          gpus_used += a.gpus;
        }
      if (!n.ready) {
        ++reasons["node(s) were not ready"];
        continue;
      }
      if (n.unschedulable) {
        ++reasons["node(s) were unschedulable"];
        continue;
      }
      if (!n.taints.empty() &&
          std::none_of(pod.tolerations.begin(), pod.tolerations.end(),
                       [&](const TolerationInfo& t) { return t.key == n.taints[0].key; })) {
        ++reasons["node(s) had untolerated taint {" + n.taints[0].key + ": " + n.taints[0].value +
                  "}"];
        continue;
      }
      const std::string product = n.labels[0].second;  // the only label
      if (!pod.required_node_affinity.empty() &&
          pod.required_node_affinity[0].expressions[0].values[0] != product) {
        ++reasons["node(s) didn't match Pod's node affinity/selector"];
        continue;
      }
      for (const auto& [resource, amount] : pod.requests) {
        int64_t free = 0;
        for (const auto& [r, a] : n.allocatable)
          if (r == resource) free = a;
        free -= resource == "cpu" ? cpu_used : resource == "nvidia.com/gpu" ? gpus_used : 0;
        if (free < amount) ++reasons["Insufficient " + resource];
      }
    }
    return fit_error_message(nodes.size(), reasons);
  };

  int diagnosed = 0;
  for (int i = 0; i < 150; ++i) {
    const int64_t gpus = std::vector<int64_t>{1, 2, 4, 8, 16}[pick(5)];
    PodInfo p = pick(6) == 0 ? pinned_pod("p" + std::to_string(i), gpus, products[pick(3)])
                             : make_pod("p" + std::to_string(i), gpus);
    if (pick(8) == 0) p.requests[0].second = 4000;  // cpu
    if (pick(3) == 0) {
      const auto& [key, value] = taints[pick(2)];
      p.tolerations = {TolerationInfo{key, DYNOP_TOLERATION_EQUAL, value, DYNOP_TAINT_NO_SCHEDULE}};
    }
    const std::string expected = oracle(p);  // before it is placed (or not)
    create(p);
    settle();
    if (!node_of(p.name).empty()) {
      asked[p.name] = {p.requests[0].second, gpus};
      continue;
    }
    ++diagnosed;
    EXPECT_EQ(api_.pods.at("default/" + p.name).scheduled_message, expected) << "pod " << p.name;
    delete_pod(p.name);  // so that nothing waits to be tried again
    settle();
  }
  // The cluster fills up: most pods end up diagnosed, with every kind of reason.
  EXPECT_GT(diagnosed, 60);
  EXPECT_GT(asked.size(), 20u);
}

TEST_F(SchedulerTest, UnschedulablePodsAreTriedAgainAfterTheFlushInterval) {
  add_node(gpu_node("n1", 2));
  create(make_pod("big", 4));
  scheduler_->caches_synced();
  settle();
  const auto attempts = scheduler_->stats().attempts;
  later(std::chrono::minutes(4));
  EXPECT_EQ(scheduler_->stats().attempts, attempts);
  later(std::chrono::minutes(2));
  EXPECT_EQ(scheduler_->stats().attempts, attempts + 1);
}

TEST_F(SchedulerTest, DeletingAPodFreesItsGpusForAPendingOne) {
  add_node(gpu_node("n1", 8));
  create(make_pod("first", 8));
  scheduler_->caches_synced();
  settle();
  create(make_pod("second", 4));
  settle();
  EXPECT_EQ(node_of("second"), "");
  PodInfo first = api_.pods.at("default/first");
  api_.pods.erase("default/first");
  scheduler_->pod_deleted(first);
  later(std::chrono::seconds(2));
  EXPECT_EQ(node_of("second"), "n1");
}

TEST_F(SchedulerTest, HigherPriorityFirstThenOlder) {
  add_node(gpu_node("n1", 8));
  PodInfo low = make_pod("low", 8);
  PodInfo old_high = make_pod("old-high", 8);
  old_high.priority = 100;
  PodInfo young_high = make_pod("young-high", 8);
  young_high.priority = 100;
  create(young_high);
  create(low);
  create(old_high);
  scheduler_->caches_synced();
  settle();
  EXPECT_EQ(node_of("old-high"), "n1");
  EXPECT_EQ(node_of("young-high"), "");
  EXPECT_EQ(node_of("low"), "");
}

TEST_F(SchedulerTest, FailedBindingsAreRetriedAndNeverDoubleBook) {
  add_node(gpu_node("n1", 8));
  int failures = 2;
  api_.bind_override = [&](const PodInfo&, std::string_view) -> WriteOutcome {
    if (failures-- > 0) return {WriteOutcome::Kind::kRetryable, "etcdserver: request timed out"};
    return {};
  };
  create(make_pod("p", 8));
  scheduler_->caches_synced();
  settle();
  EXPECT_EQ(node_of("p"), "n1");  // the binder retried
  EXPECT_EQ(std::count(api_.log.begin(), api_.log.end(), "bind default/p n1"), 3);

  api_.bind_override = [](const PodInfo&, std::string_view) -> WriteOutcome {
    return {WriteOutcome::Kind::kFailed, "admission webhook said no"};
  };
  add_node(gpu_node("n2", 8));
  create(make_pod("q", 8));
  settle();
  EXPECT_THAT(events_of("q"),
              ElementsAre("Warning FailedScheduling: Binding rejected: admission webhook said no"));
  EXPECT_EQ(node_of("q"), "");
  // Its reservation was returned: another pod can have n2.
  api_.bind_override = nullptr;
  create(make_pod("r", 8));
  settle();
  EXPECT_EQ(node_of("r"), "n2");
}

TEST_F(SchedulerTest, AGangLandsWholeInOneClique) {
  // Two cliques of two 8-GPU nodes; clique a is partly used.
  add_node(gpu_node("a1", 8, "NVIDIA-H100", {{"nvidia.com/gpu.clique", "a"}}));
  add_node(gpu_node("a2", 8, "NVIDIA-H100", {{"nvidia.com/gpu.clique", "a"}}));
  add_node(gpu_node("b1", 8, "NVIDIA-H100", {{"nvidia.com/gpu.clique", "b"}}));
  add_node(gpu_node("b2", 8, "NVIDIA-H100", {{"nvidia.com/gpu.clique", "b"}}));
  PodInfo busy = make_pod("busy", 2, "default-scheduler");
  busy.node_name = "a1";
  create(busy);
  for (int rank = 0; rank < 4; ++rank) create(member("mn", rank, 4, 4));
  scheduler_->caches_synced();
  settle();
  std::set<std::string> nodes;
  for (int rank = 0; rank < 4; ++rank) nodes.insert(node_of("mn-" + std::to_string(rank)));
  EXPECT_THAT(nodes, ElementsAre("b1", "b2"));  // 4 x 4 GPUs fit only in clique b
  // Every member carried the plan before the first binding.
  std::vector<std::string> writes;
  for (const std::string& l : api_.log)
    if (l.find("mn-") != std::string::npos) writes.push_back(l.substr(0, l.find(' ')));
  EXPECT_THAT(writes, ElementsAre("annotate", "annotate", "annotate", "annotate", "bind", "bind",
                                  "bind", "bind"));
  auto plan = parse_group_plan(*api_.pods.at("default/mn-0").annotation(kGroupPlanAnnotation));
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->size, 4u);
  EXPECT_EQ(plan->node, node_of("mn-0"));
  EXPECT_EQ(scheduler_->stats().groups_in_one_domain, 1u);
}

TEST_F(SchedulerTest, AGangThatFitsInNoCliqueBindsNothingAndSaysWhy) {
  add_node(gpu_node("a1", 8, "NVIDIA-H100", {{"nvidia.com/gpu.clique", "a"}}));
  add_node(gpu_node("b1", 8, "NVIDIA-H100", {{"nvidia.com/gpu.clique", "b"}}));
  for (int rank = 0; rank < 2; ++rank) create(member("mn", rank, 2, 8));
  scheduler_->caches_synced();
  settle();
  EXPECT_EQ(node_of("mn-0"), "");
  EXPECT_EQ(node_of("mn-1"), "");
  EXPECT_THAT(events_of("mn-1"),
              ElementsAre("Warning FailedScheduling: 0/2 nodes are available: no "
                          "nvidia.com/gpu.clique domain has room for all 2 pods of group mn; none "
                          "was placed."));
  EXPECT_THAT(api_.log, ::testing::Not(::testing::Contains(HasSubstr("bind"))));
}

TEST_F(SchedulerTest, PreferredTopologyPlacesAcrossDomainsWhenNoneHoldsTheGang) {
  make("gang_topology: preferred");
  add_node(gpu_node("a1", 8, "NVIDIA-H100", {{"nvidia.com/gpu.clique", "a"}}));
  add_node(gpu_node("b1", 8, "NVIDIA-H100", {{"nvidia.com/gpu.clique", "b"}}));
  for (int rank = 0; rank < 2; ++rank) create(member("mn", rank, 2, 8));
  scheduler_->caches_synced();
  settle();
  EXPECT_THAT((std::set<std::string>{node_of("mn-0"), node_of("mn-1")}), ElementsAre("a1", "b1"));
  EXPECT_EQ(scheduler_->stats().groups_in_one_domain, 0u);
}

TEST_F(SchedulerTest, AGangWaitsForAllItsPodsThenSaysWhatIsMissing) {
  add_node(gpu_node("n1", 8));
  for (int rank = 0; rank < 3; ++rank) create(member("mn", rank, 4, 1));
  scheduler_->caches_synced();
  settle();
  EXPECT_THAT(api_.events, IsEmpty());  // quiet while its pods are being created
  later(std::chrono::seconds(11));
  EXPECT_THAT(events_of("mn-0"),
              ElementsAre("Warning FailedScheduling: 0/1 nodes are available: pod group mn has 3 "
                          "of its 4 pods."));
  create(member("mn", 3, 4, 1));
  settle();
  for (int rank = 0; rank < 4; ++rank) EXPECT_EQ(node_of("mn-" + std::to_string(rank)), "n1");
}

TEST_F(SchedulerTest, AScaleUpPlacesWhatFitsOneReplicaAtATime) {
  add_node(gpu_node("n1", 8));
  add_node(gpu_node("n2", 8));
  for (int replica = 0; replica < 3; ++replica)
    for (int rank = 0; rank < 2; ++rank) create(member("r" + std::to_string(replica), rank, 2, 4));
  scheduler_->caches_synced();
  settle();
  int bound = 0;
  for (int replica = 0; replica < 3; ++replica) {
    const bool a = !node_of("r" + std::to_string(replica) + "-0").empty();
    const bool b = !node_of("r" + std::to_string(replica) + "-1").empty();
    EXPECT_EQ(a, b) << "replica " << replica << " is half bound";
    bound += a ? 1 : 0;
  }
  EXPECT_EQ(bound, 2);  // 16 GPUs: two replicas of 2 x 4
}

TEST_F(SchedulerTest, AGangWhoseBindingFailsMidwayIsRolledBack) {
  add_node(gpu_node("n1", 8));
  for (int rank = 0; rank < 3; ++rank) create(member("mn", rank, 3, 2));
  api_.bind_override = [](const PodInfo& pod, std::string_view) -> WriteOutcome {
    if (pod.name == "mn-2") return {WriteOutcome::Kind::kFailed, "node n1 refused it"};
    return {};
  };
  scheduler_->caches_synced();
  settle();
  // mn-0 and mn-1 were bound, mn-2 could not be: the bound ones are deleted so
  // their controller recreates the group, and nothing stays half bound.
  EXPECT_THAT(api_.log, ::testing::Contains("delete default/mn-0"));
  EXPECT_THAT(api_.log, ::testing::Contains("delete default/mn-1"));
  EXPECT_FALSE(api_.pods.contains("default/mn-0"));
  EXPECT_EQ(node_of("mn-2"), "");
  EXPECT_THAT(events_of("mn-2"),
              ElementsAre("Warning FailedScheduling: pod group default/mn: binding default/mn-2 "
                          "failed (node n1 refused it); deleting the 2 bound pods so the group is "
                          "placed whole"));
  EXPECT_EQ(scheduler_->stats().groups_rolled_back, 1u);
}

TEST_F(SchedulerTest, ANewLeaderCompletesAHalfBoundGang) {
  add_node(gpu_node("n1", 8));
  add_node(gpu_node("n2", 8));
  create_half_bound_gang();
  scheduler_->caches_synced();
  settle();
  EXPECT_EQ(node_of("mn-2"), "n2");
  EXPECT_EQ(node_of("mn-3"), "n2");
  EXPECT_THAT(api_.log, ::testing::Not(::testing::Contains(HasSubstr("annotate"))));
  EXPECT_EQ(scheduler_->stats().groups_completed, 1u);
}

TEST_F(SchedulerTest, ANewLeaderRollsBackAHalfBoundGangItCannotComplete) {
  add_node(gpu_node("n1", 8));
  create_half_bound_gang();  // n2, planned for ranks 2 and 3, is gone
  scheduler_->caches_synced();
  settle();
  EXPECT_FALSE(api_.pods.contains("default/mn-0"));
  EXPECT_FALSE(api_.pods.contains("default/mn-1"));
  EXPECT_EQ(node_of("mn-2"), "");
  EXPECT_EQ(node_of("mn-3"), "");
  EXPECT_EQ(scheduler_->stats().groups_rolled_back, 1u);
}

TEST_F(SchedulerTest, APodDeletedWhileItsBindingIsInFlightFreesItsNode) {
  add_node(gpu_node("n1", 8));
  create(make_pod("p", 8));
  scheduler_->caches_synced();
  scheduler_->run_once();  // reserved; its binding not run yet
  PodInfo p = api_.pods.at("default/p");
  api_.pods.erase("default/p");
  scheduler_->pod_deleted(p);
  settle();  // the binding finds it gone
  create(make_pod("q", 8));
  settle();
  EXPECT_EQ(node_of("q"), "n1");
}

// ABI 1.3: a pending pod that leaves the queue unbound, whichever way, is
// reported to its plugin once (pod_event PENDING_GONE, node DYNOP_NO_NODE);
// a pod that was bound is not (it gets UNASSIGNED when it stops counting).
TEST_F(SchedulerTest, APendingPodThatLeavesUnboundIsReportedGoneOnceToItsPlugin) {
  PodEventLog log;
  start_scheduler(log.info(3));
  add_node(gpu_node("n1", 8));
  for (const char* name :
       {"stuck-deleted", "stuck-terminal", "stuck-deleting", "stuck-moved", "stuck-recreated"})
    create(make_pod(name, 1));
  create(make_pod("runs", 1));
  scheduler_->caches_synced();
  settle();
  EXPECT_EQ(node_of("runs"), "n1");
  EXPECT_EQ(node_of("stuck-deleted"), "");
  EXPECT_THAT(log.take(), ElementsAre("runs ASSIGNED n1"));

  delete_pod("stuck-deleted");
  settle();
  EXPECT_THAT(log.take(), ElementsAre("stuck-deleted PENDING_GONE none"));

  PodInfo terminal = api_.pods.at("default/stuck-terminal");
  terminal.terminal = true;  // phase Failed
  create(terminal);
  settle();
  EXPECT_THAT(log.take(), ElementsAre("stuck-terminal PENDING_GONE none"));

  PodInfo deleting = api_.pods.at("default/stuck-deleting");
  deleting.deleting = true;  // deletionTimestamp set
  create(deleting);
  settle();
  EXPECT_THAT(log.take(), ElementsAre("stuck-deleting PENDING_GONE none"));

  PodInfo moved = api_.pods.at("default/stuck-moved");
  moved.scheduler_name = "default-scheduler";
  create(moved);
  settle();
  EXPECT_THAT(log.take(), ElementsAre("stuck-moved PENDING_GONE none"));

  // Deleted and created again under its name: the old uid is gone, the new
  // pod is pending.
  const std::string old_uid = api_.pods.at("default/stuck-recreated").uid;
  create(make_pod("stuck-recreated", 1));
  settle();
  EXPECT_THAT(log.take(), ElementsAre("stuck-recreated PENDING_GONE none"));
  EXPECT_EQ(log.gone_uids.back(), old_uid);

  // The bound pod: counted, then not; never "pending gone".
  delete_pod("runs");
  settle();
  EXPECT_THAT(log.take(), ElementsAre("runs UNASSIGNED n1"));
  // Nothing twice, nothing later (the retries of the stuck pods included).
  later(std::chrono::minutes(6));
  EXPECT_THAT(log.take(), IsEmpty());
  EXPECT_EQ(log.gone_uids.size(), 5u);
}

// A pod the host reserved a node for and deleted before its binding ran:
// the reservation's UNASSIGNED first, then PENDING_GONE (abi.h's order).
TEST_F(SchedulerTest, AReservedPodDeletedBeforeItsBindingIsUnassignedThenGone) {
  PodEventLog log;
  start_scheduler(log.info(3));
  add_node(gpu_node("n1", 8));
  create(make_pod("p", 1));
  scheduler_->caches_synced();
  scheduler_->run_once();  // reserved; its binding not run yet
  EXPECT_THAT(log.take(), ElementsAre("p ASSIGNED n1"));
  delete_pod("p");
  settle();
  EXPECT_THAT(log.take(), ElementsAre("p UNASSIGNED n1", "p PENDING_GONE none"));
}

// Bound and finished before the informer showed it bound (its first update
// seen has a node and phase Succeeded): placed, so not "pending gone".
TEST_F(SchedulerTest, APodSeenFirstBoundAndFinishedIsNotReportedGone) {
  PodEventLog log;
  start_scheduler(log.info(3));
  add_node(gpu_node("n1", 8));
  create(make_pod("p", 1));
  scheduler_->caches_synced();
  scheduler_->run_once();  // reserved; its binding not run yet
  PodInfo done = api_.pods.at("default/p");
  done.node_name = "n1";
  done.terminal = true;
  create(done);
  tasks_.clear();  // the binding's answer is lost with the update it would have caused
  settle();
  EXPECT_THAT(log.take(), ElementsAre("p ASSIGNED n1", "p UNASSIGNED n1"));
  EXPECT_THAT(log.gone_uids, IsEmpty());
}

// A plugin declaring ABI 1.2 does not know the kind: it is never sent one.
TEST_F(SchedulerTest, APluginOfAbi12IsNeverToldAPendingPodIsGone) {
  PodEventLog log;
  start_scheduler(log.info(2));
  add_node(gpu_node("n1", 8));
  create(make_pod("stuck-a", 1));
  create(make_pod("runs", 1));
  scheduler_->caches_synced();
  settle();
  delete_pod("stuck-a");
  delete_pod("runs");
  settle();
  EXPECT_THAT(log.take(), ElementsAre("runs ASSIGNED n1", "runs UNASSIGNED n1"));
  EXPECT_THAT(log.gone_uids, IsEmpty());
}

// The gpu-scheduler through the C ABI: a pending pod pinned to H200 keeps
// pods free to run anywhere off the H200 node; once it is deleted, the next
// such pod goes where binpack sends it, the H200 node, at once (before 1.3
// the plugin kept the deleted pod's demand for up to 15 minutes).
TEST_F(SchedulerTest, ADeletedPendingPinnedPodStopsKeepingItsProductAtOnce) {
  add_node(gpu_node("h200", 8, "NVIDIA-H200"));
  add_node(gpu_node("h100", 8, "NVIDIA-H100"));
  PodInfo user = make_pod("bound-by-user", 4);  // spec.nodeName set: nobody's pinned pod
  user.node_name = "h200";
  create(user);
  create(pinned_pod("needs-h200", 8, "NVIDIA-H200"));
  scheduler_->caches_synced();
  settle();
  EXPECT_EQ(node_of("needs-h200"), "");
  // Binpack alone takes the fuller H200 node; the pinned pod keeps it.
  create(make_pod("before", 4));
  settle();
  EXPECT_EQ(node_of("before"), "h100");
  delete_pod("before");
  delete_pod("needs-h200");
  settle();
  create(make_pod("after", 4));
  settle();
  EXPECT_EQ(node_of("after"), "h200");
}

}  // namespace
}  // namespace dynop::host::scheduler
