#include "plugins/common/dgdsa_view.hpp"

#include "lib/apimachinery/field_reader.hpp"
#include "lib/apimachinery/json_decode.hpp"

namespace dynop::plugins::common {
namespace {

namespace dom = simdjson::dom;
using apimachinery::field_of;
using apimachinery::FieldErrorType;

// The ownerReference with controller: true, as kind and name.
void read_controller(dom::object meta, AdapterView& view) {
  auto refs = field_of(meta, "ownerReferences");
  if (!refs || !refs->is_array()) return;
  for (dom::element ref : dom::array(*refs)) {
    bool controller = false;
    if (!ref.is_object() || ref["controller"].get(controller) != simdjson::SUCCESS || !controller) {
      continue;
    }
    std::string_view kind;
    std::string_view name;
    if (ref["kind"].get(kind) == simdjson::SUCCESS) view.controller_kind = std::string(kind);
    if (ref["name"].get(name) == simdjson::SUCCESS) view.controller_name = std::string(name);
    return;
  }
}

}  // namespace

AdapterParseResult parse_adapter(dom::element adapter) {
  AdapterParseResult result;
  apimachinery::FieldReader read(result.errors);
  AdapterView& view = result.view;
  if (!adapter.is_object()) {
    read.type_error("", adapter, "an object");
    return result;
  }
  dom::object root(adapter);
  if (auto meta = read.object(root, "metadata", "")) {
    view.name = read.string(*meta, "name", "metadata");
    view.k8s_namespace = read.string(*meta, "namespace", "metadata");
    view.uid = read.string(*meta, "uid", "metadata");
    view.deleting = field_of(*meta, "deletionTimestamp").has_value();
    read_controller(*meta, view);
  }
  if (auto status = field_of(root, "status"); status && status->is_object()) {
    view.status = std::move(apimachinery::to_boost_json(*status).as_object());
  }
  auto spec = read.object(root, "spec", "");
  if (!spec) {
    read.add(FieldErrorType::kRequired, "spec", "", "");
    return result;
  }
  if (!field_of(*spec, "replicas")) {
    read.add(FieldErrorType::kRequired, "spec.replicas", "", "");
  } else if (auto replicas = read.int32(*spec, "replicas", "spec", 0)) {
    view.replicas = *replicas;
  }
  // Each name is reported once: a wrong type, or else missing (absent or empty).
  const bool ref_present = field_of(*spec, "dgdRef").has_value();
  auto ref = read.object(*spec, "dgdRef", "spec");
  if (ref_present && !ref) return result;
  for (auto [key, out] : {std::pair<std::string_view, std::string*>{"name", &view.dgd_name},
                          {"serviceName", &view.service}}) {
    const std::size_t errors_before = result.errors.size();
    if (ref) *out = read.string(*ref, key, "spec.dgdRef");
    if (out->empty() && result.errors.size() == errors_before) {
      read.add(FieldErrorType::kRequired, apimachinery::join_field_path("spec.dgdRef", key), "",
               "");
    }
  }
  return result;
}

apimachinery::Result<AdapterParseResult> parse_adapter_json(std::string_view adapter_json) {
  // Private to this function: the view copies out what it keeps.
  thread_local apimachinery::JsonDecoder decoder;
  auto root = decoder.parse_view(adapter_json);
  if (!root) return apimachinery::Error{root.error()};
  return parse_adapter(*root);
}

}  // namespace dynop::plugins::common
