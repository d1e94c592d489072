#include "localcluster/controllers/hpa/pod_info.hpp"

#include <boost/json.hpp>

#include "lib/apimachinery/conditions.hpp"

namespace dynop::localcluster::hpa {
namespace json = boost::json;

namespace {

const json::object& object_at(const json::object& o, std::string_view key) {
  static const json::object kEmpty;
  const auto* v = o.if_contains(key);
  return v && v->is_object() ? v->get_object() : kEmpty;
}

std::string string_at(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

std::optional<apimachinery::Timestamp> time_at(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (!v || !v->is_string()) return std::nullopt;
  auto t = apimachinery::parse_time(v->get_string());
  if (!t) return std::nullopt;
  return *t;
}

}  // namespace

bool PodInfo::running_and_ready() const {
  return phase == "Running" && ready && ready->status == "True";
}

PodInfo pod_info_from_json(const json::value& value) {
  PodInfo pod;
  if (!value.is_object()) return pod;
  const auto& o = value.get_object();
  const auto& meta = object_at(o, "metadata");
  pod.name = string_at(meta, "name");
  for (const auto& [key, label] : object_at(meta, "labels")) {
    if (label.is_string()) pod.labels[std::string(key)] = std::string(label.get_string());
  }
  pod.deleting = meta.contains("deletionTimestamp") && !meta.at("deletionTimestamp").is_null();
  const auto& status = object_at(o, "status");
  pod.phase = string_at(status, "phase");
  pod.start_time = time_at(status, "startTime");
  if (const auto* c = apimachinery::find_status_condition(o, "Ready")) {
    PodCondition ready;
    ready.status = string_at(*c, "status");
    ready.last_transition_time =
        time_at(*c, "lastTransitionTime").value_or(apimachinery::Timestamp{});
    pod.ready = ready;
  }
  const auto& spec = object_at(o, "spec");
  if (const auto* containers = spec.if_contains("containers");
      containers && containers->is_array()) {
    for (const auto& c : containers->get_array()) {
      if (!c.is_object()) continue;
      ContainerRequests container;
      container.name = string_at(c.get_object(), "name");
      const auto& requests = object_at(object_at(c.get_object(), "resources"), "requests");
      for (const auto& [resource, quantity] : requests) {
        if (auto q = apimachinery::Quantity::from_json(quantity)) {
          container.requests.emplace(std::string(resource), *q);
        }
      }
      pod.containers.push_back(std::move(container));
    }
  }
  return pod;
}

}  // namespace dynop::localcluster::hpa
