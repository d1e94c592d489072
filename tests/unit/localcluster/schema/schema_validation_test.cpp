#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>

#include "lib/apimachinery/field_error_format.hpp"
#include "lib/apimachinery/go_format.hpp"
#include "localcluster/schema/custom_object.hpp"
#include "localcluster/schema/structural_schema.hpp"
#include "localcluster/schema/validation.hpp"
#include "tests/support/paths.hpp"
#include "tests/unit/localcluster/schema/reference_data.hpp"

namespace dynop::localcluster::schema {
namespace {

namespace json = boost::json;
using apimachinery::FieldErrorType;

std::string render(const apimachinery::FieldError& e) { return apimachinery::to_string(e); }

std::vector<std::string> render_all(const apimachinery::FieldErrors& errors) {
  std::vector<std::string> out;
  for (const auto& e : errors) out.push_back(render(e));
  return out;
}

class DgdsaSchemaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto path =
        testing::upstream_dir() + "/nvidia.com_dynamographdeploymentscalingadapters.yaml";
    if (!std::filesystem::exists(path)) GTEST_SKIP() << "reference CRD missing: " << path;
    auto docs = testing::load_yaml_documents(path);
    ASSERT_EQ(docs.size(), 1u);
    const auto& version = docs[0].at("spec").at("versions").at(0);
    auto compiled = compile(version.at("schema").at("openAPIV3Schema"));
    ASSERT_TRUE(compiled.schema) << compiled.error;
    schema_ = compiled.schema;
    type_.group = "nvidia.com";
    type_.version = "v1alpha1";
    type_.kind = "DynamoGraphDeploymentScalingAdapter";
    type_.crd_name = "dynamographdeploymentscalingadapters.nvidia.com";
    type_.scale = ScaleSubresource{".spec.replicas", ".status.replicas", ".status.selector"};
  }

  PreparedObject prepare(const char* text, FieldValidation mode = FieldValidation::kStrict) {
    object_ = json::parse(text);
    return prepare_custom_object(type_, schema_.get(), object_, mode);
  }

  SchemaPtr schema_;
  ResourceType type_;
  json::value object_;
};

TEST_F(DgdsaSchemaTest, NegativeReplicasGivesSchemaAndScaleErrorsLikeKube) {
  auto r =
      prepare(R"({"apiVersion":"nvidia.com/v1alpha1","kind":"DynamoGraphDeploymentScalingAdapter",
    "metadata":{"name":"bad-replicas"},"spec":{"replicas":-1,"dgdRef":{"name":"x","serviceName":"decode"}}})");
  EXPECT_TRUE(r.bad_request.empty());
  EXPECT_EQ(render_all(r.errors),
            (std::vector<std::string>{
                "spec.replicas: Invalid value: -1: spec.replicas in body should be greater than or "
                "equal to 0",
                ".spec.replicas: Invalid value: -1: should be a non-negative integer"}));
}

TEST_F(DgdsaSchemaTest, SeveralErrorsComeInKubeOrder) {
  // Trace 04-dgdsa-09b.
  auto r =
      prepare(R"({"apiVersion":"nvidia.com/v1alpha1","kind":"DynamoGraphDeploymentScalingAdapter",
    "metadata":{"name":"bad-multi"},"spec":{"replicas":-1,"dgdRef":{"name":""}}})");
  EXPECT_EQ(
      render_all(r.errors),
      (std::vector<std::string>{
          "spec.dgdRef.name: Invalid value: \"\": spec.dgdRef.name in body should be at least "
          "1 chars long",
          "spec.dgdRef.serviceName: Required value",
          "spec.replicas: Invalid value: -1: spec.replicas in body should be greater than or "
          "equal to 0",
          ".spec.replicas: Invalid value: -1: should be a non-negative integer"}));
  EXPECT_EQ(r.errors[0].type, FieldErrorType::kInvalid);
  EXPECT_EQ(r.errors[1].type, FieldErrorType::kRequired);
}

TEST_F(DgdsaSchemaTest, WrongTypeIsReportedWithTheDetectedType) {
  auto r =
      prepare(R"({"apiVersion":"nvidia.com/v1alpha1","kind":"DynamoGraphDeploymentScalingAdapter",
    "metadata":{"name":"t"},"spec":{"replicas":"three","dgdRef":{"name":"a","serviceName":"b"}}})");
  ASSERT_FALSE(r.errors.empty());
  EXPECT_EQ(render(r.errors[0]),
            "spec.replicas: Invalid value: \"string\": spec.replicas in body must be of type "
            "integer: \"string\"");
  EXPECT_EQ(r.errors[0].type, FieldErrorType::kTypeInvalid);
}

