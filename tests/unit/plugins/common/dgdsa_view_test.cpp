#include "plugins/common/dgdsa_view.hpp"

#include <gtest/gtest.h>

#include "lib/apimachinery/field_error_format.hpp"
#include "tests/unit/plugins/common/plugin_test_support.hpp"

namespace dynop::plugins::common {
namespace {

AdapterParseResult parse_yaml(std::string_view yaml) {
  return testing::parse_adapter_object(testing::as_stored(testing::yaml_to_json(yaml)));
}

std::string errors_of(const AdapterParseResult& r) {
  return apimachinery::aggregate_message(r.errors);
}

TEST(AdapterView, ReadsWhatTheDgdPluginCreates) {
  auto r = parse_yaml(R"(
metadata:
  name: sglang-agg-frontend
  ownerReferences:
    - {apiVersion: nvidia.com/v1alpha1, kind: DynamoGraphDeployment, name: sglang-agg,
       uid: u1, controller: true}
spec: {replicas: 4, dgdRef: {name: sglang-agg, serviceName: Frontend}}
status: {replicas: 1, selector: "a=b"}
)");
  ASSERT_TRUE(r.ok()) << errors_of(r);
  EXPECT_EQ(r.view.name, "sglang-agg-frontend");
  EXPECT_EQ(r.view.k8s_namespace, "default");
  EXPECT_FALSE(r.view.uid.empty());
  EXPECT_FALSE(r.view.deleting);
  EXPECT_EQ(r.view.replicas, 4);
  EXPECT_EQ(r.view.dgd_name, "sglang-agg");
  EXPECT_EQ(r.view.service, "Frontend");  // case kept
  EXPECT_EQ(r.view.controller_kind, "DynamoGraphDeployment");
  EXPECT_EQ(r.view.controller_name, "sglang-agg");
  EXPECT_EQ(r.view.status.at("selector").as_string(), "a=b");
}

TEST(AdapterView, ZeroReplicasAndNoControllerAreFine) {
  auto r =
      parse_yaml("metadata: {name: x}\nspec: {replicas: 0, dgdRef: {name: d, serviceName: s}}\n");
  ASSERT_TRUE(r.ok()) << errors_of(r);
  EXPECT_EQ(r.view.replicas, 0);
  EXPECT_EQ(r.view.controller_kind, "");
}

TEST(AdapterView, RequiredFieldsAndTypesAreReported) {
  EXPECT_EQ(errors_of(parse_yaml("metadata: {name: x}\n")), "spec: Required value");
  EXPECT_EQ(errors_of(parse_yaml("metadata: {name: x}\nspec: {}\n")),
            "[spec.replicas: Required value, spec.dgdRef.name: Required value, "
            "spec.dgdRef.serviceName: Required value]");
  EXPECT_EQ(errors_of(parse_yaml(
                "metadata: {name: x}\nspec: {replicas: -1, dgdRef: {name: d, serviceName: s}}\n")),
            "spec.replicas: Invalid value: -1: must be greater than or equal to 0");
  EXPECT_EQ(errors_of(parse_yaml("metadata: {name: x}\nspec: {replicas: 1, dgdRef: x/decode}\n")),
            "spec.dgdRef: Invalid value: \"x/decode\": must be an object");
  EXPECT_EQ(errors_of(parse_yaml(
                "metadata: {name: x}\nspec: {replicas: 1, dgdRef: {name: d, serviceName: 3}}\n")),
            "spec.dgdRef.serviceName: Invalid value: 3: must be a string");
}

TEST(AdapterView, TextThatIsNotJsonIsAnError) {
  auto r = parse_adapter_json("not json");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().find("invalid JSON at byte"), std::string::npos) << r.error();
}

}  // namespace
}  // namespace dynop::plugins::common
