#include "plugins/webhook/webhook.hpp"

#include <gtest/gtest.h>

#include "tests/unit/plugins/webhook/fixtures.hpp"

namespace dynop::plugins::webhook {
namespace {

using namespace testing;
using admission::AdmissionResponse;
using admission::Operation;

constexpr const char* kGuideMessage =
    "spec.services[decode].replicas cannot be modified directly when scaling adapter is enabled; "
    "use 'kubectl scale dgdsa/sglang-agg-decode --replicas=3' or update the "
    "DynamoGraphDeploymentScalingAdapter instead";

constexpr const char* kOperator = "system:serviceaccount:dynop-system:dynop";
constexpr const char* kPlanner = "system:serviceaccount:default:planner-serviceaccount";

class WebhookTest : public ::testing::Test {
 protected:
  WebhookTest()
      : webhook_(
            WebhookConfig{},
            [this](std::string_view ns, std::string_view name) {
              if (ns == "default" && name == "sglang-agg") {
                return DgdLookupResult{DgdLookupResult::State::kFound, json::serialize(dgd_), ""};
              }
              return DgdLookupResult{};
            },
            [this](std::string_view line) { logged_.emplace_back(line); }) {}

  json::object dgd_ = sglang_agg();
  std::vector<std::string> logged_;
  Webhook webhook_;
};

void expect_denied(const AdmissionResponse& response, const std::string& message) {
  EXPECT_EQ(response.uid, "uid-1");
  EXPECT_FALSE(response.allowed);
  ASSERT_TRUE(response.status.has_value());
  EXPECT_EQ(response.status->code, 403);
  EXPECT_EQ(response.status->reason, "Forbidden");
  EXPECT_EQ(response.status->message, message);
}

void expect_allowed(const AdmissionResponse& response) {
  EXPECT_EQ(response.uid, "uid-1");
  EXPECT_TRUE(response.allowed) << (response.status ? response.status->message : "");
  EXPECT_FALSE(response.status.has_value());
}

json::object scaled(int replicas) {
  auto dgd = sglang_agg();
  service(dgd, "decode")["replicas"] = replicas;
  return dgd;
}

// A CREATE of `adapter` with spec.dgdRef replaced.
admission::AdmissionRequest request_for_adapter_with_ref(json::object adapter, json::value ref) {
  adapter["spec"].as_object()["dgdRef"] = std::move(ref);
  return request(Operation::kCreate, kDgdsaKind, nullptr, &adapter);
}

TEST_F(WebhookTest, TheGuidesBlockedPatchIsDenied) {
  expect_denied(webhook_.review(dgd_update(sglang_agg(), scaled(3))), kGuideMessage);
}

TEST_F(WebhookTest, TheOperatorAndPlannersMayWriteReplicas) {
  expect_allowed(webhook_.review(dgd_update(sglang_agg(), scaled(3), kOperator)));
  expect_allowed(webhook_.review(dgd_update(sglang_agg(), scaled(3), kPlanner)));
  expect_allowed(webhook_.review(dgd_update(
      sglang_agg(), scaled(3), "system:serviceaccount:other-ns:planner-serviceaccount")));
}

TEST_F(WebhookTest, LookAlikeIdentitiesAreDenied) {
  for (const char* user :
       {"system:serviceaccount:default:evil-planner-serviceaccount",
        "system:serviceaccount:default:planner-serviceaccount-x", "planner-serviceaccount",
        "system:serviceaccount:default:dynop", "system:serviceaccount:dynop-system:dynop-evil",
        "dynop", "system:serviceaccount:planner-serviceaccount", "system:masters"}) {
    expect_denied(webhook_.review(dgd_update(sglang_agg(), scaled(3), user)), kGuideMessage);
  }
}

TEST_F(WebhookTest, DisablingTheAdapterInTheSameUpdateIsDenied) {
  auto new_dgd = scaled(3);
  service(new_dgd, "decode")["scalingAdapter"] = json::object{{"disable", true}};
  expect_denied(webhook_.review(dgd_update(sglang_agg(), new_dgd)), kGuideMessage);
  service(new_dgd, "decode")["scalingAdapter"] = json::object{{"enabled", false}};
  expect_denied(webhook_.review(dgd_update(sglang_agg(), new_dgd)), kGuideMessage);
}

TEST_F(WebhookTest, ADisabledAdaptersServiceIsEditedDirectly) {
  auto old_dgd = sglang_agg();
  service(old_dgd, "decode")["scalingAdapter"] = json::object{{"disable", true}};
  auto new_dgd = old_dgd;
  service(new_dgd, "decode")["replicas"] = 3;
  expect_allowed(webhook_.review(dgd_update(old_dgd, new_dgd)));
}

TEST_F(WebhookTest, DryRunIsJudgedTheSame) {
  auto request = dgd_update(sglang_agg(), scaled(3));
  request.dry_run = true;
  expect_denied(webhook_.review(request), kGuideMessage);
  request.user_info.username = kOperator;
  expect_allowed(webhook_.review(request));
}

TEST_F(WebhookTest, CreateMaySetAnyReplicas) {
  expect_allowed(webhook_.review(dgd_create(scaled(7))));
}

TEST_F(WebhookTest, CreateChecksServicesAndReplicas) {
  auto dgd = sglang_agg();
  services(dgd).clear();
  expect_denied(webhook_.review(dgd_create(dgd)),
                "spec.services: Required value: at least one service is required");
  expect_denied(webhook_.review(dgd_create(scaled(-1))),
                "spec.services[decode].replicas: Invalid value: -1: must be greater than or equal "
                "to 0");
}

TEST_F(WebhookTest, UpdateChecksEveryRuleAndReportsAllViolations) {
  auto old_dgd = sglang_agg();
  old_dgd["spec"].as_object()["backendFramework"] = "sglang";
  auto new_dgd = scaled(3);
  new_dgd["spec"].as_object()["backendFramework"] = "vllm";
  service(new_dgd, "Frontend")["multinode"] = json::object{{"nodeCount", 2}};
  expect_denied(
      webhook_.review(dgd_update(old_dgd, new_dgd)),
      std::string("[spec.backendFramework is immutable once set: it cannot change from \"sglang\" "
                  "to \"vllm\", spec.services[Frontend].multinode cannot be added: a service may "
                  "not switch from single-node to multinode; add a new service instead, ") +
          kGuideMessage + "]");
}

TEST_F(WebhookTest, AuthorizedWritersStillObeyTheOtherRules) {
  auto old_dgd = sglang_agg();
  old_dgd["spec"].as_object()["backendFramework"] = "sglang";
  auto new_dgd = scaled(3);
  new_dgd["spec"].as_object()["backendFramework"] = "trtllm";
  auto response = webhook_.review(dgd_update(old_dgd, new_dgd, kOperator));
  expect_denied(response,
                "spec.backendFramework is immutable once set: it cannot change from \"sglang\" to "
                "\"trtllm\"");
}

TEST_F(WebhookTest, AutoscalingIsAWarningNotADenial) {
  auto dgd = sglang_agg();
  service(dgd, "decode")["autoscaling"] = json::object{{"enabled", true}};
  const std::vector<std::string> warning = {
      "spec.services[decode].autoscaling is deprecated and ignored. Use "
      "DynamoGraphDeploymentScalingAdapter with HPA, KEDA, or Planner for autoscaling instead"};
  auto created = webhook_.review(dgd_create(dgd));
  expect_allowed(created);
  EXPECT_EQ(created.warnings, warning);
  auto updated = webhook_.review(dgd_update(dgd, dgd));
  expect_allowed(updated);
  EXPECT_EQ(updated.warnings, warning);
  // A denied request still carries its warnings, and kubectl prints both.
  auto new_dgd = dgd;
  service(new_dgd, "decode")["replicas"] = 3;
  auto denied = webhook_.review(dgd_update(dgd, new_dgd));
  expect_denied(denied, kGuideMessage);
  EXPECT_EQ(denied.warnings, warning);
}

TEST_F(WebhookTest, DeleteConnectAndSubresourcesAreAdmitted) {
  auto request = dgd_update(sglang_agg(), scaled(3));
  request.operation = Operation::kDelete;
  expect_allowed(webhook_.review(request));
  request.operation = Operation::kConnect;
  expect_allowed(webhook_.review(request));
  request.operation = Operation::kUpdate;
  request.sub_resource = "status";
  expect_allowed(webhook_.review(request));
}

TEST_F(WebhookTest, AdapterCreateChecksTheReferencedService) {
  auto a = adapter("sglang-agg", "decode");
  auto create = request(Operation::kCreate, kDgdsaKind, nullptr, &a);
  expect_allowed(webhook_.review(create));
  service(dgd_, "decode")["scalingAdapter"] = json::object{{"disable", true}};
  EXPECT_FALSE(webhook_.review(create).allowed);
  auto missing = adapter("nope", "decode");
  expect_denied(webhook_.review(request(Operation::kCreate, kDgdsaKind, nullptr, &missing)),
                "spec.dgdRef.name: DynamoGraphDeployment \"nope\" not found in namespace "
                "\"default\"");
}

TEST_F(WebhookTest, AdapterUpdateKeepsItsReference) {
  auto a = adapter("sglang-agg", "decode");
  auto b = a;
  b["spec"].as_object()["replicas"] = 5;  // scaling is what adapters are for
  expect_allowed(webhook_.review(request(Operation::kUpdate, kDgdsaKind, &a, &b)));
  b["spec"].as_object()["dgdRef"].as_object()["serviceName"] = "Frontend";
  expect_denied(webhook_.review(request(Operation::kUpdate, kDgdsaKind, &a, &b)),
                "spec.dgdRef.serviceName is immutable: it cannot change from \"decode\" to "
                "\"Frontend\"; create a new adapter instead");
}

void expect_malformed(const AdmissionResponse& response, const std::string& message) {
  EXPECT_FALSE(response.allowed);
  ASSERT_TRUE(response.status.has_value());
  EXPECT_EQ(response.status->code, 400);
  EXPECT_EQ(response.status->reason, "BadRequest");
  EXPECT_EQ(response.status->message, message);
}

TEST_F(WebhookTest, WrongTypesAreDeniedNamingTheField) {
  // What the CRD schema refuses before a real API server calls the webhook;
  // the DGD view says it in the schema's words.
  auto request = dgd_update(sglang_agg(), scaled(3), kOperator);
  request.object = R"({"spec":{"services":{"decode":{"replicas":"3"}}}})";
  expect_denied(webhook_.review(request),
                "spec.services[decode].replicas: Invalid value: \"3\": must be an integer");
  auto create = request_for_adapter_with_ref(adapter("sglang-agg", "decode"),
                                             json::value("sglang-agg/decode"));
  expect_denied(webhook_.review(create),
                "spec.dgdRef: Invalid value: \"sglang-agg/decode\": must be an object");
  EXPECT_TRUE(logged_.empty());
}

TEST_F(WebhookTest, UnreadableObjectsFailClosedAndAreLogged) {
  auto request = dgd_update(sglang_agg(), scaled(3), kOperator);
  request.object = "[1]";
  expect_malformed(webhook_.review(request), "request.object: expected an object, got array");
  ASSERT_EQ(logged_.size(), 1u);
  EXPECT_EQ(logged_[0],
            "webhook validate.dynamographdeployments.nvidia.com: denied UPDATE "
            "DynamoGraphDeployment default/sglang-agg (uid uid-1): request.object: expected an "
            "object, got array");

  request = dgd_update(sglang_agg(), scaled(3), kOperator);
  request.old_object.clear();
  expect_malformed(webhook_.review(request), "request.oldObject is required for UPDATE");
  request.old_object = "[]";
  expect_malformed(webhook_.review(request), "request.oldObject: expected an object, got array");
  request.old_object = "{\"spec\":";
  expect_malformed(webhook_.review(request),
                   "request.oldObject: invalid JSON at byte 8: incomplete JSON");
  request = dgd_create(sglang_agg());
  request.object.clear();
  expect_malformed(webhook_.review(request), "request.object is required");
}

TEST_F(WebhookTest, OtherKindsAreRefused) {
  auto request = dgd_create(sglang_agg());
  request.kind = {"", "v1", "Pod"};
  expect_malformed(webhook_.review(request),
                   "this webhook validates DynamoGraphDeployment and "
                   "DynamoGraphDeploymentScalingAdapter objects of group nvidia.com, not \"Pod\" "
                   "of group \"\"; check the ValidatingWebhookConfiguration's rules");
}

TEST_F(WebhookTest, AdapterCreateWithoutALookupFailsClosed) {
  Webhook blind(WebhookConfig{}, {});
  auto a = adapter("sglang-agg", "decode");
  expect_malformed(blind.review(request(Operation::kCreate, kDgdsaKind, nullptr, &a)),
                   "cannot check spec.dgdRef: this webhook has no access to "
                   "DynamoGraphDeployments");
}

TEST_F(WebhookTest, HandleAnswersABodyWithTheEncodedReview) {
  auto encoded = admission::encode_request(dgd_update(sglang_agg(), scaled(3)));
  ASSERT_TRUE(encoded.ok()) << encoded.error;
  auto answer = admission::decode_response(webhook_.handle(encoded.body), "uid-1");
  ASSERT_TRUE(answer.ok()) << answer.error;
  expect_denied(*answer.response, kGuideMessage);
}

TEST_F(WebhookTest, HandleDeniesAnUnreadableBodyEchoingItsUid) {
  auto answer = admission::decode_response(
      webhook_.handle(R"({"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview",)"
                      R"("request":{"uid":"abc","operation":"PATCH"}})"),
      "abc");
  ASSERT_TRUE(answer.ok()) << answer.error;
  expect_malformed(*answer.response,
                   "AdmissionReview request.operation: unsupported value \"PATCH\"; expected "
                   "CREATE, UPDATE, DELETE or CONNECT");
  ASSERT_EQ(logged_.size(), 1u);
  EXPECT_EQ(logged_[0],
            "webhook validate.dynamographdeployments.nvidia.com: denied an unreadable "
            "AdmissionReview (uid abc): AdmissionReview request.operation: unsupported value "
            "\"PATCH\"; expected CREATE, UPDATE, DELETE or CONNECT");

  auto garbage = admission::decode_response(webhook_.handle("not json"), "");
  ASSERT_TRUE(garbage.ok()) << garbage.error;
  EXPECT_FALSE(garbage.response->allowed);
  EXPECT_EQ(garbage.response->status->code, 400);
}

}  // namespace
}  // namespace dynop::plugins::webhook
