// GPU placement through the real path: the real dynop host with the real
// gpu-scheduler.so against the real dynop-localcluster. The test plays the
// nodes (Node objects with GPU allocatable, labels, taints) and creates them
// and the pods with the real kubectl (apply), as a user would; what it checks
// is what a user sees with kubectl: spec.nodeName, the Events (reason,
// message, reporting component), and the PodScheduled condition. Only the
// waits poll the API directly.

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

json::object gpu_node(const std::string& name, const char* product, int gpus,
                      json::object labels = {}, json::array taints = {}) {
  labels["nvidia.com/gpu.product"] = product;
  labels["kubernetes.io/hostname"] = name;
  json::object allocatable{{"cpu", "64"},
                           {"memory", "512Gi"},
                           {"nvidia.com/gpu", std::to_string(gpus)},
                           {"pods", "110"}};
  return {{"apiVersion", "v1"},
          {"kind", "Node"},
          {"metadata", {{"name", name}, {"labels", std::move(labels)}}},
          {"spec", taints.empty() ? json::object{} : json::object{{"taints", std::move(taints)}}},
          {"status",
           {{"capacity", allocatable},
            {"allocatable", allocatable},
            {"conditions", json::array{json::object{{"type", "Ready"}, {"status", "True"}}}}}}};
}

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

// A member of a multinode group as the dgd plugin labels it.
json::object member(const std::string& group, int rank, int size, int gpus) {
  return gpu_pod(
      group + "-" + std::to_string(rank), gpus,
      {{"nvidia.com/dynamo-group", group}, {"nvidia.com/dynamo-group-size", std::to_string(size)}});
}

