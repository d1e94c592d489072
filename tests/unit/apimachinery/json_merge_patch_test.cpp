#include "lib/apimachinery/json_merge_patch.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace dynop::apimachinery {
namespace {

namespace json = boost::json;

std::string apply(std::string_view original, std::string_view patch) {
  return json::serialize(merge_patch(json::parse(original), json::parse(patch)));
}

// RFC 7386 appendix A, one case per line.
TEST(JsonMergePatch, Rfc7386Examples) {
  EXPECT_EQ(apply(R"({"a":"b"})", R"({"a":"c"})"), R"({"a":"c"})");
  EXPECT_EQ(apply(R"({"a":"b"})", R"({"b":"c"})"), R"({"a":"b","b":"c"})");
  EXPECT_EQ(apply(R"({"a":"b"})", R"({"a":null})"), R"({})");
  EXPECT_EQ(apply(R"({"a":"b","b":"c"})", R"({"a":null})"), R"({"b":"c"})");
  EXPECT_EQ(apply(R"({"a":["b"]})", R"({"a":"c"})"), R"({"a":"c"})");
  EXPECT_EQ(apply(R"({"a":"c"})", R"({"a":["b"]})"), R"({"a":["b"]})");
  EXPECT_EQ(apply(R"({"a":{"b":"c"}})", R"({"a":{"b":"d","c":null}})"), R"({"a":{"b":"d"}})");
  EXPECT_EQ(apply(R"({"a":[{"b":"c"}]})", R"({"a":[1]})"), R"({"a":[1]})");
  EXPECT_EQ(apply(R"(["a","b"])", R"(["c","d"])"), R"(["c","d"])");
  EXPECT_EQ(apply(R"({"a":"b"})", R"(["c"])"), R"(["c"])");
  EXPECT_EQ(apply(R"({"a":"foo"})", "null"), "null");
  EXPECT_EQ(apply(R"({"a":"foo"})", R"("bar")"), R"("bar")");
  EXPECT_EQ(apply(R"({"e":null})", R"({"a":1})"), R"({"e":null,"a":1})");
  EXPECT_EQ(apply(R"([1,2])", R"({"a":"b","c":null})"), R"({"a":"b"})");
  EXPECT_EQ(apply(R"({})", R"({"a":{"bb":{"ccc":null}}})"), R"({"a":{"bb":{}}})");
}

TEST(JsonMergePatch, ScalePatchAndConditionsReplaced) {
  EXPECT_EQ(apply(R"({"spec":{"replicas":1,"x":true}})", R"({"spec":{"replicas":3}})"),
            R"({"spec":{"replicas":3,"x":true}})");
  // A merge patch replaces lists whole (trace 09-pod-06).
  EXPECT_EQ(apply(R"({"status":{"conditions":[{"type":"PodScheduled"}]}})",
                  R"({"status":{"conditions":[{"type":"Ready"}]}})"),
            R"({"status":{"conditions":[{"type":"Ready"}]}})");
}

TEST(JsonMergePatch, CreateMergePatch) {
  auto a = json::parse(R"({"a":1,"b":{"c":2,"d":3},"e":[1]})");
  auto b = json::parse(R"({"a":1,"b":{"c":5},"e":[1,2],"f":"x"})");
  auto p = create_merge_patch(a, b);
  EXPECT_EQ(json::serialize(p), R"({"b":{"d":null,"c":5},"e":[1,2],"f":"x"})");
  EXPECT_EQ(json::serialize(merge_patch(a, p)), json::serialize(merge_patch(b, json::object())));
  EXPECT_EQ(json::serialize(create_merge_patch(a, a)), "{}");
}

}  // namespace
}  // namespace dynop::apimachinery
