#include "localcluster/openapi/openapi_documents.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <regex>

#include "localcluster/builtin/builtin_resource_types.hpp"
#include "localcluster/registry/crd_resource_types.hpp"
#include "tests/unit/localcluster/schema/reference_data.hpp"

namespace dynop::localcluster::openapi {
namespace {

namespace json = boost::json;

std::string traces() { return testing::reference_dir() + "/apiserver-traces/"; }

class OpenApiTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!std::filesystem::exists(traces())) return;
    std::vector<std::shared_ptr<const ResourceType>> types;
    for (auto& t : builtin::builtin_resource_types())
      types.push_back(std::make_shared<const ResourceType>(std::move(t)));
    for (const char* f : {"nvidia.com_dynamographdeployments.yaml",
                          "nvidia.com_dynamographdeploymentscalingadapters.yaml"}) {
      auto crd = testing::load_yaml_documents(testing::upstream_dir() + "/" + f).at(0);
      default_crd(crd);
      for (auto& t : resource_types_from_crd(crd))
        types.push_back(std::make_shared<const ResourceType>(std::move(t)));
    }
    docs_ = new OpenApiV3(build_openapi_v3(types));
  }
  static void TearDownTestSuite() {
    delete docs_;
    docs_ = nullptr;
  }
  void SetUp() override {
    if (docs_ == nullptr) GTEST_SKIP() << "no reference traces";
  }
  static json::value doc(const std::string& path) {
    return json::parse(docs_->by_path.at(path).body);
  }

  static OpenApiV3* docs_;
};
OpenApiV3* OpenApiTest::docs_ = nullptr;

TEST_F(OpenApiTest, IndexPointsAtEachGroupVersionWithItsHash) {
  auto index = json::parse(docs_->index);
  const auto& url = index.at("paths").at("apis/nvidia.com/v1alpha1").at("serverRelativeURL");
  EXPECT_EQ(url.as_string(), "/openapi/v3/apis/nvidia.com/v1alpha1?hash=" +
                                 docs_->by_path.at("apis/nvidia.com/v1alpha1").hash);
  EXPECT_EQ(docs_->by_path.at("apis/nvidia.com/v1alpha1").hash.size(), 128u);
  for (const char* p : {"api", "api/v1", "apis", "apis/coordination.k8s.io/v1", "apis/nvidia.com"})
    EXPECT_TRUE(index.at("paths").as_object().contains(p)) << p;
}

TEST_F(OpenApiTest, CustomGroupVersionHasTheTracesPathsAndSchemas) {
  const auto text = testing::read_file(traces() + "02-openapi-v3-nvidia-v1alpha1.head.txt");
  std::vector<std::string> want_paths, want_schemas;
  std::regex path_re(R"(^(/apis/nvidia.com/\S+)$)");
  std::regex schema_re(R"(^((com\.nvidia|io\.k8s)\.\S+)$)");
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    std::smatch m;
    if (std::regex_match(line, m, path_re)) want_paths.push_back(m[1]);
    if (std::regex_match(line, m, schema_re)) want_schemas.push_back(m[1]);
  }
  ASSERT_EQ(want_paths.size(), 9u);
  ASSERT_EQ(want_schemas.size(), 19u);
  auto d = doc("apis/nvidia.com/v1alpha1");
  std::vector<std::string> got_paths, got_schemas;
  for (const auto& [k, v] : d.at("paths").as_object()) got_paths.emplace_back(k);
  for (const auto& [k, v] : d.at("components").at("schemas").as_object())
    got_schemas.emplace_back(k);
  EXPECT_EQ(got_paths, want_paths);
  EXPECT_EQ(got_schemas, want_schemas);
  EXPECT_EQ(d.at("info").at("title"), "Kubernetes CRD Swagger");
}

