#include "lib/apimachinery/json_patch.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace dynop::apimachinery {
namespace {

namespace json = boost::json;

std::string apply(std::string_view doc, std::string_view patch) {
  json::value d = json::parse(doc);
  auto r = apply_json_patch(d, json::parse(patch));
  if (!r) return "ERROR: " + r.error();
  return json::serialize(d);
}

TEST(JsonPointer, EscapingAndResolution) {
  EXPECT_EQ(json_pointer_escape("app.kubernetes.io/name"), "app.kubernetes.io~1name");
  EXPECT_EQ(json_pointer_escape("a~b"), "a~0b");
  auto t = parse_json_pointer("/metadata/labels/a~1b~0c");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->size(), 3u);
  EXPECT_EQ((*t)[2], "a/b~c");
  EXPECT_FALSE(parse_json_pointer("a/b").ok());
  EXPECT_FALSE(parse_json_pointer("/a~2").ok());
  auto doc = json::parse(R"({"a":{"b":[10,20]},"":{"x":1}})");
  ASSERT_NE(resolve_json_pointer(doc, "/a/b/1"), nullptr);
  EXPECT_EQ(resolve_json_pointer(doc, "/a/b/1")->as_int64(), 20);
  EXPECT_EQ(resolve_json_pointer(doc, "/a/b/2"), nullptr);
  EXPECT_EQ(resolve_json_pointer(doc, "//x")->as_int64(), 1);
  EXPECT_EQ(resolve_json_pointer(doc, ""), &doc);
}

TEST(JsonPatch, Operations) {
  EXPECT_EQ(apply(R"({"a":1})", R"([{"op":"add","path":"/b","value":2}])"), R"({"a":1,"b":2})");
  EXPECT_EQ(apply(R"({"a":[1,2]})", R"([{"op":"add","path":"/a/1","value":9}])"),
            R"({"a":[1,9,2]})");
  EXPECT_EQ(apply(R"({"a":[1,2]})", R"([{"op":"add","path":"/a/-","value":3}])"),
            R"({"a":[1,2,3]})");
  EXPECT_EQ(apply(R"({"a":[1,2]})", R"([{"op":"add","path":"/a/2","value":3}])"),
            R"({"a":[1,2,3]})");
  EXPECT_EQ(apply(R"({"a":1,"b":2})", R"([{"op":"remove","path":"/a"}])"), R"({"b":2})");
  EXPECT_EQ(apply(R"({"a":[1,2,3]})", R"([{"op":"remove","path":"/a/0"}])"), R"({"a":[2,3]})");
  EXPECT_EQ(apply(R"({"spec":{"replicas":1}})",
                  R"([{"op":"replace","path":"/spec/replicas","value":3}])"),
            R"({"spec":{"replicas":3}})");
  EXPECT_EQ(apply(R"({"a":{"x":1},"b":{}})", R"([{"op":"move","from":"/a/x","path":"/b/y"}])"),
            R"({"a":{},"b":{"y":1}})");
  EXPECT_EQ(apply(R"({"a":[1,2]})", R"([{"op":"copy","from":"/a/0","path":"/a/-"}])"),
            R"({"a":[1,2,1]})");
  EXPECT_EQ(apply(R"({"a":80})", R"([{"op":"test","path":"/a","value":80.0}])"), R"({"a":80})");
  EXPECT_EQ(
      apply(R"({"metadata":{"labels":{}}})",
            R"([{"op":"add","path":"/metadata/labels/app.kubernetes.io~1name","value":"x"}])"),
      R"({"metadata":{"labels":{"app.kubernetes.io/name":"x"}}})");
  EXPECT_EQ(apply(R"({"a":1})", R"([{"op":"replace","path":"","value":[1]}])"), "[1]");
}

TEST(JsonPatch, ErrorsAndAtomicity) {
  EXPECT_EQ(apply(R"({"a":1})", R"([{"op":"replace","path":"/b","value":2}])"),
            "ERROR: replace operation does not apply: doc is missing key: /b: missing value");
  EXPECT_EQ(apply(R"({"a":1})", R"([{"op":"replace","path":"/x/y","value":2}])"),
            "ERROR: replace operation does not apply: doc is missing path: /x/y: missing value");
  EXPECT_EQ(apply(R"({"a":1})", R"([{"op":"remove","path":"/b"}])"),
            "ERROR: error in remove for path: '/b': Unable to remove nonexistent key: b: missing "
            "value");
  EXPECT_EQ(apply(R"({"a":1})", R"([{"op":"add","path":"/x/y","value":2}])"),
            "ERROR: add operation does not apply: doc is missing path: \"/x/y\": missing value");
  EXPECT_EQ(apply(R"({"a":[1]})", R"([{"op":"add","path":"/a/5","value":2}])"),
            "ERROR: error in add for path: '/a/5': Unable to access invalid index: 5: invalid "
            "index referenced");
  EXPECT_EQ(apply(R"({"a":1})", R"([{"op":"test","path":"/a","value":2}])"),
            "ERROR: testing value /a failed: test failed");
  EXPECT_EQ(apply(R"({"a":1})", R"([{"op":"frobnicate","path":"/a"}])"),
            "ERROR: Unexpected kind: frobnicate");
  EXPECT_EQ(apply(R"({"a":1})", R"({"op":"add"})"),
            "ERROR: json: cannot unmarshal object into Go value of type jsonpatch.Patch");
  // All or nothing: the first operation is rolled back.
  EXPECT_EQ(apply(R"({"a":1})",
                  R"([{"op":"add","path":"/b","value":2},{"op":"test","path":"/a","value":9}])"),
            "ERROR: testing value /a failed: test failed");
  json::value d = json::parse(R"({"a":1})");
  EXPECT_FALSE(
      apply_json_patch(
          d, json::parse(R"([{"op":"add","path":"/b","value":2},{"op":"remove","path":"/zz"}])"))
          .ok());
  EXPECT_EQ(json::serialize(d), R"({"a":1})");
}

TEST(JsonPatch, TooManyOperations) {
  json::array ops;
  for (int i = 0; i < 10001; ++i) {
    ops.push_back(json::parse(R"({"op":"test","path":"/a","value":1})"));
  }
  auto r = validate_json_patch(ops);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error(), "The allowed maximum operations in a JSON patch is 10000, got 10001");
}

}  // namespace
}  // namespace dynop::apimachinery
