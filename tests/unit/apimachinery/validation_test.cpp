#include "lib/apimachinery/validation.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "lib/apimachinery/field_error_format.hpp"

namespace dynop::apimachinery {
namespace {

namespace json = boost::json;

const std::string kSubdomainMsg =
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or "
    "'.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used "
    "for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const std::string kLabelMsg =
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and "
    "must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex "
    "used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const std::string kNamePartMsg =
    "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end "
    "with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for "
    "validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

TEST(Validation, Dns1123Subdomain) {
  EXPECT_TRUE(is_dns1123_subdomain("sglang-agg-decode").empty());
  EXPECT_TRUE(is_dns1123_subdomain("a.b-c.d").empty());
  EXPECT_EQ(is_dns1123_subdomain("Web_0"), std::vector<std::string>{kSubdomainMsg});
  EXPECT_EQ(is_dns1123_subdomain("a..b"), std::vector<std::string>{kSubdomainMsg});
  EXPECT_EQ(is_dns1123_subdomain(""), std::vector<std::string>{kSubdomainMsg});
  std::string long_name(254, 'a');
  auto errs = is_dns1123_subdomain(long_name);
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0], "must be no more than 253 characters");
}

TEST(Validation, Dns1123LabelAnd1035) {
  EXPECT_TRUE(is_dns1123_label("default").empty());
  EXPECT_EQ(is_dns1123_label("a.b"), std::vector<std::string>{kLabelMsg});
  EXPECT_TRUE(is_dns1035_label("web").empty());
  auto errs = is_dns1035_label("1web");
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0],
            "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start "
            "with an alphabetic character, and end with an alphanumeric character (e.g. "
            "'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')");
}

TEST(Validation, QualifiedName) {
  EXPECT_TRUE(is_qualified_name("app").empty());
  EXPECT_TRUE(is_qualified_name("nvidia.com/dynamo-component").empty());
  EXPECT_EQ(is_qualified_name("-a"), std::vector<std::string>{kNamePartMsg});
  EXPECT_EQ(is_qualified_name("/a"), std::vector<std::string>{"prefix part must be non-empty"});
  auto errs = is_qualified_name("a/b/c");
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0],
            "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must "
            "start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or "
            "'123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') "
            "with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')");
  errs = is_qualified_name("app.kubernetes_io/name");
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0], "prefix part " + kSubdomainMsg);
  errs = is_qualified_name("a/");
  ASSERT_EQ(errs.size(), 2u);
  EXPECT_EQ(errs[0], "name part must be non-empty");
  errs = is_qualified_name(std::string(64, 'a'));
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0], "name part must be no more than 63 characters");
}

TEST(Validation, LabelValue) {
  EXPECT_TRUE(is_valid_label_value("").empty());
  EXPECT_TRUE(is_valid_label_value("decode").empty());
  auto errs = is_valid_label_value("ocloud-system/smoke-ms");
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(errs[0],
            "a valid label must be an empty string or consist of alphanumeric characters, '-', "
            "'_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  "
            "or 'my_value',  or '12345', regex used for validation is "
            "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')");
}

TEST(Validation, GenerateNameAllowsTrailingDash) {
  EXPECT_TRUE(name_is_dns_subdomain("web-", true).empty());
  EXPECT_FALSE(name_is_dns_subdomain("web-", false).empty());
}

TEST(Validation, AnnotationsTotalSize) {
  json::object annotations;
  annotations["big"] = std::string(262144, 'x');
  auto errs = validate_annotations(annotations, "metadata.annotations");
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(to_string(errs[0]), "metadata.annotations: Too long: must have at most 262144 bytes");
  annotations["big"] = std::string(262141, 'x');
  EXPECT_TRUE(validate_annotations(annotations, "metadata.annotations").empty());
  // Keys are checked case-insensitively but printed as given.
  json::object upper;
  upper["Example.COM/Key"] = "v";
  EXPECT_TRUE(validate_annotations(upper, "metadata.annotations").empty());
}

