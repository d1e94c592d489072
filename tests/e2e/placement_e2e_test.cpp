// GPU placement end to end: the real dynop host with the real gpu-scheduler.so
// against the real dynop-localcluster, with the real dynop-sim playing the
// GPU nodes (tests/e2e/profiles/placement-cluster.yaml: two NVLink cliques of
// two H100 nodes, a clique of two H200 nodes, one tainted H200 node) and the
// kubelets that run the pods bound to them. The test creates and deletes pods
// with the real kubectl, as a user would; what it checks is what a user sees
// with kubectl: spec.nodeName, the pod Running on its node (status.phase,
// status.hostIP = the node's InternalIP), the Events (reason, message,
// reporting component), the PodScheduled condition and the nodes' labels.
// Only the waits poll the API directly.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <csignal>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <string>

#include "tests/integration/localcluster/local_cluster.hpp"
#include "tests/support/kubectl.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/running_host.hpp"
#include "tests/support/running_sim.hpp"
#include "tests/support/temp_dir.hpp"

namespace dynop {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using test::eventually;
using test::field_text;
using ::testing::HasSubstr;

constexpr int kWaitSeconds = 30;
constexpr const char* kPods = "/api/v1/namespaces/default/pods";
constexpr const char* kH100 = "NVIDIA-H100-80GB-HBM3";
constexpr const char* kH200 = "NVIDIA-H200";
constexpr const char* kCliqueLabel = "nvidia.com/gpu.clique";
// The cluster profile's nodes, as dynop-sim names them ("<pool>-<index>").
const std::set<std::string> kH200Nodes = {"h200-0", "h200-1"};
constexpr const char* kReservedNode = "h200-reserved-0";  // tainted gpu=reserved:NoSchedule
constexpr const char* kAddedNode = "h200-added-0";        // placement-added-node.yaml

json::object gpu_pod(const std::string& name, int gpus, json::object labels = {}) {
  json::object resources{{"requests", {{"cpu", "1"}, {"nvidia.com/gpu", std::to_string(gpus)}}},
                         {"limits", {{"nvidia.com/gpu", std::to_string(gpus)}}}};
  return {
      {"apiVersion", "v1"},
      {"kind", "Pod"},
      {"metadata", {{"name", name}, {"labels", std::move(labels)}}},
      {"spec",
       {{"schedulerName", "dynop-gpu-scheduler"},
        {"containers", json::array{json::object{
                           {"name", "main"}, {"image", "busybox"}, {"resources", resources}}}}}}};
}

// The pod asks for a GPU product through required node affinity on the
// label GPU feature discovery sets (nvidia.com/gpu.product).
json::object wanting(const char* product, json::object pod) {
  pod["spec"].as_object()["affinity"] = json::object{
      {"nodeAffinity",
       {{"requiredDuringSchedulingIgnoredDuringExecution",
         {{"nodeSelectorTerms",
           json::array{json::object{
               {"matchExpressions", json::array{json::object{{"key", "nvidia.com/gpu.product"},
                                                             {"operator", "In"},
                                                             {"values", json::array{product}}}}}}}}}}}}};
  return pod;
}

json::object tolerating_reserved(json::object pod) {
  pod["spec"].as_object()["tolerations"] = json::array{json::object{
      {"key", "gpu"}, {"operator", "Equal"}, {"value", "reserved"}, {"effect", "NoSchedule"}}};
  return pod;
}

// A member of a multinode group (one replica of a multinode service with
// nodeCount `size`) as the dgd plugin labels it, on H100s.
json::object member(const std::string& group, int rank, int size, int gpus) {
  return wanting(kH100, gpu_pod(group + "-" + std::to_string(rank), gpus,
                                {{"nvidia.com/dynamo-group", group},
                                 {"nvidia.com/dynamo-group-size", std::to_string(size)}}));
}

std::string name_of(const std::string& group, int rank) {
  return group + "-" + std::to_string(rank);
}

class GpuPlacementE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(cluster_.ok()) << cluster_.error();
    fs::create_directories(plugins());
    fs::create_symlink(test::binary_path("plugins/gpu-scheduler.so"),
                       plugins() / "gpu-scheduler.so");
    auto ns =
        cluster_.post("/api/v1/namespaces", json::object{{"apiVersion", "v1"},
                                                         {"kind", "Namespace"},
                                                         {"metadata", {{"name", "dynop-system"}}}});
    ASSERT_EQ(ns.status, 201u) << ns.body;
    sims_.push_back(start_sim("placement-cluster.yaml"));
    ASSERT_TRUE(sims_.back()->ready()) << sims_.back()->log();
  }
  void TearDown() override {
    for (auto& host : hosts_)
      if (host && host->started() && host->process().running()) host->stop();
    for (auto& sim : sims_)
      if (sim->ready() && sim->process().running()) sim->stop();
  }

  fs::path plugins() const { return dir_.path() / "plugins"; }
  test::RunningSim& sim() { return *sims_.front(); }

  std::unique_ptr<test::RunningSim> start_sim(const std::string& profile) {
    return std::make_unique<test::RunningSim>(test::RunningSim::Options{
        .profile = test::source_path("tests/e2e/profiles/" + profile),
        .kubeconfig = cluster_.kubeconfig(),
        .admin_token_file = dir_.path() / (profile + ".admin-token"),
        .extra_args = {}});
  }
  // A node joins the running cluster: a second dynop-sim with a one-node
  // profile registers kAddedNode (an H200 node, untainted) and runs its pods.
  void add_node() {
    sims_.push_back(start_sim("placement-added-node.yaml"));
    ASSERT_TRUE(sims_.back()->ready()) << sims_.back()->log();
  }

  // A host with leader election on a short lease, so a second one takes over fast.
  test::RunningHost& start_host() {
    hosts_.push_back(std::make_unique<test::RunningHost>(std::vector<std::string>{
        "--kubeconfig", cluster_.kubeconfig(), "--plugin-dir", plugins().string(),
        "--metrics-address", "127.0.0.1:0", "--leader-elect-lease-duration", "3s",
        "--leader-elect-renew-deadline", "2s", "--leader-elect-retry-period", "500ms"}));
    EXPECT_TRUE(hosts_.back()->ready()) << hosts_.back()->log();
    return *hosts_.back();
  }
  std::string host_logs() const {
    std::string out;
    for (const auto& host : hosts_) out += host->log();
    return out;
  }

  void create_pod(const json::object& pod) {
    kubectl_.ok({"apply", "-n", "default", "-f", "-"}, json::serialize(pod));
  }
  // `kubectl delete pod`: returns once the pod is gone, which takes the
  // kubelet (dynop-sim) stopping its containers.
  void delete_pod(const std::string& name) {
    kubectl_.ok({"delete", "pod", name, "-n", "default", "--timeout=60s"});
  }
  json::value pod(const std::string& name) {
    return cluster_.get(std::string(kPods) + "/" + name).json();
  }
  // `kubectl get pod <name> -o jsonpath={.spec.nodeName}`: "" while pending.
  std::string node_of(const std::string& name) {
    return kubectl_.ok({"get", "pod", name, "-n", "default", "-o", "jsonpath={.spec.nodeName}"});
  }
  // A node label as `kubectl get node` shows it; "" when the node has none.
  std::string label_of(const std::string& node, const std::string& key) {
    const json::value n = kubectl_.get_json({"node", node});
    const json::value* labels = n.is_object() ? n.at("metadata").as_object().if_contains("labels")
                                              : nullptr;
    if (!labels || !labels->as_object().contains(key)) return "";
    return std::string(labels->at(key).as_string());
  }
  std::string internal_ip(const std::string& node) {
    return kubectl_.ok({"get", "node", node, "-o",
                        R"(jsonpath={.status.addresses[?(@.type=="InternalIP")].address})"});
  }
  // For waits: the same through the API, without a kubectl process per poll.
  bool bound(const std::string& name) {
    const std::string node = field_text(pod(name), {"spec", "nodeName"});
    return node != "<missing>" && !node.empty();
  }
  bool running(const std::string& name) {
    return field_text(pod(name), {"status", "phase"}) == "Running";
  }
  bool gone(const std::string& name) {
    return cluster_.get(std::string(kPods) + "/" + name).status == 404;
  }
  bool terminating_or_gone(const std::string& name) {
    auto r = cluster_.get(std::string(kPods) + "/" + name);
    return r.status == 404 ||
           field_text(r.json(), {"metadata", "deletionTimestamp"}) != "<missing>";
  }
  // The pod was placed on `node` and its kubelet (dynop-sim's) runs it there:
  // `kubectl get pod` shows phase Running and the node's InternalIP as hostIP.
  void expect_runs_on(const std::string& name, const std::string& node) {
    ASSERT_TRUE(eventually([&] { return running(name); }, kWaitSeconds))
        << name << " status: " << json::serialize(pod(name).at("status")) << "\n"
        << sim().log();
    EXPECT_EQ(kubectl_.ok({"get", "pod", name, "-n", "default", "-o",
                           "jsonpath={.spec.nodeName} {.status.phase} {.status.hostIP}"}),
              node + " Running " + internal_ip(node));
  }
  // `kubectl get events -o json`: the Events on pod `name` with `reason`, in creation order.
  std::vector<json::object> event_objects(const std::string& name, const std::string& reason) {
    std::vector<json::object> out;
    const json::value list = kubectl_.get_json({"events", "-n", "default"});
    if (!list.is_object() || !list.as_object().contains("items")) return out;
    for (const json::value& e : list.at("items").as_array())
      if (field_text(e, {"involvedObject", "name"}) == name && field_text(e, {"reason"}) == reason)
        out.push_back(e.as_object());
    return out;
  }
  std::vector<std::string> events(const std::string& name, const std::string& reason) {
    std::vector<std::string> out;
    for (const json::object& e : event_objects(name, reason))
      out.push_back(field_text(e, {"message"}));
    return out;
  }
  std::string reporter(const std::string& name, const std::string& reason) {
    auto all = event_objects(name, reason);
    return all.empty() ? "" : field_text(all.front(), {"reportingComponent"});
  }
  bool failed_scheduling(const std::string& name) {
    return eventually([&] { return !events(name, "FailedScheduling").empty(); }, kWaitSeconds);
  }
  // Both untainted H200 nodes full: pods `prefix`-0 and -1, eight H200 GPUs each.
  void fill_the_h200_nodes(const std::string& prefix) {
    std::set<std::string> nodes;
    for (int i = 0; i < 2; ++i) create_pod(wanting(kH200, gpu_pod(name_of(prefix, i), 8)));
    for (int i = 0; i < 2; ++i) {
      ASSERT_TRUE(eventually([&] { return bound(name_of(prefix, i)); }, kWaitSeconds))
          << host_logs();
      nodes.insert(node_of(name_of(prefix, i)));
    }
    ASSERT_EQ(nodes, kH200Nodes);
  }

  // Gang "mn" (4 pods of 4 H100 GPUs: one clique of two nodes), left half
  // bound by a leader killed (SIGKILL) midway: the binding of the last member
  // keeps failing (429 with Retry-After, which the host's client waits out),
  // so three are bound and mn-3 is not. `planned` gets mn-3's plan annotation.
  void leave_gang_half_bound(std::string& planned) {
    auto faults =
        cluster_.put("/admin/faults", json::object{{"writeErrorRate", 1},
                                                   {"writeErrorCode", 429},
                                                   {"retryAfterSeconds", 5},
                                                   {"resources", json::array{"pods/binding"}},
                                                   {"names", json::array{"mn-3"}}});
    ASSERT_EQ(faults.status, 200u) << faults.body;
    test::RunningHost& first = start_host();
    for (int rank = 0; rank < 4; ++rank) create_pod(member("mn", rank, 4, 4));
    ASSERT_TRUE(
        eventually([&] { return bound("mn-0") && bound("mn-1") && bound("mn-2"); }, kWaitSeconds))
        << first.log();
    first.process().signal(SIGKILL);
    first.process().wait(std::chrono::seconds(10));
    EXPECT_EQ(node_of("mn-3"), "");  // half bound: three of four
    planned =
        field_text(pod("mn-3"), {"metadata", "annotations", "placement.dynop.dev/group-plan"});
    ASSERT_NE(planned, "<missing>");
  }
  void clear_faults() {
    auto clear = cluster_.put("/admin/faults",
                              json::object{{"writeErrorRate", 0}, {"names", json::array{}}});
    ASSERT_EQ(clear.status, 200u) << clear.body;
  }

  test::TempDir dir_;
  test::LocalCluster cluster_;
  test::Kubectl kubectl_{cluster_.kubeconfig(), dir_.path() / "kube-cache"};
  std::vector<std::unique_ptr<test::RunningSim>> sims_;
  std::vector<std::unique_ptr<test::RunningHost>> hosts_;
};