class Placement : public ::testing::Test {
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
  }
  void TearDown() override {
    for (auto& host : hosts_)
      if (host && host->started() && host->process().running()) host->stop();
  }

  fs::path plugins() const { return dir_.path() / "plugins"; }

  // A host with leader election on a short lease, so a second one takes over fast.
  test::RunningHost& start_host() {
    hosts_.push_back(std::make_unique<test::RunningHost>(std::vector<std::string>{
        "--kubeconfig", cluster_.kubeconfig(), "--plugin-dir", plugins().string(),
        "--metrics-address", "127.0.0.1:0", "--leader-elect-lease-duration", "3s",
        "--leader-elect-renew-deadline", "2s", "--leader-elect-retry-period", "500ms"}));
    EXPECT_TRUE(hosts_.back()->ready()) << hosts_.back()->log();
    return *hosts_.back();
  }

  void create_node(const json::object& node) {
    kubectl_.ok({"apply", "-f", "-"}, json::serialize(node));
  }
  void create_pod(const json::object& pod) {
    kubectl_.ok({"apply", "-n", "default", "-f", "-"}, json::serialize(pod));
  }
  json::value pod(const std::string& name) {
    return cluster_.get(std::string(kPods) + "/" + name).json();
  }
  // `kubectl get pod <name> -o jsonpath={.spec.nodeName}`: "" while pending.
  std::string node_of(const std::string& name) {
    return kubectl_.ok({"get", "pod", name, "-n", "default", "-o", "jsonpath={.spec.nodeName}"});
  }
  // For waits: the same through the API, without a kubectl process per poll.
  bool bound(const std::string& name) {
    const std::string node = field_text(pod(name), {"spec", "nodeName"});
    return node != "<missing>" && !node.empty();
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
  // The kubelet's last step of a deletion (no kubelet runs the test's nodes):
  // a terminating pod still counts on its node until it is gone.
  void remove_pod(const std::string& name) {
    auto r = cluster_.del(std::string(kPods) + "/" + name, R"({"gracePeriodSeconds":0})");
    ASSERT_EQ(r.status, 200u) << r.body;
  }
  bool terminating_or_gone(const std::string& name) {
    auto r = cluster_.get(std::string(kPods) + "/" + name);
    return r.status == 404 ||
           field_text(r.json(), {"metadata", "deletionTimestamp"}) != "<missing>";
  }

  // Gang "mn" (4 pods of 4 GPUs) on two nodes of one clique, left half bound
  // by a leader killed (SIGKILL) midway: the binding of the last member keeps
  // failing (429 with Retry-After, which the host's client waits out), so
  // three are bound and mn-3 is not. `planned` gets mn-3's plan annotation.
  void leave_gang_half_bound(std::string& planned) {
    create_node(gpu_node("n-0", kH100, 8, {{"nvidia.com/gpu.clique", "a"}}));
    create_node(gpu_node("n-1", kH100, 8, {{"nvidia.com/gpu.clique", "a"}}));
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
  std::vector<std::unique_ptr<test::RunningHost>> hosts_;
};

TEST_F(Placement, APodAskingForAnH200ByNodeAffinityLandsOnlyOnH200Nodes) {
  create_node(gpu_node("h100-0", kH100, 8));
  create_node(gpu_node("h200-0", kH200, 8));
  create_node(gpu_node("h100-1", kH100, 8));
  start_host();
  for (int i = 0; i < 3; ++i) {
    json::object p = gpu_pod("wants-h200-" + std::to_string(i), 2);
    p["spec"].as_object()["affinity"] =
        json::object{{"nodeAffinity",
                      {{"requiredDuringSchedulingIgnoredDuringExecution",
                        {{"nodeSelectorTerms",
                          json::array{json::object{
                              {"matchExpressions",
                               json::array{json::object{{"key", "nvidia.com/gpu.product"},
                                                        {"operator", "In"},
                                                        {"values", json::array{kH200}}}}}}}}}}}}};
    create_pod(p);
  }
  for (int i = 0; i < 3; ++i) {
    const std::string name = "wants-h200-" + std::to_string(i);
    ASSERT_TRUE(eventually([&] { return bound(name); }, kWaitSeconds)) << hosts_[0]->log();
    EXPECT_EQ(node_of(name), "h200-0");
    EXPECT_TRUE(eventually([&] { return !events(name, "Scheduled").empty(); }, kWaitSeconds));
    EXPECT_THAT(events(name, "Scheduled"),
                ::testing::ElementsAre("Successfully assigned default/" + name + " to h200-0"));
    EXPECT_EQ(reporter(name, "Scheduled"), "dynop-gpu-scheduler");
  }
}

TEST_F(Placement, APodThatFitsNowhereSaysWhyPerNodeAndIsPlacedWhenANodeIsAdded) {
  create_node(gpu_node("small", kH100, 2));
  create_node(gpu_node(
      "reserved", kH100, 8, {},
      json::array{json::object{{"key", "gpu"}, {"value", "reserved"}, {"effect", "NoSchedule"}}}));
  start_host();
  create_pod(gpu_pod("big", 4));
  const std::string message =
      "0/2 nodes are available: 1 Insufficient nvidia.com/gpu, 1 node(s) had untolerated taint "
      "{gpu: reserved}.";
  ASSERT_TRUE(eventually([&] { return !events("big", "FailedScheduling").empty(); }, kWaitSeconds))
      << hosts_[0]->log();
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
  // The tainted node takes a pod that tolerates its taint, and only that one.
  json::object tolerating = gpu_pod("tolerating", 8);
  tolerating["spec"].as_object()["tolerations"] = json::array{json::object{
      {"key", "gpu"}, {"operator", "Equal"}, {"value", "reserved"}, {"effect", "NoSchedule"}}};
  create_pod(tolerating);
  ASSERT_TRUE(eventually([&] { return bound("tolerating"); }, kWaitSeconds));
  EXPECT_EQ(node_of("tolerating"), "reserved");
  EXPECT_EQ(node_of("big"), "");
  // A node is added: the pending pod is placed, without anyone touching it.
  create_node(gpu_node("added", kH100, 8));
  ASSERT_TRUE(eventually([&] { return bound("big"); }, kWaitSeconds)) << hosts_[0]->log();
  EXPECT_EQ(node_of("big"), "added");
}

TEST_F(Placement, DeletingPodsFreesTheirGpusForPendingOnes) {
  create_node(gpu_node("only", kH100, 8));
  start_host();
  create_pod(gpu_pod("first", 6));
  ASSERT_TRUE(eventually([&] { return bound("first"); }, kWaitSeconds)) << hosts_[0]->log();
  create_pod(gpu_pod("second", 4));
  ASSERT_TRUE(
      eventually([&] { return !events("second", "FailedScheduling").empty(); }, kWaitSeconds));
  EXPECT_EQ(node_of("second"), "");
  remove_pod("first");
  ASSERT_TRUE(eventually([&] { return bound("second"); }, kWaitSeconds)) << hosts_[0]->log();
  EXPECT_EQ(node_of("second"), "only");
}

TEST_F(Placement, AGangLandsWholeInOneCliqueOrNotAtAll) {
  // Clique a has 8 free GPUs, clique b 16: a gang of 4 x 4 fits only in b.
  create_node(gpu_node("a-0", kH100, 8, {{"nvidia.com/gpu.clique", "a"}}));
  create_node(gpu_node("b-0", kH100, 8, {{"nvidia.com/gpu.clique", "b"}}));
  create_node(gpu_node("b-1", kH100, 8, {{"nvidia.com/gpu.clique", "b"}}));
  start_host();
  for (int rank = 0; rank < 4; ++rank) create_pod(member("mn", rank, 4, 4));
  for (int rank = 0; rank < 4; ++rank)
    ASSERT_TRUE(eventually([&] { return bound("mn-" + std::to_string(rank)); }, kWaitSeconds))
        << hosts_[0]->log();
  std::set<std::string> nodes;
  for (int rank = 0; rank < 4; ++rank) nodes.insert(node_of("mn-" + std::to_string(rank)));
  EXPECT_THAT(nodes, ::testing::ElementsAre("b-0", "b-1"));
  // A second gang of the same shape fits in no clique now: none of it binds.
  for (int rank = 0; rank < 4; ++rank) create_pod(member("mn2", rank, 4, 4));
  ASSERT_TRUE(
      eventually([&] { return !events("mn2-0", "FailedScheduling").empty(); }, kWaitSeconds));
  EXPECT_EQ(events("mn2-0", "FailedScheduling").front(),
            "0/3 nodes are available: no nvidia.com/gpu.clique domain has room for all 4 pods of "
            "group mn2; none was placed.");
  for (int rank = 0; rank < 4; ++rank) EXPECT_EQ(node_of("mn2-" + std::to_string(rank)), "");
}

// The leader dies (SIGKILL) halfway through binding a gang: the next leader
// finds the gang half bound through its plan annotations and completes it.
TEST_F(Placement, ANewLeaderCompletesAGangItsPredecessorHalfBound) {
  std::string planned;
  ASSERT_NO_FATAL_FAILURE(leave_gang_half_bound(planned));
  ASSERT_NO_FATAL_FAILURE(clear_faults());
  test::RunningHost& second = start_host();
  ASSERT_TRUE(eventually([&] { return bound("mn-3"); }, kWaitSeconds)) << second.log();
  EXPECT_EQ(node_of("mn-3"), planned.substr(planned.rfind(' ') + 1));
  EXPECT_THAT(second.log(), HasSubstr("3 of 4 pods were bound; binding the rest as planned"));
  for (int rank = 0; rank < 3; ++rank)
    EXPECT_EQ(field_text(pod("mn-" + std::to_string(rank)), {"metadata", "deletionTimestamp"}),
              "<missing>");
}

// Same, but the node planned for the unbound member is gone: the next leader
// rolls the gang back, deleting its bound pods, so nothing stays half bound.
TEST_F(Placement, ANewLeaderRollsBackAGangItCannotComplete) {
  std::string planned;
  ASSERT_NO_FATAL_FAILURE(leave_gang_half_bound(planned));
  const std::string node = planned.substr(planned.rfind(' ') + 1);
  ASSERT_EQ(cluster_.del("/api/v1/nodes/" + node).status, 200u);
  ASSERT_NO_FATAL_FAILURE(clear_faults());
  test::RunningHost& second = start_host();
  // Its bound pods are deleted (Terminating: no kubelet finishes them here).
  ASSERT_TRUE(eventually(
      [&] {
        for (int rank = 0; rank < 3; ++rank)
          if (!terminating_or_gone("mn-" + std::to_string(rank))) return false;
        return true;
      },
      kWaitSeconds))
      << second.log();
  EXPECT_EQ(node_of("mn-3"), "");
  EXPECT_THAT(second.log(), HasSubstr("half bound and it cannot be completed"));
}

}  // namespace
}  // namespace dynop
