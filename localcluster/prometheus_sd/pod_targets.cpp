#include "localcluster/prometheus_sd/pod_targets.hpp"

#include <boost/json.hpp>
#include <utility>

#include "lib/apimachinery/conditions.hpp"
#include "lib/apimachinery/object_meta.hpp"

namespace dynop::localcluster::prometheus_sd {

namespace json = boost::json;

namespace {

const json::object* object_at(const json::object& o, const char* key) {
  const auto* v = o.if_contains(key);
  return v && v->is_object() ? &v->get_object() : nullptr;
}

std::string text_at(const json::object* o, const char* key) {
  if (!o) return {};
  const auto* v = o->if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

std::string number_text(const json::value& v) {
  if (v.is_int64()) return std::to_string(v.get_int64());
  if (v.is_uint64()) return std::to_string(v.get_uint64());
  if (v.is_string()) return std::string(v.get_string());
  return {};
}

void add_container_targets(json::array& groups, const json::object& pod_labels,
                           const json::value* containers, bool init, const std::string& ip) {
  auto add = [&](std::string address, const json::object& container_labels) {
    json::object labels = pod_labels;
    for (const auto& [k, v] : container_labels) labels[k] = v;
    groups.push_back(json::object{{"targets", json::array{json::value(std::move(address))}},
                                  {"labels", std::move(labels)}});
  };
  if (!containers || !containers->is_array()) return;
  for (const auto& c : containers->get_array()) {
    if (!c.is_object()) continue;
    const auto& container = c.get_object();
    json::object base{{"__meta_kubernetes_pod_container_name", text_at(&container, "name")},
                      {"__meta_kubernetes_pod_container_image", text_at(&container, "image")},
                      {"__meta_kubernetes_pod_container_init", init ? "true" : "false"}};
    const auto* ports = container.if_contains("ports");
    if (!ports || !ports->is_array() || ports->get_array().empty()) {
      // A container without ports: one target at the pod's address.
      add(ip, base);
      continue;
    }
    for (const auto& p : ports->get_array()) {
      if (!p.is_object()) continue;
      const auto& port = p.get_object();
      const auto* number = port.if_contains("containerPort");
      if (!number) continue;
      json::object labels = base;
      labels["__meta_kubernetes_pod_container_port_name"] = text_at(&port, "name");
      labels["__meta_kubernetes_pod_container_port_number"] = number_text(*number);
      std::string protocol = text_at(&port, "protocol");
      labels["__meta_kubernetes_pod_container_port_protocol"] = protocol.empty() ? "TCP" : protocol;
      const std::string host = ip.find(':') != std::string::npos ? "[" + ip + "]" : ip;
      add(host + ":" + number_text(*number), labels);
    }
  }
}

}  // namespace

std::string sanitize_label_name(std::string_view name) {
  std::string out(name);
  for (auto& c : out) {
    const bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) c = '_';
  }
  return out;
}

json::array pod_target_groups(const json::object& pod) {
  const auto* spec = object_at(pod, "spec");
  const auto* status = object_at(pod, "status");
  json::object labels;
  labels["__meta_kubernetes_namespace"] = apimachinery::namespace_of(pod);
  labels["__meta_kubernetes_pod_name"] = apimachinery::name(pod);
  const std::string ip = text_at(status, "podIP");
  labels["__meta_kubernetes_pod_ip"] = ip;
  labels["__meta_kubernetes_pod_ready"] =
      apimachinery::status_condition_true(pod, "Ready") ? "true" : "false";
  labels["__meta_kubernetes_pod_phase"] = text_at(status, "phase");
  labels["__meta_kubernetes_pod_node_name"] = text_at(spec, "nodeName");
  labels["__meta_kubernetes_pod_host_ip"] = text_at(status, "hostIP");
  labels["__meta_kubernetes_pod_uid"] = apimachinery::uid(pod);
  for (auto [kind, map] : {std::pair{"label", apimachinery::labels(pod)},
                           std::pair{"annotation", apimachinery::annotations(pod)}}) {
    if (!map) continue;
    for (const auto& [key, value] : *map) {
      const std::string name = sanitize_label_name(key);
      labels["__meta_kubernetes_pod_" + std::string(kind) + "_" + name] =
          value.is_string() ? std::string(value.get_string()) : std::string();
      labels["__meta_kubernetes_pod_" + std::string(kind) + "present_" + name] = "true";
    }
  }
  if (const auto* controller = apimachinery::controller_of(pod)) {
    labels["__meta_kubernetes_pod_controller_kind"] = text_at(controller, "kind");
    labels["__meta_kubernetes_pod_controller_name"] = text_at(controller, "name");
  }
  json::array groups;
  if (!ip.empty() && spec) {
    add_container_targets(groups, labels, spec->if_contains("containers"), false, ip);
    add_container_targets(groups, labels, spec->if_contains("initContainers"), true, ip);
  }
  return groups;
}

}  // namespace dynop::localcluster::prometheus_sd
