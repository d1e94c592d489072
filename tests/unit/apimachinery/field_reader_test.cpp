#include "lib/apimachinery/field_reader.hpp"

#include <gtest/gtest.h>

#include "lib/apimachinery/field_error_format.hpp"
#include "lib/apimachinery/json_decode.hpp"

namespace dynop::apimachinery {
namespace {

namespace dom = simdjson::dom;

class FieldReaderTest : public ::testing::Test {
 protected:
  dom::object parse(std::string_view json) {
    auto root = decoder_.parse_view(json);
    EXPECT_TRUE(root.ok()) << root.error();
    return dom::object(*root);
  }
  std::string errors() const { return aggregate_message(errors_); }

  JsonDecoder decoder_;
  FieldErrors errors_;
  FieldReader read_{errors_};
};

TEST_F(FieldReaderTest, AbsentAndNullAreNotSetAndNoError) {
  dom::object o = parse(R"({"a":null})");
  EXPECT_FALSE(field_of(o, "a").has_value());
  EXPECT_FALSE(field_of(o, "b").has_value());
  EXPECT_EQ(read_.string(o, "a", "spec"), "");
  EXPECT_FALSE(read_.boolean(o, "b", "spec").has_value());
  EXPECT_FALSE(read_.int32(o, "a", "spec", 0).has_value());
  EXPECT_FALSE(read_.object(o, "a", "spec").has_value());
  EXPECT_TRUE(read_.document(o, "a", "spec").empty());
  EXPECT_TRUE(errors_.empty());
}

TEST_F(FieldReaderTest, ReadsEachType) {
  dom::object o = parse(
      R"({"s":"x","b":true,"n":7,"f":2.0,"o":{"k":"v","bad":1},"a":[1],"d":{"x":[1,{"y":2}]}})");
  EXPECT_EQ(read_.string(o, "s", ""), "x");
  EXPECT_EQ(read_.boolean(o, "b", ""), true);
  EXPECT_EQ(read_.int32(o, "n", "", 0), 7);
  EXPECT_EQ(read_.int32(o, "f", "", 0), 2);  // 2.0 is a whole number
  EXPECT_TRUE(read_.array(o, "a", "").has_value());
  auto strings = read_.strings(o, "o", "meta");
  EXPECT_EQ(strings, (std::map<std::string, std::string>{{"k", "v"}}));
  EXPECT_EQ(errors(), "meta.o[bad]: Invalid value: 1: must be a string");
  boost::json::object copy = read_.document(o, "d", "");
  EXPECT_EQ(copy.at("x").as_array().at(1).at("y").as_int64(), 2);
}

TEST_F(FieldReaderTest, WrongTypesAndRangesAreKubeFieldErrors) {
  dom::object o =
      parse(R"({"s":1,"b":"yes","n":-1,"f":1.5,"big":3000000000,"o":[],"a":{},"huge":1e300})");
  read_.string(o, "s", "spec");
  read_.boolean(o, "b", "spec");
  read_.int32(o, "n", "spec", 0);
  read_.int32(o, "f", "spec", 0);
  read_.int32(o, "big", "spec", 0);
  read_.object(o, "o", "spec");
  read_.array(o, "a", "spec");
  read_.int32(o, "huge", "spec", 0);
  EXPECT_EQ(errors(),
            "[spec.s: Invalid value: 1: must be a string, "
            "spec.b: Invalid value: \"yes\": must be a boolean, "
            "spec.n: Invalid value: -1: must be greater than or equal to 0, "
            "spec.f: Invalid value: 1.5: must be an integer, "
            "spec.big: Invalid value: 3000000000: must be at most 2147483647, "
            "spec.o: Invalid value: []: must be an object, "
            "spec.a: Invalid value: {}: must be a list, "
            "spec.huge: Invalid value: 1e+300: must be at most 2147483647]");
  EXPECT_EQ(errors_[0].type, FieldErrorType::kTypeInvalid);
  EXPECT_EQ(errors_[2].type, FieldErrorType::kInvalid);
}

TEST(FieldPath, JoinsWithADot) {
  EXPECT_EQ(join_field_path("", "spec"), "spec");
  EXPECT_EQ(join_field_path("spec.services[a]", "replicas"), "spec.services[a].replicas");
}

}  // namespace
}  // namespace dynop::apimachinery
