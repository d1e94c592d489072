#include "host/admission/admission_dispatcher.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <stdexcept>

#include "dynop/abi.h"
#include "lib/admission/admission_request.hpp"
#include "lib/admission/admission_response.hpp"
#include "tests/unit/host/admission/fake_admission_plugin.hpp"

namespace dynop::host::admission {
namespace {

namespace adm = dynop::admission;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr const char* kDgdPath = "/validate-nvidia-com-v1alpha1-dynamographdeployment";
constexpr const char* kDgdsaPath =
    "/validate-nvidia-com-v1alpha1-dynamographdeploymentscalingadapter";
const std::uint32_t kCreateUpdate = DYNOP_OP_CREATE | DYNOP_OP_UPDATE;

const AdmissionRule kDgdRule{"nvidia.com", "v1alpha1", "dynamographdeployments", kCreateUpdate};
const AdmissionRule kDgdsaRule{"nvidia.com", "v1alpha1", "dynamographdeploymentscalingadapters",
                               kCreateUpdate};

std::string review_body(adm::Operation operation, std::string resource = "dynamographdeployments",
                        std::string uid = "3324dfaa-2839-4d14-92ac-61277ae13dca") {
  adm::AdmissionRequest r;
  r.uid = std::move(uid);
  r.kind = {"nvidia.com", "v1alpha1", "DynamoGraphDeployment"};
  r.resource = {"nvidia.com", "v1alpha1", std::move(resource)};
  r.name = "sglang-agg";
  r.namespace_ = "default";
  r.operation = operation;
  r.user_info.username = "admin";
  r.user_info.groups = {"system:masters", "system:authenticated"};
  r.object = R"({"apiVersion":"nvidia.com/v1alpha1","kind":"DynamoGraphDeployment",)"
             R"("metadata":{"name":"sglang-agg","namespace":"default"},)"
             R"("spec":{"services":{"decode":{"replicas":3}}}})";
  if (operation == adm::Operation::kUpdate) r.old_object = r.object;
  auto encoded = adm::encode_request(r);
  EXPECT_TRUE(encoded.ok()) << encoded.error;
  return encoded.body;
}

net::Request post(std::string path, std::string body,
                  std::string content_type = "application/json") {
  net::Headers headers;
  if (!content_type.empty()) headers.emplace_back("Content-Type", content_type);
  return net::Request::make("POST", path + "?timeout=10s", headers, std::move(body));
}

adm::AdmissionResponse decode(const net::Response& response, std::string_view uid) {
  auto decoded = adm::decode_response(response.body, uid);
  EXPECT_TRUE(decoded.ok()) << decoded.error << "\n" << response.body;
  return decoded.response.value_or(adm::AdmissionResponse{});
}

class DispatcherTest : public ::testing::Test {
 protected:
  double requests(const std::string& path, const std::string& operation,
                  const std::string& result) {
    return registry_.counter("dynop_admission_requests_total", "")
        .with({{"path", path}, {"operation", operation}, {"result", result}})
        .Value();
  }
  double denials(const std::string& path, const std::string& operation, const std::string& plugin) {
    return registry_.counter("dynop_admission_denials_total", "")
        .with({{"path", path}, {"operation", operation}, {"plugin", plugin}})
        .Value();
  }
  std::uint64_t observed(const std::string& path) {
    return registry_.histogram("dynop_admission_review_duration_seconds", "", {1})
        .with({{"path", path}})
        .Collect()
        .histogram.sample_count;
  }

