#include "localcluster/storage/object_attrs.hpp"

#include <algorithm>

#include "localcluster/registry/selectable_fields.hpp"

namespace dynop::localcluster::storage {

namespace {

std::string scalar_text(const boost::json::value& v) {
  if (v.is_string()) return std::string(v.get_string());
  if (v.is_bool()) return v.get_bool() ? "true" : "false";
  if (v.is_int64()) return std::to_string(v.get_int64());
  if (v.is_uint64()) return std::to_string(v.get_uint64());
  return {};
}

const boost::json::value* find_path(const boost::json::object& object, std::string_view path) {
  const boost::json::object* cur = &object;
  while (true) {
    auto dot = path.find('.');
    auto part = path.substr(0, dot);
    const auto* v = cur->if_contains(part);
    if (!v) return nullptr;
    if (dot == std::string_view::npos) return v;
    if (!v->is_object()) return nullptr;
    cur = &v->get_object();
    path = path.substr(dot + 1);
  }
}

}  // namespace

const std::string* ObjectAttrs::label(std::string_view key) const {
  auto it = std::lower_bound(labels.begin(), labels.end(), key,
                             [](const auto& kv, std::string_view k) { return kv.first < k; });
  return it != labels.end() && it->first == key ? &it->second : nullptr;
}

const std::string* ObjectAttrs::field(std::string_view key) const {
  for (const auto& [k, v] : fields) {
    if (k == key) return &v;
  }
  return nullptr;
}

const char* to_string(WatchEventType type) {
  switch (type) {
    case WatchEventType::kAdded:
      return "ADDED";
    case WatchEventType::kModified:
      return "MODIFIED";
    case WatchEventType::kDeleted:
      return "DELETED";
  }
  return "ERROR";
}

ObjectAttrs extract_attrs(std::string_view resource, const boost::json::object& object) {
  ObjectAttrs attrs;
  if (const auto* meta = object.if_contains("metadata"); meta && meta->is_object()) {
    const auto& m = meta->get_object();
    if (const auto* v = m.if_contains("namespace"); v && v->is_string()) {
      attrs.namespace_name = v->get_string();
    }
    if (const auto* v = m.if_contains("name"); v && v->is_string()) attrs.name = v->get_string();
    if (const auto* v = m.if_contains("uid"); v && v->is_string()) attrs.uid = v->get_string();
    if (const auto* v = m.if_contains("labels"); v && v->is_object()) {
      for (const auto& kv : v->get_object()) {
        attrs.labels.emplace_back(std::string(kv.key()), scalar_text(kv.value()));
      }
      std::sort(attrs.labels.begin(), attrs.labels.end());
    }
    if (const auto* v = m.if_contains("ownerReferences"); v && v->is_array()) {
      for (const auto& ref : v->get_array()) {
        if (!ref.is_object()) continue;
        if (const auto* uid = ref.get_object().if_contains("uid"); uid && uid->is_string()) {
          attrs.owner_uids.emplace_back(uid->get_string());
        }
      }
    }
    if (const auto* v = m.if_contains("finalizers"); v && v->is_array()) {
      attrs.has_finalizers = !v->get_array().empty();
    }
    attrs.deleting = m.contains("deletionTimestamp");
  }
  for (const auto& path : selectable_fields(resource)) {
    std::string value;
    if (path == "metadata.name") {
      value = attrs.name;
    } else if (path == "metadata.namespace") {
      value = attrs.namespace_name;
    } else if (path == "source") {
      if (const auto* v = find_path(object, "source.component")) value = scalar_text(*v);
    } else if (const auto* v = find_path(object, path)) {
      value = scalar_text(*v);
    } else if (path == "spec.hostNetwork" || path == "spec.unschedulable") {
      value = "false";
    }
    attrs.fields.emplace_back(path, std::move(value));
  }
  return attrs;
}

}  // namespace dynop::localcluster::storage
