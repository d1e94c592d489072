#include "lib/apimachinery/json_decode.hpp"

#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>

namespace dynop::apimachinery {
namespace {

TEST(JsonDecode, DecodesAllTypes) {
  auto v = decode_json(
      R"({"s":"x\u00e9","i":-5,"u":18446744073709551615,"d":1.5,"b":true,"n":null,"a":[1,{"k":[]}],"o":{}})");
  ASSERT_TRUE(v.ok()) << v.error();
  EXPECT_EQ(
      boost::json::serialize(*v),
      R"({"s":"xé","i":-5,"u":18446744073709551615,"d":1.5E0,"b":true,"n":null,"a":[1,{"k":[]}],"o":{}})");
}

TEST(JsonDecode, DuplicateKeysKeepTheLast) {
  auto v = decode_json(R"({"a":1,"a":2})");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(boost::json::serialize(*v), R"({"a":2})");
}

TEST(JsonDecode, ErrorsSayWhere) {
  auto v = decode_json(R"({"a":1,})");
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().rfind("invalid JSON at byte 7: ", 0), 0u) << v.error();
  auto t = decode_json(R"({"a":)");
  ASSERT_FALSE(t.ok());
  EXPECT_NE(t.error().find("invalid JSON at byte"), std::string::npos) << t.error();
  EXPECT_EQ(decode_json("").error(), "invalid JSON: empty input");
  // Deep but valid nesting is fine; the error pass uses the same depth limit.
  std::string deep(100, '[');
  deep += std::string(100, ']');
  EXPECT_TRUE(decode_json(deep).ok());
  auto bad_deep = decode_json(std::string(100, '[') + "1,]" + std::string(99, ']'));
  ASSERT_FALSE(bad_deep.ok());
  EXPECT_EQ(bad_deep.error().rfind("invalid JSON at byte 102: ", 0), 0u) << bad_deep.error();
}

TEST(JsonDecode, ZeroCopyViews) {
  JsonDecoder decoder;
  simdjson::padded_string padded(std::string(R"({"metadata":{"name":"web-0"}})"));
  auto e = decoder.parse_view_padded(padded);
  ASSERT_TRUE(e.ok());
  std::string_view name;
  ASSERT_FALSE((*e)["metadata"]["name"].get_string().get(name));
  EXPECT_EQ(name, "web-0");
}

TEST(JsonDecode, TypeMismatchNamesTheJsonType) {
  JsonDecoder decoder;
  auto doc = decoder.parse_view(R"({"a":"x","b":1.5,"c":true,"d":null,"e":[],"f":{}})");
  ASSERT_TRUE(doc.ok()) << doc.error();
  EXPECT_EQ(json_type_mismatch("spec.replicas", "an integer", (*doc)["a"].value()),
            "spec.replicas: expected an integer, got string");
  EXPECT_EQ(json_type_name((*doc)["b"].type()), "number");
  EXPECT_EQ(json_type_name((*doc)["c"].type()), "boolean");
  EXPECT_EQ(json_type_name((*doc)["d"].type()), "null");
  EXPECT_EQ(json_type_name((*doc)["e"].type()), "array");
  EXPECT_EQ(json_type_name((*doc)["f"].type()), "object");
}

}  // namespace
}  // namespace dynop::apimachinery