  metrics::Registry registry_;
};

TEST_F(DispatcherTest, ServesOnePathPerResourcePlusTheGenericOne) {
  auto dgd = std::make_shared<FakeAdmissionPlugin>("webhook", std::vector{kDgdRule, kDgdsaRule},
                                                   [](std::string_view) { return allowed(); });
  AdmissionDispatcher dispatcher({dgd}, registry_);
  EXPECT_THAT(dispatcher.paths(), ElementsAre("/validate", kDgdPath, kDgdsaPath));
}

TEST_F(DispatcherTest, AllowedWithWarningsEchoesTheUid) {
  auto plugin =
      std::make_shared<FakeAdmissionPlugin>("webhook", std::vector{kDgdRule}, [](std::string_view) {
        return allowed({"spec.services[decode].autoscaling is deprecated and ignored"});
      });
  AdmissionDispatcher dispatcher({plugin}, registry_);
  auto response = dispatcher.handle(post(kDgdPath, review_body(adm::Operation::kCreate)));
  EXPECT_EQ(response.status, 200);
  auto answer = decode(response, "3324dfaa-2839-4d14-92ac-61277ae13dca");
  EXPECT_TRUE(answer.allowed);
  EXPECT_EQ(answer.status, std::nullopt);
  EXPECT_THAT(answer.warnings,
              ElementsAre("spec.services[decode].autoscaling is deprecated and ignored"));
  EXPECT_EQ(requests(kDgdPath, "CREATE", "allowed"), 1);
  EXPECT_EQ(observed(kDgdPath), 1u);
}

TEST_F(DispatcherTest, ThePluginReceivesTheReviewsRequestObject) {
  auto plugin = std::make_shared<FakeAdmissionPlugin>("webhook", std::vector{kDgdRule},
                                                      [](std::string_view) { return allowed(); });
  AdmissionDispatcher dispatcher({plugin}, registry_);
  dispatcher.handle(post(kDgdPath, review_body(adm::Operation::kUpdate)));
  ASSERT_EQ(plugin->seen().size(), 1u);
  auto request = adm::decode_request_object(plugin->seen()[0]);
  ASSERT_TRUE(request.ok()) << request.error;
  EXPECT_EQ(request.request->uid, "3324dfaa-2839-4d14-92ac-61277ae13dca");
  EXPECT_EQ(request.request->operation, adm::Operation::kUpdate);
  EXPECT_EQ(request.request->name, "sglang-agg");
  EXPECT_THAT(request.request->object, HasSubstr(R"("replicas":3)"));
  EXPECT_THAT(request.request->old_object, HasSubstr(R"("replicas":3)"));
}

TEST_F(DispatcherTest, DeniedCarriesThePluginsMessageAsForbidden) {
  const std::string message =
      "spec.services[decode].replicas cannot be modified directly when scaling adapter is "
      "enabled; use 'kubectl scale dgdsa/sglang-agg-decode --replicas=3' or update the "
      "DynamoGraphDeploymentScalingAdapter instead";
  auto plugin = std::make_shared<FakeAdmissionPlugin>(
      "webhook", std::vector{kDgdRule}, [&](std::string_view) { return denied(message); });
  AdmissionDispatcher dispatcher({plugin}, registry_);
  auto response = dispatcher.handle(post(kDgdPath, review_body(adm::Operation::kUpdate)));
  EXPECT_EQ(response.status, 200);
  auto answer = decode(response, "3324dfaa-2839-4d14-92ac-61277ae13dca");
  EXPECT_FALSE(answer.allowed);
  ASSERT_TRUE(answer.status);
  EXPECT_EQ(answer.status->code, 403);
  EXPECT_EQ(answer.status->reason, "Forbidden");
  EXPECT_EQ(answer.status->message, message);
  EXPECT_EQ(requests(kDgdPath, "UPDATE", "denied"), 1);
  EXPECT_EQ(denials(kDgdPath, "UPDATE", "webhook"), 1);
}

TEST_F(DispatcherTest, DenialKeepsThePluginsCode) {
  auto plugin = std::make_shared<FakeAdmissionPlugin>(
      "webhook", std::vector{kDgdRule},
      [](std::string_view) { return denied("spec.services: at least one service", 422); });
  AdmissionDispatcher dispatcher({plugin}, registry_);
  auto answer = decode(dispatcher.handle(post(kDgdPath, review_body(adm::Operation::kCreate))),
                       "3324dfaa-2839-4d14-92ac-61277ae13dca");
  ASSERT_TRUE(answer.status);
  EXPECT_EQ(answer.status->code, 422);
  EXPECT_EQ(answer.status->reason, "Invalid");
}

TEST_F(DispatcherTest, FirstDenialWinsAndWarningsOfEveryPluginAskedAreKept) {
  auto first = std::make_shared<FakeAdmissionPlugin>(
      "first", std::vector{kDgdRule}, [](std::string_view) { return allowed({"from first"}); });
  auto second = std::make_shared<FakeAdmissionPlugin>(
      "second", std::vector{kDgdRule},
      [](std::string_view) { return denied("no", 0, {"from second"}); });
  auto third = std::make_shared<FakeAdmissionPlugin>(
      "third", std::vector{kDgdRule}, [](std::string_view) { return denied("never asked"); });
  AdmissionDispatcher dispatcher({first, second, third}, registry_);
  auto answer = decode(dispatcher.handle(post(kDgdPath, review_body(adm::Operation::kCreate))),
                       "3324dfaa-2839-4d14-92ac-61277ae13dca");
  EXPECT_FALSE(answer.allowed);
  EXPECT_EQ(answer.status->message, "no");
  EXPECT_THAT(answer.warnings, ElementsAre("from first", "from second"));
  EXPECT_TRUE(third->seen().empty());
  EXPECT_EQ(denials(kDgdPath, "CREATE", "second"), 1);
}

TEST_F(DispatcherTest, PathSelectsThePlugins) {
  auto dgd = std::make_shared<FakeAdmissionPlugin>("dgd-rules", std::vector{kDgdRule},
                                                   [](std::string_view) { return allowed(); });
  auto dgdsa = std::make_shared<FakeAdmissionPlugin>("dgdsa-rules", std::vector{kDgdsaRule},
                                                     [](std::string_view) { return allowed(); });
  AdmissionDispatcher dispatcher({dgd, dgdsa}, registry_);
  dispatcher.handle(post(
      kDgdsaPath, review_body(adm::Operation::kCreate, "dynamographdeploymentscalingadapters")));
  EXPECT_TRUE(dgd->seen().empty());
  EXPECT_EQ(dgdsa->seen().size(), 1u);
  // The generic path picks by resource.
  dispatcher.handle(post("/validate", review_body(adm::Operation::kCreate)));
  EXPECT_EQ(dgd->seen().size(), 1u);
  EXPECT_EQ(dgdsa->seen().size(), 1u);
}

TEST_F(DispatcherTest, AReviewNoPluginHandlesIsDeniedFailClosed) {
  auto plugin = std::make_shared<FakeAdmissionPlugin>("webhook", std::vector{kDgdRule},
                                                      [](std::string_view) { return allowed(); });
  AdmissionDispatcher dispatcher({plugin}, registry_);
  // The configuration sends DELETEs, which the plugin does not declare.
  auto response = dispatcher.handle(post(kDgdPath, review_body(adm::Operation::kDelete)));
  EXPECT_EQ(response.status, 200);
  auto answer = decode(response, "3324dfaa-2839-4d14-92ac-61277ae13dca");
  EXPECT_FALSE(answer.allowed);
  EXPECT_EQ(answer.status->code, 403);
  EXPECT_THAT(answer.status->message,
              HasSubstr("no admission plugin of this dynop handles DELETE nvidia.com/v1alpha1 "
                        "dynamographdeployments default/sglang-agg at " +
                        std::string(kDgdPath)));
  EXPECT_TRUE(plugin->seen().empty());
  EXPECT_EQ(denials(kDgdPath, "DELETE", "none"), 1);
  // A resource of another path, sent to this one.
  answer = decode(
      dispatcher.handle(post(
          kDgdPath, review_body(adm::Operation::kCreate, "dynamographdeploymentscalingadapters"))),
      "3324dfaa-2839-4d14-92ac-61277ae13dca");
  EXPECT_FALSE(answer.allowed);
  EXPECT_TRUE(plugin->seen().empty());
}

TEST_F(DispatcherTest, APathServesOnlyTheRulesItStandsFor) {
  // One plugin declares both kinds; the DGDSA path still only judges DGDSAs.
  auto plugin = std::make_shared<FakeAdmissionPlugin>("webhook", std::vector{kDgdRule, kDgdsaRule},
                                                      [](std::string_view) { return allowed(); });
  AdmissionDispatcher dispatcher({plugin}, registry_);
  auto answer = decode(dispatcher.handle(post(kDgdsaPath, review_body(adm::Operation::kCreate))),
                       "3324dfaa-2839-4d14-92ac-61277ae13dca");
  EXPECT_FALSE(answer.allowed);
  EXPECT_TRUE(plugin->seen().empty());
  answer = decode(
      dispatcher.handle(post(kDgdsaPath, review_body(adm::Operation::kCreate,
                                                     "dynamographdeploymentscalingadapters"))),
      "3324dfaa-2839-4d14-92ac-61277ae13dca");
  EXPECT_TRUE(answer.allowed);
  EXPECT_EQ(plugin->seen().size(), 1u);
}

TEST_F(DispatcherTest, APluginFailureIsA500SoTheFailurePolicyApplies) {
  auto plugin = std::make_shared<FakeAdmissionPlugin>(
      "webhook", std::vector{kDgdRule},
      [](std::string_view) { return failed("cache not synced"); });
  AdmissionDispatcher dispatcher({plugin}, registry_);
  auto response = dispatcher.handle(post(kDgdPath, review_body(adm::Operation::kCreate)));
  EXPECT_EQ(response.status, 500);
  auto answer = decode(response, "3324dfaa-2839-4d14-92ac-61277ae13dca");
  EXPECT_FALSE(answer.allowed);
  EXPECT_EQ(answer.status->code, 500);
  EXPECT_EQ(answer.status->message,
            "admission plugin \"webhook\" failed to review CREATE nvidia.com/v1alpha1 "
            "dynamographdeployments default/sglang-agg: cache not synced");
  EXPECT_EQ(requests(kDgdPath, "CREATE", "error"), 1);
}

TEST_F(DispatcherTest, AnExceptionFromAPluginIsAFailureToo) {
  auto plugin = std::make_shared<FakeAdmissionPlugin>(
      "webhook", std::vector{kDgdRule},
      [](std::string_view) -> PluginVerdict { throw std::runtime_error("boom"); });
  AdmissionDispatcher dispatcher({plugin}, registry_);
  auto response = dispatcher.handle(post(kDgdPath, review_body(adm::Operation::kCreate)));
  EXPECT_EQ(response.status, 500);
  EXPECT_THAT(response.body, HasSubstr("threw: boom"));
}

struct MalformedCase {
  const char* name;
  std::string body;
  std::string content_type;
  const char* message_part;
  const char* uid;
};

class MalformedTest : public DispatcherTest, public ::testing::WithParamInterface<MalformedCase> {};

TEST_P(MalformedTest, IsA400WithAClearMessage) {
  auto plugin = std::make_shared<FakeAdmissionPlugin>("webhook", std::vector{kDgdRule},
                                                      [](std::string_view) { return allowed(); });
  AdmissionDispatcher dispatcher({plugin}, registry_);
  const auto& c = GetParam();
  auto response = dispatcher.handle(post(kDgdPath, c.body, c.content_type));
  EXPECT_EQ(response.status, 400);
  auto answer = decode(response, c.uid);
  EXPECT_FALSE(answer.allowed);
  ASSERT_TRUE(answer.status);
  EXPECT_EQ(answer.status->code, 400);
  EXPECT_EQ(answer.status->reason, "BadRequest");
  EXPECT_THAT(answer.status->message, HasSubstr(c.message_part));
  EXPECT_TRUE(plugin->seen().empty());
  EXPECT_EQ(requests(kDgdPath, "unknown", "malformed"), 1);
}

INSTANTIATE_TEST_SUITE_P(
    Bodies, MalformedTest,
    ::testing::Values(
        MalformedCase{"Empty", "", "application/json", "empty body", ""},
        MalformedCase{"NotJson", "{\"kind\": ", "application/json", "request body", ""},
        MalformedCase{"WrongContentType", "{}", "text/plain",
                      "unsupported Content-Type \"text/plain\": expected application/json", ""},
        MalformedCase{"NotAnAdmissionReview", R"({"kind":"Pod","apiVersion":"v1"})",
                      "application/json", "AdmissionReview", ""},
        MalformedCase{"OldApiVersion",
                      R"({"kind":"AdmissionReview","apiVersion":"admission.k8s.io/v1beta1",)"
                      R"("request":{"uid":"u1"}})",
                      "application/json", "admission.k8s.io/v1", ""},
        MalformedCase{"NoRequest",
                      R"({"kind":"AdmissionReview","apiVersion":"admission.k8s.io/v1"})",
                      "application/json", "request", ""},
        MalformedCase{"BadOperation",
                      R"({"kind":"AdmissionReview","apiVersion":"admission.k8s.io/v1",)"
                      R"("request":{"uid":"u-7","kind":{"group":"nvidia.com","version":"v1alpha1",)"
                      R"("kind":"DynamoGraphDeployment"},"resource":{"group":"nvidia.com",)"
                      R"("version":"v1alpha1","resource":"dynamographdeployments"},)"
                      R"("operation":"MERGE","userInfo":{}}})",
                      "application/json", "operation", "u-7"}),
    [](const auto& param_info) { return std::string(param_info.param.name); });

TEST_F(DispatcherTest, AContentTypeWithParametersIsJson) {
  auto plugin = std::make_shared<FakeAdmissionPlugin>("webhook", std::vector{kDgdRule},
                                                      [](std::string_view) { return allowed(); });
  AdmissionDispatcher dispatcher({plugin}, registry_);
  auto response = dispatcher.handle(
      post(kDgdPath, review_body(adm::Operation::kCreate), "application/json; charset=utf-8"));
  EXPECT_EQ(response.status, 200);
  response = dispatcher.handle(post(kDgdPath, review_body(adm::Operation::kCreate), ""));
  EXPECT_EQ(response.status, 200);
}

TEST_F(DispatcherTest, UnknownPathIs404AndListsTheServedPaths) {
  auto plugin = std::make_shared<FakeAdmissionPlugin>("webhook", std::vector{kDgdRule},
                                                      [](std::string_view) { return allowed(); });
  AdmissionDispatcher dispatcher({plugin}, registry_);
  auto response = dispatcher.handle(post("/validate-apps-v1-deployment", "{}"));
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(response.body,
            "no admission webhook at /validate-apps-v1-deployment; served paths: /validate, " +
                std::string(kDgdPath) + "\n");
  EXPECT_EQ(requests("unknown", "unknown", "not_found"), 1);
}

TEST_F(DispatcherTest, OnlyPostIsAllowed) {
  auto plugin = std::make_shared<FakeAdmissionPlugin>("webhook", std::vector{kDgdRule},
                                                      [](std::string_view) { return allowed(); });
  AdmissionDispatcher dispatcher({plugin}, registry_);
  auto response = dispatcher.handle(net::Request::make("GET", kDgdPath));
  EXPECT_EQ(response.status, 405);
}

TEST_F(DispatcherTest, MetricsAreExposedInTheRegistry) {
  auto plugin = std::make_shared<FakeAdmissionPlugin>("webhook", std::vector{kDgdRule},
                                                      [](std::string_view) { return allowed(); });
  AdmissionDispatcher dispatcher({plugin}, registry_);
  for (int i = 0; i < 3; ++i)
    dispatcher.handle(post(kDgdPath, review_body(adm::Operation::kCreate)));
  const std::string text = registry_.serialize();
  EXPECT_THAT(text, HasSubstr("dynop_admission_requests_total{operation=\"CREATE\",path=\"" +
                              std::string(kDgdPath) + "\",result=\"allowed\"} 3"));
  EXPECT_THAT(text, HasSubstr("dynop_admission_review_duration_seconds_count{path=\"" +
                              std::string(kDgdPath) + "\"} 3"));
  // A family appears with its first series (as client_golang's vectors do).
  EXPECT_THAT(text, Not(HasSubstr("dynop_admission_denials_total")));

  auto denier = std::make_shared<FakeAdmissionPlugin>(
      "webhook", std::vector{kDgdRule}, [](std::string_view) { return denied("no"); });
  AdmissionDispatcher denying({denier}, registry_);
  denying.handle(post(kDgdPath, review_body(adm::Operation::kCreate)));
  EXPECT_THAT(registry_.serialize(),
              HasSubstr("# TYPE dynop_admission_denials_total counter\n"
                        "dynop_admission_denials_total{operation=\"CREATE\",path=\"" +
                        std::string(kDgdPath) + "\",plugin=\"webhook\"} 1"));
}

}  // namespace
}  // namespace dynop::host::admission
