#include "localcluster/faults/write_failure.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace dynop::localcluster::faults {
namespace {

namespace json = boost::json;

ResourceType type(std::string group, std::string plural) {
  ResourceType t;
  t.group = std::move(group);
  t.plural = std::move(plural);
  return t;
}

std::string header(const net::Response& response, std::string_view name) {
  for (const auto& [key, value] : response.headers) {
    if (key == name) return value;
  }
  return "<missing>";
}

TEST(WriteFailure, ConflictReadsLikeKubeApiserversForAGroupedResource) {
  auto info = server::parse_request_info(
      "PUT", "/apis/coordination.k8s.io/v1/namespaces/default/leases/dynamo-operator-leader");
  auto response = write_failure_response({409, 0}, type("coordination.k8s.io", "leases"), info, "");
  EXPECT_EQ(response.status, 409u);
  // Trace 08-lease-03-put-stale-resourceversion-409.
  EXPECT_EQ(json::parse(response.body), json::parse(R"({
    "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
    "message": "Operation cannot be fulfilled on leases.coordination.k8s.io \"dynamo-operator-leader\": the object has been modified; please apply your changes to the latest version and try again",
    "reason": "Conflict",
    "details": {"name": "dynamo-operator-leader", "group": "coordination.k8s.io", "kind": "leases"},
    "code": 409})"));
}

TEST(WriteFailure, ConflictOnCreateNamesTheObjectFromTheBody) {
  auto info = server::parse_request_info("POST", "/api/v1/namespaces/default/configmaps");
  auto response = write_failure_response({409, 0}, type("", "configmaps"), info,
                                         R"({"metadata":{"name":"copy"}})");
  auto body = json::parse(response.body);
  EXPECT_EQ(body.at("message").as_string(),
            "Operation cannot be fulfilled on configmaps \"copy\": the object has been modified; "
            "please apply your changes to the latest version and try again");
  EXPECT_FALSE(body.at("details").as_object().contains("group"));
}

TEST(WriteFailure, TooManyRequestsSaysWhenToRetry) {
  auto info = server::parse_request_info("PATCH", "/api/v1/namespaces/default/configmaps/a");
  auto response = write_failure_response({429, 3}, type("", "configmaps"), info, "");
  EXPECT_EQ(response.status, 429u);
  EXPECT_EQ(header(response, "Retry-After"), "3");
  EXPECT_EQ(json::parse(response.body), json::parse(R"({
    "kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
    "message": "Too many requests, please try again later.", "reason": "TooManyRequests",
    "details": {"retryAfterSeconds": 3}, "code": 429})"));
}

TEST(WriteFailure, InternalError) {
  auto info = server::parse_request_info("DELETE", "/api/v1/namespaces/default/configmaps/a");
  auto response = write_failure_response({500, 0}, type("", "configmaps"), info, "");
  EXPECT_EQ(response.status, 500u);
  EXPECT_EQ(header(response, "Retry-After"), "<missing>");
  auto body = json::parse(response.body);
  EXPECT_EQ(body.at("reason").as_string(), "InternalError");
  EXPECT_TRUE(body.at("message").as_string().starts_with("Internal error occurred: "));
  EXPECT_EQ(body.at("code").as_int64(), 500);
}

}  // namespace
}  // namespace dynop::localcluster::faults