TEST_F(GpuPlacementE2E, APodAskingForAnH200ByNodeAffinityRunsOnlyOnH200Nodes) {
  start_host();
  for (int i = 0; i < 3; ++i) create_pod(wanting(kH200, gpu_pod(name_of("wants-h200", i), 2)));
  for (int i = 0; i < 3; ++i) {
    const std::string name = name_of("wants-h200", i);
    ASSERT_TRUE(eventually([&] { return bound(name); }, kWaitSeconds)) << host_logs();
    const std::string node = node_of(name);
    EXPECT_THAT(kH200Nodes, ::testing::Contains(node));
    EXPECT_EQ(label_of(node, "nvidia.com/gpu.product"), kH200);
    EXPECT_TRUE(eventually([&] { return !events(name, "Scheduled").empty(); }, kWaitSeconds));
    EXPECT_THAT(events(name, "Scheduled"),
                ::testing::ElementsAre("Successfully assigned default/" + name + " to " + node));
    EXPECT_EQ(reporter(name, "Scheduled"), "dynop-gpu-scheduler");
    expect_runs_on(name, node);
  }
}

TEST_F(GpuPlacementE2E, AMultinodeServiceOfFourRunsWholeInOneNvlinkCliqueOrNotAtAll) {
  start_host();
  // Four GPUs used on h100-0: its clique (h100-0, h100-1) has 12 free, the
  // other (h100-2, h100-3) 16, and a gang of 4 x 4 H100 GPUs fits only there.
  json::object single = wanting(kH100, gpu_pod("single", 4));
  single["spec"].as_object()["nodeSelector"] = json::object{{"kubernetes.io/hostname", "h100-0"}};
  create_pod(single);
  ASSERT_NO_FATAL_FAILURE(expect_runs_on("single", "h100-0"));
  for (int rank = 0; rank < 4; ++rank) create_pod(member("mn", rank, 4, 4));
  std::set<std::string> nodes;
  for (int rank = 0; rank < 4; ++rank) {
    ASSERT_TRUE(eventually([&] { return bound(name_of("mn", rank)); }, kWaitSeconds))
        << host_logs();
    nodes.insert(node_of(name_of("mn", rank)));
  }
  EXPECT_THAT(nodes, ::testing::ElementsAre("h100-2", "h100-3"));
  EXPECT_EQ(label_of("h100-2", kCliqueLabel), label_of("h100-3", kCliqueLabel));
  EXPECT_NE(label_of("h100-2", kCliqueLabel), label_of("h100-0", kCliqueLabel));
  for (int rank = 0; rank < 4; ++rank) {
    const std::string name = name_of("mn", rank);
    expect_runs_on(name, node_of(name));
  }
  // A second gang of the same shape: h100-0's clique has room for three of
  // its four pods, and no clique for all four, so none of them is placed.
  for (int rank = 0; rank < 4; ++rank) create_pod(member("mn2", rank, 4, 4));
  ASSERT_TRUE(failed_scheduling("mn2-0")) << host_logs();
  EXPECT_EQ(events("mn2-0", "FailedScheduling").front(),
            "0/7 nodes are available: no nvidia.com/gpu.clique domain has room for all 4 pods of "
            "group mn2; none was placed.");
  EXPECT_EQ(reporter("mn2-0", "FailedScheduling"), "dynop-gpu-scheduler");
  for (int rank = 0; rank < 4; ++rank) EXPECT_EQ(node_of(name_of("mn2", rank)), "");
  // Once the single pod is gone, the clique has room and the gang runs there, whole.
  delete_pod("single");
  nodes.clear();
  for (int rank = 0; rank < 4; ++rank) {
    const std::string name = name_of("mn2", rank);
    ASSERT_TRUE(eventually([&] { return bound(name); }, kWaitSeconds)) << host_logs();
    nodes.insert(node_of(name));
    expect_runs_on(name, node_of(name));
  }
  EXPECT_THAT(nodes, ::testing::ElementsAre("h100-0", "h100-1"));
}

