// The dgd plugin's reconcile loop against an in-memory cluster behind the
// SDK's fake host, with the dgdsa reconciler where the guide's flows need both.
#include "plugins/dgd/reconciler.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <map>
#include <set>

#include "lib/apimachinery/status.hpp"
#include "plugins/common/names.hpp"
#include "plugins/dgdsa/reconciler.hpp"
#include "tests/unit/plugins/common/fake_cluster.hpp"
#include "tests/unit/plugins/common/plugin_test_support.hpp"

namespace dynop::plugins::dgd {
namespace {

namespace json = boost::json;
using testing::FakeCluster;

constexpr std::string_view kNow = "2026-02-01T10:00:00Z";

class DgdReconcilerTest : public ::testing::Test {
 protected:
  DgdReconcilerTest()
      : dgd_(cluster_.client(), cluster_.logger(), config(), [] { return std::string(kNow); }),
        dgdsa_(cluster_.client(), [] { return std::string(kNow); }) {}

  static DgdPluginConfig config() {
    DgdPluginConfig c;
    c.pod.scheduler_name = "dynop-gpu";
    return c;
  }

  void apply(std::string_view yaml) {
    json::object o = testing::yaml_to_json(yaml).as_object();
    json::object& meta = o["metadata"].as_object();
    std::string name(meta.at("name").as_string());
    if (auto existing = cluster_.find("DynamoGraphDeployment", "default", name)) {
      // An update keeps identity and bumps the generation.
      const json::object& old_meta = existing->at("metadata").as_object();
      meta["uid"] = old_meta.at("uid");
      meta["creationTimestamp"] = old_meta.at("creationTimestamp");
      meta["generation"] = old_meta.at("generation").to_number<std::int64_t>() + 1;
      if (existing->contains("status")) o["status"] = existing->at("status");
    } else {
      meta["uid"] = "uid-" + name;
    }
    cluster_.put(std::move(o));
  }

  sdk::ReconcileResult reconcile_dgd(std::string name = "sglang-agg") {
    return dgd_.reconcile({"default", name});
  }
  // Runs the adapter controller on every adapter.
  void reconcile_adapters() {
    for (const json::object& a : cluster_.all("DynamoGraphDeploymentScalingAdapter")) {
      (void)dgdsa_.reconcile({"default", std::string(a.at("metadata").at("name").as_string())});
    }
  }
  // The kubelet: every pod Running and Ready.
  void run_pods() {
    for (json::object pod : cluster_.all("Pod")) {
      std::string created(pod.at("metadata").at("creationTimestamp").as_string());
      testing::set_pod_state(pod, "Running", true, created);
      cluster_.put(std::move(pod));
    }
  }
  // kubectl scale dgdsa <name> --replicas=N
  void scale(std::string_view adapter, std::int64_t replicas) {
    auto a = cluster_.find("DynamoGraphDeploymentScalingAdapter", "default", adapter);
    ASSERT_TRUE(a.has_value()) << adapter;
    (*a)["spec"].as_object()["replicas"] = replicas;
    cluster_.put(std::move(*a));
  }

  json::object dgd(std::string name = "sglang-agg") {
    return *cluster_.find("DynamoGraphDeployment", "default", name);
  }
  std::optional<json::object> adapter(std::string_view name) {
    return cluster_.find("DynamoGraphDeploymentScalingAdapter", "default", name);
  }
  std::int64_t adapter_replicas(std::string_view name) {
    return adapter(name)->at("spec").at("replicas").as_int64();
  }
  std::set<std::string> adapters() {
    std::set<std::string> names;
    for (const auto& a : cluster_.all("DynamoGraphDeploymentScalingAdapter")) {
      names.emplace(a.at("metadata").at("name").as_string());
    }
    return names;
  }
  // Pods the adapter's status.selector (or any selector string) selects.
  std::vector<json::object> pods_selected_by(std::string_view selector) {
    std::string text(cluster_.client().list({"", "v1", "Pod"}, "default", selector).value);
    std::vector<json::object> out;
    json::value list = json::parse(text);
    for (const json::value& v : list.as_array()) out.push_back(v.as_object());
    return out;
  }
  std::size_t pods_of(std::string_view service, std::string_view dgd_name = "sglang-agg") {
    return pods_selected_by(common::adapter_selector(dgd_name, service)).size();
  }
  std::int64_t service_replicas(std::string_view service) {
    json::object d = dgd();
    const json::value* r =
        d.at("spec").at("services").at(service).as_object().if_contains("replicas");
    return r != nullptr ? r->as_int64() : 1;
  }

  FakeCluster cluster_;
  DgdReconciler dgd_;
  dgdsa::DgdsaReconciler dgdsa_;
};

constexpr std::string_view kAgg = R"(
apiVersion: nvidia.com/v1alpha1
kind: DynamoGraphDeployment
metadata: {name: sglang-agg, namespace: default}
spec:
  services:
    Frontend: {dynamoNamespace: sglang-agg, componentType: frontend, replicas: 1}
    decode:
      dynamoNamespace: sglang-agg
      componentType: worker
      replicas: 1
      resources: {limits: {gpu: "1"}}
)";

// kAgg with its decode service removed.
constexpr std::string_view kAggWithoutDecode = R"(
apiVersion: nvidia.com/v1alpha1
kind: DynamoGraphDeployment
metadata: {name: sglang-agg, namespace: default}
spec:
  services:
    Frontend: {componentType: frontend, replicas: 1}
)";

