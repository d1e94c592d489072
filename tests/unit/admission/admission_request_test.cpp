#include "tests/support/reference_dir.hpp"
#include "lib/admission/admission_request.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace dynop::admission {
namespace {

namespace json = boost::json;

// An AdmissionReview shaped like the UPDATE kube-apiserver sent in trace
// 07-webhook-02 (kubectl patch of a DGD's decode replicas).
json::object update_review() {
  json::object dgd_old = {
      {"apiVersion", "nvidia.com/v1alpha1"},
      {"kind", "DynamoGraphDeployment"},
      {"metadata", {{"name", "sglang-agg"}, {"namespace", "default"}, {"generation", 1}}},
      {"spec", {{"services", {{"decode", {{"componentType", "worker"}, {"replicas", 1}}}}}}}};
  json::object dgd_new = dgd_old;
  dgd_new["spec"].as_object()["services"].as_object()["decode"].as_object()["replicas"] = 3;
  return {{"kind", "AdmissionReview"},
          {"apiVersion", "admission.k8s.io/v1"},
          {"request",
           {{"uid", "3324dfaa-2839-4d14-92ac-61277ae13dca"},
            {"kind",
             {{"group", "nvidia.com"}, {"version", "v1alpha1"}, {"kind", "DynamoGraphDeployment"}}},
            {"resource",
             {{"group", "nvidia.com"},
              {"version", "v1alpha1"},
              {"resource", "dynamographdeployments"}}},
            {"requestKind",
             {{"group", "nvidia.com"}, {"version", "v1alpha1"}, {"kind", "DynamoGraphDeployment"}}},
            {"requestResource",
             {{"group", "nvidia.com"},
              {"version", "v1alpha1"},
              {"resource", "dynamographdeployments"}}},
            {"name", "sglang-agg"},
            {"namespace", "default"},
            {"operation", "UPDATE"},
            {"userInfo",
             {{"username", "admin"},
              {"uid", "admin-uid"},
              {"groups", {"system:masters", "system:authenticated"}},
              {"extra", {{"scopes", {"a", "b"}}}}}},
            {"object", dgd_new},
            {"oldObject", dgd_old},
            {"dryRun", false},
            {"options",
             {{"kind", "UpdateOptions"},
              {"apiVersion", "meta.k8s.io/v1"},
              {"fieldManager", "kubectl-patch"}}}}}};
}

std::string body_of(const json::object& review) { return json::serialize(review); }

json::object& req(json::object& review) { return review["request"].as_object(); }

TEST(AdmissionDecodeRequest, ReadsEveryFieldOfAnUpdate) {
  auto result = decode_request(body_of(update_review()));
  ASSERT_TRUE(result.ok()) << result.error;
  const AdmissionRequest& r = *result.request;
  EXPECT_EQ(r.uid, "3324dfaa-2839-4d14-92ac-61277ae13dca");
  EXPECT_EQ(result.uid, r.uid);
  EXPECT_EQ(r.kind, (GroupVersionKind{"nvidia.com", "v1alpha1", "DynamoGraphDeployment"}));
  EXPECT_EQ(r.resource, (GroupVersionResource{"nvidia.com", "v1alpha1", "dynamographdeployments"}));
  ASSERT_TRUE(r.request_kind.has_value());
  EXPECT_EQ(r.request_kind->kind, "DynamoGraphDeployment");
  ASSERT_TRUE(r.request_resource.has_value());
  EXPECT_EQ(r.request_resource->resource, "dynamographdeployments");
  EXPECT_EQ(r.sub_resource, "");
  EXPECT_EQ(r.name, "sglang-agg");
  EXPECT_EQ(r.namespace_, "default");
  EXPECT_EQ(r.operation, Operation::kUpdate);
  EXPECT_EQ(r.user_info.username, "admin");
  EXPECT_EQ(r.user_info.uid, "admin-uid");
  EXPECT_EQ(r.user_info.groups,
            (std::vector<std::string>{"system:masters", "system:authenticated"}));
  EXPECT_EQ(r.user_info.extra.at("scopes"), (std::vector<std::string>{"a", "b"}));
  EXPECT_FALSE(r.dry_run);
  auto review = update_review();
  EXPECT_EQ(json::parse(r.object), req(review)["object"]);
  EXPECT_EQ(json::parse(r.old_object), req(review)["oldObject"]);
  EXPECT_EQ(json::parse(r.options), req(review)["options"]);
}

TEST(AdmissionDecodeRequest, CreateHasNoOldObject) {
  auto review = update_review();
  req(review)["operation"] = "CREATE";
  req(review)["oldObject"] = nullptr;
  auto result = decode_request(body_of(review));
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.request->operation, Operation::kCreate);
  EXPECT_TRUE(result.request->old_object.empty());
  EXPECT_FALSE(result.request->object.empty());
}