TEST_F(GpuPlacementE2E, APodThatFitsNowhereSaysWhyPerNodeAndRunsOnANodeAddedLater) {
  start_host();
  ASSERT_NO_FATAL_FAILURE(fill_the_h200_nodes("h200-full"));
  // Eight H200 GPUs: the tainted H200 node has them free, but its taint is
  // not tolerated; the H100 nodes are not H200s.
  create_pod(wanting(kH200, gpu_pod("big", 8)));
  const std::string message =
      "0/7 nodes are available: 1 node(s) had untolerated taint {gpu: reserved}, 2 Insufficient "
      "nvidia.com/gpu, 4 node(s) didn't match Pod's node affinity/selector.";
  ASSERT_TRUE(failed_scheduling("big")) << host_logs();
  EXPECT_EQ(events("big", "FailedScheduling").front(), message);
  EXPECT_EQ(reporter("big", "FailedScheduling"), "dynop-gpu-scheduler");
  ASSERT_TRUE(eventually(
      [&] {
        const json::value p = pod("big");
        const json::value* conditions = p.at("status").as_object().if_contains("conditions");
        if (!conditions) return false;
        for (const json::value& c : conditions->as_array())
          if (field_text(c, {"type"}) == "PodScheduled")
            return field_text(c, {"status"}) == "False" &&
                   field_text(c, {"reason"}) == "Unschedulable" &&
                   field_text(c, {"message"}) == message;
        return false;
      },
      kWaitSeconds));
  // A node is added (dynop-sim registers it): the pending pod is placed
  // there and runs, without anyone touching it.
  ASSERT_NO_FATAL_FAILURE(add_node());
  ASSERT_TRUE(eventually([&] { return bound("big"); }, kWaitSeconds)) << host_logs();
  EXPECT_EQ(node_of("big"), kAddedNode);
  expect_runs_on("big", kAddedNode);
}

