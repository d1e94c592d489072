#include "plugins/webhook/object_facts.hpp"

#include <gtest/gtest.h>

#include "tests/unit/plugins/webhook/fixtures.hpp"

namespace dynop::plugins::webhook {
namespace {

using namespace testing;

DgdFacts facts_of(const json::object& dgd) {
  auto result = read_dgd_facts(json::serialize(dgd));
  EXPECT_TRUE(result.ok()) << result.error;
  return result.ok() ? *result.facts : DgdFacts{};
}

TEST(DgdFacts, ReadsTheGuidesExample) {
  auto facts = facts_of(sglang_agg());
  EXPECT_EQ(facts.name, "sglang-agg");
  EXPECT_EQ(facts.backend_framework, "");
  ASSERT_EQ(facts.services.size(), 2u);
  EXPECT_EQ(facts.services[0].name, "Frontend");
  EXPECT_EQ(facts.services[1].name, "decode");
  for (const auto& s : facts.services) {
    EXPECT_EQ(s.replicas, 1);
    EXPECT_TRUE(s.replicas_set);
    EXPECT_TRUE(s.adapter_enabled);
    EXPECT_FALSE(s.multinode);
    EXPECT_FALSE(s.has_autoscaling);
  }
}

TEST(DgdFacts, AppliesTheContractsDefaults) {
  auto dgd = sglang_agg();
  service(dgd, "decode").erase("replicas");
  auto facts = facts_of(dgd);
  EXPECT_EQ(facts.find_service("decode")->replicas, 1);
  EXPECT_FALSE(facts.find_service("decode")->replicas_set);
}

TEST(DgdFacts, AdapterIsDisabledByEitherSpelling) {
  struct Case {
    json::value scaling_adapter;
    bool enabled;
  };
  for (const auto& c :
       {Case{json::object{{"disable", true}}, false}, Case{json::object{{"disable", false}}, true},
        Case{json::object{{"enabled", false}}, false}, Case{json::object{{"enabled", true}}, true},
        Case{json::object{{"enabled", true}, {"disable", true}}, false}, Case{json::object{}, true},
        Case{nullptr, true}}) {
    auto dgd = sglang_agg();
    service(dgd, "decode")["scalingAdapter"] = c.scaling_adapter;
    EXPECT_EQ(facts_of(dgd).find_service("decode")->adapter_enabled, c.enabled)
        << json::serialize(c.scaling_adapter);
  }
}

TEST(DgdFacts, ReadsMultinodeAutoscalingAndBackend) {
  auto dgd = sglang_agg();
  dgd["spec"].as_object()["backendFramework"] = "sglang";
  service(dgd, "decode")["multinode"] = json::object{{"nodeCount", 2}};
  service(dgd, "decode")["autoscaling"] = json::object{{"enabled", true}};
  service(dgd, "Frontend")["autoscaling"] = nullptr;
  auto facts = facts_of(dgd);
  EXPECT_EQ(facts.backend_framework, "sglang");
  EXPECT_TRUE(facts.find_service("decode")->multinode);
  EXPECT_TRUE(facts.find_service("decode")->has_autoscaling);
  EXPECT_FALSE(facts.find_service("Frontend")->has_autoscaling);
  EXPECT_FALSE(facts.find_service("Frontend")->multinode);
}

TEST(DgdFacts, ObjectWithoutSpecOrServicesHasNoServices) {
  EXPECT_TRUE(facts_of(json::object{{"metadata", {{"name", "x"}}}}).services.empty());
  EXPECT_TRUE(facts_of(json::object{{"spec", json::object{}}}).services.empty());
  EXPECT_TRUE(facts_of(json::object{{"spec", {{"services", json::object{}}}}}).services.empty());
}

struct BadDgd {
  std::string name;
  void (*edit)(json::object&);
  std::string error;
};

void PrintTo(const BadDgd& bad, std::ostream* os) { *os << bad.name; }

class DgdFactsError : public ::testing::TestWithParam<BadDgd> {};

TEST_P(DgdFactsError, NamesTheField) {
  auto dgd = sglang_agg();
  GetParam().edit(dgd);
  auto result = read_dgd_facts(json::serialize(dgd));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error, GetParam().error);
}

INSTANTIATE_TEST_SUITE_P(
    Objects, DgdFactsError,
    ::testing::Values(
        BadDgd{"SpecArray", [](json::object& d) { d["spec"] = json::array{}; },
               "spec: expected an object, got array"},
        BadDgd{"ServicesArray",
               [](json::object& d) { d["spec"].as_object()["services"] = json::array{}; },
               "spec.services: expected an object, got array"},
        BadDgd{"ServiceString", [](json::object& d) { services(d)["decode"] = "x"; },
               "spec.services[decode]: expected an object, got string"},
        BadDgd{"ReplicasString", [](json::object& d) { service(d, "decode")["replicas"] = "3"; },
               "spec.services[decode].replicas: expected an integer, got string"},
        BadDgd{"ReplicasFraction", [](json::object& d) { service(d, "decode")["replicas"] = 1.5; },
               "spec.services[decode].replicas: expected an integer, got 1.5"},
        BadDgd{"ScalingAdapterBool",
               [](json::object& d) { service(d, "decode")["scalingAdapter"] = true; },
               "spec.services[decode].scalingAdapter: expected an object, got boolean"},
        BadDgd{"DisableString",
               [](json::object& d) {
                 service(d, "decode")["scalingAdapter"] = json::object{{"disable", "true"}};
               },
               "spec.services[decode].scalingAdapter.disable: expected a boolean, got string"},
        BadDgd{"EnabledNumber",
               [](json::object& d) {
                 service(d, "decode")["scalingAdapter"] = json::object{{"enabled", 0}};
               },
               "spec.services[decode].scalingAdapter.enabled: expected a boolean, got number"},
        BadDgd{"MultinodeNumber", [](json::object& d) { service(d, "decode")["multinode"] = 2; },
               "spec.services[decode].multinode: expected an object, got number"},
        BadDgd{"BackendNumber",
               [](json::object& d) { d["spec"].as_object()["backendFramework"] = 1; },
               "spec.backendFramework: expected a string, got number"},
        BadDgd{"NameNumber", [](json::object& d) { d["metadata"].as_object()["name"] = 1; },
               "metadata.name: expected a string, got number"}),
    [](const auto& param_info) { return param_info.param.name; });

TEST(DgdFacts, NotJsonIsAnError) {
  auto result = read_dgd_facts("{\"spec\":");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error, "object: invalid JSON at byte 8: incomplete JSON");
  EXPECT_EQ(read_dgd_facts("[]").error, "object: expected an object, got array");
}

TEST(DgdsaFacts, ReadsTheReference) {
  auto result = read_dgdsa_facts(json::serialize(adapter("sglang-agg", "decode")));
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.facts->name, "sglang-agg-decode");
  EXPECT_EQ(result.facts->dgd_name, "sglang-agg");
  EXPECT_EQ(result.facts->service_name, "decode");
}

TEST(DgdsaFacts, WrongTypesAreErrors) {
  auto a = adapter("x", "decode");
  a["spec"].as_object()["dgdRef"] = "x/decode";
  EXPECT_EQ(read_dgdsa_facts(json::serialize(a)).error,
            "spec.dgdRef: expected an object, got string");
  a["spec"].as_object()["dgdRef"] = json::object{{"name", "x"}, {"serviceName", 3}};
  EXPECT_EQ(read_dgdsa_facts(json::serialize(a)).error,
            "spec.dgdRef.serviceName: expected a string, got number");
}

}  // namespace
}  // namespace dynop::plugins::webhook
