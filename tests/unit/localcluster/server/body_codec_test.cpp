#include "localcluster/server/body_codec.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace dynop::localcluster::server {
namespace {

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
