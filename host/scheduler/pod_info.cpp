#include "host/scheduler/pod_info.hpp"

#include <algorithm>
#include <map>

#include "host/scheduler/dom_fields.hpp"
#include "lib/apimachinery/json_decode.hpp"
#include "lib/apimachinery/quantity.hpp"
#include "lib/apimachinery/time.hpp"

namespace dynop::host::scheduler {
namespace {

namespace dom = simdjson::dom;

int32_t selector_op(std::string_view op) {
  if (op == "NotIn") return DYNOP_SELECTOR_NOT_IN;
  if (op == "Exists") return DYNOP_SELECTOR_EXISTS;
  if (op == "DoesNotExist") return DYNOP_SELECTOR_DOES_NOT_EXIST;
  if (op == "Gt") return DYNOP_SELECTOR_GT;
  if (op == "Lt") return DYNOP_SELECTOR_LT;
  if (op == "In") return DYNOP_SELECTOR_IN;
  return -1;  // unknown: the plugin's requirement check refuses it
}

std::vector<SelectorRequirement> requirements(std::optional<dom::array> list) {
  std::vector<SelectorRequirement> out;
  if (!list) return out;
  for (dom::element e : *list) {
    dom::object r;
    if (e.get(r) != simdjson::SUCCESS) continue;
    SelectorRequirement req;
    req.key = string_at(r, "key");
    req.op = selector_op(string_at(r, "operator"));
    if (auto values = array_at(r, "values"))
      for (dom::element v : *values) {
        std::string_view s;
        if (v.get(s) == simdjson::SUCCESS) req.values.emplace_back(s);
      }
    out.push_back(std::move(req));
  }
  return out;
}

// A quantity written as a JSON string or a bare number.
std::optional<int64_t> amount_of(std::string_view resource, dom::element value) {
  std::string_view text;
  std::string number;
  if (value.get(text) != simdjson::SUCCESS) {
    if (!value.is_number()) return std::nullopt;
    number = simdjson::to_string(value);
    text = number;
  }
  auto amount = scheduler_amount(resource, text);
  if (!amount) return std::nullopt;
  return *amount;
}

// The requests of one container, added to `out`: its requests, with limits
// standing in for requests it does not set (what API server defaulting does).
void container_requests(dom::object container, std::map<std::string, int64_t>& out) {
  auto resources = object_at(container, "resources");
  if (!resources) return;
  std::map<std::string, int64_t> own;
  for (std::string_view list : {"requests", "limits"}) {
    auto amounts = object_at(*resources, list);
    if (!amounts) continue;
    for (auto field : *amounts) {
      std::string name(field.key);
      if (own.contains(name)) continue;  // a request wins over a limit
      if (auto amount = amount_of(name, field.value)) own[name] = *amount;
    }
  }
  for (const auto& [name, amount] : own) out[name] += amount;
}

}  // namespace

std::optional<std::string_view> PodInfo::label(std::string_view key) const {
  auto it = std::lower_bound(labels.begin(), labels.end(), key,
                             [](const auto& p, std::string_view k) { return p.first < k; });
  if (it == labels.end() || it->first != key) return std::nullopt;
  return std::string_view(it->second);
}

std::optional<std::string_view> PodInfo::annotation(std::string_view key) const {
  auto it = std::lower_bound(annotations.begin(), annotations.end(), key,
                             [](const auto& p, std::string_view k) { return p.first < k; });
  if (it == annotations.end() || it->first != key) return std::nullopt;
  return std::string_view(it->second);
}

apimachinery::Result<int64_t> scheduler_amount(std::string_view resource,
                                               std::string_view quantity) {
  auto q = apimachinery::Quantity::parse(quantity);
  if (!q) return apimachinery::Error{std::string(resource) + ": " + q.error()};
  return resource == "cpu" ? q->milli_value() : q->value();
}

apimachinery::Result<PodInfo> decode_pod(std::string_view json) {
  thread_local apimachinery::JsonDecoder decoder;
  auto parsed = decoder.parse_view(json);
  if (!parsed) return apimachinery::Error{parsed.error()};
  dom::object pod;
  if (parsed->get(pod) != simdjson::SUCCESS) return apimachinery::Error{"a pod must be an object"};
  PodInfo out;
  auto metadata = object_at(pod, "metadata");
  if (!metadata) return apimachinery::Error{"a pod without metadata"};
  out.ns = string_at(*metadata, "namespace");
  out.name = string_at(*metadata, "name");
  out.uid = string_at(*metadata, "uid");
  out.resource_version = string_at(*metadata, "resourceVersion");
  dom::element deletion;
  out.deleting =
      (*metadata)["deletionTimestamp"].get(deletion) == simdjson::SUCCESS && !deletion.is_null();
  if (auto created = apimachinery::parse_time(string_at(*metadata, "creationTimestamp")))
    out.created_us = created->time_since_epoch().count();
  out.labels = string_map(object_at(*metadata, "labels"));
  out.annotations = string_map(object_at(*metadata, "annotations"));

  if (auto spec = object_at(pod, "spec")) {
    out.scheduler_name = string_at(*spec, "schedulerName");
    out.node_name = string_at(*spec, "nodeName");
    int64_t priority = 0;
    if ((*spec)["priority"].get(priority) == simdjson::SUCCESS)
      out.priority = static_cast<int32_t>(std::clamp<int64_t>(priority, INT32_MIN, INT32_MAX));
    out.node_selector = string_map(object_at(*spec, "nodeSelector"));
    if (auto affinity = object_at(*spec, "affinity"))
      if (auto node = object_at(*affinity, "nodeAffinity"))
        if (auto required = object_at(*node, "requiredDuringSchedulingIgnoredDuringExecution"))
          if (auto terms = array_at(*required, "nodeSelectorTerms"))
            for (dom::element t : *terms) {
              dom::object term;
              if (t.get(term) != simdjson::SUCCESS) continue;
              out.required_node_affinity.push_back(
                  NodeSelectorTerm{requirements(array_at(term, "matchExpressions")),
                                   requirements(array_at(term, "matchFields"))});
            }
    if (auto tolerations = array_at(*spec, "tolerations"))
      for (dom::element t : *tolerations) {
        dom::object tol;
        if (t.get(tol) != simdjson::SUCCESS) continue;
        TolerationInfo info;
        info.key = string_at(tol, "key");
        info.op = string_at(tol, "operator") == "Exists" ? DYNOP_TOLERATION_EXISTS
                                                         : DYNOP_TOLERATION_EQUAL;
        info.value = string_at(tol, "value");
        info.effect = taint_effect(string_at(tol, "effect"), DYNOP_TAINT_EFFECT_ALL);
        out.tolerations.push_back(std::move(info));
      }
    // kube-scheduler's computePodResourceRequest: max(sum of containers,
    // each init container) per resource, plus spec.overhead.
    std::map<std::string, int64_t> sum;
    if (auto containers = array_at(*spec, "containers"))
      for (dom::element c : *containers) {
        dom::object container;
        if (c.get(container) == simdjson::SUCCESS) container_requests(container, sum);
      }
    if (auto inits = array_at(*spec, "initContainers"))
      for (dom::element c : *inits) {
        dom::object container;
        if (c.get(container) != simdjson::SUCCESS) continue;
        std::map<std::string, int64_t> one;
        container_requests(container, one);
        for (const auto& [name, amount] : one) sum[name] = std::max(sum[name], amount);
      }
    if (auto overhead = object_at(*spec, "overhead"))
      for (auto field : *overhead)
        if (auto amount = amount_of(field.key, field.value)) sum[std::string(field.key)] += *amount;
    for (const auto& [name, amount] : sum)
      if (amount != 0) out.requests.emplace_back(name, amount);
  }
  if (out.scheduler_name.empty()) out.scheduler_name = "default-scheduler";

  if (auto status = object_at(pod, "status")) {
    const std::string phase = string_at(*status, "phase");
    out.terminal = phase == "Succeeded" || phase == "Failed";
    if (auto conditions = array_at(*status, "conditions"))
      for (dom::element c : *conditions) {
        dom::object condition;
        if (c.get(condition) != simdjson::SUCCESS) continue;
        if (string_at(condition, "type") != "PodScheduled") continue;
        out.scheduled_status = string_at(condition, "status");
        out.scheduled_reason = string_at(condition, "reason");
        out.scheduled_message = string_at(condition, "message");
      }
  }
  return out;
}

}  // namespace dynop::host::scheduler
