// Drives C++ plugin classes through the C ABI exactly as the host does, with
// the SDK's FakeHost on the other side.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstddef>
#include <cstring>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "dynop/abi.h"
#include "dynop/sdk/export.hpp"
#include "dynop/sdk/plugin.hpp"
#include "dynop/sdk/testing/fake_cluster.hpp"
#include "dynop/sdk/testing/fake_host.hpp"

extern "C" const dynop_plugin_descriptor* dynop_abi_c_test_descriptor(void);
extern "C" int dynop_abi_c_test_host_has_requeue_after(const dynop_host* host);

namespace {

using dynop::sdk::to_string_view;
using dynop::sdk::testing::out_struct;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string str(dynop_str s) { return std::string(to_string_view(s)); }

class Everything : public dynop::sdk::Plugin {
 public:
  static constexpr const char* kName = "everything";
  static constexpr const char* kVersion = "2.0.1";
  static constexpr const char* kDescription = "implements every capability";
  static constexpr dynop::sdk::Capabilities kCapabilities =
      dynop::sdk::kReconciler | dynop::sdk::kAdmission | dynop::sdk::kPlacement |
      dynop::sdk::kAutoscaler;

  Everything(dynop::sdk::Host& host, std::string_view config)
      : Plugin(host), runs_(metrics().counter("everything_runs_total", "Runs.")) {
    if (config == "explode") throw std::runtime_error("config says explode");
    logger().info("config: " + std::string(config));
  }

  dynop::sdk::Status start() override {
    runs_.inc(1, {{"hook", "start"}});
    return dynop::sdk::Status::ok();
  }
  dynop::sdk::Status stop() override { throw std::logic_error("stop is broken"); }

  dynop::sdk::ReconcilerSpec reconciler_spec() {
    return {{"nvidia.com", "v1alpha1", "DynamoGraphDeployment"},
            {{{"", "v1", "Pod"},
              dynop::sdk::WatchMapping::kControllerOwner,
              dynop::sdk::CacheSpec::fields({"metadata.labels", "status.phase"})},
             {{"", "v1", "ConfigMap"}, dynop::sdk::WatchMapping::kFunction}},
            4,
            dynop::sdk::CacheSpec::full().written_back()};
  }
  dynop::sdk::ReconcileResult reconcile(const dynop::sdk::Key& key) {
    if (key.name == "done") return dynop::sdk::ReconcileResult::done();
    if (key.name == "later") {
      return dynop::sdk::ReconcileResult::requeue_after(std::chrono::seconds(5));
    }
    if (key.name == "bad") return dynop::sdk::ReconcileResult::terminal_error("spec is invalid");
    if (key.name == "retry") return dynop::sdk::ReconcileResult::error("conflict, retrying");
    throw std::runtime_error("no idea what " + key.ns + "/" + key.name + " is");
  }
  std::vector<dynop::sdk::Key> map_to_primary(std::size_t index, std::string_view json) {
    return {{"ns" + std::to_string(index), std::string(json)}};
  }

  dynop::sdk::AdmissionSpec admission_spec() {
    return {{{"nvidia.com", "v1alpha1", "dynamographdeployments",
              dynop::sdk::kCreate | dynop::sdk::kUpdate}}};
  }
  dynop::sdk::AdmissionResponse review(std::string_view request) {
    if (request == "deny")
      return dynop::sdk::AdmissionResponse::deny("replicas are owned by the adapter", 422);
    return dynop::sdk::AdmissionResponse::allow({"first warning", "second warning"});
  }