TEST_F(GpuPlacementE2E, ATaintedNodeRunsOnlyPodsThatTolerateItsTaint) {
  start_host();
  ASSERT_NO_FATAL_FAILURE(fill_the_h200_nodes("h200-full"));
  // Two pods want the last eight free H200 GPUs, on the tainted node: the
  // one that does not tolerate the taint stays pending, the other runs there.
  create_pod(wanting(kH200, gpu_pod("untolerating", 8)));
  ASSERT_TRUE(failed_scheduling("untolerating")) << host_logs();
  EXPECT_THAT(events("untolerating", "FailedScheduling").front(),
              HasSubstr("1 node(s) had untolerated taint {gpu: reserved}"));
  create_pod(tolerating_reserved(wanting(kH200, gpu_pod("tolerating", 8))));
  ASSERT_TRUE(eventually([&] { return bound("tolerating"); }, kWaitSeconds)) << host_logs();
  EXPECT_EQ(node_of("tolerating"), kReservedNode);
  expect_runs_on("tolerating", kReservedNode);
  EXPECT_EQ(node_of("untolerating"), "");
}

TEST_F(GpuPlacementE2E, DeletingPodsFreesTheirGpusForPendingOnes) {
  start_host();
  ASSERT_NO_FATAL_FAILURE(fill_the_h200_nodes("first"));
  create_pod(wanting(kH200, gpu_pod("second", 4)));
  ASSERT_TRUE(failed_scheduling("second")) << host_logs();
  EXPECT_EQ(node_of("second"), "");
  const std::string freed = node_of("first-1");
  delete_pod("first-1");
  ASSERT_TRUE(eventually([&] { return bound("second"); }, kWaitSeconds)) << host_logs();
  EXPECT_EQ(node_of("second"), freed);
  expect_runs_on("second", freed);
}

