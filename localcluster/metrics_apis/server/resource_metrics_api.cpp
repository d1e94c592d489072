#include "localcluster/metrics_apis/server/resource_metrics_api.hpp"

#include <boost/json.hpp>

#include "lib/apimachinery/time.hpp"
#include "localcluster/server/api_error.hpp"
#include "localcluster/server/selectors.hpp"

namespace dynop::localcluster::metrics_apis {

namespace json = boost::json;
using server::ApiError;
using server::ErrorSubject;

namespace {

net::Response error_response(const ApiError& error) {
  return net::Response::json(static_cast<unsigned>(error.code), error.to_json());
}

net::Response list_response(const char* kind, json::array items) {
  json::object list{{"kind", kind},
                    {"apiVersion", ResourceMetricsApi::kGroupVersion},
                    {"metadata", json::object()},
                    {"items", std::move(items)}};
  return net::Response::json(200, json::serialize(list));
}

json::value labels_of(const storage::StoredObject& object) {
  json::value labels = json::object();
  for (const auto& [key, value] : object.attrs->labels) labels.as_object()[key] = value;
  return labels;
}

ResourceType metrics_type(std::string kind, std::string plural, bool namespaced) {
  ResourceType t;
  t.group = "metrics.k8s.io";
  t.version = "v1beta1";
  t.list_kind = kind + "List";
  t.kind = std::move(kind);
  t.plural = std::move(plural);
  t.namespaced = namespaced;
  t.verbs = {"get", "list"};
  t.api_service = "v1beta1.metrics.k8s.io";
  return t;
}

}  // namespace

ResourceMetricsApi::ResourceMetricsApi(const ResourceMetricsStore& metrics,
                                       const storage::ObjectStore& objects,
                                       const ResourceRegistry& registry)
    : metrics_(metrics), objects_(objects), registry_(registry) {}

std::vector<ResourceType> ResourceMetricsApi::resource_types() {
  return {metrics_type("NodeMetrics", "nodes", false), metrics_type("PodMetrics", "pods", true)};
}

net::Response ResourceMetricsApi::handle(const net::Request&,
                                         const server::RequestInfo& info) const {
  const bool pods_resource = info.resource == "pods";
  if ((!pods_resource && info.resource != "nodes") || !info.subresource.empty()) {
    return net::Response::text(404, "404 page not found");
  }
  if (info.verb != "get" && info.verb != "list") {
    return error_response(server::method_not_supported(
        ErrorSubject{"metrics.k8s.io", info.resource, info.name, ""}, info.verb));
  }
  return pods_resource ? pods(info) : nodes(info);
}

net::Response ResourceMetricsApi::pods(const server::RequestInfo& info) const {
  const auto now = apimachinery::now();
  if (info.verb == "get") {
    auto pod = objects_.get("pods", info.namespace_name, info.name);
    if (!pod.ok())
      return error_response(server::not_found(ErrorSubject{"", "pods", info.name, ""}));
    auto usage = metrics_.pod(info.namespace_name, info.name);
    if (!usage) {
      return error_response(server::not_found(
          ErrorSubject{"metrics.k8s.io", "podmetrics", info.namespace_name + "/" + info.name, ""}));
    }
    return net::Response::json(
        200, json::serialize(pod_metrics_json(*usage, labels_of(pod.value()), now)));
  }
  auto pod_type = registry_.find("", "v1", "pods");
  if (!pod_type) return error_response(server::internal_error("pods are not served"));
  const auto* label_selector = info.param("labelSelector");
  const auto* field_selector = info.param("fieldSelector");
  auto predicate = server::make_predicate(*pod_type, label_selector ? *label_selector : "",
                                          field_selector ? *field_selector : "");
  if (auto* error = std::get_if<ApiError>(&predicate)) return error_response(*error);
  storage::Selection selection{"pods", info.namespace_name,
                               std::get<storage::AttrsPredicate>(predicate)};
  // The store lists in (namespace, name) order, the order kube lists pods in.
  json::array items;
  for (const auto& pod : objects_.list(selection).items) {
    auto usage = metrics_.pod(pod.attrs->namespace_name, pod.attrs->name);
    if (usage) items.push_back(pod_metrics_json(*usage, labels_of(pod), now));
  }
  return list_response("PodMetricsList", std::move(items));
}

net::Response ResourceMetricsApi::nodes(const server::RequestInfo& info) const {
  const auto now = apimachinery::now();
  if (info.verb == "get") {
    auto node = objects_.get("nodes", "", info.name);
    if (!node.ok())
      return error_response(server::not_found(ErrorSubject{"", "nodes", info.name, ""}));
    auto usage = metrics_.node(info.name);
    if (!usage) {
      return error_response(
          server::not_found(ErrorSubject{"metrics.k8s.io", "nodemetrics", info.name, ""}));
    }
    return net::Response::json(
        200, json::serialize(node_metrics_json(*usage, labels_of(node.value()), now)));
  }
  auto node_type = registry_.find("", "v1", "nodes");
  if (!node_type) return error_response(server::internal_error("nodes are not served"));
  const auto* label_selector = info.param("labelSelector");
  const auto* field_selector = info.param("fieldSelector");
  auto predicate = server::make_predicate(*node_type, label_selector ? *label_selector : "",
                                          field_selector ? *field_selector : "");
  if (auto* error = std::get_if<ApiError>(&predicate)) return error_response(*error);
  storage::Selection selection{"nodes", "", std::get<storage::AttrsPredicate>(predicate)};
  json::array items;
  for (const auto& node : objects_.list(selection).items) {
    auto usage = metrics_.node(node.attrs->name);
    if (usage) items.push_back(node_metrics_json(*usage, labels_of(node), now));
  }
  return list_response("NodeMetricsList", std::move(items));
}

}  // namespace dynop::localcluster::metrics_apis
