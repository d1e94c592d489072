#pragma once
// DGD, DGDSA and AdmissionReview builders for the webhook tests.

#include <boost/json.hpp>
#include <string>

#include "lib/admission/admission_request.hpp"

namespace dynop::plugins::webhook::testing {

namespace json = boost::json;

// The guide's sglang-agg: Frontend and decode, one replica each, adapters enabled.
inline json::object sglang_agg() {
  return json::object{{"apiVersion", "nvidia.com/v1alpha1"},
                      {"kind", "DynamoGraphDeployment"},
                      {"metadata", {{"name", "sglang-agg"}, {"namespace", "default"}}},
                      {"spec",
                       {{"services",
                         {{"Frontend", {{"componentType", "frontend"}, {"replicas", 1}}},
                          {"decode",
                           {{"componentType", "worker"},
                            {"replicas", 1},
                            {"resources", {{"limits", {{"gpu", "1"}}}}}}}}}}}};
}

inline json::object& services(json::object& dgd) {
  return dgd["spec"].as_object()["services"].as_object();
}

inline json::object& service(json::object& dgd, const std::string& name) {
  return services(dgd)[name].as_object();
}

inline json::object adapter(const std::string& dgd, const std::string& service_name) {
  return json::object{
      {"apiVersion", "nvidia.com/v1alpha1"},
      {"kind", "DynamoGraphDeploymentScalingAdapter"},
      {"metadata", {{"name", dgd + "-decode"}, {"namespace", "default"}}},
      {"spec", {{"replicas", 1}, {"dgdRef", {{"name", dgd}, {"serviceName", service_name}}}}}};
}

inline admission::AdmissionRequest request(admission::Operation operation, std::string_view kind,
                                           const json::object* old_object,
                                           const json::object* new_object,
                                           std::string username = "admin") {
  admission::AdmissionRequest r;
  r.uid = "uid-1";
  r.kind = {"nvidia.com", "v1alpha1", std::string(kind)};
  r.resource = {"nvidia.com", "v1alpha1",
                kind == "DynamoGraphDeployment" ? "dynamographdeployments"
                                                : "dynamographdeploymentscalingadapters"};
  r.name =
      new_object != nullptr ? std::string(new_object->at("metadata").at("name").as_string()) : "";
  r.namespace_ = "default";
  r.operation = operation;
  r.user_info.username = std::move(username);
  r.user_info.groups = {"system:authenticated"};
  if (new_object != nullptr) r.object = json::serialize(*new_object);
  if (old_object != nullptr) r.old_object = json::serialize(*old_object);
  return r;
}

inline admission::AdmissionRequest dgd_update(const json::object& old_dgd,
                                              const json::object& new_dgd,
                                              std::string username = "admin") {
  return request(admission::Operation::kUpdate, "DynamoGraphDeployment", &old_dgd, &new_dgd,
                 std::move(username));
}

inline admission::AdmissionRequest dgd_create(const json::object& dgd,
                                              std::string username = "admin") {
  return request(admission::Operation::kCreate, "DynamoGraphDeployment", nullptr, &dgd,
                 std::move(username));
}

}  // namespace dynop::plugins::webhook::testing
