#include "lib/kube/client/api_error.hpp"

#include <gtest/gtest.h>

namespace dynop::kube {
namespace {

TEST(ApiError, ParsesTheStatusBodyOfAConflict) {
  const Error error = error_from_response(409, R"({
    "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
    "message": "Operation cannot be fulfilled on leases.coordination.k8s.io \"l\": the object has been modified; please apply your changes to the latest version and try again",
    "reason": "Conflict", "details": {"name": "l", "group": "coordination.k8s.io", "kind": "leases"},
    "code": 409})");
  EXPECT_EQ(error.kind, ErrorKind::kConflict);
  EXPECT_TRUE(error.conflict());
  EXPECT_FALSE(error.already_exists());
  EXPECT_EQ(error.reason, "Conflict");
  EXPECT_EQ(error.describe(),
            "409 Conflict: Operation cannot be fulfilled on leases.coordination.k8s.io \"l\": the "
            "object has been modified; please apply your changes to the latest version and try "
            "again");
}

TEST(ApiError, AlreadyExistsIsNotAConflictToRetry) {
  const Error error =
      error_from_response(409, R"({"kind":"Status","reason":"AlreadyExists","code":409})");
  EXPECT_TRUE(error.already_exists());
  EXPECT_FALSE(error.conflict());
}

TEST(ApiError, KindsByStatusCode) {
  EXPECT_TRUE(error_from_response(404, "").not_found());
  EXPECT_TRUE(error_from_response(410, "").gone());
  EXPECT_EQ(error_from_response(422, "").kind, ErrorKind::kInvalid);
  EXPECT_EQ(error_from_response(503, "").kind, ErrorKind::kServerError);
  EXPECT_TRUE(error_from_response(500, "").retryable());
  EXPECT_FALSE(error_from_response(422, "").retryable());
  EXPECT_TRUE(transport_error("refused").retryable());
}

TEST(ApiError, RetryAfterFromHeaderOrDetails) {
  const Error from_header = error_from_response(429, "Too many requests", "3");
  EXPECT_EQ(from_header.kind, ErrorKind::kTooManyRequests);
  EXPECT_EQ(from_header.retry_after, std::chrono::seconds(3));
  EXPECT_EQ(from_header.message, "Too many requests");
  const Error from_details = error_from_response(
      429, R"({"kind":"Status","reason":"TooManyRequests","details":{"retryAfterSeconds":7}})");
  EXPECT_EQ(from_details.retry_after, std::chrono::seconds(7));
}

TEST(ApiError, GoneFromAWatchExpiredStatus) {
  const Error error = error_from_response(
      200,
      R"j({"kind":"Status","reason":"Expired","message":"too old resource version: 1 (220)","code":410})j");
  EXPECT_TRUE(error.gone());
}

TEST(Result, HoldsAValueOrAnError) {
  Result<int> good = 3;
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(*good, 3);
  Result<int> bad = transport_error("connection refused");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().describe(), "Transport: connection refused");
}

}  // namespace
}  // namespace dynop::kube