  dynop::sdk::PlacementSpec placement_spec() { return {"dynop-gpu", 16}; }
  // Nodes whose name starts with "small" lack GPUs; "tainted" ones are never usable.
  dynop::sdk::Status filter(const dynop::sdk::ClusterView& cluster, const dynop::sdk::PodView& pod,
                            std::span<const dynop::sdk::NodeIndex> nodes,
                            dynop::sdk::FilterResults& out) {
    if (pod.name() == "throws") throw std::runtime_error("filter is broken");
    for (std::size_t i = 0; i < nodes.size(); ++i) {
      const std::string_view name = cluster.node(nodes[i]).name();
      if (name.starts_with("small")) {
        out.reject(i, out.reason(dynop::sdk::StatusCode::kUnschedulable,
                                 {"Insufficient nvidia.com/gpu", "Insufficient cpu"}));
      } else if (name.starts_with("tainted")) {
        out.reject(i, out.reason(dynop::sdk::StatusCode::kUnschedulableAndUnresolvable,
                                 {"node(s) had untolerated taint {gpu: bad}"}));
      }
    }
    return dynop::sdk::Status::ok();
  }
  dynop::sdk::Status score(const dynop::sdk::ClusterView& cluster, const dynop::sdk::PodView&,
                           std::span<const dynop::sdk::NodeIndex> nodes,
                           std::span<int64_t> scores) {
    for (std::size_t i = 0; i < nodes.size(); ++i)
      scores[i] = static_cast<int64_t>(cluster.node(nodes[i]).name().size());
    return dynop::sdk::Status::ok();
  }
  dynop::sdk::PreFilterResult pre_filter(const dynop::sdk::ClusterView& cluster,
                                         const dynop::sdk::PodView& pod) {
    if (pod.label("group") == "incomplete")
      return dynop::sdk::PreFilterResult::unschedulable("waiting for the group");
    std::vector<dynop::sdk::NodeIndex> reversed;
    for (std::size_t i = cluster.node_count(); i-- > 0;)
      reversed.push_back(static_cast<dynop::sdk::NodeIndex>(i));
    return dynop::sdk::PreFilterResult::only(std::move(reversed));
  }
  dynop::sdk::Status reserve(const dynop::sdk::ClusterView&, const dynop::sdk::PodView& pod,
                             dynop::sdk::NodeIndex node) {
    if (node == 0) return dynop::sdk::Status::unschedulable("node 0 is taken");
    reserved_.push_back(std::string(pod.name()));
    return dynop::sdk::Status::ok();
  }
  dynop::sdk::Status unreserve(const dynop::sdk::ClusterView&, const dynop::sdk::PodView& pod,
                               dynop::sdk::NodeIndex) {
    std::erase(reserved_, std::string(pod.name()));
    return dynop::sdk::Status::ok();
  }
  dynop::sdk::PodGroup pod_group(const dynop::sdk::PodView& pod) {
    auto group = pod.label("group");
    if (!group) return {};
    return {std::string(*group), 4, {"nvidia.com/gpu.clique", "rack"}, true};
  }
  void on_node(const dynop::sdk::ClusterView& cluster, dynop::sdk::NodeIndex node,
               dynop::sdk::NodeEvent event) {
    events_.push_back(std::string(cluster.node(node).name()) + ":" +
                      std::to_string(static_cast<int>(event)));
  }
  void on_pod(const dynop::sdk::ClusterView& cluster, const dynop::sdk::PodView& pod,
              dynop::sdk::NodeIndex node, dynop::sdk::PodEvent event) {
    events_.push_back(std::string(pod.name()) + "@" + std::string(cluster.node(node).name()) + ":" +
                      std::to_string(static_cast<int>(event)));
  }
  void on_pending_gone(const dynop::sdk::ClusterView&, const dynop::sdk::PodView& pod) {
    events_.push_back(std::string(pod.name()) + " gone");
  }
  std::vector<std::string> reserved_;
  std::vector<std::string> events_;

  dynop::sdk::AutoscalerSpec autoscaler_spec() { return {std::chrono::seconds(3)}; }
  std::vector<dynop::sdk::ScaleDecision> evaluate() {
    return {
        {{{"nvidia.com", "v1alpha1", "DynamoGraphDeploymentScalingAdapter"}, "default", "decode"},
         3,
         "load is high"}};
  }