TEST_F(DgdReconcilerTest, GuideManualScalingEndToEnd) {
  apply(kAgg);
  ASSERT_TRUE(reconcile_dgd().status().is_ok());
  // kubectl get dgdsa: both adapters, seeded with 1.
  EXPECT_EQ(adapters(), (std::set<std::string>{"sglang-agg-frontend", "sglang-agg-decode"}));
  EXPECT_EQ(adapter_replicas("sglang-agg-decode"), 1);
  EXPECT_EQ(adapter("sglang-agg-frontend")->at("spec").at("dgdRef").at("serviceName").as_string(),
            "Frontend");
  EXPECT_EQ(pods_of("decode"), 1u);
  EXPECT_EQ(pods_of("Frontend"), 1u);
  EXPECT_EQ(dgd().at("status").at("state").as_string(), "pending");

  run_pods();
  ASSERT_TRUE(reconcile_dgd().status().is_ok());
  EXPECT_EQ(dgd().at("status").at("state").as_string(), "successful");
  EXPECT_EQ(dgd().at("status").at("conditions").at(0).at("reason").as_string(),
            "all_resources_are_ready");
  reconcile_adapters();
  json::object decode = *adapter("sglang-agg-decode");
  EXPECT_EQ(decode.at("status").at("replicas").as_int64(), 1);
  std::string selector(decode.at("status").at("selector").as_string());
  EXPECT_EQ(
      selector,
      "nvidia.com/dynamo-graph-deployment-name=sglang-agg,nvidia.com/dynamo-component=decode");

  // kubectl scale dgdsa sglang-agg-decode -n default --replicas=3
  scale("sglang-agg-decode", 3);
  ASSERT_TRUE(dgdsa_.reconcile({"default", "sglang-agg-decode"}).status().is_ok());
  EXPECT_EQ(service_replicas("decode"), 3);
  ASSERT_FALSE(cluster_.events().empty());
  EXPECT_EQ(cluster_.events().back().reason, "Scaled");
  EXPECT_EQ(cluster_.events().back().message, "Scaled service decode from 1 to 3 replicas");
  EXPECT_EQ(adapter("sglang-agg-decode")->at("status").at("lastScaleTime").as_string(), kNow);

  ASSERT_TRUE(reconcile_dgd().status().is_ok());
  EXPECT_EQ(pods_selected_by(selector).size(), 3u);     // three decode pods with the selector
  EXPECT_EQ(adapter_replicas("sglang-agg-decode"), 3);  // the DGD reconcile left it alone
  run_pods();
  reconcile_adapters();
  EXPECT_EQ(adapter("sglang-agg-decode")->at("status").at("replicas").as_int64(), 3);  // REPLICAS 3

  // Scale to zero removes the pods and keeps the adapter.
  scale("sglang-agg-decode", 0);
  reconcile_adapters();
  EXPECT_EQ(service_replicas("decode"), 0);
  ASSERT_TRUE(reconcile_dgd().status().is_ok());
  EXPECT_EQ(pods_of("decode"), 0u);
  EXPECT_TRUE(adapter("sglang-agg-decode").has_value());
  reconcile_adapters();
  EXPECT_EQ(adapter("sglang-agg-decode")->at("status").at("replicas").as_int64(), 0);

  // And back.
  scale("sglang-agg-decode", 2);
  reconcile_adapters();
  ASSERT_TRUE(reconcile_dgd().status().is_ok());
  EXPECT_EQ(pods_of("decode"), 2u);

  // Disabling the adapter on Frontend deletes it; direct edits then drive the pods.
  apply(R"(
apiVersion: nvidia.com/v1alpha1
kind: DynamoGraphDeployment
metadata: {name: sglang-agg, namespace: default}
spec:
  services:
    Frontend: {componentType: frontend, replicas: 1, scalingAdapter: {disable: true}}
    decode: {componentType: worker, replicas: 2, resources: {limits: {gpu: "1"}}}
)");
  ASSERT_TRUE(reconcile_dgd().status().is_ok());
  EXPECT_EQ(adapters(), (std::set<std::string>{"sglang-agg-decode"}));
  // kubectl patch dgd sglang-agg --type=merge -p
  // '{"spec":{"services":{"Frontend":{"replicas":3}}}}'
  ASSERT_TRUE(
      cluster_.client()
          .patch({{"nvidia.com", "v1alpha1", "DynamoGraphDeployment"}, "default", "sglang-agg"},
                 DYNOP_PATCH_MERGE, R"({"spec":{"services":{"Frontend":{"replicas":3}}}})")
          .is_ok());
  reconcile_adapters();  // must not undo the direct edit
  EXPECT_EQ(service_replicas("Frontend"), 3);
  ASSERT_TRUE(reconcile_dgd().status().is_ok());
  EXPECT_EQ(pods_of("Frontend"), 3u);

  // Deleting the DGD removes its adapters and pods (garbage collection by owner).
  cluster_.erase("DynamoGraphDeployment", "default", "sglang-agg");
  EXPECT_TRUE(reconcile_dgd().status().is_ok());  // not found: done
  cluster_.collect_garbage();
  EXPECT_TRUE(adapters().empty());
  EXPECT_TRUE(cluster_.all("Pod").empty());
}

TEST_F(DgdReconcilerTest, GuideDisableAdapterExample) {
  auto file = testing::yaml_file_to_json(
      testing::source_path("examples/sglang-agg-frontend-no-adapter.yaml"));
  ASSERT_TRUE(file.has_value());
  apply(kAgg);
  ASSERT_TRUE(reconcile_dgd().status().is_ok());
  json::object o = file->as_object();
  json::object& meta = o["metadata"].as_object();
  meta["uid"] = "uid-sglang-agg";
  meta["generation"] = 2;
  cluster_.put(std::move(o));
  ASSERT_TRUE(reconcile_dgd().status().is_ok());
  EXPECT_EQ(adapters(), (std::set<std::string>{"sglang-agg-decode"}));
  EXPECT_EQ(pods_of("Frontend"), 2u);
}

