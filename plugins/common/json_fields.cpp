#include "plugins/common/json_fields.hpp"

namespace dynop::plugins::common {

namespace json = boost::json;

std::string string_at(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

const json::object* object_at(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_object() ? &v->get_object() : nullptr;
}

const json::object* controller_reference(const json::object& object) {
  const json::object* meta = object_at(object, "metadata");
  if (meta == nullptr) return nullptr;
  const json::value* refs = meta->if_contains("ownerReferences");
  if (refs == nullptr || !refs->is_array()) return nullptr;
  for (const json::value& r : refs->get_array()) {
    if (!r.is_object()) continue;
    const json::value* c = r.get_object().if_contains("controller");
    if (c != nullptr && c->is_bool() && c->get_bool()) return &r.get_object();
  }
  return nullptr;
}

std::string controller_uid(const json::object& object) {
  const json::object* ref = controller_reference(object);
  return ref != nullptr ? string_at(*ref, "uid") : std::string();
}

std::string name_of(const json::object& object) {
  const json::object* meta = object_at(object, "metadata");
  return meta != nullptr ? string_at(*meta, "name") : std::string();
}

std::string uid_of(const json::object& object) {
  const json::object* meta = object_at(object, "metadata");
  return meta != nullptr ? string_at(*meta, "uid") : std::string();
}

std::string label_of(const json::object& object, std::string_view key) {
  const json::object* meta = object_at(object, "metadata");
  const json::object* labels = meta != nullptr ? object_at(*meta, "labels") : nullptr;
  return labels != nullptr ? string_at(*labels, key) : std::string();
}

}  // namespace dynop::plugins::common