TEST_F(DgdsaSchemaTest, MissingSpecIsRequired) {
  auto r =
      prepare(R"({"apiVersion":"nvidia.com/v1alpha1","kind":"DynamoGraphDeploymentScalingAdapter",
    "metadata":{"name":"t"}})");
  // The DGDSA schema requires spec at the root.
  bool has_spec_required = false;
  for (const auto& e : r.errors)
    if (e.field == "spec" && e.type == FieldErrorType::kRequired) has_spec_required = true;
  EXPECT_EQ(has_spec_required, schema_->required.size() > 0 &&
                                   std::find(schema_->required.begin(), schema_->required.end(),
                                             "spec") != schema_->required.end());
}

TEST_F(DgdsaSchemaTest, UnknownFieldsAreRejectedWhenStrict) {
  auto r =
      prepare(R"({"apiVersion":"nvidia.com/v1alpha1","kind":"DynamoGraphDeploymentScalingAdapter",
    "metadata":{"name":"t"},"spec":{"replicas":1,"foo":1,"dgdRef":{"name":"a","serviceName":"b","x":2}}})");
  EXPECT_EQ(r.bad_request,
            "DynamoGraphDeploymentScalingAdapter in version \"v1alpha1\" cannot be handled as a "
            "DynamoGraphDeploymentScalingAdapter: strict decoding error: unknown field "
            "\"spec.dgdRef.x\", unknown field \"spec.foo\"");
}

TEST_F(DgdsaSchemaTest, UnknownFieldsArePrunedWithWarningsWhenWarn) {
  auto r =
      prepare(R"({"apiVersion":"nvidia.com/v1alpha1","kind":"DynamoGraphDeploymentScalingAdapter",
    "metadata":{"name":"t","labels":{"a":"b"}},"spec":{"replicas":1,"foo":1,"dgdRef":{"name":"a","serviceName":"b"}}})",
              FieldValidation::kWarn);
  EXPECT_TRUE(r.bad_request.empty());
  EXPECT_TRUE(r.errors.empty());
  EXPECT_EQ(r.warnings, (std::vector<std::string>{"unknown field \"spec.foo\""}));
  EXPECT_FALSE(object_.at("spec").as_object().contains("foo"));
  EXPECT_EQ(object_.at("metadata").at("labels").at("a"), "b");
  EXPECT_EQ(object_.at("kind"), "DynamoGraphDeploymentScalingAdapter");
}

TEST_F(DgdsaSchemaTest, IgnorePrunesSilently) {
  auto r =
      prepare(R"({"apiVersion":"nvidia.com/v1alpha1","kind":"DynamoGraphDeploymentScalingAdapter",
    "metadata":{"name":"t"},"spec":{"replicas":1,"foo":1,"dgdRef":{"name":"a","serviceName":"b"}}})",
              FieldValidation::kIgnore);
  EXPECT_TRUE(r.warnings.empty());
  EXPECT_EQ(r.pruned_fields, (std::vector<std::string>{"spec.foo"}));
}

TEST(SchemaValidation, EnumDefaultsNullsAndFormats) {
  auto compiled = compile(json::parse(R"({"type":"object","properties":{
    "spec":{"type":"object","properties":{
      "mode":{"type":"string","enum":["a","b"]},
      "size":{"type":"integer","default":3,"maximum":10},
      "ratio":{"type":"number","exclusiveMinimum":true,"minimum":0.5},
      "name":{"type":"string","maxLength":3,"pattern":"^[a-z]+$"},
      "when":{"type":"string","format":"date-time"},
      "tags":{"type":"array","maxItems":1,"items":{"type":"string"}},
      "port":{"x-kubernetes-int-or-string":true},
      "free":{"type":"object","x-kubernetes-preserve-unknown-fields":true},
      "labels":{"type":"object","additionalProperties":{"type":"string"}},
      "nested":{"type":"object","default":{},"properties":{"k":{"type":"string","default":"v"}}},
      "gone":{"type":"string"}}}}})"));
  ASSERT_TRUE(compiled.schema) << compiled.error;
  ResourceType type;
  type.kind = "Widget";
  type.version = "v1";
  json::value obj = json::parse(R"({"apiVersion":"x/v1","kind":"Widget","metadata":{},
    "spec":{"mode":"x","ratio":0.5,"name":"ABCD","when":"yesterday","tags":["a","b"],"port":true,
            "free":{"anything":{"goes":1}},"labels":{"a":1},"gone":null}})");
  auto r = prepare_custom_object(type, compiled.schema.get(), obj, FieldValidation::kStrict);
  EXPECT_TRUE(r.bad_request.empty()) << r.bad_request;
  EXPECT_EQ(obj.at("spec").at("size"), 3);
  EXPECT_EQ(obj.at("spec").at("nested").at("k"), "v");
  EXPECT_FALSE(obj.at("spec").as_object().contains("gone"));
  EXPECT_EQ(obj.at("spec").at("free").at("anything").at("goes"), 1);
  EXPECT_EQ(
      render_all(r.errors),
      (std::vector<std::string>{
          "spec.labels.a: Invalid value: \"integer\": spec.labels.a in body must be of type "
          "string: \"integer\"",
          "spec.mode: Unsupported value: \"x\": supported values: \"a\", \"b\"",
          "spec.name: Invalid value: \"ABCD\": spec.name in body should be at most 3 chars "
          "long",
          "spec.name: Invalid value: \"ABCD\": spec.name in body should match '^[a-z]+$'",
          "<nil>: Invalid value: \"\": \"spec.port\" must validate at least one schema (anyOf)",
          "spec.port: Invalid value: \"boolean\": spec.port in body must be of type integer: "
          "\"boolean\"",
          "spec.ratio: Invalid value: 0.5: spec.ratio in body should be greater than 0.5",
          "spec.tags: Invalid value: 2: spec.tags in body should have at most 1 items",
          "spec.when: Invalid value: \"yesterday\": spec.when in body must be of type "
          "date-time: \"yesterday\""}));
}