TEST_F(DgdReconcilerTest, NeverOverwritesNewerAdapterReplicas) {
  // Upstream issue 12080: an autoscaler set the adapter to 5; the DGD still
  // says 1 (the adapter controller has not run yet). Any number of DGD
  // reconciles must leave the adapter at 5.
  apply(kAgg);
  ASSERT_TRUE(reconcile_dgd().status().is_ok());
  scale("sglang-agg-decode", 5);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(reconcile_dgd().status().is_ok());
  EXPECT_EQ(adapter_replicas("sglang-agg-decode"), 5);
  reconcile_adapters();
  EXPECT_EQ(service_replicas("decode"), 5);
  ASSERT_TRUE(reconcile_dgd().status().is_ok());
  EXPECT_EQ(pods_of("decode"), 5u);
  EXPECT_EQ(adapter_replicas("sglang-agg-decode"), 5);
}

TEST_F(DgdReconcilerTest, DeletedAdapterIsRecreatedFromTheCurrentReplicas) {
  apply(kAgg);
  ASSERT_TRUE(reconcile_dgd().status().is_ok());
  scale("sglang-agg-decode", 4);
  reconcile_adapters();
  cluster_.erase("DynamoGraphDeploymentScalingAdapter", "default", "sglang-agg-decode");
  ASSERT_TRUE(reconcile_dgd().status().is_ok());
  ASSERT_TRUE(adapter("sglang-agg-decode").has_value());
  EXPECT_EQ(adapter_replicas("sglang-agg-decode"), 4);
}

TEST_F(DgdReconcilerTest, RemovedServiceTakesItsPodsAndAdapter) {
  apply(kAgg);
  ASSERT_TRUE(reconcile_dgd().status().is_ok());
  apply(kAggWithoutDecode);
  ASSERT_TRUE(reconcile_dgd().status().is_ok());
  EXPECT_EQ(adapters(), (std::set<std::string>{"sglang-agg-frontend"}));
  EXPECT_EQ(pods_of("decode"), 0u);
  EXPECT_EQ(pods_of("Frontend"), 1u);
  EXPECT_FALSE(dgd().at("status").at("services").as_object().contains("decode"));
}

TEST_F(DgdReconcilerTest, ServicesAsUpstreamMakesThemGoWithTheirDgdService) {
  apply(kAgg);
  ASSERT_TRUE(reconcile_dgd().status().is_ok());
  auto frontend = cluster_.find("Service", "default", "sglang-agg-frontend");
  ASSERT_TRUE(frontend.has_value());
  EXPECT_EQ(frontend->at("spec").at("ports").at(0).at("port").as_int64(), 8000);
  EXPECT_EQ(frontend->at("spec").at("selector").at("nvidia.com/dynamo-component").as_string(),
            "Frontend");
  auto decode = cluster_.find("Service", "default", "sglang-agg-decode");
  ASSERT_TRUE(decode.has_value());
  EXPECT_EQ(decode->at("spec").at("ports").at(0).at("name").as_string(), "system");
  EXPECT_EQ(decode->at("metadata").at("ownerReferences").at(0).at("uid").as_string(),
            "uid-sglang-agg");
  apply(kAggWithoutDecode);
  ASSERT_TRUE(reconcile_dgd().status().is_ok());
  EXPECT_FALSE(cluster_.find("Service", "default", "sglang-agg-decode").has_value());
  EXPECT_TRUE(cluster_.find("Service", "default", "sglang-agg-frontend").has_value());
}

TEST_F(DgdReconcilerTest, PodsCarryTheContract) {
  apply(kAgg);
  ASSERT_TRUE(reconcile_dgd().status().is_ok());
  auto pods = pods_selected_by("nvidia.com/selector=sglang-agg-decode");
  ASSERT_EQ(pods.size(), 1u);
  const json::object& pod = pods[0];
  const json::object& labels = pod.at("metadata").at("labels").as_object();
  EXPECT_EQ(labels.at("nvidia.com/dynamo-namespace").as_string(), "default-sglang-agg");
  EXPECT_EQ(labels.at("nvidia.com/metrics-enabled").as_string(), "true");
  EXPECT_EQ(pod.at("spec").at("schedulerName").as_string(), "dynop-gpu");
  EXPECT_EQ(pod.at("metadata").at("ownerReferences").at(0).at("uid").as_string(), "uid-sglang-agg");
  EXPECT_EQ(pod.at("spec")
                .at("containers")
                .at(0)
                .at("resources")
                .at("limits")
                .at("nvidia.com/gpu")
                .as_string(),
            "1");
}

TEST_F(DgdReconcilerTest, RollingUpdateOneGroupAtATime) {
  apply(kAgg);
  ASSERT_TRUE(reconcile_dgd().status().is_ok());
  scale("sglang-agg-decode", 2);
  reconcile_adapters();
  ASSERT_TRUE(reconcile_dgd().status().is_ok());
  run_pods();
  ASSERT_TRUE(reconcile_dgd().status().is_ok());
  ASSERT_EQ(pods_of("decode"), 2u);

  apply(R"(
apiVersion: nvidia.com/v1alpha1
kind: DynamoGraphDeployment
metadata: {name: sglang-agg, namespace: default}
spec:
  services:
    Frontend: {componentType: frontend, replicas: 1}
    decode:
      componentType: worker
      replicas: 2
      resources: {limits: {gpu: "1"}}
      extraPodSpec: {mainContainer: {image: "runtime:2"}}
)");
  ASSERT_TRUE(reconcile_dgd().status().is_ok());
  EXPECT_EQ(pods_of("decode"), 3u);  // one new group next to the two old ones
  ASSERT_TRUE(reconcile_dgd().status().is_ok());
  EXPECT_EQ(pods_of("decode"), 3u);  // the new one is not ready: nothing more
  // The status describes the pods the reconcile saw.
  EXPECT_EQ(dgd().at("status").at("services").at("decode").at("replicas").as_int64(), 3);
  EXPECT_EQ(dgd().at("status").at("services").at("decode").at("updatedReplicas").as_int64(), 1);
  EXPECT_EQ(dgd().at("status").at("state").as_string(), "pending");

  for (int i = 0; i < 6; ++i) {
    run_pods();
    ASSERT_TRUE(reconcile_dgd().status().is_ok());
    EXPECT_LE(pods_of("decode"), 3u);
  }
  auto pods = pods_selected_by(common::adapter_selector("sglang-agg", "decode"));
  ASSERT_EQ(pods.size(), 2u);
  for (const json::object& p : pods) {
    EXPECT_EQ(p.at("spec").at("containers").at(0).at("image").as_string(), "runtime:2");
  }
  run_pods();
  ASSERT_TRUE(reconcile_dgd().status().is_ok());
  EXPECT_EQ(dgd().at("status").at("state").as_string(), "successful");
}

