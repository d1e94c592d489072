#include "localcluster/registry/crd_resource_types.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>

#include "localcluster/schema/structural_schema.hpp"
#include "tests/unit/localcluster/schema/reference_data.hpp"

namespace dynop::localcluster {
namespace {

namespace json = boost::json;

json::value load_crd(const std::string& file) {
  const auto path = testing::upstream_dir() + "/" + file;
  if (!std::filesystem::exists(path)) return nullptr;
  return testing::load_yaml_documents(path).at(0);
}

TEST(CrdResourceTypes, DgdsaServesOneVersionWithScaleAndColumns) {
  auto crd = load_crd("nvidia.com_dynamographdeploymentscalingadapters.yaml");
  if (crd.is_null()) GTEST_SKIP();
  default_crd(crd);
  EXPECT_TRUE(validate_crd(crd).empty());
  auto types = resource_types_from_crd(crd);
  ASSERT_EQ(types.size(), 1u);
  const auto& t = types[0];
  EXPECT_EQ(t.group, "nvidia.com");
  EXPECT_EQ(t.version, "v1alpha1");
  EXPECT_EQ(t.kind, "DynamoGraphDeploymentScalingAdapter");
  EXPECT_EQ(t.list_kind, "DynamoGraphDeploymentScalingAdapterList");
  EXPECT_EQ(t.plural, "dynamographdeploymentscalingadapters");
  EXPECT_EQ(t.singular, "dynamographdeploymentscalingadapter");
  EXPECT_EQ(t.short_names, std::vector<std::string>{"dgdsa"});
  EXPECT_TRUE(t.namespaced);
  EXPECT_EQ(t.verbs, (std::vector<std::string>{"delete", "deletecollection", "get", "list", "patch",
                                               "create", "update", "watch"}));
  EXPECT_TRUE(t.has_status_subresource);
  ASSERT_TRUE(t.scale);
  EXPECT_EQ(t.scale->spec_replicas_path, ".spec.replicas");
  EXPECT_EQ(t.scale->status_replicas_path, ".status.replicas");
  EXPECT_EQ(t.scale->label_selector_path, ".status.selector");
  ASSERT_EQ(t.printer_columns.size(), 4u);
  EXPECT_EQ(t.printer_columns[0].name, "DGD");
  EXPECT_EQ(t.printer_columns[0].json_path, ".spec.dgdRef.name");
  EXPECT_EQ(t.printer_columns[2].type, "integer");
  EXPECT_EQ(t.printer_columns[3].type, "date");
  EXPECT_EQ(t.crd_name, "dynamographdeploymentscalingadapters.nvidia.com");
  EXPECT_EQ(t.storage_version, "v1alpha1");
  EXPECT_TRUE(t.structural_schema);
  EXPECT_TRUE(t.is_custom());
}

TEST(CrdResourceTypes, UpstreamDgdCrdIsValid) {
  auto crd = load_crd("nvidia.com_dynamographdeployments.yaml");
  if (crd.is_null()) GTEST_SKIP();
  default_crd(crd);
  auto errors = validate_crd(crd);
  EXPECT_TRUE(errors.empty()) << errors.front().field << ": " << errors.front().detail;
  auto types = resource_types_from_crd(crd);
  ASSERT_EQ(types.size(), 1u);
  EXPECT_EQ(types[0].short_names, std::vector<std::string>{"dgd"});
  EXPECT_FALSE(types[0].scale);
}

TEST(CrdValidation, BadNamesAreRejectedLikeKube) {
  auto crd =
      json::parse(R"({"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition",
    "metadata":{"name":"widgets.example.com"},
    "spec":{"group":"example","scope":"Sideways","names":{"plural":"Widgets","kind":"Widget","shortNames":["w_1"]},
            "versions":[{"name":"v1","served":true,"storage":true,"schema":{"openAPIV3Schema":{"type":"object",
              "properties":{"spec":{"properties":{"a":{"type":"string"}}}}}}}]}})");
  default_crd(crd);
  std::vector<std::string> got;
  for (const auto& e : validate_crd(crd)) got.push_back(e.field);
  EXPECT_EQ(got, (std::vector<std::string>{
                     "metadata.name", "spec.group", "spec.scope",
                     "spec.versions[0].schema.openAPIV3Schema.properties[spec].type",
                     "spec.names.plural", "spec.names.shortNames[0]"}));
  auto errors = validate_crd(crd);
  EXPECT_EQ(errors[1].detail, "should be a domain with at least one dot");
  EXPECT_EQ(errors[2].detail, "supported values: \"Cluster\", \"Namespaced\"");
  EXPECT_EQ(errors[3].detail, "must not be empty for specified object fields");
  EXPECT_EQ(errors[0].detail, "must be spec.names.plural+\".\"+spec.group");
}

TEST(CrdValidation, ExactlyOneStorageVersion) {
  auto crd = json::parse(R"({"metadata":{"name":"widgets.example.com"},
    "spec":{"group":"example.com","scope":"Namespaced","names":{"plural":"widgets","kind":"Widget"},
            "versions":[{"name":"v1","served":true,"storage":false,"schema":{"openAPIV3Schema":{"type":"object"}}},
                        {"name":"v2","served":false,"storage":false,"schema":{"openAPIV3Schema":{"type":"object"}}}]}})");
  default_crd(crd);
  auto errors = validate_crd(crd);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].field, "spec.versions");
  EXPECT_EQ(errors[0].detail, "must have exactly one version marked as storage version");
  EXPECT_EQ(crd.at("spec").at("names").at("singular"), "widget");
  EXPECT_EQ(crd.at("spec").at("names").at("listKind"), "WidgetList");
  EXPECT_EQ(resource_types_from_crd(crd).size(), 1u);  // only served versions
}

TEST(CrdValidation, KubeVersionOrder) {
  std::vector<std::string> v = {"v1alpha1", "foo", "v2", "v1beta1", "v1", "v11alpha2", "v1beta2"};
  std::sort(v.begin(), v.end(), kube_version_less);
  EXPECT_EQ(v, (std::vector<std::string>{"v2", "v1", "v1beta2", "v1beta1", "v11alpha2", "v1alpha1",
                                         "foo"}));
}

}  // namespace
}  // namespace dynop::localcluster
