#include "sim/kubelet/pod_facts.hpp"

#include "lib/apimachinery/field_reader.hpp"
#include "lib/apimachinery/json_decode.hpp"

namespace dynop::sim {

namespace dom = simdjson::dom;
using apimachinery::field_of;
using apimachinery::whole_number;

namespace {

std::string string_field(dom::object parent, std::string_view key) {
  auto v = field_of(parent, key);
  if (!v || !v->is_string()) return {};
  return std::string(std::string_view(*v));
}

std::optional<dom::object> object_field(dom::object parent, std::string_view key) {
  auto v = field_of(parent, key);
  if (!v || !v->is_object()) return std::nullopt;
  return dom::object(*v);
}

std::map<std::string, std::string> string_map(dom::object parent, std::string_view key) {
  std::map<std::string, std::string> out;
  auto o = object_field(parent, key);
  if (!o) return out;
  for (auto [k, v] : *o) {
    if (v.is_string()) out.emplace(std::string(k), std::string(std::string_view(v)));
  }
  return out;
}

std::vector<ContainerFacts> containers(dom::object spec, std::string_view key) {
  std::vector<ContainerFacts> out;
  auto list = field_of(spec, key);
  if (!list || !list->is_array()) return out;
  for (dom::element c : dom::array(*list)) {
    if (!c.is_object()) continue;
    ContainerFacts facts;
    facts.name = string_field(dom::object(c), "name");
    facts.image = string_field(dom::object(c), "image");
    if (auto ports = field_of(dom::object(c), "ports"); ports && ports->is_array()) {
      for (dom::element p : dom::array(*ports)) {
        if (!p.is_object()) continue;
        auto number = field_of(dom::object(p), "containerPort");
        auto value = number ? whole_number(*number) : std::nullopt;
        if (!value || *value < 1 || *value > 65535) continue;
        ContainerPortFacts port;
        port.name = string_field(dom::object(p), "name");
        port.port = static_cast<std::uint16_t>(*value);
        if (auto proto = string_field(dom::object(p), "protocol"); !proto.empty()) {
          port.protocol = proto;
        }
        facts.ports.push_back(std::move(port));
      }
    }
    out.push_back(std::move(facts));
  }
  return out;
}

PodStatusFacts status_facts(dom::object status) {
  PodStatusFacts s;
  s.phase = string_field(status, "phase");
  s.pod_ip = string_field(status, "podIP");
  s.host_ip = string_field(status, "hostIP");
  s.start_time = string_field(status, "startTime");
  if (auto conds = field_of(status, "conditions"); conds && conds->is_array()) {
    for (dom::element c : dom::array(*conds)) {
      if (!c.is_object()) continue;
      dom::object o(c);
      s.conditions[string_field(o, "type")] =
          ConditionFacts{string_field(o, "status"), string_field(o, "reason"),
                         string_field(o, "lastTransitionTime")};
    }
  }
  if (auto list = field_of(status, "containerStatuses"); list && list->is_array()) {
    for (dom::element c : dom::array(*list)) {
      if (!c.is_object()) continue;
      dom::object o(c);
      ContainerStatusFacts f;
      if (auto state = object_field(o, "state")) {
        for (const char* kind : {"waiting", "running", "terminated"}) {
          if (auto st = object_field(*state, kind)) {
            f.state = kind;
            if (f.state == "running") f.started_at = string_field(*st, "startedAt");
          }
        }
      }
      if (auto v = field_of(o, "ready"); v && v->is_bool()) f.ready = bool(*v);
      if (auto v = field_of(o, "started"); v && v->is_bool()) f.started = bool(*v);
      if (auto v = field_of(o, "restartCount")) f.restart_count = whole_number(*v).value_or(0);
      s.containers[string_field(o, "name")] = std::move(f);
    }
  }
  return s;
}

}  // namespace

std::string PodFacts::label(std::string_view key) const {
  auto it = labels.find(std::string(key));
  return it == labels.end() ? std::string() : it->second;
}

std::string PodFacts::annotation(std::string_view key) const {
  auto it = annotations.find(std::string(key));
  return it == annotations.end() ? std::string() : it->second;
}

apimachinery::Result<PodFacts> read_pod(std::string_view json) {
  thread_local apimachinery::JsonDecoder decoder;
  auto root = decoder.parse_view(json);
  if (!root) return apimachinery::Error{"the pod is not JSON: " + root.error()};
  if (!root->is_object()) return apimachinery::Error{"the pod is not a JSON object"};
  dom::object pod(*root);
  auto meta = object_field(pod, "metadata");
  if (!meta) return apimachinery::Error{"the pod has no metadata"};
  PodFacts f;
  f.ns = string_field(*meta, "namespace");
  f.name = string_field(*meta, "name");
  f.uid = string_field(*meta, "uid");
  f.labels = string_map(*meta, "labels");
  f.annotations = string_map(*meta, "annotations");
  f.deleting = field_of(*meta, "deletionTimestamp").has_value();
  std::optional<std::int64_t> deletion_grace;
  if (auto g = field_of(*meta, "deletionGracePeriodSeconds")) deletion_grace = whole_number(*g);
  if (auto spec = object_field(pod, "spec")) {
    f.node = string_field(*spec, "nodeName");
    f.containers = containers(*spec, "containers");
    f.init_containers = containers(*spec, "initContainers");
    if (auto g = field_of(*spec, "terminationGracePeriodSeconds")) {
      f.grace_period_seconds = whole_number(*g).value_or(30);
    }
  }
  if (deletion_grace) f.grace_period_seconds = *deletion_grace;
  if (auto status = object_field(pod, "status")) f.status = status_facts(*status);
  return f;
}

}  // namespace dynop::sim