TEST_F(DgdReconcilerTest, UpstreamMultinodeExampleMakesGroups) {
  auto doc =
      testing::yaml_file_to_json(testing::upstream_example_path("sglang-disagg-multinode.yaml"));
  if (!doc) GTEST_SKIP() << "upstream examples not available";
  json::object o = doc->as_object();
  o["metadata"].as_object()["uid"] = "uid-mn";
  cluster_.put(std::move(o));
  const std::string name = "sglang-disagg-multinode";
  ASSERT_TRUE(reconcile_dgd(name).status().is_ok());
  EXPECT_EQ(pods_of("decode", name), 2u);  // 1 replica x nodeCount 2
  EXPECT_EQ(pods_of("prefill", name), 2u);
  EXPECT_EQ(pods_of("Frontend", name), 1u);
  scale(name + "-decode", 2);
  reconcile_adapters();
  ASSERT_TRUE(reconcile_dgd(name).status().is_ok());
  EXPECT_EQ(pods_of("decode", name), 4u);
  run_pods();
  ASSERT_TRUE(reconcile_dgd(name).status().is_ok());
  reconcile_adapters();
  // A group counts once, in the DGD status and in the adapter's status.
  EXPECT_EQ(dgd(name).at("status").at("services").at("decode").at("readyReplicas").as_int64(), 2);
  EXPECT_EQ(adapter(name + "-decode")->at("status").at("replicas").as_int64(), 2);
}

TEST_F(DgdReconcilerTest, EveryUpstreamExampleGetsItsAdaptersAndPods) {
  struct Case {
    const char* file;
    const char* name;
    std::map<std::string, std::size_t> pods;  // per service
  };
  std::vector<Case> cases = {
      {"sglang-agg.yaml", "sglang-agg", {{"Frontend", 1}, {"decode", 1}}},
      {"sglang-agg_router.yaml", "sglang-agg-router", {{"Frontend", 1}, {"decode", 1}}},
      {"sglang-disagg.yaml", "sglang-disagg", {{"Frontend", 1}, {"decode", 1}, {"prefill", 1}}},
      {"sglang-disagg-multinode.yaml",
       "sglang-disagg-multinode",
       {{"Frontend", 1}, {"decode", 2}, {"prefill", 2}}},
      {"sglang-disagg_planner.yaml",
       "sglang-disagg-planner",
       {{"Frontend", 1}, {"Planner", 1}, {"decode", 2}, {"prefill", 2}}},
  };
  for (const Case& c : cases) {
    auto doc = testing::yaml_file_to_json(testing::upstream_example_path(c.file));
    if (!doc) GTEST_SKIP() << "upstream examples not available";
    json::object o = doc->as_object();
    o["metadata"].as_object()["uid"] = std::string("uid-") + c.name;
    cluster_.put(std::move(o));
    ASSERT_TRUE(reconcile_dgd(c.name).status().is_ok()) << c.file;
    for (const auto& [service, count] : c.pods) {
      EXPECT_EQ(pods_of(service, c.name), count) << c.file << " " << service;
      std::string adapter_name = std::string(c.name) + "-" + common::to_lower(service);
      auto a = adapter(adapter_name);
      ASSERT_TRUE(a.has_value()) << adapter_name;
      EXPECT_EQ(a->at("spec").at("dgdRef").at("serviceName").as_string(), service);
    }
    run_pods();
    ASSERT_TRUE(reconcile_dgd(c.name).status().is_ok());
    EXPECT_EQ(dgd(c.name).at("status").at("state").as_string(), "successful") << c.file;
    reconcile_adapters();
    std::string selector(
        adapter(std::string(c.name) + "-decode")->at("status").at("selector").as_string());
    EXPECT_EQ(pods_selected_by(selector).size(), c.pods.at("decode")) << c.file;
  }
}

TEST_F(DgdReconcilerTest, UnusableSpecIsReportedAsValidationFailed) {
  apply(R"(
apiVersion: nvidia.com/v1alpha1
kind: DynamoGraphDeployment
metadata: {name: sglang-agg, namespace: default}
spec:
  services:
    decode: {extraPodSpec: {containers: [{image: nameless}]}}
)");
  auto result = reconcile_dgd();
  EXPECT_TRUE(result.status().is_ok());  // retrying cannot help; the next edit triggers a reconcile
  json::object status = dgd().at("status").as_object();
  EXPECT_EQ(status.at("state").as_string(), "failed");
  EXPECT_EQ(status.at("conditions").at(0).at("reason").as_string(), "ValidationFailed");
  EXPECT_NE(std::string(status.at("conditions").at(0).at("message").as_string())
                .find("spec.services[decode]"),
            std::string::npos);
  EXPECT_TRUE(cluster_.all("Pod").empty());
  EXPECT_TRUE(adapters().empty());
  // One Warning event, not one per reconcile.
  EXPECT_TRUE(reconcile_dgd().status().is_ok());
  int warnings = 0;
  for (const auto& e : cluster_.events()) {
    if (e.reason == "ValidationFailed" && e.type == "Warning" &&
        e.kind == "DynamoGraphDeployment") {
      ++warnings;
    }
  }
  EXPECT_EQ(warnings, 1);
}

