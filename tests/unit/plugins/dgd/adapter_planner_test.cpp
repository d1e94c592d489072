#include "plugins/dgd/adapter_planner.hpp"

#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>
#include <set>

#include "tests/unit/plugins/common/plugin_test_support.hpp"

namespace dynop::plugins::dgd {
namespace {

namespace json = boost::json;

using testing::dgd_view;

// An adapter as the API server would return it after creation.
json::object stored(json::object adapter, std::string uid = "a-uid") {
  adapter["metadata"].as_object()["uid"] = uid;
  adapter["metadata"].as_object()["resourceVersion"] = "5";
  return adapter;
}

std::set<std::string> names(const std::vector<json::object>& objects) {
  std::set<std::string> out;
  for (const auto& o : objects) out.emplace(o.at("metadata").at("name").as_string());
  return out;
}

std::set<std::string> names(const std::vector<AdapterToDelete>& deletes) {
  std::set<std::string> out;
  for (const auto& d : deletes) out.insert(d.name);
  return out;
}

constexpr std::string_view kAgg = R"(
metadata: {name: sglang-agg}
spec:
  services:
    Frontend: {componentType: frontend, replicas: 1}
    decode: {componentType: worker, replicas: 2, resources: {limits: {gpu: "1"}}}
)";

TEST(AdapterPlanner, OneAdapterPerServiceAsTheContractSays) {
  AdapterPlan plan = plan_adapters(dgd_view(kAgg), {});
  ASSERT_EQ(plan.create.size(), 2u);
  EXPECT_EQ(names(plan.create),
            (std::set<std::string>{"sglang-agg-frontend", "sglang-agg-decode"}));
  for (const json::object& a : plan.create) {
    EXPECT_EQ(a.at("apiVersion").as_string(), "nvidia.com/v1alpha1");
    EXPECT_EQ(a.at("kind").as_string(), "DynamoGraphDeploymentScalingAdapter");
    EXPECT_EQ(a.at("metadata").at("namespace").as_string(), "default");
    const json::object& labels = a.at("metadata").at("labels").as_object();
    EXPECT_EQ(labels.at("nvidia.com/dynamo-graph-deployment-name").as_string(), "sglang-agg");
    const json::array& refs = a.at("metadata").at("ownerReferences").as_array();
    ASSERT_EQ(refs.size(), 1u);
    EXPECT_EQ(refs[0].at("kind").as_string(), "DynamoGraphDeployment");
    EXPECT_EQ(refs[0].at("uid").as_string(), "uid-sglang-agg");
    EXPECT_TRUE(refs[0].at("controller").as_bool());
  }
  const json::object& fe =
      plan.create[0].at("metadata").at("name").as_string() == "sglang-agg-frontend"
          ? plan.create[0]
          : plan.create[1];
  EXPECT_EQ(json::serialize(fe.at("spec")),
            R"({"replicas":1,"dgdRef":{"name":"sglang-agg","serviceName":"Frontend"}})");
  EXPECT_EQ(fe.at("metadata").at("labels").at("nvidia.com/dynamo-component").as_string(),
            "Frontend");
}

TEST(AdapterPlanner, SeededFromTheServiceReplicasAtCreation) {
  AdapterPlan plan = plan_adapters(dgd_view(kAgg), {});
  for (const json::object& a : plan.create) {
    if (a.at("spec").at("dgdRef").at("serviceName").as_string() == "decode") {
      EXPECT_EQ(a.at("spec").at("replicas").as_int64(), 2);
    }
  }
  auto absent = plan_adapters(dgd_view("metadata: {name: d}\nspec: {services: {w: {}}}\n"), {});
  ASSERT_EQ(absent.create.size(), 1u);
  EXPECT_EQ(absent.create[0].at("spec").at("replicas").as_int64(), 1);  // absent means 1
}

TEST(AdapterPlanner, NeverOverwritesNewerAdapterReplicas) {
  // Upstream issue 12080: the DGD says 2, an autoscaler set the adapter to 7.
  // A DGD reconcile must leave the adapter alone.
  common::DgdView dgd = dgd_view(kAgg);
  std::vector<json::object> existing;
  for (json::object a : plan_adapters(dgd, {}).create) {
    a["spec"].as_object()["replicas"] = 7;
    existing.push_back(stored(std::move(a), "uid-x"));
  }
  // Make the adapters look owned by this DGD.
  AdapterPlan plan = plan_adapters(dgd, existing);
  EXPECT_TRUE(plan.empty());
  EXPECT_TRUE(plan.conflicts.empty());
  // And the plan has no way to express an update at all: only create/remove.
}

TEST(AdapterPlanner, DisabledServiceGetsNoAdapterAndItsAdapterIsDeleted) {
  common::DgdView before = dgd_view(kAgg);
  std::vector<json::object> existing;
  for (json::object a : plan_adapters(before, {}).create) existing.push_back(stored(a));
  common::DgdView after = dgd_view(R"(
metadata: {name: sglang-agg}
spec:
  services:
    Frontend: {componentType: frontend, replicas: 2, scalingAdapter: {disable: true}}
    decode: {componentType: worker, replicas: 2}
)");
  AdapterPlan plan = plan_adapters(after, existing);
  EXPECT_TRUE(plan.create.empty());
  ASSERT_EQ(plan.remove.size(), 1u);
  EXPECT_EQ(plan.remove[0].name, "sglang-agg-frontend");
  EXPECT_EQ(plan.remove[0].uid, "a-uid");
  EXPECT_NE(plan.remove[0].reason.find("disabled"), std::string::npos);
}

TEST(AdapterPlanner, EnabledFalseAlsoDisables) {
  AdapterPlan plan = plan_adapters(dgd_view(R"(
metadata: {name: d}
spec: {services: {a: {scalingAdapter: {enabled: false}}, b: {}}}
)"),
                                   {});
  EXPECT_EQ(names(plan.create), (std::set<std::string>{"d-b"}));
}

TEST(AdapterPlanner, RemovedServiceAdapterIsDeleted) {
  std::vector<json::object> existing;
  for (json::object a : plan_adapters(dgd_view(kAgg), {}).create) existing.push_back(stored(a));
  AdapterPlan plan = plan_adapters(dgd_view(R"(
metadata: {name: sglang-agg}
spec: {services: {decode: {replicas: 2}}}
)"),
                                   existing);
  EXPECT_EQ(names(plan.remove), (std::set<std::string>{"sglang-agg-frontend"}));
  EXPECT_NE(plan.remove[0].reason.find("removed"), std::string::npos);
}

TEST(AdapterPlanner, DeletedAdapterIsRecreatedFromTheCurrentReplicas) {
  common::DgdView dgd = dgd_view(kAgg);
  std::vector<json::object> existing;
  for (json::object a : plan_adapters(dgd, {}).create) {
    if (a.at("metadata").at("name").as_string() == "sglang-agg-frontend") {
      existing.push_back(stored(a));
    }
  }
  AdapterPlan plan = plan_adapters(dgd, existing);
  ASSERT_EQ(plan.create.size(), 1u);
  EXPECT_EQ(plan.create[0].at("metadata").at("name").as_string(), "sglang-agg-decode");
  EXPECT_EQ(plan.create[0].at("spec").at("replicas").as_int64(), 2);
}

TEST(AdapterPlanner, TerminatingAdapterIsNeitherRecreatedNorDeletedAgain) {
  common::DgdView dgd = dgd_view(kAgg);
  std::vector<json::object> existing;
  for (json::object a : plan_adapters(dgd, {}).create) {
    a["metadata"].as_object()["deletionTimestamp"] = "2026-01-01T00:00:00Z";
    existing.push_back(stored(a));
  }
  EXPECT_TRUE(plan_adapters(dgd, existing).empty());
}

TEST(AdapterPlanner, AdaptersOfOthersAreNeverTouched) {
  common::DgdView dgd = dgd_view(kAgg);
  // Same name, but controlled by something else.
  json::object foreign = plan_adapters(dgd, {}).create[0];
  foreign["metadata"].as_object()["ownerReferences"].as_array()[0].as_object()["uid"] = "other";
  // An adapter of another DGD.
  json::object other =
      plan_adapters(dgd_view("metadata: {name: other}\nspec: {services: {x: {}}}\n"), {}).create[0];
  AdapterPlan plan = plan_adapters(dgd, {stored(foreign), stored(other)});
  EXPECT_EQ(plan.create.size(), 1u);  // only the missing one
  EXPECT_TRUE(plan.remove.empty());
  ASSERT_EQ(plan.conflicts.size(), 1u);
  EXPECT_NE(plan.conflicts[0].find("not controlled by"), std::string::npos);
}

TEST(AdapterPlanner, NothingWhileTheDgdIsBeingDeleted) {
  auto dgd = dgd_view(R"(
metadata: {name: d, deletionTimestamp: "2026-01-01T00:00:00Z"}
spec: {services: {a: {}}}
)");
  EXPECT_TRUE(plan_adapters(dgd, {}).empty());
}

TEST(AdapterPlanner, UpstreamExamplesYieldOneAdapterPerService) {
  struct Case {
    const char* file;
    std::set<std::string> adapters;
  };
  std::vector<Case> cases = {
      {"sglang-agg.yaml", {"sglang-agg-frontend", "sglang-agg-decode"}},
      {"sglang-agg_router.yaml", {"sglang-agg-router-frontend", "sglang-agg-router-decode"}},
      {"sglang-disagg.yaml",
       {"sglang-disagg-frontend", "sglang-disagg-decode", "sglang-disagg-prefill"}},
      {"sglang-disagg-multinode.yaml",
       {"sglang-disagg-multinode-frontend", "sglang-disagg-multinode-decode",
        "sglang-disagg-multinode-prefill"}},
      {"sglang-disagg_planner.yaml",
       {"sglang-disagg-planner-frontend", "sglang-disagg-planner-planner",
        "sglang-disagg-planner-decode", "sglang-disagg-planner-prefill"}},
  };
  for (const Case& c : cases) {
    auto doc = testing::yaml_file_to_json(testing::upstream_example_path(c.file));
    if (!doc) GTEST_SKIP() << "upstream examples not available";
    auto parsed = testing::parse_dgd_object(json::value(testing::as_stored(*doc)));
    ASSERT_TRUE(parsed.ok()) << c.file;
    AdapterPlan plan = plan_adapters(parsed.view, {});
    EXPECT_EQ(names(plan.create), c.adapters) << c.file;
    for (const json::object& a : plan.create) {
      std::string service(a.at("spec").at("dgdRef").at("serviceName").as_string());
      EXPECT_EQ(a.at("spec").at("replicas").as_int64(), parsed.view.find_service(service)->replicas)
          << c.file << " " << service;
    }
  }
}

}  // namespace
}  // namespace dynop::plugins::dgd
