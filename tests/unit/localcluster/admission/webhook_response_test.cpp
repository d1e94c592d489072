#include "localcluster/admission/webhook_response.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace dynop::localcluster::admission {
namespace {

namespace json = boost::json;

constexpr const char* kName = "validate.dynamographdeployments.nvidia.com";
constexpr const char* kUrl = "https://127.0.0.1:9443/validate?timeout=5s";

Webhook webhook(FailurePolicy policy = FailurePolicy::kFail) {
  Webhook w;
  w.name = kName;
  w.failure_policy = policy;
  return w;
}

net::ClientResult answer(unsigned status, std::string body) {
  net::ClientResult result;
  result.response.emplace();
  result.response->status = status;
  result.response->body = std::move(body);
  return result;
}

net::ClientResult failed(std::string error) {
  net::ClientResult result;
  result.error = std::move(error);
  return result;
}

TEST(WebhookResponse, DenialAsTrace05) {
  std::vector<std::string> warnings;
  auto error = judge_call(
      webhook(),
      answer(
          200,
          R"({"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","response":{"uid":"u1","allowed":false,"status":{"code":403,"message":"test denial message"}}})"),
      kUrl, "u1", warnings);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->code, 403);
  EXPECT_EQ(error->reason, "");
  EXPECT_EQ(
      json::parse(error->to_json()),
      json::parse(
          R"({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"admission webhook \"validate.dynamographdeployments.nvidia.com\" denied the request: test denial message","code":403})"));
  EXPECT_TRUE(warnings.empty());
}

TEST(WebhookResponse, DenialCodesAndReasons) {
  auto deny = [](std::optional<dynop::admission::ResponseStatus> status) {
    return denial_error(kName, status);
  };
  EXPECT_EQ(deny(std::nullopt).code, 403);
  EXPECT_EQ(deny(std::nullopt).message,
            "admission webhook \"validate.dynamographdeployments.nvidia.com\" denied the request "
            "without explanation");
  EXPECT_EQ(deny(dynop::admission::ResponseStatus{0, "no", ""}).code, 403);
  EXPECT_EQ(deny(dynop::admission::ResponseStatus{200, "no", ""}).code, 400);
  auto invalid = deny(dynop::admission::ResponseStatus{422, "bad replicas", "Invalid"});
  EXPECT_EQ(invalid.code, 422);
  EXPECT_EQ(invalid.reason, "Invalid");
  EXPECT_EQ(invalid.message,
            "admission webhook \"validate.dynamographdeployments.nvidia.com\" denied the "
            "request: bad replicas");
  auto reason_only = deny(dynop::admission::ResponseStatus{403, "", "Forbidden"});
  EXPECT_EQ(reason_only.message,
            "admission webhook \"validate.dynamographdeployments.nvidia.com\" denied the "
            "request: Forbidden");
}

TEST(WebhookResponse, AllowedWithWarningsAsTrace04) {
  std::vector<std::string> warnings;
  auto error = judge_call(
      webhook(),
      answer(
          200,
          R"({"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","response":{"uid":"u1","allowed":true,"warnings":["spec.services[decode].autoscaling is deprecated and ignored"]}})"),
      kUrl, "u1", warnings);
  EXPECT_FALSE(error);
  EXPECT_EQ(
      warnings,
      (std::vector<std::string>{"spec.services[decode].autoscaling is deprecated and ignored"}));
}

TEST(WebhookResponse, DeniedWithWarningsKeepsThem) {
  std::vector<std::string> warnings;
  auto error = judge_call(
      webhook(),
      answer(
          200,
          R"({"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","response":{"uid":"u1","allowed":false,"warnings":["w"]}})"),
      kUrl, "u1", warnings);
  ASSERT_TRUE(error);
  EXPECT_EQ(warnings, (std::vector<std::string>{"w"}));
}

TEST(WebhookResponse, CallFailuresUnderFail) {
  std::vector<std::string> warnings;
  auto refused =
      judge_call(webhook(), failed(std::string("POST ") + kUrl + ": connect: Connection refused"),
                 kUrl, "u1", warnings);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->code, 500);
  EXPECT_EQ(refused->reason, "InternalError");
  EXPECT_EQ(refused->message,
            "Internal error occurred: failed calling webhook "
            "\"validate.dynamographdeployments.nvidia.com\": failed to call webhook: Post "
            "\"https://127.0.0.1:9443/validate?timeout=5s\": connect: Connection refused");

  auto timed_out = judge_call(webhook(), failed(std::string("POST ") + kUrl + ": timed out"), kUrl,
                              "u1", warnings);
  ASSERT_TRUE(timed_out);
  EXPECT_TRUE(timed_out->message.ends_with(
      "failed to call webhook: Post \"https://127.0.0.1:9443/validate?timeout=5s\": context "
      "deadline exceeded"))
      << timed_out->message;

  auto not_found = judge_call(webhook(), answer(404, "404 page not found"), kUrl, "u1", warnings);
  ASSERT_TRUE(not_found);
  EXPECT_EQ(not_found->code, 500);

  auto wrong_uid = judge_call(
      webhook(),
      answer(
          200,
          R"({"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","response":{"uid":"other","allowed":true}})"),
      kUrl, "u1", warnings);
  ASSERT_TRUE(wrong_uid);
  EXPECT_EQ(wrong_uid->code, 500);
  EXPECT_NE(wrong_uid->message.find(
                "failed calling webhook \"validate.dynamographdeployments.nvidia.com\": received "
                "invalid webhook response: "),
            std::string::npos)
      << wrong_uid->message;

  auto garbage = judge_call(webhook(), answer(200, "not json"), kUrl, "u1", warnings);
  ASSERT_TRUE(garbage);
  EXPECT_EQ(garbage->code, 500);
  EXPECT_TRUE(warnings.empty());
}

TEST(WebhookResponse, CallFailuresUnderIgnoreAdmit) {
  std::vector<std::string> warnings;
  EXPECT_FALSE(judge_call(webhook(FailurePolicy::kIgnore), failed("POST x: connect: refused"), kUrl,
                          "u1", warnings));
  EXPECT_FALSE(judge_call(webhook(FailurePolicy::kIgnore), answer(500, ""), kUrl, "u1", warnings));
  EXPECT_FALSE(
      judge_call(webhook(FailurePolicy::kIgnore), answer(200, "{}"), kUrl, "u1", warnings));
  // Ignore only covers failures: a denial still denies.
  EXPECT_TRUE(judge_call(
      webhook(FailurePolicy::kIgnore),
      answer(
          200,
          R"({"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","response":{"uid":"u1","allowed":false}})"),
      kUrl, "u1", warnings));
}

TEST(WebhookResponse, DryRunUnsupported) {
  auto error = dry_run_unsupported(kName);
  EXPECT_EQ(error.code, 400);
  EXPECT_EQ(error.reason, "BadRequest");
  EXPECT_EQ(error.message,
            "admission webhook \"validate.dynamographdeployments.nvidia.com\" does not support dry "
            "run");
}

}  // namespace
}  // namespace dynop::localcluster::admission