TEST_F(DgdReconcilerTest, SecondReconcileWritesNothing) {
  apply(kAgg);
  ASSERT_TRUE(reconcile_dgd().status().is_ok());
  run_pods();
  ASSERT_TRUE(reconcile_dgd().status().is_ok());
  int writes = cluster_.writes();
  ASSERT_TRUE(reconcile_dgd().status().is_ok());
  EXPECT_EQ(cluster_.writes(), writes);
}

TEST_F(DgdReconcilerTest, RecreatedDgdGetsFreshTemplates) {
  apply(kAgg);
  ASSERT_TRUE(reconcile_dgd().status().is_ok());
  cluster_.erase("DynamoGraphDeployment", "default", "sglang-agg");
  cluster_.collect_garbage();
  // Same name and generation 1, new uid and a new image.
  json::object o = testing::yaml_to_json(R"(
apiVersion: nvidia.com/v1alpha1
kind: DynamoGraphDeployment
metadata: {name: sglang-agg, namespace: default, uid: uid-second}
spec:
  services:
    decode: {componentType: worker, extraPodSpec: {mainContainer: {image: "runtime:9"}}}
)")
                       .as_object();
  cluster_.put(std::move(o));
  ASSERT_TRUE(reconcile_dgd().status().is_ok());
  auto pods = pods_selected_by(common::adapter_selector("sglang-agg", "decode"));
  ASSERT_EQ(pods.size(), 1u);
  EXPECT_EQ(pods[0].at("spec").at("containers").at(0).at("image").as_string(), "runtime:9");
  EXPECT_EQ(pods[0].at("metadata").at("ownerReferences").at(0).at("uid").as_string(), "uid-second");
}

TEST_F(DgdReconcilerTest, PodsLeftOverFromADeletedDgdOfTheSameNameDoNotBlockTheNewOne) {
  apply(kAgg);
  ASSERT_TRUE(reconcile_dgd().status().is_ok());
  std::set<std::string> old_pods;
  for (const auto& p : cluster_.all("Pod"))
    old_pods.emplace(p.at("metadata").at("name").as_string());
  // Deleted and applied again unchanged before the garbage collector ran.
  cluster_.erase("DynamoGraphDeployment", "default", "sglang-agg");
  json::object again = testing::yaml_to_json(kAgg).as_object();
  again["metadata"].as_object()["uid"] = "uid-second";
  cluster_.put(std::move(again));
  ASSERT_TRUE(reconcile_dgd().status().is_ok());
  std::size_t new_pods = 0;
  for (const auto& p : cluster_.all("Pod")) {
    const auto& meta = p.at("metadata").as_object();
    if (meta.at("ownerReferences").at(0).at("uid") != "uid-second") continue;
    ++new_pods;
    EXPECT_EQ(old_pods.count(std::string(meta.at("name").as_string())), 0u) << meta.at("name");
  }
  EXPECT_EQ(new_pods, 2u);  // Frontend and decode
  cluster_.collect_garbage();
  EXPECT_EQ(pods_of("decode"), 1u);
  EXPECT_EQ(pods_of("Frontend"), 1u);
}

TEST_F(DgdReconcilerTest, LargeScaleUpIsSpreadOverReconciles) {
  apply(kAgg);
  ASSERT_TRUE(reconcile_dgd().status().is_ok());
  scale("sglang-agg-decode", 600);
  reconcile_adapters();
  auto first = reconcile_dgd();
  EXPECT_TRUE(first.status().is_ok());
  EXPECT_GT(first.requeue_after_ms(), 0u);
  EXPECT_EQ(pods_of("decode"), 501u);  // the first one plus 500
  auto second = reconcile_dgd();
  EXPECT_EQ(second.requeue_after_ms(), 0u);
  EXPECT_EQ(pods_of("decode"), 600u);
}

constexpr std::string_view kWithPlanner = R"(
apiVersion: nvidia.com/v1alpha1
kind: DynamoGraphDeployment
metadata: {name: NAME, namespace: default}
spec:
  services:
    Frontend: {componentType: frontend, replicas: 1}
    Planner: {componentType: planner, replicas: 1}
)";

std::string with_planner(std::string_view name, bool planner = true) {
  std::string yaml(kWithPlanner);
  yaml.replace(yaml.find("NAME"), 4, name);
  if (!planner) yaml.erase(yaml.find("    Planner:"));
  return yaml;
}

std::vector<std::string> owner_names(const json::object& object) {
  std::vector<std::string> names;
  for (const json::value& ref : object.at("metadata").at("ownerReferences").as_array()) {
    names.emplace_back(ref.at("name").as_string());
  }
  return names;
}

TEST_F(DgdReconcilerTest, PlannerPodsGetTheirServiceAccountAndBindingSharedByTheNamespace) {
  apply(with_planner("one"));
  ASSERT_TRUE(reconcile_dgd("one").status().is_ok());
  auto sa = cluster_.find("ServiceAccount", "default", "planner-serviceaccount");
  ASSERT_TRUE(sa.has_value());
  EXPECT_EQ(sa->at("metadata").at("labels").at("app.kubernetes.io/managed-by"), "dynop");
  auto rb = cluster_.find("RoleBinding", "default", "planner-serviceaccount-binding");
  ASSERT_TRUE(rb.has_value());
  EXPECT_EQ(rb->at("roleRef").at("name"), "dynop-planner");
  EXPECT_EQ(rb->at("subjects").at(0).at("name"), "planner-serviceaccount");
  for (const json::object& pod : pods_selected_by(common::adapter_selector("one", "Planner"))) {
    EXPECT_EQ(pod.at("spec").at("serviceAccountName"), "planner-serviceaccount");
  }
  EXPECT_EQ(pods_of("Planner", "one"), 1u);

  // A second DGD with a planner shares them; deleting one DGD keeps them for the other.
  apply(with_planner("two"));
  ASSERT_TRUE(reconcile_dgd("two").status().is_ok());
  EXPECT_EQ(owner_names(*cluster_.find("ServiceAccount", "default", "planner-serviceaccount")),
            (std::vector<std::string>{"one", "two"}));
  cluster_.erase("DynamoGraphDeployment", "default", "one");
  cluster_.collect_garbage();
  EXPECT_EQ(owner_names(*cluster_.find("ServiceAccount", "default", "planner-serviceaccount")),
            (std::vector<std::string>{"two"}));
  EXPECT_TRUE(cluster_.find("RoleBinding", "default", "planner-serviceaccount-binding"));
  // Deleted by hand while a planner needs it: made again.
  cluster_.erase("ServiceAccount", "default", "planner-serviceaccount");
  ASSERT_TRUE(reconcile_dgd("two").status().is_ok());
  EXPECT_TRUE(cluster_.find("ServiceAccount", "default", "planner-serviceaccount"));
  // The last DGD dropping its planner takes them away.
  apply(with_planner("two", false));
  ASSERT_TRUE(reconcile_dgd("two").status().is_ok());
  EXPECT_FALSE(cluster_.find("ServiceAccount", "default", "planner-serviceaccount"));
  EXPECT_FALSE(cluster_.find("RoleBinding", "default", "planner-serviceaccount-binding"));
}