// Pods free to run on any GPU product leave the H200s to a pending pod
// pinned to H200 (the plugin's reserve_pinned_gpu_products, on by default).
// By binpack alone they would fill the two half-used H200 nodes (the fullest
// nodes that fit them) and the pinned pod would never run.
TEST_F(GpuPlacementE2E, PodsFreeToRunOnAnyProductLeaveTheH200sToAPendingPodPinnedToThem) {
  start_host();
  // Four GPUs used on each untainted H200 node.
  for (const std::string& node : kH200Nodes) {
    json::object half = gpu_pod("half-" + node, 4);
    half["spec"].as_object()["nodeSelector"] = json::object{{"kubernetes.io/hostname", node}};
    create_pod(half);
  }
  for (const std::string& node : kH200Nodes)
    ASSERT_TRUE(eventually([&] { return bound("half-" + node); }, kWaitSeconds)) << host_logs();
  // Eight H200 GPUs: no H200 node has them free (the tainted one is not
  // tolerated), so it waits.
  create_pod(wanting(kH200, gpu_pod("needs-h200", 8)));
  ASSERT_TRUE(failed_scheduling("needs-h200")) << host_logs();
  for (int i = 0; i < 2; ++i) create_pod(gpu_pod(name_of("anywhere", i), 4));
  for (int i = 0; i < 2; ++i) {
    const std::string name = name_of("anywhere", i);
    ASSERT_TRUE(eventually([&] { return bound(name); }, kWaitSeconds)) << host_logs();
    const std::string node = node_of(name);
    EXPECT_EQ(label_of(node, "nvidia.com/gpu.product"), kH100) << name << " on " << node;
    expect_runs_on(name, node);
  }
  EXPECT_EQ(node_of("needs-h200"), "");
  // One H200 node's pod goes: its eight GPUs are free, and the pinned pod runs there.
  delete_pod("half-h200-0");
  ASSERT_TRUE(eventually([&] { return bound("needs-h200"); }, kWaitSeconds)) << host_logs();
  EXPECT_EQ(node_of("needs-h200"), "h200-0");
  expect_runs_on("needs-h200", "h200-0");
}

