#include "plugins/planner/planned_graph.hpp"

#include <gtest/gtest.h>

#include "tests/unit/plugins/common/plugin_test_support.hpp"

namespace dynop::plugins::planner {
namespace {

namespace json = boost::json;

common::DgdView upstream_example() {
  auto dgd =
      testing::yaml_file_to_json(testing::upstream_example_path("sglang-disagg_planner.yaml"));
  if (!dgd) return {};
  json::object stored = testing::as_stored(*dgd, "team-a");
  stored["status"] = json::object{{"services", {{"decode", {{"readyReplicas", 2}}}}}};
  return testing::parse_dgd_object(stored).view;
}

TEST(PlannedGraph, TheUpstreamExampleAsIs) {
  auto dgd = upstream_example();
  if (dgd.name.empty()) GTEST_SKIP() << "upstream examples not available";
  auto g = plan_graph(dgd);
  ASSERT_TRUE(g.ok()) << g.error();
  EXPECT_EQ(g->planner_service, "Planner");
  EXPECT_EQ(g->dynamo_namespace, "team-a-sglang-disagg-planner");
  EXPECT_EQ(g->options.adjustment_interval_seconds, 60);
  // The volume mounted at --profile-results-dir=/workspace/profiling_results.
  EXPECT_EQ(g->profile_config_map, "planner-profile-data");
  ASSERT_TRUE(g->prefill && g->decode);
  EXPECT_EQ(g->prefill->adapter, "sglang-disagg-planner-prefill");
  EXPECT_EQ(g->decode->adapter, "sglang-disagg-planner-decode");
  EXPECT_EQ(g->decode->ready, 2);
  EXPECT_EQ(g->prefill->ready, 0);
  // resources.limits.gpu "1" per worker.
  EXPECT_EQ(g->gpus.prefill, 1);
  EXPECT_EQ(g->gpus.decode, 1);
}

TEST(PlannedGraph, ProblemsAreNamed) {
  auto graph = [](std::string_view yaml) {
    auto g = plan_graph(testing::parse_dgd_object(json::value(testing::dgd_from_yaml(yaml))).view);
    return g.ok() ? std::string("ok") : g.error();
  };
  EXPECT_EQ(graph(R"(
metadata: {name: g}
spec:
  services:
    P:
      componentType: planner
      extraPodSpec: {mainContainer: {args: ["--ttft=fast"]}}
)"),
            "planner service P: --ttft: invalid value \"fast\"");
  EXPECT_EQ(graph(R"(
metadata: {name: g}
spec:
  services:
    P:
      componentType: planner
      extraPodSpec: {mainContainer: {args: ["--profile-results-dir=/data"]}}
)"),
            "planner service P: no volume from a ConfigMap is mounted at --profile-results-dir "
            "/data");
  EXPECT_EQ(graph(R"(
metadata: {name: g}
spec:
  services:
    P:
      componentType: planner
      extraPodSpec:
        volumes: [{name: prof, configMap: {name: my-profile}}]
        mainContainer:
          args: ["--profile-results-dir=/data/h200/"]
          volumeMounts: [{name: prof, mountPath: /data}]
    decode: {componentType: worker, subComponentType: decode, resources: {limits: {gpu: "2"}}}
)"),
            "no service with subComponentType prefill to scale (--mode disagg)");
  auto decode_only = plan_graph(testing::parse_dgd_object(json::value(testing::dgd_from_yaml(R"(
metadata: {name: g}
spec:
  services:
    P:
      componentType: planner
      extraPodSpec:
        volumes: [{name: prof, configMap: {name: my-profile}}]
        mainContainer:
          args: ["--profile-results-dir=/data/h200/", "--mode=decode"]
          volumeMounts: [{name: prof, mountPath: /data}]
    decode: {componentType: worker, subComponentType: decode, resources: {limits: {gpu: "2"}}}
)")))
                                    .view);
  ASSERT_TRUE(decode_only.ok()) << decode_only.error();
  EXPECT_EQ(decode_only->profile_config_map, "my-profile");
  EXPECT_FALSE(decode_only->prefill.has_value());
  EXPECT_EQ(decode_only->gpus.decode, 2);
}

}  // namespace
}  // namespace dynop::plugins::planner
