#include "plugins/dgd/service_planner.hpp"

#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>

#include "tests/unit/plugins/common/plugin_test_support.hpp"

namespace dynop::plugins::dgd {
namespace {

namespace json = boost::json;

using testing::dgd_view;

constexpr std::string_view kAgg = R"(
metadata: {name: sglang-agg}
spec:
  services:
    Frontend: {componentType: frontend, replicas: 1}
    decode: {componentType: worker, replicas: 2}
)";

// A Service as the API server returns it: defaults added, a cluster IP.
json::object stored(json::object service) {
  json::object& spec = service["spec"].as_object();
  spec["clusterIP"] = "10.0.0.17";
  spec["type"] = "ClusterIP";
  spec["sessionAffinity"] = "None";
  service["metadata"].as_object()["uid"] = "s-uid";
  return service;
}

const json::object* find(const std::vector<json::object>& list, std::string_view name) {
  for (const auto& o : list) {
    if (o.at("metadata").at("name").as_string() == name) return &o;
  }
  return nullptr;
}

TEST(ServicePlanner, OneServicePerDgdServiceAsUpstreamMakesThem) {
  const common::DgdView dgd = dgd_view(kAgg);
  ServicePlan plan = plan_services(dgd, {});
  ASSERT_EQ(plan.create.size(), 2u);
  const json::object* frontend = find(plan.create, "sglang-agg-frontend");
  ASSERT_NE(frontend, nullptr);
  EXPECT_EQ(
      json::serialize(frontend->at("spec")),
      R"({"selector":{"nvidia.com/dynamo-component-type":"frontend",)"
      R"("nvidia.com/dynamo-namespace":"default-sglang-agg","nvidia.com/dynamo-component":"Frontend"},)"
      R"("ports":[{"name":"http","port":8000,"targetPort":"http","protocol":"TCP"}]})");
  const json::object* decode = find(plan.create, "sglang-agg-decode");
  ASSERT_NE(decode, nullptr);
  EXPECT_EQ(json::serialize(decode->at("spec").at("ports")),
            R"([{"name":"system","port":9090,"targetPort":"system","protocol":"TCP"}])");
  const json::object& ref = decode->at("metadata").at("ownerReferences").as_array()[0].as_object();
  EXPECT_EQ(ref.at("kind").as_string(), "DynamoGraphDeployment");
  EXPECT_TRUE(ref.at("controller").as_bool());
  EXPECT_EQ(
      decode->at("metadata").at("labels").at("nvidia.com/dynamo-graph-deployment-name").as_string(),
      "sglang-agg");
}

TEST(ServicePlanner, DotsInServiceNamesBecomeHyphens) {
  EXPECT_EQ(service_object_name("llm", "Qwen3-0.6B"), "llm-qwen3-0-6b");
}

TEST(ServicePlanner, ExistingServicesAreKeptPutBackOrDeleted) {
  const common::DgdView dgd = dgd_view(kAgg);
  ServicePlan first = plan_services(dgd, {});
  std::vector<json::object> existing;
  for (const json::object& s : first.create) existing.push_back(stored(s));
  ServicePlan steady = plan_services(dgd, existing);
  EXPECT_TRUE(steady.create.empty());
  EXPECT_TRUE(steady.update.empty());
  EXPECT_TRUE(steady.remove.empty());

  // Someone edited the selector: it is put back.
  existing[0]["spec"].as_object()["selector"] = json::object{{"app", "x"}};
  ServicePlan drifted = plan_services(dgd, existing);
  ASSERT_EQ(drifted.update.size(), 1u);
  EXPECT_EQ(drifted.update[0].merge_patch.at("spec").at("selector").as_object().size(), 3u);

  // The service went from the DGD: its Service goes too.
  const common::DgdView smaller = dgd_view(R"(
metadata: {name: sglang-agg}
spec:
  services:
    Frontend: {componentType: frontend, replicas: 1}
)");
  ServicePlan removed = plan_services(smaller, {stored(first.create[0]), stored(first.create[1])});
  ASSERT_EQ(removed.remove.size(), 1u);
  EXPECT_EQ(removed.remove[0].name, "sglang-agg-decode");
}

TEST(ServicePlanner, AServiceSomeoneElseControlsIsLeftAlone) {
  const common::DgdView dgd = dgd_view(kAgg);
  json::object theirs = stored(build_service(dgd, dgd.services[0]));
  theirs["metadata"].as_object().erase("ownerReferences");
  ServicePlan plan = plan_services(dgd, {theirs});
  EXPECT_EQ(plan.create.size(), 1u);
  EXPECT_TRUE(plan.update.empty());
  EXPECT_TRUE(plan.remove.empty());
  ASSERT_EQ(plan.conflicts.size(), 1u);
  EXPECT_EQ(plan.conflicts[0], "Service " +
                                   std::string(theirs.at("metadata").at("name").as_string()) +
                                   " exists and is not controlled by this DynamoGraphDeployment; "
                                   "it is left as it is");
}

}  // namespace
}  // namespace dynop::plugins::dgd