// A pending pod pinned to H200 keeps the H200s from pods free to run on any
// product until it is deleted with kubectl; then the next such pod goes where
// binpack sends it, a half-used H200 node, at once (the host tells the plugin
// the pending pod is gone: ABI 1.3's pod_event PENDING_GONE). Before, the
// plugin kept a deleted pending pod's demand for up to 15 minutes.
TEST_F(GpuPlacementE2E, DeletingAPendingPodPinnedToTheH200sGivesThemBackAtOnce) {
  start_host();
  // Four GPUs used on each untainted H200 node by pods the user bound
  // (spec.nodeName): no pinned pod runs there, only the pending one wants H200.
  for (const std::string& node : kH200Nodes) {
    json::object half = gpu_pod("user-" + node, 4);
    half["spec"].as_object()["nodeName"] = node;
    create_pod(half);
  }
  for (const std::string& node : kH200Nodes) expect_runs_on("user-" + node, node);
  create_pod(wanting(kH200, gpu_pod("needs-h200", 8)));
  ASSERT_TRUE(failed_scheduling("needs-h200")) << host_logs();
  // While it waits, a pod free to run anywhere is kept off the H200s, though
  // binpack alone would take a half-used H200 node.
  create_pod(gpu_pod("before", 4));
  ASSERT_TRUE(eventually([&] { return bound("before"); }, kWaitSeconds)) << host_logs();
  EXPECT_EQ(label_of(node_of("before"), "nvidia.com/gpu.product"), kH100);
  delete_pod("before");  // its H100 node is empty again
  delete_pod("needs-h200");
  create_pod(gpu_pod("after", 4));
  ASSERT_TRUE(eventually([&] { return bound("after"); }, kWaitSeconds)) << host_logs();
  const std::string node = node_of("after");
  EXPECT_EQ(label_of(node, "nvidia.com/gpu.product"), kH200) << "after on " << node;
  EXPECT_TRUE(kH200Nodes.contains(node)) << node;
  expect_runs_on("after", node);
}

