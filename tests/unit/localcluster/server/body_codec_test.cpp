#include "localcluster/server/body_codec.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace dynop::localcluster::server {
namespace {

boost::json::value yaml(const std::string& text) {
  auto out = yaml_to_json(text);
  EXPECT_TRUE(std::holds_alternative<boost::json::value>(out));
  return std::get<boost::json::value>(out);
}

TEST(BodyCodec, YamlScalarsFollowTheCoreSchema) {
  auto v = yaml("a: 1\nb: \"1\"\nc: true\nd: null\ne: 1.5\nf: text\ng: [x, 2]\n");
  EXPECT_EQ(boost::json::serialize(v),
            R"({"a":1,"b":"1","c":true,"d":null,"e":1.5E0,"f":"text","g":["x",2]})");
}

TEST(BodyCodec, MalformedBodiesGive400) {
  auto json = decode_body("{\"a\":", "application/json");
  ASSERT_TRUE(std::holds_alternative<ApiError>(json));
  EXPECT_EQ(std::get<ApiError>(json).code, 400);
  EXPECT_EQ(std::get<ApiError>(json).message.rfind("couldn't get version/kind; json parse error: ", 0), 0u);
  auto y = decode_body("a: [b", "application/yaml");
  ASSERT_TRUE(std::holds_alternative<ApiError>(y));
  EXPECT_EQ(std::get<ApiError>(y).code, 400);
}

TEST(BodyCodec, MediaTypeDropsParameters) {
  EXPECT_EQ(media_type("application/json; charset=utf-8"), "application/json");
  EXPECT_EQ(media_type("Application/YAML"), "application/yaml");
}

}  // namespace
}  // namespace dynop::localcluster::server
