#include "lib/apimachinery/object_meta.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace dynop::apimachinery {
namespace {

namespace json = boost::json;

json::object pod() {
  return json::parse(R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"web-0",
    "namespace":"default","uid":"u1","resourceVersion":"42","generation":3,
    "labels":{"app":"web"},"annotations":{"a":"b"},"finalizers":["x"],
    "deletionTimestamp":"2026-11-28T00:00:00Z","managedFields":[{}],
    "ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"rs","uid":"o1"},
                       {"apiVersion":"nvidia.com/v1alpha1","kind":"DynamoGraphDeployment",
                        "name":"d","uid":"o2","controller":true}]}})")
      .as_object();
}

TEST(ObjectMeta, Readers) {
  auto p = pod();
  EXPECT_EQ(name(p), "web-0");
  EXPECT_EQ(namespace_of(p), "default");
  EXPECT_EQ(uid(p), "u1");
  EXPECT_EQ(resource_version(p), "42");
  EXPECT_EQ(generation(p).value_or(-1), 3);
  EXPECT_EQ(label(p, "app").value_or(""), "web");
  EXPECT_FALSE(label(p, "missing").has_value());
  EXPECT_EQ(annotation(p, "a").value_or(""), "b");
  EXPECT_TRUE(has_finalizer(p, "x"));
  EXPECT_EQ(deletion_timestamp(p).value_or(""), "2026-11-28T00:00:00Z");
  ASSERT_NE(controller_of(p), nullptr);
  EXPECT_EQ(controller_of(p)->at("name").as_string(), "d");
  EXPECT_TRUE(is_owned_by(p, "o1"));
  EXPECT_FALSE(is_owned_by(p, "zz"));
  EXPECT_EQ(object_key(p), "default/web-0");
  json::object empty;
  EXPECT_EQ(name(empty), "");
  EXPECT_FALSE(generation(empty).has_value());
  EXPECT_EQ(labels(empty), nullptr);
  EXPECT_TRUE(finalizers(empty).empty());
}

TEST(ObjectMeta, GroupVersionKind) {
  auto gvk = group_version_kind(pod());
  ASSERT_TRUE(gvk.ok());
  EXPECT_EQ(gvk->group, "");
  EXPECT_EQ(gvk->version, "v1");
  EXPECT_EQ(gvk->kind, "Pod");
  EXPECT_EQ(gvk->api_version(), "v1");
  auto gv = parse_group_version("nvidia.com/v1alpha1");
  ASSERT_TRUE(gv.ok());
  EXPECT_EQ(gv->group, "nvidia.com");
  EXPECT_EQ(gv->to_string(), "nvidia.com/v1alpha1");
  EXPECT_EQ(parse_group_version("a/b/c").error(), "unexpected GroupVersion string: a/b/c");
  EXPECT_EQ(parse_group_version("").value(), GroupVersion{});
}

TEST(ObjectMeta, Mutators) {
  json::object o;
  set_name(o, "n");
  set_namespace(o, "ns");
  set_label(o, "k", "v");
  set_annotation(o, "a", "b");
  EXPECT_TRUE(add_finalizer(o, "f"));
  EXPECT_FALSE(add_finalizer(o, "f"));
  set_generation(o, 2);
  set_resource_version(o, "7");
  EXPECT_EQ(
      json::serialize(o),
      R"({"metadata":{"name":"n","namespace":"ns","labels":{"k":"v"},"annotations":{"a":"b"},"finalizers":["f"],"generation":2,"resourceVersion":"7"}})");
  EXPECT_TRUE(remove_finalizer(o, "f"));
  EXPECT_FALSE(remove_finalizer(o, "f"));
  EXPECT_FALSE(o.at("metadata").as_object().contains("finalizers"));
  EXPECT_TRUE(remove_label(o, "k"));
  EXPECT_TRUE(remove_annotation(o, "a"));

  auto owner = json::parse(R"({"apiVersion":"nvidia.com/v1alpha1","kind":"DGD",
    "metadata":{"name":"d","uid":"o2"}})")
                   .as_object();
  auto ref = owner_reference_to(owner, true);
  EXPECT_EQ(
      json::serialize(ref),
      R"({"apiVersion":"nvidia.com/v1alpha1","kind":"DGD","name":"d","uid":"o2","controller":true,"blockOwnerDeletion":true})");
  set_owner_reference(o, ref);
  set_owner_reference(o, owner_reference_to(owner, false));
  ASSERT_NE(owner_references(o), nullptr);
  EXPECT_EQ(owner_references(o)->size(), 1u);
  EXPECT_EQ(controller_of(o), nullptr);

  auto p = pod();
  strip_managed_fields(p);
  EXPECT_FALSE(metadata(p)->contains("managedFields"));
}

}  // namespace
}  // namespace dynop::apimachinery