TEST_F(DgdReconcilerTest, TheirChangesWakeTheOwningDgds) {
  apply(with_planner("one"));
  apply(with_planner("two"));
  ASSERT_TRUE(reconcile_dgd("one").status().is_ok());
  ASSERT_TRUE(reconcile_dgd("two").status().is_ok());
  const auto sa = cluster_.find("ServiceAccount", "default", "planner-serviceaccount");
  const std::vector<sdk::Key> keys = map_dgds_of(3, json::serialize(*sa));
  ASSERT_EQ(keys.size(), 2u);
  EXPECT_EQ(keys[0].ns, "default");
  EXPECT_EQ(keys[0].name, "one");
  EXPECT_EQ(keys[1].name, "two");
  const auto rb = cluster_.find("RoleBinding", "default", "planner-serviceaccount-binding");
  EXPECT_EQ(map_dgds_of(4, json::serialize(*rb)).size(), 2u);
  // Namespaces are read, not mapped.
  EXPECT_TRUE(map_dgds_of(5, R"({"metadata":{"name":"default"}})").empty());
}

TEST_F(DgdReconcilerTest, NothingIsCreatedInANamespaceBeingDeleted) {
  cluster_.put(json::object{
      {"apiVersion", "v1"},
      {"kind", "Namespace"},
      {"metadata", {{"name", "default"}, {"deletionTimestamp", "2026-02-01T09:59:00Z"}}},
      {"status", {{"phase", "Terminating"}}}});
  apply(kAgg);
  for (int i = 0; i < 3; ++i) {
    auto result = reconcile_dgd();
    EXPECT_TRUE(result.status().is_ok()) << result.status().message();
    EXPECT_EQ(result.requeue_after_ms(), 0u);
  }
  EXPECT_EQ(cluster_.writes(), 0);
  EXPECT_TRUE(cluster_.events().empty());
  EXPECT_EQ(cluster_.logs_at(DYNOP_LOG_INFO),
            std::vector<std::string>{
                "namespace default is being deleted (its deletionTimestamp is set): creating "
                "nothing more in it for its DynamoGraphDeployments; they go with the namespace"});
  EXPECT_TRUE(cluster_.logs_at(DYNOP_LOG_WARN).empty());
}

TEST_F(DgdReconcilerTest, ACreateRefusedBecauseTheNamespaceIsTerminatingStopsTheRest) {
  // The cache has not seen the namespace's deletion yet; the API server has.
  apply(kAgg);
  const std::string refused =
      apimachinery::namespace_terminating({"nvidia.com", "dynamographdeploymentscalingadapters"},
                                          "sglang-agg-frontend", "default")
          .message;
  cluster_.fail_next("create", DYNOP_ERROR, refused);
  auto result = reconcile_dgd();
  EXPECT_TRUE(result.status().is_ok()) << result.status().message();
  EXPECT_EQ(result.requeue_after_ms(), 0u);
  EXPECT_TRUE(cluster_.all("Pod").empty());  // nothing after the refusal was tried
  EXPECT_TRUE(cluster_.all("DynamoGraphDeploymentScalingAdapter").empty());
  EXPECT_TRUE(cluster_.events().empty());
  EXPECT_TRUE(cluster_.logs_at(DYNOP_LOG_WARN).empty());
  ASSERT_EQ(cluster_.logs_at(DYNOP_LOG_INFO).size(), 1u);
  EXPECT_NE(
      cluster_.logs_at(DYNOP_LOG_INFO)[0].find("namespace default is being deleted (creating "
                                               "DynamoGraphDeploymentScalingAdapter sglang-agg-"),
      std::string::npos)
      << cluster_.logs_at(DYNOP_LOG_INFO)[0];
}

TEST_F(DgdReconcilerTest, ACreateInANamespaceThatIsGoneStopsTheRest) {
  // The namespace is gone on the server; the cache still shows the DGD.
  apply(kAgg);
  cluster_.fail_next("create", DYNOP_NOT_FOUND,
                     apimachinery::not_found({"", "namespaces"}, "default").message);
  auto result = reconcile_dgd();
  EXPECT_TRUE(result.status().is_ok()) << result.status().message();
  EXPECT_TRUE(cluster_.all("Pod").empty());
  EXPECT_TRUE(cluster_.events().empty());
  EXPECT_TRUE(cluster_.logs_at(DYNOP_LOG_WARN).empty());
  ASSERT_EQ(cluster_.logs_at(DYNOP_LOG_INFO).size(), 1u);
  EXPECT_NE(cluster_.logs_at(DYNOP_LOG_INFO)[0].find("namespaces \"default\" not found"),
            std::string::npos);
  // Any other 404 on a create is a failure as before.
  cluster_.fail_next("create", DYNOP_NOT_FOUND, "the server could not find the requested resource");
  EXPECT_EQ(reconcile_dgd().status().code(), sdk::StatusCode::kError);
}