TEST(AdmissionDecodeRequest, ReadsDryRunAndSubresources) {
  auto review = update_review();
  req(review)["dryRun"] = true;
  req(review)["subResource"] = "status";
  req(review)["requestSubResource"] = "status";
  auto result = decode_request(body_of(review));
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_TRUE(result.request->dry_run);
  EXPECT_EQ(result.request->sub_resource, "status");
  EXPECT_EQ(result.request->request_sub_resource, "status");
}

TEST(AdmissionDecodeRequest, OptionalFieldsMayBeAbsentOrNull) {
  auto review = update_review();
  auto& r = req(review);
  r.erase("requestKind");
  r.erase("requestResource");
  r.erase("userInfo");
  r.erase("dryRun");
  r["options"] = nullptr;
  r["name"] = nullptr;
  auto result = decode_request(body_of(review));
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_FALSE(result.request->request_kind.has_value());
  EXPECT_FALSE(result.request->request_resource.has_value());
  EXPECT_EQ(result.request->user_info, UserInfo{});
  EXPECT_FALSE(result.request->dry_run);
  EXPECT_TRUE(result.request->options.empty());
  EXPECT_EQ(result.request->name, "");
}

TEST(AdmissionDecodeRequest, IgnoresUnknownFieldsAndFieldOrder) {
  auto review = update_review();
  req(review)["futureField"] = json::object{{"x", json::array{1, 2}}};
  review["zzz"] = 1;
  // request before apiVersion and kind.
  json::object reordered;
  reordered["request"] = review["request"];
  reordered["kind"] = review["kind"];
  reordered["apiVersion"] = review["apiVersion"];
  auto result = decode_request(body_of(reordered));
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.request->uid, "3324dfaa-2839-4d14-92ac-61277ae13dca");
}

TEST(AdmissionDecodeRequest, ReadsEscapedStrings) {
  auto review = update_review();
  req(review)["userInfo"].as_object()["username"] = "a\"b\\c\u00e9";
  auto result = decode_request(body_of(review));
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.request->user_info.username, "a\"b\\c\u00e9");
}

struct BadBody {
  std::string name;
  std::string body;
  std::string error;  // exact, or a prefix when it ends with "..."
};

void PrintTo(const BadBody& bad, std::ostream* os) { *os << bad.name; }

class AdmissionDecodeRequestError : public ::testing::TestWithParam<BadBody> {};

TEST_P(AdmissionDecodeRequestError, NamesWhatWasWrongAndWhere) {
  const BadBody& bad = GetParam();
  auto result = decode_request(bad.body);
  ASSERT_FALSE(result.ok());
  if (bad.error.ends_with("...")) {
    EXPECT_TRUE(result.error.starts_with(bad.error.substr(0, bad.error.size() - 3)))
        << result.error;
  } else {
    EXPECT_EQ(result.error, bad.error);
  }
}

std::string with(void (*edit)(json::object&)) {
  auto review = update_review();
  edit(review);
  return body_of(review);
}

