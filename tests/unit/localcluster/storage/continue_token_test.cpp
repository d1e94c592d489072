#include "localcluster/storage/continue_token.hpp"

#include <gtest/gtest.h>

namespace dynop::localcluster::storage {
namespace {

TEST(ContinueToken, MatchesKubeApiserverEncoding) {
  // From trace 04-dgdsa-11-list-limit-1.json.
  EXPECT_EQ(encode_continue({219, "sglang-agg-decode"}),
            "eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6MjE5LCJzdGFydCI6InNnbGFuZy1hZ2ctZGVjb2RlXHUwMDAwIn0");
}

TEST(ContinueToken, RoundTrips) {
  auto token = decode_continue(encode_continue({7, "ns/name-1"}));
  ASSERT_TRUE(token);
  EXPECT_EQ(token->resource_version, 7u);
  EXPECT_EQ(token->start, "ns/name-1");
}

TEST(ContinueToken, RejectsGarbage) {
  EXPECT_FALSE(decode_continue("not a token"));
  EXPECT_FALSE(decode_continue("eyJ4IjoxfQ"));  // {"x":1}
}

}  // namespace
}  // namespace dynop::localcluster::storage
