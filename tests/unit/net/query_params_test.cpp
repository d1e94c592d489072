#include "lib/net/query_params.hpp"

#include <gtest/gtest.h>

namespace dynop::net {
namespace {

TEST(QueryParams, DecodesPairsInOrderAndAnEmptyStringHasNone) {
  std::string error;
  auto params = parse_query_params("window=1h&graph=sglang%2Dagg&verbose", error);
  ASSERT_TRUE(params) << error;
  EXPECT_EQ(*params, (QueryParams{{"window", "1h"}, {"graph", "sglang-agg"}, {"verbose", ""}}));
  params = parse_query_params("", error);
  ASSERT_TRUE(params) << error;
  EXPECT_TRUE(params->empty());
}

TEST(QueryParams, AMalformedStringIsAnError) {
  std::string error;
  EXPECT_FALSE(parse_query_params("a=%zz", error));
  EXPECT_EQ(error, "malformed query string");
}

}  // namespace
}  // namespace dynop::net
