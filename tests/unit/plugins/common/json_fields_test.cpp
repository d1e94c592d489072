#include "plugins/common/json_fields.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "tests/unit/plugins/common/plugin_test_support.hpp"

namespace dynop::plugins::common {
namespace {

TEST(JsonFields, WrongTypesReadAsAbsent) {
  boost::json::object o = testing::yaml_to_json("a: x\nb: 3\nc: {d: y}\n").as_object();
  EXPECT_EQ(string_at(o, "a"), "x");
  EXPECT_EQ(string_at(o, "b"), "");
  EXPECT_EQ(string_at(o, "missing"), "");
  ASSERT_NE(object_at(o, "c"), nullptr);
  EXPECT_EQ(string_at(*object_at(o, "c"), "d"), "y");
  EXPECT_EQ(object_at(o, "a"), nullptr);
}

TEST(JsonFields, ControllerReferenceIsTheOneWithControllerTrue) {
  boost::json::object pod = testing::yaml_to_json(R"(
metadata:
  ownerReferences:
  - {kind: ReplicaSet, name: other, uid: u1}
  - {kind: DynamoGraphDeployment, name: web, uid: u2, controller: true}
)")
                                .as_object();
  const boost::json::object* ref = controller_reference(pod);
  ASSERT_NE(ref, nullptr);
  EXPECT_EQ(string_at(*ref, "uid"), "u2");
  EXPECT_EQ(controller_reference(testing::yaml_to_json("metadata: {name: x}").as_object()),
            nullptr);
  EXPECT_EQ(controller_uid(pod), "u2");
  EXPECT_EQ(controller_uid(testing::yaml_to_json("metadata: {name: x}").as_object()), "");
}

TEST(JsonFields, MetadataFieldsReadAsEmptyWhenAbsent) {
  boost::json::object pod = testing::yaml_to_json(R"(
metadata: {name: p, uid: u1, labels: {app: web, n: 3}}
)")
                                .as_object();
  EXPECT_EQ(name_of(pod), "p");
  EXPECT_EQ(uid_of(pod), "u1");
  EXPECT_EQ(label_of(pod, "app"), "web");
  EXPECT_EQ(label_of(pod, "n"), "");  // not a string
  EXPECT_EQ(label_of(pod, "missing"), "");
  boost::json::object bare = testing::yaml_to_json("metadata: x").as_object();
  EXPECT_EQ(name_of(bare), "");
  EXPECT_EQ(uid_of(bare), "");
  EXPECT_EQ(label_of(bare, "app"), "");
}

}  // namespace
}  // namespace dynop::plugins::common
