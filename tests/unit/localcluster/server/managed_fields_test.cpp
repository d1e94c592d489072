#include "localcluster/server/managed_fields.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace dynop::localcluster::server {
namespace {

namespace json = boost::json;

json::object adapter() {
  return json::parse(R"({"apiVersion":"nvidia.com/v1alpha1","metadata":{"name":"a",
    "managedFields":[
      {"manager":"kubectl-client-side-apply","operation":"Update","apiVersion":"nvidia.com/v1alpha1",
       "time":"2026-01-01T00:00:00Z","fieldsType":"FieldsV1",
       "fieldsV1":{"f:spec":{".":{},"f:dgdRef":{},"f:replicas":{}}}},
      {"manager":"kubectl","operation":"Update","apiVersion":"nvidia.com/v1alpha1",
       "time":"2026-01-01T00:00:10Z","fieldsType":"FieldsV1",
       "fieldsV1":{"f:spec":{"f:replicas":{}}},"subresource":"scale"}]}})")
      .as_object();
}

TEST(ManagedFields, AScaleWriteTakesTheReplicasFieldAndNamesItsManager) {
  json::object object = adapter();
  record_scale_write(object, "kube-controller-manager", ".spec.replicas", "2026-01-01T00:01:00Z");
  const auto& entries = object.at("metadata").at("managedFields").as_array();
  // kubectl's scale entry owned only replicas: dropped. The apply entry keeps the rest.
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(json::serialize(entries[0].at("fieldsV1")), R"({"f:spec":{".":{},"f:dgdRef":{}}})");
  EXPECT_EQ(
      json::serialize(entries[1]),
      R"({"manager":"kube-controller-manager","operation":"Update","apiVersion":"nvidia.com/v1alpha1",)"
      R"("time":"2026-01-01T00:01:00Z","fieldsType":"FieldsV1","fieldsV1":{"f:spec":{"f:replicas":{}}},)"
      R"("subresource":"scale"})");
  // The same manager again: one entry, the newer time.
  record_scale_write(object, "kube-controller-manager", ".spec.replicas", "2026-01-01T00:02:00Z");
  const auto& again = object.at("metadata").at("managedFields").as_array();
  ASSERT_EQ(again.size(), 2u);
  EXPECT_EQ(again[1].at("time"), "2026-01-01T00:02:00Z");
}

TEST(ManagedFields, AnObjectWithoutManagedFieldsGetsTheEntry) {
  json::object object = json::parse(R"({"apiVersion":"v1","metadata":{"name":"a"}})").as_object();
  record_scale_write(object, "kubectl", ".spec.replicas", "2026-01-01T00:00:00Z");
  EXPECT_EQ(object.at("metadata").at("managedFields").as_array().size(), 1u);
}

TEST(ManagedFields, ManagerFromFieldManagerOrTheUserAgent) {
  auto kubectl = net::Request::make(
      "PATCH", "/x", {{"User-Agent", "kubectl/v1.32.4 (linux/amd64) kubernetes/4cb5f07"}});
  RequestInfo info;
  EXPECT_EQ(field_manager(kubectl, info), "kubectl");
  auto hpa =
      net::Request::make("PUT", "/x",
                         {{"User-Agent",
                           "kube-controller-manager/v1.26.1 (linux/amd64) kubernetes/8f94681/"
                           "system:serviceaccount:kube-system:horizontal-pod-autoscaler"}});
  EXPECT_EQ(field_manager(hpa, info), "kube-controller-manager");
  info.query.emplace("fieldManager", "kubectl-scale");
  EXPECT_EQ(field_manager(hpa, info), "kubectl-scale");
}

}  // namespace
}  // namespace dynop::localcluster::server