INSTANTIATE_TEST_SUITE_P(
    MalformedBodies, AdmissionDecodeRequestError,
    ::testing::Values(
        BadBody{"Empty", "", "request body: invalid JSON..."},
        BadBody{"NotJson", "hello", "request body: invalid JSON..."},
        BadBody{"Truncated", body_of(update_review()).substr(0, 200),
                "request body: invalid JSON..."},
        BadBody{"Array", "[1,2]",
                "request body must be a JSON object (an AdmissionReview), got array"},
        BadBody{"String", "\"x\"",
                "request body must be a JSON object (an AdmissionReview), got string"},
        BadBody{"TrailingDocument", body_of(update_review()) + "{}",
                "request body: invalid JSON..."},
        BadBody{"BrokenInsideObject",
                [] {
                  std::string body = body_of(update_review());
                  body.replace(body.find("\"nvidia.com/v1alpha1\""), 21,
                               "\"nvidia.con\": \"v1alpha1\"");
                  return body;
                }(),
                "request body: invalid JSON..."},
        BadBody{"BrokenUnknownField",
                [] {
                  std::string body = body_of(update_review());
                  body.insert(body.find("\"uid\""), R"("future": {"a" 1}, )");
                  return body;
                }(),
                "request body: invalid JSON..."},
        BadBody{"BrokenUnknownTopLevelField", body_of(update_review()).insert(1, R"("x":[1,,2],)"),
                "request body: invalid JSON..."},
        BadBody{"BadLiteral",
                [] {
                  std::string body = body_of(update_review());
                  body.replace(body.find("false"), 5, "fals0");
                  return body;
                }(),
                "request body: invalid JSON..."},
        BadBody{"TwoRequests", body_of(update_review()).insert(1, R"("request":{"uid":"other"},)"),
                "AdmissionReview has more than one \"request\" field"},
        BadBody{"TwoKinds", body_of(update_review()).insert(1, R"("kind":"AdmissionReview",)"),
                "AdmissionReview has more than one \"kind\" field"},
        BadBody{"MissingApiVersion", with([](json::object& r) { r.erase("apiVersion"); }),
                "AdmissionReview apiVersion is required; expected \"admission.k8s.io/v1\""},
        BadBody{"V1beta1",
                with([](json::object& r) { r["apiVersion"] = "admission.k8s.io/v1beta1"; }),
                "AdmissionReview apiVersion \"admission.k8s.io/v1beta1\" is not supported; "
                "expected \"admission.k8s.io/v1\" (list v1 in the webhook's "
                "admissionReviewVersions)"},
        BadBody{"ApiVersionNotString", with([](json::object& r) { r["apiVersion"] = 1; }),
                "AdmissionReview apiVersion: expected a string, got number"},
        BadBody{"MissingKind", with([](json::object& r) { r.erase("kind"); }),
                "request body has no kind; expected \"AdmissionReview\""},
        BadBody{"WrongKind", with([](json::object& r) { r["kind"] = "Pod"; }),
                "request body is a \"Pod\", expected \"AdmissionReview\""},
        BadBody{"MissingRequest", with([](json::object& r) { r.erase("request"); }),
                "AdmissionReview request is required"},
        BadBody{"NullRequest", with([](json::object& r) { r["request"] = nullptr; }),
                "AdmissionReview request is required"},
        BadBody{"RequestArray", with([](json::object& r) { r["request"] = json::array{}; }),
                "AdmissionReview request: expected an object, got array"},
        BadBody{"MissingUid", with([](json::object& r) { req(r).erase("uid"); }),
                "AdmissionReview request.uid is required"},
        BadBody{"EmptyUid", with([](json::object& r) { req(r)["uid"] = ""; }),
                "AdmissionReview request.uid is required"},
        BadBody{"UidNumber", with([](json::object& r) { req(r)["uid"] = 7; }),
                "AdmissionReview request.uid: expected a string, got number"},
        BadBody{"MissingKindOfRequest", with([](json::object& r) { req(r).erase("kind"); }),
                "AdmissionReview request.kind is required"},
        BadBody{"KindString", with([](json::object& r) { req(r)["kind"] = "Pod"; }),
                "AdmissionReview request.kind: expected an object, got string"},
        BadBody{"KindKindNumber",
                with([](json::object& r) { req(r)["kind"].as_object()["kind"] = 5; }),
                "AdmissionReview request.kind.kind: expected a string, got number"},
        BadBody{"MissingResource", with([](json::object& r) { req(r).erase("resource"); }),
                "AdmissionReview request.resource is required"},
        BadBody{"ResourceNumber",
                with([](json::object& r) { req(r)["resource"].as_object()["version"] = 1.5; }),
                "AdmissionReview request.resource.version: expected a string, got number"},
        BadBody{"RequestKindBool", with([](json::object& r) { req(r)["requestKind"] = true; }),
                "AdmissionReview request.requestKind: expected an object, got boolean"},
        BadBody{"MissingOperation", with([](json::object& r) { req(r).erase("operation"); }),
                "AdmissionReview request.operation is required"},
        BadBody{"UnknownOperation", with([](json::object& r) { req(r)["operation"] = "PATCH"; }),
                "AdmissionReview request.operation: unsupported value \"PATCH\"; expected "
                "CREATE, UPDATE, DELETE or CONNECT"},
        BadBody{"LowerCaseOperation", with([](json::object& r) { req(r)["operation"] = "update"; }),
                "AdmissionReview request.operation: unsupported value \"update\"; expected "
                "CREATE, UPDATE, DELETE or CONNECT"},
        BadBody{"NameNumber", with([](json::object& r) { req(r)["name"] = 1; }),
                "AdmissionReview request.name: expected a string, got number"},
        BadBody{"UserInfoString", with([](json::object& r) { req(r)["userInfo"] = "admin"; }),
                "AdmissionReview request.userInfo: expected an object, got string"},
        BadBody{"UsernameArray", with([](json::object& r) {
                  req(r)["userInfo"].as_object()["username"] = json::array{"a"};
                }),
                "AdmissionReview request.userInfo.username: expected a string, got array"},
        BadBody{"GroupsString",
                with([](json::object& r) { req(r)["userInfo"].as_object()["groups"] = "g"; }),
                "AdmissionReview request.userInfo.groups: expected an array of strings, got "
                "string"},
        BadBody{"GroupNumber", with([](json::object& r) {
                  req(r)["userInfo"].as_object()["groups"] = json::array{"a", 2};
                }),
                "AdmissionReview request.userInfo.groups[1]: expected a string, got number"},
        BadBody{"ExtraValueString", with([](json::object& r) {
                  req(r)["userInfo"].as_object()["extra"] = json::object{{"scopes", "x"}};
                }),
                "AdmissionReview request.userInfo.extra.scopes: expected an array of strings, "
                "got string"},
        BadBody{"ObjectString", with([](json::object& r) { req(r)["object"] = "{}"; }),
                "AdmissionReview request.object: expected an object, got string"},
        BadBody{"OldObjectArray",
                with([](json::object& r) { req(r)["oldObject"] = json::array{}; }),
                "AdmissionReview request.oldObject: expected an object, got array"},
        BadBody{"DryRunString", with([](json::object& r) { req(r)["dryRun"] = "yes"; }),
                "AdmissionReview request.dryRun: expected a boolean, got string"},
        BadBody{"OptionsNumber", with([](json::object& r) { req(r)["options"] = 1; }),
                "AdmissionReview request.options: expected an object, got number"}),
    [](const auto& param_info) { return param_info.param.name; });

