#include "lib/apimachinery/yaml_json.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace dynop::apimachinery {
namespace {

TEST(YamlJson, ScalarsFollowTheCoreSchema) {
  auto v = yaml_to_json("a: 1\nb: \"1\"\nc: true\nd: null\ne: 1.5\nf: text\ng: [x, 2]\n");
  ASSERT_TRUE(v.ok()) << v.error();
  EXPECT_EQ(boost::json::serialize(*v),
            R"({"a":1,"b":"1","c":true,"d":null,"e":1.5E0,"f":"text","g":["x",2]})");
}

TEST(YamlJson, MalformedYamlIsAnError) {
  auto v = yaml_to_json("a: [b");
  ASSERT_FALSE(v.ok());
  EXPECT_FALSE(v.error().empty());
}

}  // namespace
}  // namespace dynop::apimachinery
