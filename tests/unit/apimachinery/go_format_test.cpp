#include "lib/apimachinery/go_format.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <cmath>
#include <cstdint>

namespace dynop::apimachinery {
namespace {

TEST(GoFormat, FloatsLikeStrconvG) {
  EXPECT_EQ(go_float(80), "80");
  EXPECT_EQ(go_float(0.5), "0.5");
  EXPECT_EQ(go_float(-1.25), "-1.25");
  EXPECT_EQ(go_float(100000), "100000");
  EXPECT_EQ(go_float(1000000), "1e+06");
  EXPECT_EQ(go_float(123456789), "1.23456789e+08");
  EXPECT_EQ(go_float(0.0001), "0.0001");
  EXPECT_EQ(go_float(0.00001), "1e-05");
  EXPECT_EQ(go_float(1e21), "1e+21");
  EXPECT_EQ(go_float(0), "0");
}

TEST(GoFormat, SprintOfDecodedJson) {
  EXPECT_EQ(go_sprint(boost::json::parse(R"({"b":[1,"x",null,true],"a":{"c":2.5}})")),
            "map[a:map[c:2.5] b:[1 x <nil> true]]");
  EXPECT_EQ(go_type_name(boost::json::parse("[]")), "[]interface {}");
  EXPECT_EQ(go_type_name(boost::json::parse("{}")), "map[string]interface {}");
  EXPECT_EQ(go_type_name(boost::json::parse("1")), "float64");
}

}  // namespace
}  // namespace dynop::apimachinery

namespace dynop::apimachinery {
namespace {

TEST(GoFormat, LabelSelectorStringAsGogoPrintsIt) {
  EXPECT_EQ(
      go_label_selector_string(boost::json::parse(
          R"({"matchLabels":{"z":"1","dynamo_namespace":"default-sglang-agg"},
                    "matchExpressions":[{"key":"tier","operator":"In","values":["a","b"]}]})")),
      "&LabelSelector{MatchLabels:map[string]string{dynamo_namespace: default-sglang-agg,z: 1,},"
      "MatchExpressions:[]LabelSelectorRequirement{LabelSelectorRequirement{Key:tier,Operator:In,"
      "Values:[a b],},},}");
  EXPECT_EQ(go_label_selector_string(boost::json::parse("{}")),
            "&LabelSelector{MatchLabels:map[string]string{},MatchExpressions:[]"
            "LabelSelectorRequirement{},}");
  EXPECT_EQ(go_label_selector_string(nullptr), "nil");
}

TEST(GoFormat, Float64ToInt64AsAmd64Converts) {
  EXPECT_EQ(go_float64_to_int64(45.9), 45);
  EXPECT_EQ(go_float64_to_int64(-45.9), -45);
  EXPECT_EQ(go_float64_to_int64(std::nan("")), INT64_MIN);
  EXPECT_EQ(go_float64_to_int64(1e30), INT64_MIN);
}

}  // namespace
}  // namespace dynop::apimachinery