TEST(AdmissionDecodeRequest, BrokenObjectInsideAValidLookingReviewIsAnError) {
  std::string body = body_of(update_review());
  auto at = body.find("\"componentType\"");
  ASSERT_NE(at, std::string::npos);
  body.insert(at, "{");  // unbalanced brace inside request.object
  EXPECT_FALSE(decode_request(body).ok());
}

TEST(AdmissionDecodeRequest, InvalidUtf8IsAnError) {
  std::string body = body_of(update_review());
  body.replace(body.find("admin-uid"), 1, "\xff");
  auto result = decode_request(body);
  ASSERT_FALSE(result.ok());
  EXPECT_TRUE(result.error.starts_with("request body: invalid JSON")) << result.error;
}

TEST(AdmissionDecodeRequest, KeepsTheUidOfARequestItRejects) {
  auto review = update_review();
  req(review)["operation"] = "PATCH";
  auto result = decode_request(body_of(review));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.uid, "3324dfaa-2839-4d14-92ac-61277ae13dca");
}

TEST(AdmissionDecodeRequest, KeepsTheRequestObjectsText) {
  auto review = update_review();
  auto result = decode_request(body_of(review));
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(json::parse(result.request_json), review["request"]);
}

TEST(AdmissionDecodeRequest, CanLeaveTheObjectsToTheirReader) {
  auto review = update_review();
  auto result = decode_request(body_of(review), {.object_texts = false});
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_TRUE(result.request->object.empty());
  EXPECT_TRUE(result.request->old_object.empty());
  EXPECT_EQ(result.request->uid, "3324dfaa-2839-4d14-92ac-61277ae13dca");
  EXPECT_EQ(json::parse(result.request_json), review["request"]);
}

