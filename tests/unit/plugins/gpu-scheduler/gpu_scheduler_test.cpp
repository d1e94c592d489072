// The gpu-scheduler's placement logic driven through its typed hooks the way
// the host drives them (pre_filter, filter over the candidates, score over
// the feasible, then the best; filter over every node to explain a failure),
// on inventories built with the SDK's FakeCluster.

#include "plugins/gpu-scheduler/gpu_scheduler.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <dynop/sdk/testing/fake_cluster.hpp>
#include <map>
#include <numeric>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "plugins/common/names.hpp"

namespace dynop::plugins::gpu_scheduler {
namespace {

using sdk::NodeIndex;
using sdk::testing::FakeCluster;
using sdk::testing::FakePod;
using ::testing::ElementsAre;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;

constexpr const char* kH100 = "NVIDIA-H100-80GB-HBM3";
constexpr const char* kH200 = "NVIDIA-H200";

struct Outcome {
  std::optional<std::string> node;      // where it went
  std::map<std::string, int> reasons;   // why not, per reason text, over every node
  std::string error;                    // pre_filter's refusal
  std::vector<std::string> candidates;  // pre_filter's list, in order
};

class Harness {
 public:
  explicit Harness(GpuSchedulerConfig config = {}) : sched_(std::move(config)) {}

  // A Ready GPU node; call added() once it is configured.
  FakeCluster::Node& gpu_node(const std::string& name, const char* product, int64_t gpus) {
    FakeCluster::Node& n = cluster_.add_node(name);
    n.label(std::string(kGpuProductLabel), product)
        .allocatable("nvidia.com/gpu", gpus)
        .allocatable("cpu", 64000)
        .allocatable("memory", int64_t{512} << 30);
    return n;
  }
  NodeIndex added(FakeCluster::Node& n) {
    sched_.on_node(cluster_.view(), n.index(), sdk::NodeEvent::kAdded);
    return n.index();
  }
  NodeIndex add(const std::string& name, const char* product, int64_t gpus) {
    return added(gpu_node(name, product, gpus));
  }
  void updated(NodeIndex n) { sched_.on_node(cluster_.view(), n, sdk::NodeEvent::kUpdated); }
  void removed(NodeIndex n) {
    cluster_.node(n).ready(false);  // the host keeps a slot without the node; never offered
    sched_.on_node(cluster_.view(), n, sdk::NodeEvent::kRemoved);
  }

  // The pod now counts on node n (the host's reservation or a binding).
  void assign(FakePod& pod, NodeIndex n) {
    sdk::PodView view = cluster_.view_of(pod);
    for (sdk::ResourceAmount r : view.requests())
      cluster_.node(n).request(std::string(cluster_.view().resource_name(r.resource)), r.amount);
    sched_.on_pod(cluster_.view(), cluster_.view_of(pod), n, sdk::PodEvent::kAssigned);
  }

  Outcome place(FakePod&& pod, bool commit = true) { return place(pod, commit); }
  // One cycle; on success the pod is assigned to the chosen node.
  Outcome place(FakePod& pod, bool commit = true) {
    Outcome out;
    const sdk::PodView pv = cluster_.view_of(pod);
    const sdk::ClusterView cv = cluster_.view();
    sdk::PreFilterResult pre = sched_.pre_filter(cv, pv);
    if (!pre.status().is_ok()) {
      out.error = pre.status().message();
      return out;
    }
    std::vector<NodeIndex> candidates = pre.nodes();
    if (!pre.restricted()) {
      candidates.resize(cluster_.node_count());
      std::iota(candidates.begin(), candidates.end(), 0);
    }
    for (NodeIndex n : candidates) out.candidates.emplace_back(cv.node(n).name());
    sdk::FilterResults verdicts(candidates.size());
    EXPECT_TRUE(sched_.filter(cv, pv, candidates, verdicts).is_ok());
    std::vector<NodeIndex> feasible;
    for (std::size_t i = 0; i < candidates.size(); ++i)
      if (verdicts.fits(i)) feasible.push_back(candidates[i]);
    if (feasible.empty()) {
      std::vector<NodeIndex> all(cluster_.node_count());
      std::iota(all.begin(), all.end(), 0);
      sdk::FilterResults why(all.size());
      EXPECT_TRUE(sched_.filter(cv, pv, all, why).is_ok());
      for (std::size_t i = 0; i < all.size(); ++i) {
        if (why.fits(i)) {
          ADD_FAILURE() << "node " << cv.node(all[i]).name() << " fits but pre_filter left it out";
          continue;
        }
        for (const std::string& m : why.messages(why.verdict(i))) ++out.reasons[m];
      }
      return out;
    }
    std::vector<int64_t> scores(feasible.size());
    EXPECT_TRUE(sched_.score(cv, pv, feasible, scores).is_ok());
    std::size_t best = 0;
    for (std::size_t i = 1; i < feasible.size(); ++i)
      if (scores[i] > scores[best]) best = i;
    out.node = std::string(cv.node(feasible[best]).name());
    if (commit) assign(pod, feasible[best]);
    return out;
  }