TEST(Validation, ObjectMeta) {
  auto meta =
      json::parse(R"({"name":"Bad_Name","labels":{"app":"-x"},"generation":-1})").as_object();
  auto errs = validate_object_meta(meta, true, name_is_dns_subdomain);
  std::vector<std::string> text;
  for (auto& e : errs) text.push_back(to_string(e));
  ASSERT_EQ(text.size(), 4u);
  EXPECT_EQ(text[0], "metadata.name: Invalid value: \"Bad_Name\": " + kSubdomainMsg);
  EXPECT_EQ(text[1], "metadata.namespace: Required value");
  EXPECT_EQ(text[2], "metadata.generation: Invalid value: -1: must be greater than or equal to 0");
  EXPECT_EQ(text[3].substr(0, 40), "metadata.labels: Invalid value: \"-x\": a ");

  auto none = json::parse(R"({})").as_object();
  errs = validate_object_meta(none, false, name_is_dns_subdomain);
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(to_string(errs[0]), "metadata.name: Required value: name or generateName is required");

  auto cluster = json::parse(R"({"name":"n1","namespace":"default"})").as_object();
  errs = validate_object_meta(cluster, false, name_is_dns_subdomain);
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_EQ(to_string(errs[0]), "metadata.namespace: Forbidden: not allowed on this type");
}

TEST(Validation, OwnerReferencesAndFinalizers) {
  auto refs = json::parse(R"([
    {"apiVersion":"nvidia.com/v1alpha1","kind":"DGD","name":"a","uid":"1","controller":true},
    {"apiVersion":"","kind":"DGD","name":"b","uid":"2","controller":true}])")
                  .as_array();
  auto errs = validate_owner_references(refs, "metadata.ownerReferences");
  ASSERT_EQ(errs.size(), 2u);
  EXPECT_EQ(to_string(errs[0]),
            "metadata.ownerReferences.apiVersion: Invalid value: \"\": version must not be empty");
  EXPECT_NE(errs[1].detail.find("Only one reference can have Controller set to true. Found "
                                "\"true\" in references for DGD/a and DGD/b"),
            std::string::npos);
  auto fins = json::parse(R"(["orphan","foregroundDeletion","bad name"])").as_array();
  errs = validate_finalizers(fins, "metadata.finalizers");
  ASSERT_EQ(errs.size(), 2u);
  EXPECT_EQ(errs[1].detail, "finalizer orphan and foregroundDeletion cannot be both set");
}

TEST(Validation, ObjectMetaUpdate) {
  auto old_meta = json::parse(R"({"name":"a","namespace":"default","uid":"u1",
    "resourceVersion":"5","generation":3,"creationTimestamp":"2026-11-28T00:44:39Z",
    "deletionTimestamp":"2026-11-28T01:00:00Z","finalizers":["x"]})")
                      .as_object();
  auto new_meta = json::parse(R"({"name":"b","namespace":"default","uid":"u1",
    "generation":2,"creationTimestamp":"2026-11-28T00:44:40Z",
    "deletionTimestamp":"2026-11-28T01:00:00Z","finalizers":["x","z","y"]})")
                      .as_object();
  auto errs = validate_object_meta_update(new_meta, old_meta);
  std::vector<std::string> text;
  for (auto& e : errs) text.push_back(to_string(e));
  ASSERT_EQ(text.size(), 5u);
  EXPECT_EQ(text[0],
            "metadata.finalizers: Forbidden: no new finalizers can be added if the object is "
            "being deleted, found new finalizers []string{\"y\", \"z\"}");
  EXPECT_EQ(text[1],
            "metadata.resourceVersion: Invalid value: \"\": must be specified for an update");
  EXPECT_EQ(text[2], "metadata.generation: Invalid value: 2: must not be decremented");
  EXPECT_EQ(text[3], "metadata.name: Invalid value: \"b\": field is immutable");
  EXPECT_EQ(text[4],
            "metadata.creationTimestamp: Invalid value: 2026-11-28 00:44:40 +0000 UTC: field is "
            "immutable");
  new_meta = old_meta;
  EXPECT_TRUE(validate_object_meta_update(new_meta, old_meta).empty());
}

TEST(Validation, PathSegment) {
  EXPECT_EQ(is_valid_path_segment_name(".."), std::vector<std::string>{"may not be '..'"});
  EXPECT_EQ(is_valid_path_segment_name("a/b"), std::vector<std::string>{"may not contain '/'"});
}

}  // namespace
}  // namespace dynop::apimachinery