TEST(AdmissionDecodeRequestObject, ReadsTheRequestAlone) {
  auto review = update_review();
  auto result = decode_request_object(json::serialize(review["request"]));
  ASSERT_TRUE(result.ok()) << result.error;
  auto whole = decode_request(body_of(review));
  ASSERT_TRUE(whole.ok()) << whole.error;
  EXPECT_EQ(result.request->uid, whole.request->uid);
  EXPECT_EQ(result.request->user_info, whole.request->user_info);
  EXPECT_EQ(result.request->object, whole.request->object);
  EXPECT_EQ(result.request->old_object, whole.request->old_object);
  EXPECT_EQ(result.request->operation, Operation::kUpdate);
}

TEST(AdmissionDecodeRequestObject, ErrorsNameTheSameFields) {
  auto review = update_review();
  req(review)["userInfo"].as_object()["groups"] = json::array{"a", 2};
  EXPECT_EQ(decode_request_object(json::serialize(review["request"])).error,
            "AdmissionReview request.userInfo.groups[1]: expected a string, got number");
  req(review).erase("uid");
  req(review)["userInfo"].as_object().erase("groups");
  EXPECT_EQ(decode_request_object(json::serialize(review["request"])).error,
            "AdmissionReview request.uid is required");
  EXPECT_EQ(decode_request_object("[]").error,
            "AdmissionReview request: expected an object, got array");
  EXPECT_TRUE(decode_request_object(json::serialize(update_review()["request"]) + " 1")
                  .error.starts_with("request body: invalid JSON"))
      << decode_request_object(json::serialize(update_review()["request"]) + " 1").error;
  EXPECT_TRUE(decode_request_object("{").error.starts_with("request body: invalid JSON"));
}

TEST(AdmissionEncodeRequest, RoundTripsThroughTheDecoder) {
  auto decoded = decode_request(body_of(update_review()));
  ASSERT_TRUE(decoded.ok()) << decoded.error;
  AdmissionRequest request = *decoded.request;
  request.dry_run = true;
  request.sub_resource = "scale";
  auto encoded = encode_request(request);
  ASSERT_TRUE(encoded.ok()) << encoded.error;
  auto again = decode_request(encoded.body);
  ASSERT_TRUE(again.ok()) << again.error;
  EXPECT_EQ(json::parse(again.request->object), json::parse(request.object));
  EXPECT_EQ(json::parse(again.request->old_object), json::parse(request.old_object));
  again.request->object = request.object;
  again.request->old_object = request.old_object;
  again.request->options = request.options;
  EXPECT_EQ(again.request->uid, request.uid);
  EXPECT_EQ(again.request->user_info, request.user_info);
  EXPECT_EQ(again.request->sub_resource, "scale");
  EXPECT_TRUE(again.request->dry_run);
}

