#include "localcluster/server/api_error.hpp"

#include <gtest/gtest.h>

namespace dynop::localcluster::server {
namespace {

TEST(ApiError, NotFoundMatchesTrace) {
  // 04-dgdsa-10-get-missing-404.json
  auto e = not_found({"nvidia.com", "dynamographdeploymentscalingadapters", "does-not-exist", ""});
  EXPECT_EQ(e.to_json(),
            R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"dynamographdeploymentscalingadapters.nvidia.com \"does-not-exist\" not found","reason":"NotFound","details":{"name":"does-not-exist","group":"nvidia.com","kind":"dynamographdeploymentscalingadapters"},"code":404})");
}

TEST(ApiError, ConflictMatchesTrace) {
  // 04-dgdsa-08-put-stale-resourceversion-409.json
  auto e = modified_conflict({"nvidia.com", "dynamographdeploymentscalingadapters", "sglang-agg-decode", ""});
  EXPECT_EQ(e.to_json(),
            R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Operation cannot be fulfilled on dynamographdeploymentscalingadapters.nvidia.com \"sglang-agg-decode\": the object has been modified; please apply your changes to the latest version and try again","reason":"Conflict","details":{"name":"sglang-agg-decode","group":"nvidia.com","kind":"dynamographdeploymentscalingadapters"},"code":409})");
}

TEST(ApiError, UnsupportedPatchMatchesTrace) {
  auto e = unsupported_patch_type({"application/json-patch+json", "application/merge-patch+json",
                                   "application/apply-patch+yaml"});
  EXPECT_EQ(e.code, 415);
  EXPECT_EQ(e.message,
            "the body of the request was in an unknown format - accepted media types include: "
            "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml");
}

}  // namespace
}  // namespace dynop::localcluster::server