TEST_F(DgdReconcilerTest, ANamespaceOfTheSameNameMadeAgainIsUsedAgain) {
  cluster_.put(json::object{{"apiVersion", "v1"},
                            {"kind", "Namespace"},
                            {"metadata", {{"name", "default"}}},
                            {"status", {{"phase", "Terminating"}}}});
  apply(kAgg);
  ASSERT_TRUE(reconcile_dgd().status().is_ok());
  EXPECT_TRUE(cluster_.all("Pod").empty());
  cluster_.put(json::object{{"apiVersion", "v1"},
                            {"kind", "Namespace"},
                            {"metadata", {{"name", "default"}}},
                            {"status", {{"phase", "Active"}}}});
  ASSERT_TRUE(reconcile_dgd().status().is_ok());
  EXPECT_EQ(cluster_.all("Pod").size(), 2u);
}

TEST_F(DgdReconcilerTest, AlreadyExistsOnCreateIsNotAnError) {
  apply(kAgg);
  cluster_.fail_next("create", DYNOP_CONFLICT, "already exists");
  EXPECT_TRUE(reconcile_dgd().status().is_ok());
}

TEST_F(DgdReconcilerTest, WriteFailuresAreRetried) {
  apply(kAgg);
  cluster_.fail_next("create", DYNOP_UNAVAILABLE,
                     "the server is currently unable to handle the request");
  auto result = reconcile_dgd();
  EXPECT_EQ(result.status().code(), sdk::StatusCode::kError);
  EXPECT_NE(result.status().message().find("unable to handle"), std::string::npos);
  // The next attempt completes the work.
  EXPECT_TRUE(reconcile_dgd().status().is_ok());
  EXPECT_EQ(adapters().size(), 2u);
  EXPECT_EQ(cluster_.all("Pod").size(), 2u);
}

TEST_F(DgdReconcilerTest, RejectedPodIsAFailedCreateEvent) {
  apply(kAgg);
  ASSERT_TRUE(reconcile_dgd().status().is_ok());  // adapters and pods exist
  scale("sglang-agg-decode", 2);
  reconcile_adapters();
  cluster_.fail_next("create", DYNOP_INVALID_ARGUMENT,
                     "Pod \"x\" is invalid: spec.containers[0].image: Required value");
  EXPECT_EQ(reconcile_dgd().status().code(), sdk::StatusCode::kError);
  bool seen = false;
  for (const auto& e : cluster_.events()) {
    if (e.reason == "FailedCreate" && e.type == "Warning" && e.kind == "DynamoGraphDeployment") {
      seen = true;
      EXPECT_NE(e.message.find("for service decode: Pod \"x\" is invalid"), std::string::npos)
          << e.message;
    }
  }
  EXPECT_TRUE(seen);
}

TEST_F(DgdReconcilerTest, StatusConflictIsAQuietRetry) {
  apply(kAgg);
  cluster_.fail_next("update_status", DYNOP_CONFLICT, "the object has been modified");
  auto result = reconcile_dgd();
  // A conflict, not an error: the host retries it with backoff and logs it
  // at debug; the plugin itself warns about nothing.
  EXPECT_EQ(result.status().code(), sdk::StatusCode::kConflict);
  EXPECT_EQ(result.status().message(), "the DGD status write: the object has been modified");
  EXPECT_TRUE(cluster_.logs_at(DYNOP_LOG_WARN).empty());
  // The retry writes the status.
  ASSERT_TRUE(reconcile_dgd().status().is_ok());
  EXPECT_TRUE(cluster_.find("DynamoGraphDeployment", "default", "sglang-agg")->contains("status"));
}

TEST_F(DgdReconcilerTest, StatusWriteFailureOtherThanConflictIsAnError) {
  apply(kAgg);
  cluster_.fail_next("update_status", DYNOP_UNAVAILABLE, "etcd is down");
  auto result = reconcile_dgd();
  EXPECT_EQ(result.status().code(), sdk::StatusCode::kError);
  EXPECT_EQ(result.status().message(), "writing the DGD status: etcd is down");
}

constexpr std::string_view kWithClaims = R"(
apiVersion: nvidia.com/v1alpha1
kind: DynamoGraphDeployment
metadata: {name: sglang-agg, namespace: default}
spec:
  backendFramework: sglang
  pvcs:
    - {name: model-cache, create: true, size: 100Gi, storageClass: fast,
       volumeAccessMode: ReadWriteMany}
    - {name: users-claim, create: true, size: 1Gi, storageClass: slow,
       volumeAccessMode: ReadWriteOnce}
    - {name: not-created}
  services:
    decode:
      componentType: worker
      volumeMounts:
        - {name: model-cache, mountPoint: /models}
        - {name: users-claim, useAsCompilationCache: true}
)";