// The leader dies (SIGKILL) halfway through binding a gang: the next leader
// finds the gang half bound through its plan annotations and completes it,
// and the whole gang runs.
TEST_F(GpuPlacementE2E, ANewLeaderCompletesAGangItsPredecessorHalfBoundAndTheGangRuns) {
  std::string planned;
  ASSERT_NO_FATAL_FAILURE(leave_gang_half_bound(planned));
  ASSERT_NO_FATAL_FAILURE(clear_faults());
  test::RunningHost& second = start_host();
  ASSERT_TRUE(eventually([&] { return bound("mn-3"); }, kWaitSeconds)) << second.log();
  EXPECT_EQ(node_of("mn-3"), planned.substr(planned.rfind(' ') + 1));
  EXPECT_THAT(second.log(), HasSubstr("3 of 4 pods were bound; binding the rest as planned"));
  std::set<std::string> cliques;
  for (int rank = 0; rank < 4; ++rank) {
    const std::string name = name_of("mn", rank);
    EXPECT_EQ(field_text(pod(name), {"metadata", "deletionTimestamp"}), "<missing>");
    expect_runs_on(name, node_of(name));
    cliques.insert(label_of(node_of(name), kCliqueLabel));
  }
  EXPECT_EQ(cliques.size(), 1u);
}

// Same, but the node planned for the unbound member is lost (dynop-sim's
// admin endpoint deletes it): the next leader rolls the gang back, deleting
// its bound pods, so nothing stays half bound.
TEST_F(GpuPlacementE2E, ANewLeaderRollsBackAGangItCannotComplete) {
  std::string planned;
  ASSERT_NO_FATAL_FAILURE(leave_gang_half_bound(planned));
  const std::string lost = planned.substr(planned.rfind(' ') + 1);
  std::map<std::string, std::string> node_of_member;
  for (int rank = 0; rank < 3; ++rank) node_of_member[name_of("mn", rank)] = node_of(name_of("mn", rank));
  auto deleted = sim().admin("DELETE", "/admin/nodes/" + lost);
  ASSERT_TRUE(deleted.ok()) << deleted.error;
  ASSERT_EQ(deleted.response->status, 200u) << deleted.response->body;
  ASSERT_TRUE(eventually([&] { return cluster_.get("/api/v1/nodes/" + lost).status == 404; },
                         kWaitSeconds));
  ASSERT_NO_FATAL_FAILURE(clear_faults());
  test::RunningHost& second = start_host();
  // Its bound pods are deleted: the kubelet of a node still there finishes
  // them (gone); on the lost node no kubelet does, so they stay Terminating.
  ASSERT_TRUE(eventually(
      [&] {
        for (const auto& [name, node] : node_of_member)
          if (node == lost ? !terminating_or_gone(name) : !gone(name)) return false;
        return true;
      },
      kWaitSeconds))
      << second.log();
  EXPECT_EQ(node_of("mn-3"), "");
  EXPECT_THAT(second.log(), HasSubstr("half bound and it cannot be completed"));
}

}  // namespace
}  // namespace dynop
