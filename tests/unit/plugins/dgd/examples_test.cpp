// The guide's DGD and every upstream sglang example, run through the dgd
// plugin's decisions from an empty cluster: the pods and adapters that appear
// must be the ones the contract describes. The upstream files are read by
// path at test time (test data, never copied into the project).
#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>
#include <map>
#include <set>

#include "plugins/common/names.hpp"
#include "plugins/dgd/adapter_planner.hpp"
#include "plugins/dgd/pod_planner.hpp"
#include "plugins/dgd/pod_template.hpp"
#include "tests/unit/plugins/common/plugin_test_support.hpp"

namespace dynop::plugins::dgd {
namespace {

namespace json = boost::json;

struct Cluster {
  common::DgdView dgd;
  std::map<std::string, std::vector<json::object>> pods;  // by service
};

std::optional<Cluster> deploy(const std::string& path) {
  auto doc = testing::yaml_file_to_json(path);
  if (!doc) return std::nullopt;
  auto parsed = testing::parse_dgd_object(json::value(testing::as_stored(*doc)));
  EXPECT_TRUE(parsed.ok()) << path << ": " << common::format_field_errors(parsed.errors);
  Cluster c{parsed.view, {}};
  PodTemplateConfig config;
  config.scheduler_name = "dynop-gpu";
  for (const common::ServiceView& svc : c.dgd.services) {
    auto built = build_pod_template(c.dgd, svc, config);
    EXPECT_TRUE(built.ok()) << built.error();
    if (!built.ok()) continue;
    const PodTemplate& t = *built;
    PodPlan plan = plan_pods({t.hash, svc.replicas, t.pods_per_group, {}});
    EXPECT_TRUE(plan.remove.empty());
    for (const PodToCreate& p : plan.create) {
      c.pods[svc.name].push_back(render_pod(t, p.group_index, p.rank));
    }
  }
  return c;
}

std::string label(const json::object& pod, std::string_view key) {
  const json::value* v = pod.at("metadata").at("labels").as_object().if_contains(key);
  return v != nullptr ? std::string(v->as_string()) : "<absent>";
}

const json::object& main_of(const json::object& pod) {
  return pod.at("spec").at("containers").as_array().at(0).as_object();
}

std::string env(const json::object& pod, std::string_view name) {
  for (const json::value& e : main_of(pod).at("env").as_array()) {
    if (e.at("name").as_string() == name) return json::serialize(e);
  }
  return "<absent>";
}

std::string gpus(const json::object& pod) {
  const json::object& c = main_of(pod);
  if (!c.contains("resources")) return "";
  const json::value* g = c.at("resources").at("limits").as_object().if_contains("nvidia.com/gpu");
  const json::value* r = c.at("resources").at("requests").as_object().if_contains("nvidia.com/gpu");
  if (g == nullptr || r == nullptr || *g != *r) return "mismatch";
  return std::string(g->as_string());
}

void expect_contract_labels(const Cluster& c, const std::string& service, const json::object& pod,
                            std::string_view component_type) {
  EXPECT_EQ(label(pod, "nvidia.com/dynamo-graph-deployment-name"), c.dgd.name);
  EXPECT_EQ(label(pod, "nvidia.com/dynamo-component"), service);
  EXPECT_EQ(label(pod, "nvidia.com/dynamo-namespace"), "default-" + c.dgd.name);
  EXPECT_EQ(label(pod, "nvidia.com/dynamo-component-type"), component_type);
  EXPECT_EQ(label(pod, "nvidia.com/selector"), c.dgd.name + "-" + common::to_lower(service));
  EXPECT_EQ(label(pod, "nvidia.com/metrics-enabled"), "true");
  EXPECT_EQ(env(pod, "DYN_NAMESPACE"),
            R"({"name":"DYN_NAMESPACE","value":"default-)" + c.dgd.name + R"("})");
  EXPECT_EQ(env(pod, "DYN_COMPONENT"), R"({"name":"DYN_COMPONENT","value":")" + service + R"("})");
  EXPECT_EQ(pod.at("spec").at("schedulerName").as_string(), "dynop-gpu");
}

TEST(Examples, GuideAggExample) {
  auto c = deploy(testing::source_path("examples/backends/sglang/deploy/agg.yaml"));
  ASSERT_TRUE(c.has_value());
  ASSERT_EQ(c->pods["Frontend"].size(), 1u);
  ASSERT_EQ(c->pods["decode"].size(), 1u);
  expect_contract_labels(*c, "Frontend", c->pods["Frontend"][0], "frontend");
  expect_contract_labels(*c, "decode", c->pods["decode"][0], "worker");
  EXPECT_EQ(gpus(c->pods["decode"][0]), "1");
  EXPECT_EQ(gpus(c->pods["Frontend"][0]), "");
}

TEST(Examples, UpstreamAgg) {
  auto c = deploy(testing::upstream_example_path("sglang-agg.yaml"));
  if (!c) GTEST_SKIP() << "upstream examples not available";
  const json::object& decode = c->pods["decode"].at(0);
  expect_contract_labels(*c, "decode", decode, "worker");
  EXPECT_EQ(gpus(decode), "1");
  EXPECT_EQ(main_of(decode).at("image").as_string(), "my-registry/sglang-runtime:my-tag");
  EXPECT_EQ(main_of(decode).at("workingDir").as_string(), "/workspace/examples/backends/sglang");
  EXPECT_EQ(json::serialize(main_of(decode).at("command")), R"(["python3","-m","dynamo.sglang"])");
  EXPECT_EQ(json::serialize(main_of(decode).at("envFrom")),
            R"([{"secretRef":{"name":"hf-token-secret"}}])");
  EXPECT_EQ(label(decode, "nvidia.com/dynamo-namespace"), "default-sglang-agg");
}

TEST(Examples, UpstreamAggRouterServiceEnv) {
  auto c = deploy(testing::upstream_example_path("sglang-agg_router.yaml"));
  if (!c) GTEST_SKIP() << "upstream examples not available";
  EXPECT_EQ(env(c->pods["Frontend"].at(0), "DYN_ROUTER_MODE"),
            R"({"name":"DYN_ROUTER_MODE","value":"kv"})");
  EXPECT_EQ(env(c->pods["decode"].at(0), "DYN_ROUTER_MODE"), "<absent>");
}

TEST(Examples, UpstreamDisaggSubComponents) {
  auto c = deploy(testing::upstream_example_path("sglang-disagg.yaml"));
  if (!c) GTEST_SKIP() << "upstream examples not available";
  EXPECT_EQ(label(c->pods["decode"].at(0), "nvidia.com/dynamo-sub-component-type"), "decode");
  EXPECT_EQ(label(c->pods["prefill"].at(0), "nvidia.com/dynamo-sub-component-type"), "prefill");
  EXPECT_EQ(label(c->pods["Frontend"].at(0), "nvidia.com/dynamo-sub-component-type"), "<absent>");
}

TEST(Examples, UpstreamMultinodeGroups) {
  auto c = deploy(testing::upstream_example_path("sglang-disagg-multinode.yaml"));
  if (!c) GTEST_SKIP() << "upstream examples not available";
  for (const char* service : {"decode", "prefill"}) {
    const auto& pods = c->pods[service];
    ASSERT_EQ(pods.size(), 2u) << service;  // 1 replica x nodeCount 2
    EXPECT_EQ(label(pods[0], "nvidia.com/dynamo-multinode-role"), "leader");
    EXPECT_EQ(label(pods[1], "nvidia.com/dynamo-multinode-role"), "worker");
    EXPECT_EQ(label(pods[0], "nvidia.com/dynamo-group"), label(pods[1], "nvidia.com/dynamo-group"));
    for (const json::object& p : pods) {
      EXPECT_EQ(gpus(p), "4");  // per pod
      expect_contract_labels(*c, service, p, "worker");
      // spec.envs reach every service.
      EXPECT_NE(env(p, "HF_TOKEN").find("secretKeyRef"), std::string::npos);
      EXPECT_EQ(env(p, "GLOO_SOCKET_IFNAME"), R"({"name":"GLOO_SOCKET_IFNAME","value":"eth0"})");
    }
  }
  EXPECT_EQ(c->pods["Frontend"].size(), 1u);
}

TEST(Examples, UpstreamPlanner) {
  auto c = deploy(testing::upstream_example_path("sglang-disagg_planner.yaml"));
  if (!c) GTEST_SKIP() << "upstream examples not available";
  const json::object& planner = c->pods["Planner"].at(0);
  EXPECT_EQ(planner.at("spec").at("serviceAccountName").as_string(), "planner-serviceaccount");
  EXPECT_EQ(planner.at("spec").at("volumes").as_array().at(0).at("name").as_string(),
            "planner-profile-data");
  EXPECT_EQ(main_of(planner).at("volumeMounts").as_array().at(0).at("mountPath").as_string(),
            "/workspace/profiling_results");
  expect_contract_labels(*c, "Planner", planner, "planner");
  EXPECT_EQ(c->pods["decode"].size(), 2u);
  EXPECT_EQ(c->pods["prefill"].size(), 2u);
  // Pod names are unique across the DGD.
  std::set<std::string> names;
  std::size_t total = 0;
  for (const auto& [service, pods] : c->pods) {
    for (const json::object& p : pods) {
      names.emplace(p.at("metadata").at("name").as_string());
      ++total;
    }
  }
  EXPECT_EQ(names.size(), total);
}

}  // namespace
}  // namespace dynop::plugins::dgd