TEST_F(DgdReconcilerTest, ClaimsToCreateAreCreatedOwnedByTheDgdAndUsersClaimsKept) {
  // The user made users-claim already (another size, no owner): it is theirs.
  cluster_.put(testing::yaml_to_json(R"(
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: users-claim, namespace: default}
spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 5Gi}}}
)")
                   .as_object());
  const json::object users_before =
      *cluster_.find("PersistentVolumeClaim", "default", "users-claim");
  apply(kWithClaims);
  ASSERT_TRUE(reconcile_dgd().status().is_ok());

  auto made = cluster_.find("PersistentVolumeClaim", "default", "model-cache");
  ASSERT_TRUE(made.has_value());
  EXPECT_EQ(json::serialize(made->at("spec")),
            R"({"accessModes":["ReadWriteMany"],"resources":{"requests":{"storage":"100Gi"}},)"
            R"("storageClassName":"fast"})");
  const json::object& owner = made->at("metadata").at("ownerReferences").at(0).as_object();
  EXPECT_EQ(owner.at("kind"), "DynamoGraphDeployment");
  EXPECT_EQ(owner.at("name"), "sglang-agg");
  EXPECT_EQ(owner.at("uid"), "uid-sglang-agg");
  EXPECT_EQ(owner.at("controller"), true);
  EXPECT_EQ(made->at("metadata").at("labels").at("nvidia.com/dynamo-graph-deployment-name"),
            "sglang-agg");
  EXPECT_EQ(*cluster_.find("PersistentVolumeClaim", "default", "users-claim"), users_before);
  EXPECT_FALSE(cluster_.find("PersistentVolumeClaim", "default", "not-created").has_value());

  // The pod mounts both; the compilation cache at the backend's default path.
  auto pods = pods_selected_by(common::adapter_selector("sglang-agg", "decode"));
  ASSERT_EQ(pods.size(), 1u);
  const json::value& main = pods[0].at("spec").at("containers").at(0);
  EXPECT_EQ(json::serialize(main.at("volumeMounts")),
            R"([{"name":"model-cache","mountPath":"/models"},)"
            R"({"name":"users-claim","mountPath":"/root/.cache/sglang"}])");

  // A created claim someone deletes comes back; leaving spec.pvcs deletes nothing.
  cluster_.erase("PersistentVolumeClaim", "default", "model-cache");
  ASSERT_TRUE(reconcile_dgd().status().is_ok());
  EXPECT_TRUE(cluster_.find("PersistentVolumeClaim", "default", "model-cache").has_value());
  apply(kAgg);
  ASSERT_TRUE(reconcile_dgd().status().is_ok());
  EXPECT_TRUE(cluster_.find("PersistentVolumeClaim", "default", "model-cache").has_value());
  EXPECT_EQ(*cluster_.find("PersistentVolumeClaim", "default", "users-claim"), users_before);

  // Deleting the DGD takes the claim it made, never the user's.
  cluster_.erase("DynamoGraphDeployment", "default", "sglang-agg");
  cluster_.collect_garbage();
  EXPECT_FALSE(cluster_.find("PersistentVolumeClaim", "default", "model-cache").has_value());
  EXPECT_EQ(*cluster_.find("PersistentVolumeClaim", "default", "users-claim"), users_before);
}

TEST_F(DgdReconcilerTest, ClaimThatCannotBeCreatedIsAFailedCreateEventAndARetry) {
  apply(kWithClaims);
  ASSERT_TRUE(reconcile_dgd().status().is_ok());  // adapters, claims and pods exist
  cluster_.erase("PersistentVolumeClaim", "default", "model-cache");
  cluster_.fail_next("create", DYNOP_INVALID_ARGUMENT, "exceeded quota: storage");
  auto result = reconcile_dgd();
  EXPECT_EQ(result.status().code(), sdk::StatusCode::kError);
  EXPECT_EQ(result.status().message(),
            "Error creating PersistentVolumeClaim model-cache of spec.pvcs: exceeded quota: "
            "storage");
  bool recorded = false;
  for (const auto& e : cluster_.events()) {
    recorded = recorded || (e.reason == "FailedCreate" && e.type == "Warning" &&
                            e.message == result.status().message());
  }
  EXPECT_TRUE(recorded);
  ASSERT_TRUE(reconcile_dgd().status().is_ok());
  EXPECT_TRUE(cluster_.find("PersistentVolumeClaim", "default", "model-cache").has_value());
}

TEST(DgdPluginConfig, ParsesKnownKeysAndRejectsOthers) {
  DgdPluginConfig c = parse_dgd_plugin_config(
      "scheduler_name: dynop-gpu\ndefault_image: img:1\nplanner_service_account: p\nworkers: 4\n");
  EXPECT_EQ(c.pod.scheduler_name, "dynop-gpu");
  EXPECT_EQ(c.pod.default_image, "img:1");
  EXPECT_EQ(c.pod.planner_service_account, "p");
  EXPECT_EQ(c.workers, 4u);
  EXPECT_EQ(parse_dgd_plugin_config("").workers, 2u);
  EXPECT_EQ(parse_dgd_plugin_config("").pod.scheduler_name, "dynop-gpu-scheduler");
  EXPECT_EQ(parse_dgd_plugin_config("scheduler_name: ''\n").pod.scheduler_name, "");
  EXPECT_THROW(parse_dgd_plugin_config("schedulerName: x\n"), std::invalid_argument);
  EXPECT_THROW(parse_dgd_plugin_config("workers: 0\n"), std::invalid_argument);
}

TEST(DgdPluginConfig, WatchesWhatItOwnsTheSharedPlannerIdentityAndNamespaces) {
  sdk::ReconcilerSpec spec = dgd_reconciler_spec({});
  EXPECT_EQ(spec.primary.kind, "DynamoGraphDeployment");
  ASSERT_EQ(spec.watches.size(), 7u);
  EXPECT_EQ(spec.watches[0].gvk.kind, "Pod");
  EXPECT_EQ(spec.watches[1].gvk.kind, "DynamoGraphDeploymentScalingAdapter");
  EXPECT_EQ(spec.watches[2].gvk.kind, "PersistentVolumeClaim");
  EXPECT_EQ(spec.watches[3].gvk.kind, "Service");
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(spec.watches[i].mapping, sdk::WatchMapping::kControllerOwner);
  }
  // Shared by several DGDs, so no controller owner: map_dgds_of maps them.
  EXPECT_EQ(spec.watches[4].gvk.kind, "ServiceAccount");
  EXPECT_EQ(spec.watches[5].gvk.kind, "RoleBinding");
  EXPECT_EQ(spec.watches[5].gvk.group, "rbac.authorization.k8s.io");
  EXPECT_EQ(spec.watches[6].gvk.kind, "Namespace");
  for (std::size_t i = 4; i < 7; ++i) {
    EXPECT_EQ(spec.watches[i].mapping, sdk::WatchMapping::kFunction);
  }
}

}  // namespace
}  // namespace dynop::plugins::dgd