TEST(AdmissionEncodeRequest, WritesWhatKubeApiserverWrites) {
  AdmissionRequest request;
  request.uid = "u1";
  request.kind = {"nvidia.com", "v1alpha1", "DynamoGraphDeployment"};
  request.resource = {"nvidia.com", "v1alpha1", "dynamographdeployments"};
  request.request_kind = request.kind;
  request.request_resource = request.resource;
  request.name = "sglang-agg";
  request.namespace_ = "default";
  request.operation = Operation::kCreate;
  request.user_info.username = "admin";
  request.user_info.groups = {"system:masters"};
  request.object = R"({"kind":"DynamoGraphDeployment"})";
  request.options = R"({"kind":"CreateOptions","apiVersion":"meta.k8s.io/v1"})";
  auto encoded = encode_request(request);
  ASSERT_TRUE(encoded.ok()) << encoded.error;
  const auto review = json::parse(encoded.body).as_object();
  EXPECT_EQ(review.at("apiVersion"), "admission.k8s.io/v1");
  EXPECT_EQ(review.at("kind"), "AdmissionReview");
  const auto& r = review.at("request").as_object();
  EXPECT_EQ(r.at("operation"), "CREATE");
  EXPECT_TRUE(r.at("oldObject").is_null());  // as in trace 07-webhook-02's CREATE
  EXPECT_EQ(r.at("dryRun"), false);
  EXPECT_FALSE(r.contains("subResource"));
  EXPECT_EQ(r.at("userInfo"), (json::value{{"username", "admin"}, {"groups", {"system:masters"}}}));
  EXPECT_EQ(r.at("object"), (json::value{{"kind", "DynamoGraphDeployment"}}));
  EXPECT_EQ(r.at("options").at("kind"), "CreateOptions");
  EXPECT_EQ(r.at("requestKind").at("kind"), "DynamoGraphDeployment");
}

TEST(AdmissionEncodeRequest, RejectsAnObjectThatIsNotJson) {
  AdmissionRequest request;
  request.uid = "u1";
  request.object = "{not json";
  auto encoded = encode_request(request);
  EXPECT_FALSE(encoded.ok());
  EXPECT_TRUE(encoded.error.starts_with("request.object is not valid JSON")) << encoded.error;
}

TEST(AdmissionOperation, NamesRoundTrip) {
  for (auto op :
       {Operation::kCreate, Operation::kUpdate, Operation::kDelete, Operation::kConnect}) {
    EXPECT_EQ(parse_operation(to_string(op)), op);
  }
  EXPECT_FALSE(parse_operation("PATCH").has_value());
}

// Every request kube-apiserver v1.26 actually sent in trace 07 decodes, when
// the shared reference traces are present on this machine.
TEST(AdmissionDecodeRequest, DecodesTheRecordedApiserverRequests) {
  const std::filesystem::path trace =
      dynop::test::reference_dir() + "/apiserver-traces/07-webhook-02-admissionreview-requests-received.json";
  if (!std::filesystem::exists(trace)) GTEST_SKIP() << "reference traces not present";
  std::ifstream in(trace);
  std::stringstream text;
  text << in.rdbuf();
  const auto recorded = json::parse(text.str()).as_array();
  ASSERT_EQ(recorded.size(), 5u);
  std::vector<Operation> operations;
  for (const auto& exchange : recorded) {
    auto result = decode_request(json::serialize(exchange.at("body")));
    ASSERT_TRUE(result.ok()) << result.error;
    operations.push_back(result.request->operation);
    EXPECT_EQ(result.request->kind.kind, "DynamoGraphDeployment");
    EXPECT_EQ(result.request->user_info.username, "admin");
    EXPECT_EQ(result.request->old_object.empty(), result.request->operation == Operation::kCreate);
  }
  EXPECT_EQ(operations,
            (std::vector<Operation>{Operation::kCreate, Operation::kUpdate, Operation::kUpdate,
                                    Operation::kCreate, Operation::kUpdate}));
}

}  // namespace
}  // namespace dynop::admission