TEST(SchemaValidation, IntegerAcceptsIntegralFloatsAndNumberAcceptsIntegers) {
  auto compiled = compile(json::parse(
      R"({"type":"object","properties":{"i":{"type":"integer"},"n":{"type":"number"}}})"));
  ASSERT_TRUE(compiled.schema);
  EXPECT_TRUE(validate(*compiled.schema, json::parse(R"({"i":3.0,"n":3})")).empty());
  auto errors = validate(*compiled.schema, json::parse(R"({"i":3.5})"));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].detail, "i in body must be of type integer: \"number\"");
}

TEST(SchemaCompile, RejectsRefAndBadPatterns) {
  EXPECT_FALSE(compile(json::parse(R"({"$ref":"#/x"})")).schema);
  EXPECT_FALSE(compile(json::parse(R"({"type":"string","pattern":"(["})")).schema);
}

TEST(SchemaValidation, FloatLimitsPrintAsGoDoes) {
  auto compiled = compile(
      json::parse(R"({"type":"object","properties":{"r":{"type":"number","maximum":1000000}}})"));
  ASSERT_TRUE(compiled.schema);
  auto errors = validate(*compiled.schema, json::parse(R"({"r":1500000.5})"));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(render(errors[0]),
            "r: Invalid value: 1.5000005e+06: r in body should be less than or equal to 1e+06");
}

// Every upstream example must be accepted as written (no errors, nothing
// pruned) by the upstream DGD schema, as on a real cluster.
TEST(UpstreamExamples, ValidateCleanlyAgainstTheDgdCrd) {
  const auto dir = testing::upstream_dir();
  const auto crd_path = dir + "/nvidia.com_dynamographdeployments.yaml";
  if (!std::filesystem::exists(crd_path)) GTEST_SKIP() << "reference CRD missing";
  auto crd = testing::load_yaml_documents(crd_path).at(0);
  auto compiled = compile(crd.at("spec").at("versions").at(0).at("schema").at("openAPIV3Schema"));
  ASSERT_TRUE(compiled.schema) << compiled.error;
  ResourceType type;
  type.kind = "DynamoGraphDeployment";
  type.version = "v1alpha1";
  int seen = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir + "/examples")) {
    for (auto doc : testing::load_yaml_documents(entry.path().string())) {
      if (doc.at("kind") != "DynamoGraphDeployment") continue;
      ++seen;
      auto r = prepare_custom_object(type, compiled.schema.get(), doc, FieldValidation::kStrict);
      EXPECT_TRUE(r.bad_request.empty()) << entry.path() << ": " << r.bad_request;
      EXPECT_TRUE(r.errors.empty()) << entry.path() << ": " << render_all(r.errors).front();
    }
  }
  EXPECT_GE(seen, 5);
}

TEST(DynopCrds, ADgdWithoutServicesShowsTheCountItHas) {
  auto crd =
      testing::load_yaml_documents(test::source_path("crds/nvidia.com_dynamographdeployments.yaml"))
          .at(0);
  auto compiled = compile(crd.at("spec").at("versions").at(0).at("schema").at("openAPIV3Schema"));
  ASSERT_TRUE(compiled.schema) << compiled.error;
  ResourceType type;
  type.group = "nvidia.com";
  type.kind = "DynamoGraphDeployment";
  type.version = "v1alpha1";
  type.crd_name = "dynamographdeployments.nvidia.com";
  json::value dgd =
      json::parse(R"({"apiVersion":"nvidia.com/v1alpha1","kind":"DynamoGraphDeployment",
    "metadata":{"name":"empty"},"spec":{"services":{}}})");
  auto r = prepare_custom_object(type, compiled.schema.get(), dgd, FieldValidation::kStrict);
  EXPECT_EQ(render_all(r.errors),
            std::vector<std::string>{
                "spec.services: Invalid value: 0: spec.services in body should have at least 1 "
                "properties"});
}

}  // namespace
}  // namespace dynop::localcluster::schema