TEST_F(OpenApiTest, ScalePathAndDgdsaSchemaMatchTheTrace) {
  auto extract = json::parse(
      testing::read_file(traces() + "02-openapi-v3-nvidia-v1alpha1-dgdsa-extract.json"));
  auto d = doc("apis/nvidia.com/v1alpha1");
  const std::string scale =
      "/apis/nvidia.com/v1alpha1/namespaces/{namespace}/dynamographdeploymentscalingadapters/"
      "{name}/scale";
  const auto& want_scale = extract.at("paths." + scale);
  const auto& got_scale = d.at("paths").at(scale);
  // Same operations, ids, actions and content types; parameter names as kube's.
  for (const char* verb : {"get", "put", "patch"}) {
    EXPECT_EQ(got_scale.at(verb).at("operationId"), want_scale.at(verb).at("operationId")) << verb;
    EXPECT_EQ(got_scale.at(verb).at("x-kubernetes-group-version-kind"),
              want_scale.at(verb).at("x-kubernetes-group-version-kind"));
    EXPECT_EQ(got_scale.at(verb).at("responses").at("200"),
              want_scale.at(verb).at("responses").at("200"));
    std::vector<std::string> wp, gp;
    for (const auto& p : want_scale.at(verb).at("parameters").as_array())
      wp.emplace_back(p.at("name").as_string());
    for (const auto& p : got_scale.at(verb).at("parameters").as_array())
      gp.emplace_back(p.at("name").as_string());
    EXPECT_EQ(gp, wp) << verb;
  }
  EXPECT_EQ(got_scale.at("patch").at("requestBody").at("content"),
            want_scale.at("patch").at("requestBody").at("content"));
  EXPECT_EQ(got_scale.at("parameters"), want_scale.at("parameters"));

  const auto& want_schema =
      extract.at("components.schemas.com.nvidia.v1alpha1.DynamoGraphDeploymentScalingAdapter");
  const auto& got_schema = d.at("components")
                               .at("schemas")
                               .at("com.nvidia.v1alpha1.DynamoGraphDeploymentScalingAdapter");
  EXPECT_EQ(got_schema.at("properties").at("metadata"),
            want_schema.at("properties").at("metadata"));
  EXPECT_EQ(got_schema.at("properties").at("apiVersion"),
            want_schema.at("properties").at("apiVersion"));
  EXPECT_EQ(got_schema.at("properties").at("spec").at("properties"),
            want_schema.at("properties").at("spec").at("properties"));
  EXPECT_EQ(got_schema.at("x-kubernetes-group-version-kind"),
            want_schema.at("x-kubernetes-group-version-kind"));
}

TEST_F(OpenApiTest, EveryPatchOperationOffersFieldValidation) {
  for (const auto& [path, document] : docs_->by_path) {
    auto d = json::parse(document.body);
    for (const auto& [p, item] : d.at("paths").as_object()) {
      const auto* patch = item.as_object().if_contains("patch");
      if (patch == nullptr) continue;
      bool found = false;
      for (const auto& param : patch->at("parameters").as_array())
        if (param.at("name") == "fieldValidation" && param.at("in") == "query") found = true;
      EXPECT_TRUE(found) << p;
    }
  }
}

TEST_F(OpenApiTest, BuiltinsOfferStrategicMergePatchAndCustomResourcesDoNot) {
  auto core = doc("api/v1");
  const auto& pod_patch =
      core.at("paths").at("/api/v1/namespaces/{namespace}/pods/{name}").at("patch");
  EXPECT_TRUE(pod_patch.at("requestBody")
                  .at("content")
                  .as_object()
                  .contains("application/strategic-merge-patch+json"));
  EXPECT_EQ(pod_patch.at("operationId"), "patchCoreV1NamespacedPod");
  EXPECT_TRUE(core.at("components").at("schemas").as_object().contains("io.k8s.api.core.v1.Pod"));
  auto crd = doc("apis/nvidia.com/v1alpha1");
  const auto& dgd_patch =
      crd.at("paths")
          .at("/apis/nvidia.com/v1alpha1/namespaces/{namespace}/dynamographdeployments/{name}")
          .at("patch");
  EXPECT_FALSE(dgd_patch.at("requestBody")
                   .at("content")
                   .as_object()
                   .contains("application/strategic-merge-patch+json"));
  auto lease = doc("apis/coordination.k8s.io/v1");
  EXPECT_TRUE(lease.at("components")
                  .at("schemas")
                  .as_object()
                  .contains("io.k8s.api.coordination.v1.Lease"));
  auto ext = doc("apis/apiextensions.k8s.io/v1");
  EXPECT_TRUE(
      ext.at("components")
          .at("schemas")
          .as_object()
          .contains(
              "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition"));
}

TEST_F(OpenApiTest, HashCheckLikeKube) {
  const auto& d = docs_->by_path.at("api/v1");
  EXPECT_EQ(check_hash(d, ""), HashCheck::kNoHash);
  EXPECT_EQ(check_hash(d, d.hash), HashCheck::kMatches);
  EXPECT_EQ(check_hash(d, "ABC"), HashCheck::kMismatch);
}

TEST(OpenApiV2, ProtobufStartsLikeKubes) {
  const auto pb = build_openapi_v2_protobuf();
  ASSERT_GE(pb.size(), 7u);
  EXPECT_EQ(pb.substr(0, 5), std::string("\x0a\x03"
                                         "2.0",
                                         5));
  EXPECT_EQ(static_cast<unsigned char>(pb[5]), 0x12);
  EXPECT_EQ(static_cast<unsigned char>(pb[6]), 0x15);
  EXPECT_EQ(json::parse(build_openapi_v2_json()).at("swagger"), "2.0");
}

}  // namespace
}  // namespace dynop::localcluster::openapi