  FakeCluster& cluster() { return cluster_; }
  GpuScheduler& scheduler() { return sched_; }

 private:
  FakeCluster cluster_;
  GpuScheduler sched_;
};

FakePod gpu_pod(const std::string& name, int64_t gpus) {
  FakePod pod("default", name);
  pod.request("nvidia.com/gpu", gpus).request("cpu", 1000);
  return pod;
}

TEST(GpuScheduler, NodeAffinityOnGpuProductLandsOnlyOnThatProduct) {
  Harness h;
  h.add("h100-a", kH100, 8);
  h.add("h200-a", kH200, 8);
  h.add("h100-b", kH100, 8);
  FakePod pod = gpu_pod("wants-h200", 8);
  pod.affinity_term({{std::string(kGpuProductLabel), sdk::SelectorOperator::kIn, {kH200}}});
  EXPECT_EQ(h.place(pod).node, "h200-a");
  // The only H200 is full now: the next such pod fits nowhere, and says why per node.
  FakePod second = gpu_pod("wants-h200-too", 1);
  second.affinity_term({{std::string(kGpuProductLabel), sdk::SelectorOperator::kIn, {kH200}}});
  const Outcome o = h.place(second);
  EXPECT_EQ(o.node, std::nullopt);
  EXPECT_THAT(o.reasons,
              UnorderedElementsAre(Pair("node(s) didn't match Pod's node affinity/selector", 2),
                                   Pair("Insufficient nvidia.com/gpu", 1)));
}

TEST(GpuScheduler, NodeSelectorAndAffinityOperators) {
  Harness h;
  h.added(h.gpu_node("a", kH100, 8).label("rack", "r1").label("gen", "3"));
  h.added(h.gpu_node("b", kH100, 8).label("rack", "r2").label("gen", "5"));
  h.added(h.gpu_node("c", kH200, 8).label("gen", "7"));
  auto place = [&](FakePod pod) { return h.place(pod, false).node.value_or("none"); };

  EXPECT_EQ(place(gpu_pod("sel", 1).node_selector("rack", "r2")), "b");
  // NotIn and DoesNotExist match nodes without the label.
  EXPECT_EQ(place(gpu_pod("notin", 1)
                      .affinity_term({{"rack", sdk::SelectorOperator::kNotIn, {"r1", "r2"}}})),
            "c");
  EXPECT_EQ(
      place(gpu_pod("dne", 1).affinity_term({{"rack", sdk::SelectorOperator::kDoesNotExist, {}}})),
      "c");
  EXPECT_EQ(place(gpu_pod("gt", 1).affinity_term({{"gen", sdk::SelectorOperator::kGt, {"4"}},
                                                  {"gen", sdk::SelectorOperator::kLt, {"6"}}})),
            "b");
  // Terms are ORed; matchFields selects by node name.
  EXPECT_EQ(place(gpu_pod("fields", 1)
                      .affinity_term({}, {{"metadata.name", sdk::SelectorOperator::kIn, {"a"}}})),
            "a");
  // A term kube would refuse (Gt with two values) matches nothing; another term still can.
  EXPECT_EQ(place(gpu_pod("bad-term", 1)
                      .affinity_term({{"gen", sdk::SelectorOperator::kGt, {"1", "2"}}})
                      .affinity_term({{"rack", sdk::SelectorOperator::kIn, {"r1"}}})),
            "a");
  FakePod nothing = gpu_pod("nothing", 1);
  nothing.affinity_term({{"gen", sdk::SelectorOperator::kGt, {"1", "2"}}});
  EXPECT_THAT(h.place(nothing).reasons,
              ElementsAre(Pair("node(s) didn't match Pod's node affinity/selector", 3)));
  // nodeSelector and affinity must both hold.
  FakePod both = gpu_pod("both", 1);
  both.node_selector("rack", "r1").affinity_term({{"gen", sdk::SelectorOperator::kIn, {"5"}}});
  EXPECT_EQ(h.place(both).node, std::nullopt);
}

TEST(GpuScheduler, TaintsAreUsedOnlyByToleratingPods) {
  Harness h;
  h.added(
      h.gpu_node("tainted", kH100, 8).taint("dedicated", "infer", sdk::TaintEffect::kNoSchedule));
  h.added(h.gpu_node("soft", kH100, 2).taint("spot", "", sdk::TaintEffect::kPreferNoSchedule));
  FakePod plain = gpu_pod("plain", 4);
  const Outcome o = h.place(plain);
  EXPECT_EQ(o.node, std::nullopt);
  EXPECT_THAT(o.reasons,
              UnorderedElementsAre(Pair("node(s) had untolerated taint {dedicated: infer}", 1),
                                   Pair("Insufficient nvidia.com/gpu", 1)));
  FakePod wrong_value = gpu_pod("wrong", 4);
  wrong_value.toleration({"dedicated", sdk::TolerationOperator::kEqual, "train"});
  EXPECT_EQ(h.place(wrong_value).node, std::nullopt);
  FakePod tolerating = gpu_pod("tolerating", 4);
  tolerating.toleration(
      {"dedicated", sdk::TolerationOperator::kEqual, "infer", sdk::TaintEffect::kNoSchedule});
  EXPECT_EQ(h.place(tolerating).node, "tainted");
  FakePod any = gpu_pod("exists-all", 4);
  any.toleration({"", sdk::TolerationOperator::kExists, ""});
  EXPECT_EQ(h.place(any).node, "tainted");
  // PreferNoSchedule does not keep pods out.
  EXPECT_EQ(h.place(gpu_pod("small", 2)).node, "soft");
}

TEST(GpuScheduler, CordonedAndNotReadyNodes) {
  Harness h;
  h.added(h.gpu_node("cordoned", kH100, 8).unschedulable(true));
  h.added(h.gpu_node("down", kH100, 8).ready(false));
  FakePod pod = gpu_pod("p", 1);
  EXPECT_THAT(h.place(pod).reasons, UnorderedElementsAre(Pair("node(s) were unschedulable", 1),
                                                         Pair("node(s) were not ready", 1)));
  FakePod tolerating = gpu_pod("t", 1);
  tolerating.toleration({std::string(kUnschedulableTaintKey), sdk::TolerationOperator::kExists, "",
                         sdk::TaintEffect::kNoSchedule});
  EXPECT_EQ(h.place(tolerating).node, "cordoned");
  h.cluster().node(1).ready(true);
  h.updated(1);
  EXPECT_EQ(h.place(pod).node, "down");
}

TEST(GpuScheduler, EveryInsufficientResourceIsAReason) {
  Harness h;
  h.added(h.gpu_node("small", kH100, 2).allocatable("pods", 1));
  FakePod filler("default", "filler");
  h.assign(filler, 0);  // the node's one pod slot is taken
  FakePod pod = gpu_pod("big", 4);
  pod.request("cpu", 128000).request("example.com/fpga", 1);
  EXPECT_THAT(h.place(pod).reasons,
              UnorderedElementsAre(Pair("Too many pods", 1), Pair("Insufficient cpu", 1),
                                   Pair("Insufficient nvidia.com/gpu", 1),
                                   Pair("Insufficient example.com/fpga", 1)));
}

TEST(GpuScheduler, MigProfilesAreResourcesLikeGpus) {
  Harness h;
  h.added(h.gpu_node("full-gpus", kH100, 8));
  h.added(h.gpu_node("mig", kH100, 0).allocatable("nvidia.com/mig-3g.40gb", 2));
  FakePod slice("default", "slice");
  slice.request("nvidia.com/mig-3g.40gb", 1);
  EXPECT_EQ(h.place(slice).node, "mig");
  EXPECT_EQ(h.place(slice).node, "mig");
  const Outcome o = h.place(slice);
  EXPECT_EQ(o.node, std::nullopt);
  EXPECT_EQ(o.reasons.at("Insufficient nvidia.com/mig-3g.40gb"), 2);
}

TEST(GpuScheduler, BinpackFillsPartlyUsedNodesFirst) {
  Harness h;
  for (const char* name : {"n0", "n1", "n2"}) h.add(name, kH100, 8);
  FakePod first = gpu_pod("first", 2);
  const std::string home = h.place(first).node.value();
  // Everything that fits next to it goes there until it is full.
  for (int i = 0; i < 3; ++i) {
    FakePod next = gpu_pod("next-" + std::to_string(i), 2);
    EXPECT_EQ(h.place(next).node, home);
  }
  FakePod after = gpu_pod("after", 2);
  const Outcome o = h.place(after);
  EXPECT_NE(o.node, home);
  // Candidates come fullest-first: the pod's bucket walk skips the full node.
  EXPECT_EQ(o.candidates.size(), 2u);
}

TEST(GpuScheduler, SpreadByConfigOrAnnotation) {
  GpuSchedulerConfig config;
  config.scoring = Scoring::kSpread;
  Harness spread(config);
  for (const char* name : {"n0", "n1", "n2"}) spread.add(name, kH100, 8);
  std::set<std::string> used;
  for (int i = 0; i < 3; ++i) {
    FakePod pod = gpu_pod("p" + std::to_string(i), 1);
    used.insert(spread.place(pod).node.value());
  }
  EXPECT_EQ(used.size(), 3u);  // one per node

  Harness binpack;
  for (const char* name : {"n0", "n1"}) binpack.add(name, kH100, 8);
  FakePod a = gpu_pod("a", 1);
  const std::string first = binpack.place(a).node.value();
  FakePod b = gpu_pod("b", 1);
  b.annotation(std::string(kScoringAnnotation), "spread");
  EXPECT_NE(binpack.place(b).node, first);
  FakePod typo = gpu_pod("typo", 1);
  typo.annotation(std::string(kScoringAnnotation), "sprad");
  EXPECT_EQ(binpack.place(typo).error,
            "annotation gpu-scheduler.dynop.dev/scoring: must be \"binpack\" or \"spread\", not "
            "\"sprad\"");
}

TEST(GpuScheduler, PrefersTheGpuProductTheGraphAlreadyUses) {
  Harness h;
  h.add("h100", kH100, 8);
  h.add("h200", kH200, 8);
  FakePod prefill = gpu_pod("prefill", 4);
  prefill.label(std::string(common::kLabelDgdName), "llama");
  prefill.affinity_term({{std::string(kGpuProductLabel), sdk::SelectorOperator::kIn, {kH200}}});
  EXPECT_EQ(h.place(prefill).node, "h200");
  EXPECT_THAT(h.scheduler().graph_products().products("default/llama"), ElementsAre(kH200));
  // Binpack alone would pick either empty-ish node; the graph's product wins.
  FakePod decode = gpu_pod("decode", 2);
  decode.label(std::string(common::kLabelDgdName), "llama");
  const Outcome o = h.place(decode);
  EXPECT_EQ(o.node, "h200");
  EXPECT_EQ(o.candidates.front(), "h200");
  // Another graph has no product yet: binpack alone would take the fuller
  // h200, but a pod pinned to H200 runs there (reserve_pinned_gpu_products
  // keeps H200 for such pods while another product has room).
  FakePod other = gpu_pod("other", 2);
  other.label(std::string(common::kLabelDgdName), "qwen");
  EXPECT_EQ(h.place(other).node, "h100");
  FakePod other2 = gpu_pod("other-2", 4);
  other2.label(std::string(common::kLabelDgdName), "qwen");
  EXPECT_EQ(h.place(other2).node, "h100");  // qwen's product now
  // Llama's product has room: its pods keep to it.
  FakePod decode2 = gpu_pod("decode-2", 2);
  decode2.label(std::string(common::kLabelDgdName), "llama");
  EXPECT_EQ(h.place(decode2).node, "h200");

  GpuSchedulerConfig off;
  off.prefer_graph_gpu_product = false;
  Harness plain(off);
  plain.add("h100", kH100, 8);
  plain.add("h200", kH200, 8);
  FakePod x = gpu_pod("x", 4);
  x.label(std::string(common::kLabelDgdName), "g");
  FakePod y = gpu_pod("y", 4);
  y.label(std::string(common::kLabelDgdName), "g");
  const std::string first = plain.place(x).node.value();
  EXPECT_EQ(plain.place(y).node, first);  // binpack only
}

TEST(GpuScheduler, GraphProductsFollowPodsComingAndGoing) {
  Harness h;
  const NodeIndex n = h.add("h100", kH100, 8);
  FakePod pod = gpu_pod("w", 1);
  pod.label(std::string(common::kLabelDgdName), "g");
  h.assign(pod, n);
  EXPECT_THAT(h.scheduler().graph_products().products("default/g"), ElementsAre(kH100));
  h.scheduler().on_pod(h.cluster().view(), h.cluster().view_of(pod), n, sdk::PodEvent::kUnassigned);
  EXPECT_TRUE(h.scheduler().graph_products().products("default/g").empty());
  // CPU-only pods (frontends) say nothing about a graph's GPUs.
  FakePod frontend("default", "frontend");
  frontend.label(std::string(common::kLabelDgdName), "g").request("cpu", 500);
  h.assign(frontend, n);
  EXPECT_TRUE(h.scheduler().graph_products().products("default/g").empty());
}

TEST(GpuScheduler, InventoryFollowsNodeEvents) {
  Harness h;
  const NodeIndex a = h.add("a", kH100, 8);
  FakePod pod = gpu_pod("p", 8);
  pod.node_selector("pool", "gold");
  EXPECT_EQ(h.place(pod, false).node, std::nullopt);
  h.cluster().node(a).label("pool", "gold");
  h.updated(a);
  EXPECT_EQ(h.place(pod, false).node, "a");
  const NodeIndex b = h.added(h.gpu_node("b", kH100, 8).label("pool", "gold"));
  h.removed(a);
  EXPECT_EQ(h.place(pod, false).node, "b");
  (void)b;
}

TEST(GpuScheduler, NoNodeWithTheGpuResourceMeansNoCandidates) {
  Harness h;
  h.added(h.cluster().add_node("cpu-only").allocatable("cpu", 8000));
  FakePod pod = gpu_pod("p", 1);
  const Outcome o = h.place(pod);
  EXPECT_TRUE(o.candidates.empty());
  EXPECT_THAT(o.reasons, ElementsAre(Pair("Insufficient nvidia.com/gpu", 1)));
  FakePod cpu("default", "cpu");
  cpu.request("cpu", 1000);
  EXPECT_EQ(h.place(cpu).node, "cpu-only");
}

FakePod pinned_pod(const std::string& name, int64_t gpus, const char* product) {
  FakePod pod = gpu_pod(name, gpus);
  pod.affinity_term({{std::string(kGpuProductLabel), sdk::SelectorOperator::kIn, {product}}});
  return pod;
}

// The bench's defect in small: pods free to run on any product arrive while
// pods pinned to H200 wait; binpack alone fills the H200 node (added first,
// so first among equally empty nodes) and the pinned pods find no H200 left.
TEST(GpuScheduler, PodsFreeToRunAnywhereLeaveThePinnedProductToPendingPinnedPods) {
  auto run = [](bool reserve) {
    GpuSchedulerConfig config;
    config.reserve_pinned_gpu_products = reserve;
    Harness h(config);
    h.add("h200-a", kH200, 8);
    h.add("h100-a", kH100, 8);
    h.add("h100-b", kH100, 8);
    // The host calls pod_group (here on_pending) when it first sees a pending pod.
    std::vector<FakePod> pinned = {pinned_pod("pinned-0", 4, kH200),
                                   pinned_pod("pinned-1", 4, kH200)};
    for (FakePod& p : pinned) h.scheduler().on_pending(h.cluster().view_of(p));
    std::vector<std::string> placed;
    for (int i = 0; i < 4; ++i) {
      FakePod any = gpu_pod("any-" + std::to_string(i), 4);
      placed.push_back(h.place(any).node.value_or("none"));
    }
    for (FakePod& p : pinned) placed.push_back(h.place(p).node.value_or("none"));
    return placed;
  };
  EXPECT_THAT(run(true), ElementsAre("h100-a", "h100-a", "h100-b", "h100-b", "h200-a", "h200-a"));
  // Without the term the H200 node goes first and the pinned pods do not fit.
  EXPECT_THAT(run(false), ElementsAre("h200-a", "h200-a", "h100-a", "h100-a", "none", "none"));
}

TEST(GpuScheduler, PinnedDemandIsCountedUntilThePodIsPlaced) {
  Harness h;
  h.add("h200-a", kH200, 8);
  h.add("h200-b", kH200, 8);
  h.add("h100-a", kH100, 8);
  // Serves only tolerating pods: not counted as supply.
  h.added(
      h.gpu_node("h200-tainted", kH200, 8).taint("gpu", "reserved", sdk::TaintEffect::kNoSchedule));
  const sdk::ResourceId gpu = h.cluster().view().find_resource("nvidia.com/gpu").value();
  const ProductBalance& balance = h.scheduler().product_balance();
  EXPECT_EQ(balance.supply(kH200, gpu), 16);
  EXPECT_EQ(balance.supply(kH100, gpu), 8);
  // No on_pending: the first scheduling attempt counts it too.
  FakePod pinned = pinned_pod("pinned", 4, kH200);
  EXPECT_EQ(h.place(pinned, false).node, "h200-a");
  EXPECT_EQ(balance.demand(kH200, gpu), 4);
  // A pod free to run anywhere goes where no pinned pod wants, though
  // binpack's tie would go to the first node, an H200 one.
  FakePod any = gpu_pod("any", 8);
  const Outcome o = h.place(any);
  EXPECT_EQ(o.node, "h100-a");
  EXPECT_EQ(o.candidates.front(), "h100-a");
  // H100 is full: H200 has 16 free for the 4 pinned, room for another 8.
  FakePod any2 = gpu_pod("any-2", 8);
  EXPECT_EQ(h.place(any2).node, "h200-a");
  EXPECT_EQ(balance.supply(kH200, gpu), 8);
  EXPECT_EQ(h.place(pinned).node, "h200-b");
  EXPECT_EQ(balance.demand(kH200, gpu), 0);
  EXPECT_EQ(balance.supply(kH200, gpu), 4);
  // Pinned pods run on H200: a new H100 node is preferred to H200's last four
  // GPUs, which binpack alone would choose.
  h.add("h100-b", kH100, 8);
  FakePod any3 = gpu_pod("any-3", 4);
  EXPECT_EQ(h.place(any3).node, "h100-b");
  // A pod pinned to every product there is pins nothing.
  FakePod both = gpu_pod("both", 1);
  both.affinity_term({{std::string(kGpuProductLabel), sdk::SelectorOperator::kIn, {kH100, kH200}}});
  h.scheduler().on_pending(h.cluster().view_of(both));
  EXPECT_EQ(balance.demand(kH200, gpu), 0);
  EXPECT_FALSE(balance.any_demand());
}

// A preference, never a filter: when only the pinned product fits, a pod free
// to run anywhere still takes it.
TEST(GpuScheduler, PodsFreeToRunAnywhereTakeThePinnedProductWhenNothingElseFits) {
  Harness h;
  h.add("h200-a", kH200, 8);
  h.add("h100-a", kH100, 4);
  FakePod pinned = pinned_pod("pinned", 8, kH200);
  h.scheduler().on_pending(h.cluster().view_of(pinned));
  FakePod small = gpu_pod("small", 2);
  EXPECT_EQ(h.place(small).node, "h100-a");
  FakePod big = gpu_pod("big", 8);
  const Outcome o = h.place(big);
  EXPECT_EQ(o.node, "h200-a");
  EXPECT_THAT(o.candidates, ElementsAre("h200-a"));
  EXPECT_THAT(h.place(pinned).reasons,
              UnorderedElementsAre(Pair("Insufficient nvidia.com/gpu", 1),
                                   Pair("node(s) didn't match Pod's node affinity/selector", 1)));
}

TEST(GpuScheduler, PodGroupsComeFromTheDgdGroupLabels) {
  GpuScheduler sched{GpuSchedulerConfig{}};
  FakeCluster cluster;
  FakePod single("default", "single");
  single.label(std::string(common::kLabelGroup), "svc-abc-0");
  EXPECT_EQ(sched.pod_group(cluster.view_of(single)).name, "");  // no size: one pod
  FakePod member("default", "mn-0");
  member.label(std::string(common::kLabelGroup), "mn-abc-0")
      .label(std::string(common::kLabelGroupSize), "4");
  const sdk::PodGroup g = sched.pod_group(cluster.view_of(member));
  EXPECT_EQ(g.name, "mn-abc-0");
  EXPECT_EQ(g.min_member, 4u);
  EXPECT_THAT(g.topology_keys, ElementsAre("nvidia.com/gpu.clique", "topology.kubernetes.io/rack"));
  EXPECT_TRUE(g.topology_required);
  member.label(std::string(common::kLabelGroupSize), "four");
  EXPECT_EQ(sched.pod_group(cluster.view_of(member)).name, "");
}

}  // namespace
}  // namespace dynop::plugins::gpu_scheduler
