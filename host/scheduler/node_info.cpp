#include "host/scheduler/node_info.hpp"

#include <algorithm>

#include "host/scheduler/dom_fields.hpp"
#include "lib/apimachinery/json_decode.hpp"

namespace dynop::host::scheduler {

namespace dom = simdjson::dom;

apimachinery::Result<NodeInfo> decode_node(std::string_view json) {
  thread_local apimachinery::JsonDecoder decoder;
  auto parsed = decoder.parse_view(json);
  if (!parsed) return apimachinery::Error{parsed.error()};
  dom::object node;
  if (parsed->get(node) != simdjson::SUCCESS)
    return apimachinery::Error{"a node must be an object"};
  NodeInfo out;
  dom::object metadata;
  if (node["metadata"].get(metadata) != simdjson::SUCCESS)
    return apimachinery::Error{"a node without metadata"};
  out.name = string_at(metadata, "name");
  out.labels = string_map(object_at(metadata, "labels"));

  dom::object spec;
  if (node["spec"].get(spec) == simdjson::SUCCESS) {
    bool unschedulable = false;
    if (spec["unschedulable"].get(unschedulable) == simdjson::SUCCESS)
      out.unschedulable = unschedulable;
    dom::array taints;
    if (spec["taints"].get(taints) == simdjson::SUCCESS)
      for (dom::element t : taints) {
        dom::object taint;
        if (t.get(taint) != simdjson::SUCCESS) continue;
        out.taints.push_back(
            TaintInfo{string_at(taint, "key"), string_at(taint, "value"),
                      taint_effect(string_at(taint, "effect"), DYNOP_TAINT_NO_SCHEDULE)});
      }
  }
  dom::object status;
  if (node["status"].get(status) == simdjson::SUCCESS) {
    dom::object allocatable;
    if (status["allocatable"].get(allocatable) == simdjson::SUCCESS)
      for (auto field : allocatable) {
        std::string_view text;
        if (field.value.get(text) != simdjson::SUCCESS) continue;
        if (auto amount = scheduler_amount(field.key, text))
          out.allocatable.emplace_back(std::string(field.key), *amount);
      }
    std::sort(out.allocatable.begin(), out.allocatable.end());
    dom::array conditions;
    if (status["conditions"].get(conditions) == simdjson::SUCCESS)
      for (dom::element c : conditions) {
        dom::object condition;
        if (c.get(condition) != simdjson::SUCCESS) continue;
        if (string_at(condition, "type") == "Ready")
          out.ready = string_at(condition, "status") == "True";
      }
  }
  return out;
}

}  // namespace dynop::host::scheduler
