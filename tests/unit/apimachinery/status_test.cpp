#include "lib/apimachinery/status.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "lib/apimachinery/field_error_format.hpp"

namespace dynop::apimachinery {
namespace {

namespace json = boost::json;

// Compact forms of the traces' bodies (key order as the server sent them).
TEST(Status, NotFoundMatchesTrace) {
  EXPECT_EQ(
      not_found({"nvidia.com", "dynamographdeploymentscalingadapters"}, "does-not-exist")
          .serialize(),
      R"J({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"dynamographdeploymentscalingadapters.nvidia.com \"does-not-exist\" not found","reason":"NotFound","details":{"name":"does-not-exist","group":"nvidia.com","kind":"dynamographdeploymentscalingadapters"},"code":404})J");
  EXPECT_EQ(
      not_found({"", "pods"}, "gpu-worker-0").serialize(),
      R"J({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"pods \"gpu-worker-0\" not found","reason":"NotFound","details":{"name":"gpu-worker-0","kind":"pods"},"code":404})J");
}

TEST(Status, ConflictAndAlreadyExistsMatchTraces) {
  EXPECT_EQ(
      conflict({"coordination.k8s.io", "leases"}, "dynamo-operator-leader").serialize(),
      R"J({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Operation cannot be fulfilled on leases.coordination.k8s.io \"dynamo-operator-leader\": the object has been modified; please apply your changes to the latest version and try again","reason":"Conflict","details":{"name":"dynamo-operator-leader","group":"coordination.k8s.io","kind":"leases"},"code":409})J");
  EXPECT_EQ(
      conflict({"", "pods/binding"}, "sglang-agg-decode-0",
               "pod sglang-agg-decode-0 is already assigned to node \"gpu-node-1\"")
          .serialize(),
      R"J({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Operation cannot be fulfilled on pods/binding \"sglang-agg-decode-0\": pod sglang-agg-decode-0 is already assigned to node \"gpu-node-1\"","reason":"Conflict","details":{"name":"sglang-agg-decode-0","kind":"pods/binding"},"code":409})J");
  EXPECT_EQ(
      already_exists({"nvidia.com", "dynamographdeploymentscalingadapters"}, "sglang-agg-decode")
          .serialize(),
      R"J({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"dynamographdeploymentscalingadapters.nvidia.com \"sglang-agg-decode\" already exists","reason":"AlreadyExists","details":{"name":"sglang-agg-decode","group":"nvidia.com","kind":"dynamographdeploymentscalingadapters"},"code":409})J");
}

TEST(Status, InvalidMatchesTraces) {
  FieldErrors errs = {invalid_error("spec.replicas", "-1",
                                    "spec.replicas in body should be greater than or equal to 0"),
                      invalid_error(".spec.replicas", "-1", "should be a non-negative integer")};
  EXPECT_EQ(
      invalid({"nvidia.com", "DynamoGraphDeploymentScalingAdapter"}, "bad-replicas", errs)
          .serialize(),
      R"J({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"DynamoGraphDeploymentScalingAdapter.nvidia.com \"bad-replicas\" is invalid: [spec.replicas: Invalid value: -1: spec.replicas in body should be greater than or equal to 0, .spec.replicas: Invalid value: -1: should be a non-negative integer]","reason":"Invalid","details":{"name":"bad-replicas","group":"nvidia.com","kind":"DynamoGraphDeploymentScalingAdapter","causes":[{"reason":"FieldValueInvalid","message":"Invalid value: -1: spec.replicas in body should be greater than or equal to 0","field":"spec.replicas"},{"reason":"FieldValueInvalid","message":"Invalid value: -1: should be a non-negative integer","field":".spec.replicas"}]},"code":422})J");
  EXPECT_EQ(
      invalid({"nvidia.com", "dynamographdeploymentscalingadapters"}, "sglang-agg-decode",
              {invalid_error("metadata.resourceVersion", "0x0", "must be specified for an update")})
          .serialize(),
      R"J({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"dynamographdeploymentscalingadapters.nvidia.com \"sglang-agg-decode\" is invalid: metadata.resourceVersion: Invalid value: 0x0: must be specified for an update","reason":"Invalid","details":{"name":"sglang-agg-decode","group":"nvidia.com","kind":"dynamographdeploymentscalingadapters","causes":[{"reason":"FieldValueInvalid","message":"Invalid value: 0x0: must be specified for an update","field":"metadata.resourceVersion"}]},"code":422})J");
  EXPECT_EQ(invalid({"", "Pod"}, "x", {}).message, "Pod \"x\" is invalid");
}