 private:
  dynop::sdk::Counter runs_;
};

// Only the reconciler capability, and a kFunction watch without map_to_primary.
class NoMapper : public dynop::sdk::Plugin {
 public:
  static constexpr const char* kName = "no-mapper";
  static constexpr const char* kVersion = "0.1.0";
  static constexpr dynop::sdk::Capabilities kCapabilities = dynop::sdk::kReconciler;
  NoMapper(dynop::sdk::Host& host, std::string_view) : Plugin(host) {}
  dynop::sdk::ReconcilerSpec reconciler_spec() {
    return {{"", "v1", "Service"}, {{{"", "v1", "Pod"}, dynop::sdk::WatchMapping::kFunction}}, 1};
  }
  dynop::sdk::ReconcileResult reconcile(const dynop::sdk::Key&) {
    return dynop::sdk::ReconcileResult::done();
  }
};

// A placement plugin with the node-side pod hook and nothing else (as
// written for SDK 1.2), and one with only the 1.3 hook.
template <bool kOnPod>
class PodHookOnly : public dynop::sdk::Plugin {
 public:
  static constexpr const char* kName = "pod-hook-only";
  static constexpr const char* kVersion = "0.1.0";
  static constexpr dynop::sdk::Capabilities kCapabilities = dynop::sdk::kPlacement;
  PodHookOnly(dynop::sdk::Host& host, std::string_view) : Plugin(host) {}
  dynop::sdk::PlacementSpec placement_spec() { return {"pod-hook-only", 0}; }
  dynop::sdk::Status filter(const dynop::sdk::ClusterView&, const dynop::sdk::PodView&,
                            std::span<const dynop::sdk::NodeIndex>, dynop::sdk::FilterResults&) {
    return dynop::sdk::Status::ok();
  }
  dynop::sdk::Status score(const dynop::sdk::ClusterView&, const dynop::sdk::PodView&,
                           std::span<const dynop::sdk::NodeIndex>, std::span<int64_t>) {
    return dynop::sdk::Status::ok();
  }
  void on_pod(const dynop::sdk::ClusterView& cluster, const dynop::sdk::PodView& pod,
              dynop::sdk::NodeIndex node, dynop::sdk::PodEvent event) requires kOnPod {
    // Reads the node, as a 1.2 plugin may: it must never get DYNOP_NO_NODE.
    events.push_back(std::string(pod.name()) + "@" + std::string(cluster.node(node).name()) + ":" +
                     std::to_string(static_cast<int>(event)));
  }
  void on_pending_gone(const dynop::sdk::ClusterView&,
                       const dynop::sdk::PodView& pod) requires(!kOnPod) {
    events.push_back(std::string(pod.name()) + " gone");
  }
  std::vector<std::string> events;
};

const dynop_plugin_descriptor& everything() {
  return *dynop::sdk::detail::Exported<Everything>::entry();
}

class SdkTest : public ::testing::Test {
 protected:
  dynop_plugin* init(const dynop_plugin_descriptor& d, std::string_view config,
                     dynop_status* error) {
    return d.lifecycle.init(host_.raw(), config.data(), config.size(), error);
  }
  dynop::sdk::testing::FakeHost host_;
};

TEST_F(SdkTest, DescriptorCarriesTheClassDeclarations) {
  const dynop_plugin_descriptor& d = everything();
  EXPECT_EQ(d.struct_size, sizeof(dynop_plugin_descriptor));
  EXPECT_EQ(d.abi_major, DYNOP_ABI_VERSION_MAJOR);
  EXPECT_EQ(d.abi_minor, DYNOP_ABI_VERSION_MINOR);
  EXPECT_STREQ(d.name, "everything");
  EXPECT_STREQ(d.version, "2.0.1");
  EXPECT_STREQ(d.description, "implements every capability");
  EXPECT_EQ(d.capabilities, DYNOP_CAP_ALL);
  ASSERT_NE(d.reconciler, nullptr);
  EXPECT_NE(d.reconciler->map_to_primary, nullptr);
  ASSERT_NE(d.placement, nullptr);
  EXPECT_NE(d.placement->reserve_node, nullptr);
  EXPECT_NE(d.placement->pre_filter, nullptr);
  EXPECT_EQ(d.placement->bind, nullptr);  // not implemented: the host binds

  const dynop_plugin_descriptor& n = *dynop::sdk::detail::Exported<NoMapper>::entry();
  EXPECT_EQ(n.capabilities, DYNOP_CAP_RECONCILER);
  EXPECT_EQ(n.description, nullptr);
  EXPECT_EQ(n.admission, nullptr);
  EXPECT_EQ(n.placement, nullptr);
  EXPECT_EQ(n.autoscaler, nullptr);
  EXPECT_EQ(n.reconciler->map_to_primary, nullptr);
}

TEST_F(SdkTest, InitPassesConfigAndHost) {
  dynop_status error{};
  dynop_plugin* p = init(everything(), "replicas: 3", &error);
  ASSERT_NE(p, nullptr) << str(error.message);
  EXPECT_EQ(error.code, DYNOP_OK);
  ASSERT_EQ(host_.logs().size(), 1u);
  EXPECT_EQ(host_.logs()[0].message, "config: replicas: 3");
  EXPECT_EQ(host_.logs()[0].level, DYNOP_LOG_INFO);
  ASSERT_EQ(host_.metrics().size(), 1u);
  EXPECT_EQ(host_.metrics()[0].name, "everything_runs_total");

  EXPECT_EQ(everything().lifecycle.start(p).code, DYNOP_OK);
  EXPECT_EQ(host_.metrics()[0].series.at("hook=start"), 1);
  everything().lifecycle.destroy(p);
}

TEST_F(SdkTest, ConstructorExceptionBecomesInitError) {
  dynop_status error{};
  EXPECT_EQ(init(everything(), "explode", &error), nullptr);
  EXPECT_EQ(error.code, DYNOP_ERROR);
  EXPECT_EQ(str(error.message), "init threw: config says explode");
}

TEST_F(SdkTest, HookExceptionBecomesErrorStatus) {
  dynop_status error{};
  dynop_plugin* p = init(everything(), "", &error);
  ASSERT_NE(p, nullptr);
  dynop_status s = everything().lifecycle.stop(p);
  EXPECT_EQ(s.code, DYNOP_ERROR);
  EXPECT_EQ(str(s.message), "stop threw: stop is broken");

  auto r = out_struct<dynop_reconcile_result>();
  r.requeue_after_ms = 123;
  s = everything().reconciler->reconcile(p, dynop_key{{"ns", 2}, {"boom", 4}}, &r);
  EXPECT_EQ(s.code, DYNOP_ERROR);
  EXPECT_EQ(str(s.message), "reconcile threw: no idea what ns/boom is");
  EXPECT_EQ(r.requeue_after_ms, 0u);
  everything().lifecycle.destroy(p);
}

TEST_F(SdkTest, ReconcileResultsMapToStatusAndDelay) {
  dynop_status error{};
  dynop_plugin* p = init(everything(), "", &error);
  ASSERT_NE(p, nullptr);
  auto run = [&](const char* name, dynop_reconcile_result* r) {
    return everything().reconciler->reconcile(
        p, dynop_key{{"default", 7}, {name, std::char_traits<char>::length(name)}}, r);
  };
  auto r = out_struct<dynop_reconcile_result>();
  EXPECT_EQ(run("done", &r).code, DYNOP_OK);
  EXPECT_EQ(r.requeue_after_ms, 0u);
  EXPECT_EQ(run("later", &r).code, DYNOP_OK);
  EXPECT_EQ(r.requeue_after_ms, 5000u);
  dynop_status s = run("bad", &r);
  EXPECT_EQ(s.code, DYNOP_TERMINAL_ERROR);
  EXPECT_EQ(str(s.message), "spec is invalid");
  s = run("retry", &r);
  EXPECT_EQ(s.code, DYNOP_ERROR);
  EXPECT_EQ(str(s.message), "conflict, retrying");
  everything().lifecycle.destroy(p);
}

TEST_F(SdkTest, DescribeAndMapToPrimary) {
  dynop_status error{};
  dynop_plugin* p = init(everything(), "", &error);
  ASSERT_NE(p, nullptr);
  auto spec = out_struct<dynop_reconciler_spec>();
  ASSERT_EQ(everything().reconciler->describe(p, &spec).code, DYNOP_OK);
  EXPECT_EQ(str(spec.primary.kind), "DynamoGraphDeployment");
  EXPECT_EQ(str(spec.primary.group), "nvidia.com");
  EXPECT_EQ(spec.workers, 4u);
  ASSERT_EQ(spec.watch_count, 2u);
  EXPECT_EQ(str(spec.watches[1].gvk.kind), "ConfigMap");
  EXPECT_EQ(spec.watches[1].mapping, DYNOP_MAP_FUNCTION);
  // What the host is asked to cache.
  EXPECT_EQ(spec.primary_cache.mode, DYNOP_CACHE_FULL);
  EXPECT_EQ(spec.primary_cache.writes, 1u);
  const dynop_cache_spec& pods = spec.watches[0].cache;
  EXPECT_EQ(pods.mode, DYNOP_CACHE_FIELDS);
  EXPECT_EQ(pods.writes, 0u);
  ASSERT_EQ(pods.field_count, 2u);
  EXPECT_EQ(str(pods.fields[1]), "status.phase");
  EXPECT_EQ(spec.watches[1].cache.mode, DYNOP_CACHE_FULL);
  EXPECT_EQ(spec.watches[1].cache.field_count, 0u);

  dynop_key_list keys{};
  ASSERT_EQ(everything().reconciler->map_to_primary(p, 1, dynop_str{"obj", 3}, &keys).code,
            DYNOP_OK);
  ASSERT_EQ(keys.count, 1u);
  EXPECT_EQ(str(keys.keys[0].ns), "ns1");
  EXPECT_EQ(str(keys.keys[0].name), "obj");
  everything().lifecycle.destroy(p);
}

TEST_F(SdkTest, FunctionWatchWithoutMapperIsATerminalDescribeError) {
  const dynop_plugin_descriptor& d = *dynop::sdk::detail::Exported<NoMapper>::entry();
  dynop_status error{};
  dynop_plugin* p = init(d, "", &error);
  ASSERT_NE(p, nullptr);
  auto spec = out_struct<dynop_reconciler_spec>();
  dynop_status s = d.reconciler->describe(p, &spec);
  EXPECT_EQ(s.code, DYNOP_TERMINAL_ERROR);
  EXPECT_THAT(str(s.message),
              HasSubstr("uses WatchMapping::kFunction but the plugin has no map_to_primary()"));
  d.lifecycle.destroy(p);
}

TEST_F(SdkTest, AdmissionResponses) {
  dynop_status error{};
  dynop_plugin* p = init(everything(), "", &error);
  ASSERT_NE(p, nullptr);
  auto spec = out_struct<dynop_admission_spec>();
  ASSERT_EQ(everything().admission->describe(p, &spec).code, DYNOP_OK);
  ASSERT_EQ(spec.rule_count, 1u);
  EXPECT_EQ(str(spec.rules[0].resource), "dynamographdeployments");
  EXPECT_EQ(spec.rules[0].operations, DYNOP_OP_CREATE | DYNOP_OP_UPDATE);

  auto r = out_struct<dynop_admission_response>();
  ASSERT_EQ(everything().admission->review(p, dynop_str{"deny", 4}, &r).code, DYNOP_OK);
  EXPECT_EQ(r.allowed, 0);
  EXPECT_EQ(r.http_code, 422);
  EXPECT_EQ(str(r.message), "replicas are owned by the adapter");
  EXPECT_EQ(r.warning_count, 0u);

  ASSERT_EQ(everything().admission->review(p, dynop_str{"{}", 2}, &r).code, DYNOP_OK);
  EXPECT_EQ(r.allowed, 1);
  ASSERT_EQ(r.warning_count, 2u);
  EXPECT_EQ(str(r.warnings[1]), "second warning");
  everything().lifecycle.destroy(p);
}

TEST_F(SdkTest, PlacementHooksSeeTypedViewsAndJudgeNodesInBatches) {
  dynop_status error{};
  dynop_plugin* p = init(everything(), "", &error);
  ASSERT_NE(p, nullptr);
  const dynop_placement_hooks& h = *everything().placement;
  // The typed hooks of 1.2 replace 1.0's JSON ones.
  EXPECT_EQ(h.filter, nullptr);
  EXPECT_EQ(h.score, nullptr);
  EXPECT_EQ(h.reserve, nullptr);
  auto spec = out_struct<dynop_placement_spec>();
  ASSERT_EQ(h.describe(p, &spec).code, DYNOP_OK);
  EXPECT_EQ(str(spec.scheduler_name), "dynop-gpu");
  EXPECT_EQ(spec.nodes_to_score, 16u);

  dynop::sdk::testing::FakeCluster cluster;
  dynop::sdk::testing::FakePod pod("default", "worker");
  pod.request("nvidia.com/gpu", 2);
  const dynop_pod_view& pod_view = cluster.view_of(pod).raw();
  for (const char* name : {"big-node", "small-1", "tainted", "small-2"}) cluster.add_node(name);
  const dynop_cluster_view& c = cluster.view().raw();

  uint32_t nodes[] = {0, 1, 2, 3};
  uint32_t verdicts[4] = {};
  auto result = out_struct<dynop_filter_result>();
  ASSERT_EQ(h.filter_nodes(p, &c, &pod_view, nodes, 4, verdicts, &result).code, DYNOP_OK);
  EXPECT_THAT(verdicts, ElementsAre(0u, 1u, 2u, 1u));  // one reason per distinct set
  ASSERT_EQ(result.reason_count, 2u);
  EXPECT_EQ(result.reasons[0].struct_size, sizeof(dynop_filter_reason));
  EXPECT_EQ(result.reasons[0].code, DYNOP_UNSCHEDULABLE);
  ASSERT_EQ(result.reasons[0].message_count, 2u);
  EXPECT_EQ(str(result.reasons[0].messages[1]), "Insufficient cpu");
  EXPECT_EQ(result.reasons[1].code, DYNOP_UNSCHEDULABLE_AND_UNRESOLVABLE);
  EXPECT_EQ(str(result.reasons[1].messages[0]), "node(s) had untolerated taint {gpu: bad}");

  int64_t scores[2] = {-1, -1};
  uint32_t fit[] = {0, 2};
  ASSERT_EQ(h.score_nodes(p, &c, &pod_view, fit, 2, scores).code, DYNOP_OK);
  EXPECT_THAT(scores, ElementsAre(8, 7));

  auto candidates = out_struct<dynop_candidate_nodes>();
  ASSERT_EQ(h.pre_filter(p, &c, &pod_view, &candidates).code, DYNOP_OK);
  EXPECT_EQ(candidates.restricted, 1);
  EXPECT_THAT(std::vector<uint32_t>(candidates.nodes, candidates.nodes + candidates.node_count),
              ElementsAre(3u, 2u, 1u, 0u));

  EXPECT_EQ(h.reserve_node(p, &c, &pod_view, 0).code, DYNOP_UNSCHEDULABLE);
  EXPECT_EQ(h.reserve_node(p, &c, &pod_view, 3).code, DYNOP_OK);
  EXPECT_EQ(h.unreserve_node(p, &c, &pod_view, 3).code, DYNOP_OK);
  EXPECT_EQ(h.unreserve_node(p, &c, &pod_view, 3).code, DYNOP_OK);  // idempotent

  auto group = out_struct<dynop_pod_group>();
  ASSERT_EQ(h.pod_group(p, &pod_view, &group).code, DYNOP_OK);
  EXPECT_EQ(group.name.size, 0u);  // no group label: not in a gang
  pod.label("group", "mn-0");
  const dynop_pod_view& grouped = cluster.view_of(pod).raw();
  ASSERT_EQ(h.pod_group(p, &grouped, &group).code, DYNOP_OK);
  EXPECT_EQ(str(group.name), "mn-0");
  EXPECT_EQ(group.min_member, 4u);
  ASSERT_EQ(group.topology_key_count, 2u);
  EXPECT_EQ(str(group.topology_keys[0]), "nvidia.com/gpu.clique");
  EXPECT_EQ(group.topology_required, 1);

  EXPECT_EQ(h.node_event(p, &c, 1, DYNOP_NODE_UPDATED).code, DYNOP_OK);
  EXPECT_EQ(h.pod_event(p, &c, &grouped, 2, DYNOP_POD_ASSIGNED).code, DYNOP_OK);
  everything().lifecycle.destroy(p);
}

// ABI 1.3: pod_event PENDING_GONE reaches on_pending_gone and never on_pod,
// whose classes (written for 1.2) read the node of every event they get.
TEST_F(SdkTest, APendingPodGoneReachesOnPendingGoneAndNeverOnPod) {
  dynop::sdk::testing::FakeCluster cluster;
  cluster.add_node("n1");
  dynop::sdk::testing::FakePod pod("default", "worker");
  const dynop_pod_view& v = cluster.view_of(pod).raw();
  const dynop_cluster_view& c = cluster.view().raw();

  dynop_status error{};
  dynop_plugin* p = init(everything(), "", &error);
  ASSERT_NE(p, nullptr);
  const dynop_placement_hooks& h = *everything().placement;
  EXPECT_EQ(h.pod_event(p, &c, &v, 0, DYNOP_POD_ASSIGNED).code, DYNOP_OK);
  EXPECT_EQ(h.pod_event(p, &c, &v, DYNOP_NO_NODE, DYNOP_POD_PENDING_GONE).code, DYNOP_OK);
  EXPECT_THAT(dynop::sdk::detail::self<Everything>(p).plugin->events_,
              ElementsAre("worker@n1:0", "worker gone"));
  everything().lifecycle.destroy(p);

  using OnPodOnly = PodHookOnly<true>;
  const dynop_plugin_descriptor& old = *dynop::sdk::detail::Exported<OnPodOnly>::entry();
  p = init(old, "", &error);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(old.placement->pod_event(p, &c, &v, DYNOP_NO_NODE, DYNOP_POD_PENDING_GONE).code,
            DYNOP_OK);
  EXPECT_EQ(old.placement->pod_event(p, &c, &v, 0, DYNOP_POD_UNASSIGNED).code, DYNOP_OK);
  EXPECT_THAT(dynop::sdk::detail::self<OnPodOnly>(p).plugin->events, ElementsAre("worker@n1:1"));
  old.lifecycle.destroy(p);

  // The 1.3 hook alone still needs the C hook.
  using GoneOnly = PodHookOnly<false>;
  const dynop_plugin_descriptor& gone = *dynop::sdk::detail::Exported<GoneOnly>::entry();
  ASSERT_NE(gone.placement->pod_event, nullptr);
  EXPECT_EQ(gone.abi_minor, 3);
  p = init(gone, "", &error);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(gone.placement->pod_event(p, &c, &v, 0, DYNOP_POD_ASSIGNED).code, DYNOP_OK);
  EXPECT_EQ(gone.placement->pod_event(p, &c, &v, DYNOP_NO_NODE, DYNOP_POD_PENDING_GONE).code,
            DYNOP_OK);
  EXPECT_THAT(dynop::sdk::detail::self<GoneOnly>(p).plugin->events, ElementsAre("worker gone"));
  gone.lifecycle.destroy(p);
}

TEST_F(SdkTest, PlacementHookFailuresAreStatuses) {
  dynop_status error{};
  dynop_plugin* p = init(everything(), "", &error);
  ASSERT_NE(p, nullptr);
  const dynop_placement_hooks& h = *everything().placement;
  dynop::sdk::testing::FakeCluster cluster;
  cluster.add_node("big-node");
  dynop::sdk::testing::FakePod broken("default", "throws");
  const dynop_pod_view& broken_view = cluster.view_of(broken).raw();
  const dynop_cluster_view& c = cluster.view().raw();
  uint32_t nodes[] = {0};
  uint32_t verdicts[1] = {};
  auto result = out_struct<dynop_filter_result>();
  dynop_status s = h.filter_nodes(p, &c, &broken_view, nodes, 1, verdicts, &result);
  EXPECT_EQ(s.code, DYNOP_ERROR);
  EXPECT_EQ(str(s.message), "filter threw: filter is broken");

  dynop::sdk::testing::FakePod waiting("default", "w");
  waiting.label("group", "incomplete");
  auto candidates = out_struct<dynop_candidate_nodes>();
  s = h.pre_filter(p, &c, &cluster.view_of(waiting).raw(), &candidates);
  EXPECT_EQ(s.code, DYNOP_UNSCHEDULABLE);
  EXPECT_EQ(str(s.message), "waiting for the group");
  EXPECT_EQ(candidates.restricted, 0);  // untouched: every node
  everything().lifecycle.destroy(p);
}

TEST_F(SdkTest, AutoscalerDecisions) {
  dynop_status error{};
  dynop_plugin* p = init(everything(), "", &error);
  ASSERT_NE(p, nullptr);
  auto spec = out_struct<dynop_autoscaler_spec>();
  ASSERT_EQ(everything().autoscaler->describe(p, &spec).code, DYNOP_OK);
  EXPECT_EQ(spec.interval_ms, 3000u);
  dynop_scale_decision_list list{};
  ASSERT_EQ(everything().autoscaler->evaluate(p, &list).code, DYNOP_OK);
  ASSERT_EQ(list.count, 1u);
  EXPECT_EQ(str(list.decisions[0].target.name), "decode");
  EXPECT_EQ(str(list.decisions[0].target.gvk.kind), "DynamoGraphDeploymentScalingAdapter");
  EXPECT_EQ(list.decisions[0].desired_replicas, 3);
  EXPECT_EQ(str(list.decisions[0].reason), "load is high");
  everything().lifecycle.destroy(p);
}

TEST_F(SdkTest, EveryGrowableStructCarriesItsSize) {
  const dynop_plugin_descriptor& d = everything();
  EXPECT_EQ(d.reconciler->struct_size, sizeof(dynop_reconciler_hooks));
  EXPECT_EQ(d.admission->struct_size, sizeof(dynop_admission_hooks));
  EXPECT_EQ(d.placement->struct_size, sizeof(dynop_placement_hooks));
  EXPECT_EQ(d.autoscaler->struct_size, sizeof(dynop_autoscaler_hooks));
  dynop_status error{};
  dynop_plugin* p = init(d, "", &error);
  ASSERT_NE(p, nullptr);
  auto spec = out_struct<dynop_reconciler_spec>();
  ASSERT_EQ(d.reconciler->describe(p, &spec).code, DYNOP_OK);
  EXPECT_EQ(spec.struct_size, sizeof(dynop_reconciler_spec));  // the host's, left alone
  for (size_t i = 0; i < spec.watch_count; ++i) {
    EXPECT_EQ(spec.watches[i].struct_size, sizeof(dynop_watch));
  }
  auto rules = out_struct<dynop_admission_spec>();
  ASSERT_EQ(d.admission->describe(p, &rules).code, DYNOP_OK);
  EXPECT_EQ(rules.rules[0].struct_size, sizeof(dynop_admission_rule));
  dynop_scale_decision_list list{};
  ASSERT_EQ(d.autoscaler->evaluate(p, &list).code, DYNOP_OK);
  EXPECT_EQ(list.decisions[0].struct_size, sizeof(dynop_scale_decision));
  d.lifecycle.destroy(p);
}

// A host whose struct is shorter than the plugin's (an older minor) gets only
// the fields it has: the SDK never writes past the host's struct_size.
TEST_F(SdkTest, FillsOnlyWhatTheHostsStructHolds) {
  dynop_status error{};
  dynop_plugin* p = init(everything(), "", &error);
  ASSERT_NE(p, nullptr);
  union {
    dynop_reconciler_spec spec;
    unsigned char bytes[sizeof(dynop_reconciler_spec)];
  } buffer;
  std::memset(buffer.bytes, 0xab, sizeof(buffer.bytes));
  const size_t host_size = offsetof(dynop_reconciler_spec, workers);  // no `workers`
  buffer.spec.struct_size = host_size;
  ASSERT_EQ(everything().reconciler->describe(p, &buffer.spec).code, DYNOP_OK);
  EXPECT_EQ(str(buffer.spec.primary.kind), "DynamoGraphDeployment");
  EXPECT_EQ(buffer.spec.watch_count, 2u);
  for (size_t i = host_size; i < offsetof(dynop_reconciler_spec, struct_size); ++i) {
    EXPECT_EQ(buffer.bytes[i], 0xab) << "byte " << i << " is past the host's struct";
  }
  EXPECT_EQ(buffer.spec.struct_size, host_size);
  everything().lifecycle.destroy(p);
}

// The client answers kNotImplemented for a callback the host's table lacks,
// without calling past the table.
TEST_F(SdkTest, ClientCallsOnlySlotsTheHostHas) {
  host_.table().struct_size = offsetof(dynop_host, record_event);  // ends before record_event
  const dynop::sdk::Client& client = host_.host().client();
  dynop::sdk::ObjectRef ref{{"", "v1", "ConfigMap"}, "default", "c"};
  dynop::sdk::Status s = client.record_event(ref, DYNOP_EVENT_NORMAL, "Why", "what");
  EXPECT_EQ(s.code(), dynop::sdk::StatusCode::kNotImplemented);
  EXPECT_EQ(s.message(), "this host (plugin ABI " + std::to_string(DYNOP_ABI_VERSION_MAJOR) + "." +
                             std::to_string(DYNOP_ABI_VERSION_MINOR) +
                             ") has no record_event callback");
  EXPECT_EQ(client.requeue_after({"default", "c"}, std::chrono::seconds(1)).code(),
            dynop::sdk::StatusCode::kNotImplemented);
  EXPECT_TRUE(host_.events().empty());
  EXPECT_TRUE(host_.requeues().empty());
  // Slots inside the table still work.
  EXPECT_EQ(client.create(ref, R"({"kind":"ConfigMap"})").status.code(),
            dynop::sdk::StatusCode::kOk);
  EXPECT_EQ(host_.writes().size(), 1u);
}

TEST_F(SdkTest, InitRefusesAHostTableSmallerThanAbi10s) {
  host_.table().struct_size = DYNOP_HOST_SIZE_V1_0 - sizeof(void*);
  dynop_status error{};
  EXPECT_EQ(init(everything(), "", &error), nullptr);
  EXPECT_EQ(error.code, DYNOP_TERMINAL_ERROR);
  EXPECT_THAT(str(error.message), HasSubstr("is not one of plugin ABI 1.x"));
}

TEST_F(SdkTest, MetricRegistrationErrorThrows) {
  dynop::sdk::Host host(host_.raw());
  host.metrics().counter("x_total", "x");
  EXPECT_THROW(host.metrics().gauge("x_total", "x"), std::runtime_error);
}

TEST(AbiC, HeaderCompilesAsC) { EXPECT_STREQ(dynop_abi_c_test_descriptor()->name, "c-plugin"); }

TEST(AbiC, HostHasSeesTheTablesSize) {
  dynop::sdk::testing::FakeHost host;
  EXPECT_EQ(dynop_abi_c_test_host_has_requeue_after(host.raw()), 1);
  host.table().struct_size = offsetof(dynop_host, requeue_after);
  EXPECT_EQ(dynop_abi_c_test_host_has_requeue_after(host.raw()), 0);
  host.table().struct_size = sizeof(dynop_host);
  host.table().requeue_after = nullptr;
  EXPECT_EQ(dynop_abi_c_test_host_has_requeue_after(host.raw()), 0);
}

}  // namespace