TEST(Status, OtherBuildersMatchTraces) {
  EXPECT_EQ(
      unsupported_patch_type_for_custom_resource().serialize(),
      R"J({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml","reason":"UnsupportedMediaType","code":415})J");
  EXPECT_EQ(
      too_old_resource_version(1, 211).serialize(),
      R"J({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too old resource version: 1 (211)","reason":"Expired","code":410})J");
  EXPECT_EQ(
      list_resource_version_too_old().serialize(),
      R"J({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"The resourceVersion for the provided list is too old.","reason":"Expired","code":410})J");
  EXPECT_EQ(
      not_acceptable(
          {"application/json", "application/yaml", "application/vnd.kubernetes.protobuf"})
          .serialize(),
      R"J({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"only the following media types are accepted: application/json, application/yaml, application/vnd.kubernetes.protobuf","reason":"NotAcceptable","code":406})J");
  EXPECT_EQ(
      cannot_decode(
          "Lease", "v1",
          "parsing time \"2026-01-01T00:00:00Z\" as \"2006-01-02T15:04:05.000000Z07:00\": "
          "cannot parse \"Z\" as \".000000\"")
          .serialize(),
      R"J({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Lease in version \"v1\" cannot be handled as a Lease: parsing time \"2026-01-01T00:00:00Z\" as \"2006-01-02T15:04:05.000000Z07:00\": cannot parse \"Z\" as \".000000\"","reason":"BadRequest","code":400})J");
  EXPECT_EQ(
      forbidden({"", "pods"}, "sglang-agg-decode-0",
                "error looking up service account default/default: serviceaccount "
                "\"default\" not found")
          .serialize(),
      R"J({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"pods \"sglang-agg-decode-0\" is forbidden: error looking up service account default/default: serviceaccount \"default\" not found","reason":"Forbidden","details":{"name":"sglang-agg-decode-0","kind":"pods"},"code":403})J");
  // NamespaceLifecycle admission, kube-apiserver 1.26 (a create in a deleted namespace).
  const Status terminating = namespace_terminating({"", "pods"}, "sglang-agg-decode-0", "team-a");
  EXPECT_EQ(
      terminating.serialize(),
      R"J({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"pods \"sglang-agg-decode-0\" is forbidden: unable to create new content in namespace team-a because it is being terminated","reason":"Forbidden","details":{"name":"sglang-agg-decode-0","kind":"pods","causes":[{"reason":"NamespaceTerminating","message":"namespace team-a is being terminated","field":"metadata.namespace"}]},"code":403})J");
  EXPECT_TRUE(is_namespace_terminating_message(terminating.message));
  EXPECT_FALSE(is_namespace_terminating_message(
      forbidden({"", "pods"}, "p", "error looking up service account a/b").message));
  EXPECT_EQ(
      admission_denied("validate.dynamographdeployments.nvidia.com", "test denial message")
          .serialize(),
      R"J({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"admission webhook \"validate.dynamographdeployments.nvidia.com\" denied the request: test denial message","code":403})J");
  EXPECT_EQ(success(201).serialize(),
            R"J({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Success","code":201})J");
  EXPECT_EQ(
      deleted({"nvidia.com", "dynamographdeploymentscalingadapters"}, "sglang-agg-decode",
              "826e61ae-cf25-4cb3-b8e5-48e4c388e8ee")
          .serialize(),
      R"J({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Success","details":{"name":"sglang-agg-decode","group":"nvidia.com","kind":"dynamographdeploymentscalingadapters","uid":"826e61ae-cf25-4cb3-b8e5-48e4c388e8ee"}})J");
}

TEST(Status, KubeWordingForUntracedCodes) {
  EXPECT_EQ(
      unauthorized().serialize(),
      R"J({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401})J");
  EXPECT_EQ(request_entity_too_large("limit is 3145728").message,
            "Request entity too large: limit is 3145728");
  EXPECT_EQ(method_not_supported({"", "pods"}, "deletecollection").message,
            "deletecollection is not supported on resources of kind \"pods\"");
  auto ie = internal_error("boom");
  EXPECT_EQ(
      ie.serialize(),
      R"J({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Internal error occurred: boom","reason":"InternalError","details":{"causes":[{"message":"boom"}]},"code":500})J");
  EXPECT_EQ(
      too_many_requests("Too many requests, please try again later.", 1).serialize(),
      R"J({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Too many requests, please try again later.","reason":"TooManyRequests","details":{"retryAfterSeconds":1},"code":429})J");
  EXPECT_EQ(service_unavailable("x").code, 503);
  EXPECT_EQ(forbidden({"", "pods"}, "",
                      rbac_denied_detail("system:anonymous", "list", {"", "pods"}, "default"))
                .message,
            "pods is forbidden: User \"system:anonymous\" cannot list resource \"pods\" in API "
            "group \"\" in the namespace \"default\"");
  EXPECT_EQ(json_patch_failed().message,
            "the server rejected our request due to an error in our request");
  EXPECT_EQ(json_patch_failed().reason, "Invalid");
  EXPECT_EQ(json_patch_failed().code, 422);
  EXPECT_EQ(generic_server_response(500, "GET", {"", "pods"}, "p", "oops").message,
            "an error on the server (\"oops\") has prevented the request from succeeding (get "
            "pods p)");
}

TEST(Status, ParseBack) {
  auto s = parse_status_body(
      R"J({"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"m","reason":"Invalid","details":{"name":"n","kind":"K","causes":[{"reason":"FieldValueRequired","message":"Required value","field":"spec.x"}]},"code":422})J");
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->code, 422);
  EXPECT_EQ(s->reason, "Invalid");
  ASSERT_TRUE(s->details.has_value());
  ASSERT_EQ(s->details->causes.size(), 1u);
  EXPECT_EQ(s->details->causes[0].field, "spec.x");
  EXPECT_TRUE(has_reason(*s, reason::kInvalid));
  EXPECT_FALSE(parse_status_body("404 page not found").has_value());
  EXPECT_FALSE(parse_status_body(R"J({"kind":"Pod"})J").has_value());
  // Round trip.
  auto nf = not_found({"", "pods"}, "x");
  auto back = parse_status(nf.to_json());
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->serialize(), nf.serialize());
  // A 403 without a reason (webhook denial) is still Forbidden by code.
  Status denied = admission_denied("w", "no");
  EXPECT_TRUE(has_reason(denied, reason::kForbidden));
  EXPECT_FALSE(has_reason(not_found({"", "pods"}, "x"), reason::kConflict));
}

}  // namespace
}  // namespace dynop::apimachinery
