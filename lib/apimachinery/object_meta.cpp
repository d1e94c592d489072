#include "lib/apimachinery/object_meta.hpp"

#include <boost/json/value.hpp>

namespace dynop::apimachinery {
namespace json = boost::json;

namespace {

std::string_view str_of(const json::object* o, std::string_view key) {
  if (!o) return {};
  auto* v = o->if_contains(key);
  return v && v->is_string() ? std::string_view(v->get_string()) : std::string_view();
}

const json::object* obj_of(const json::object* o, std::string_view key) {
  if (!o) return nullptr;
  auto* v = o->if_contains(key);
  return v && v->is_object() ? &v->get_object() : nullptr;
}

json::object& ensure_object(json::object& parent, std::string_view key) {
  json::value& v = parent[key];
  if (!v.is_object()) v = json::object();
  return v.get_object();
}

json::array& ensure_array(json::object& parent, std::string_view key) {
  json::value& v = parent[key];
  if (!v.is_array()) v = json::array();
  return v.get_array();
}

}  // namespace

std::string GroupVersion::to_string() const {
  if (group.empty()) return version;
  return group + "/" + version;
}

Result<GroupVersion> parse_group_version(std::string_view gv) {
  if (gv.empty() || gv == "/") return GroupVersion{};
  size_t slash = gv.find('/');
  if (slash == std::string_view::npos) return GroupVersion{"", std::string(gv)};
  if (gv.find('/', slash + 1) != std::string_view::npos) {
    return Error{"unexpected GroupVersion string: " + std::string(gv)};
  }
  return GroupVersion{std::string(gv.substr(0, slash)), std::string(gv.substr(slash + 1))};
}

Result<GroupVersionKind> group_version_kind(const json::object& obj) {
  auto gv = parse_group_version(str_of(&obj, "apiVersion"));
  if (!gv) return Error{gv.error()};
  return GroupVersionKind{gv->group, gv->version, std::string(str_of(&obj, "kind"))};
}

const json::object* metadata(const json::object& obj) { return obj_of(&obj, "metadata"); }
std::string_view name(const json::object& obj) { return str_of(metadata(obj), "name"); }
std::string_view namespace_of(const json::object& obj) {
  return str_of(metadata(obj), "namespace");
}
std::string_view generate_name(const json::object& obj) {
  return str_of(metadata(obj), "generateName");
}
std::string_view uid(const json::object& obj) { return str_of(metadata(obj), "uid"); }
std::string_view resource_version(const json::object& obj) {
  return str_of(metadata(obj), "resourceVersion");
}
std::optional<int64_t> generation(const json::object& obj) {
  const json::object* m = metadata(obj);
  if (!m) return std::nullopt;
  auto* v = m->if_contains("generation");
  if (!v) return std::nullopt;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64()) return static_cast<int64_t>(v->get_uint64());
  return std::nullopt;
}
std::string_view creation_timestamp(const json::object& obj) {
  return str_of(metadata(obj), "creationTimestamp");
}
std::optional<std::string_view> deletion_timestamp(const json::object& obj) {
  auto v = str_of(metadata(obj), "deletionTimestamp");
  if (v.empty()) return std::nullopt;
  return v;
}
const json::object* labels(const json::object& obj) { return obj_of(metadata(obj), "labels"); }
const json::object* annotations(const json::object& obj) {
  return obj_of(metadata(obj), "annotations");
}
std::optional<std::string_view> label(const json::object& obj, std::string_view key) {
  const json::object* l = labels(obj);
  if (!l) return std::nullopt;
  auto* v = l->if_contains(key);
  if (!v || !v->is_string()) return std::nullopt;
  return std::string_view(v->get_string());
}
std::optional<std::string_view> annotation(const json::object& obj, std::string_view key) {
  const json::object* a = annotations(obj);
  if (!a) return std::nullopt;
  auto* v = a->if_contains(key);
  if (!v || !v->is_string()) return std::nullopt;
  return std::string_view(v->get_string());
}
std::vector<std::string_view> finalizers(const json::object& obj) {
  std::vector<std::string_view> out;
  const json::object* m = metadata(obj);
  if (!m) return out;
  auto* v = m->if_contains("finalizers");
  if (!v || !v->is_array()) return out;
  for (const auto& f : v->get_array()) {
    if (f.is_string()) out.emplace_back(f.get_string());
  }
  return out;
}
bool has_finalizer(const json::object& obj, std::string_view finalizer) {
  for (auto f : finalizers(obj)) {
    if (f == finalizer) return true;
  }
  return false;
}
const json::array* owner_references(const json::object& obj) {
  const json::object* m = metadata(obj);
  if (!m) return nullptr;
  auto* v = m->if_contains("ownerReferences");
  return v && v->is_array() ? &v->get_array() : nullptr;
}
const json::object* controller_of(const json::object& obj) {
  const json::array* refs = owner_references(obj);
  if (!refs) return nullptr;
  for (const auto& r : *refs) {
    if (!r.is_object()) continue;
    auto* c = r.get_object().if_contains("controller");
    if (c && c->is_bool() && c->get_bool()) return &r.get_object();
  }
  return nullptr;
}
bool is_owned_by(const json::object& obj, std::string_view owner_uid) {
  const json::array* refs = owner_references(obj);
  if (!refs) return false;
  for (const auto& r : *refs) {
    if (r.is_object() && str_of(&r.get_object(), "uid") == owner_uid) return true;
  }
  return false;
}
std::string object_key(const json::object& obj) {
  std::string_view ns = namespace_of(obj);
  if (ns.empty()) return std::string(name(obj));
  std::string out(ns);
  out += '/';
  out += name(obj);
  return out;
}

json::object& ensure_metadata(json::object& obj) { return ensure_object(obj, "metadata"); }
void set_name(json::object& obj, std::string_view v) { ensure_metadata(obj)["name"] = v; }
void set_namespace(json::object& obj, std::string_view v) { ensure_metadata(obj)["namespace"] = v; }
void set_uid(json::object& obj, std::string_view v) { ensure_metadata(obj)["uid"] = v; }
void set_resource_version(json::object& obj, std::string_view v) {
  ensure_metadata(obj)["resourceVersion"] = v;
}
void set_generation(json::object& obj, int64_t v) { ensure_metadata(obj)["generation"] = v; }
void set_label(json::object& obj, std::string_view key, std::string_view value) {
  ensure_object(ensure_metadata(obj), "labels")[key] = value;
}
bool remove_label(json::object& obj, std::string_view key) {
  json::object& m = ensure_metadata(obj);
  auto* l = m.if_contains("labels");
  return l && l->is_object() && l->get_object().erase(key) > 0;
}
void set_annotation(json::object& obj, std::string_view key, std::string_view value) {
  ensure_object(ensure_metadata(obj), "annotations")[key] = value;
}
bool remove_annotation(json::object& obj, std::string_view key) {
  json::object& m = ensure_metadata(obj);
  auto* a = m.if_contains("annotations");
  return a && a->is_object() && a->get_object().erase(key) > 0;
}
bool add_finalizer(json::object& obj, std::string_view finalizer) {
  if (has_finalizer(obj, finalizer)) return false;
  ensure_array(ensure_metadata(obj), "finalizers").emplace_back(finalizer);
  return true;
}
bool remove_finalizer(json::object& obj, std::string_view finalizer) {
  json::object& m = ensure_metadata(obj);
  auto* v = m.if_contains("finalizers");
  if (!v || !v->is_array()) return false;
  auto& arr = v->get_array();
  bool removed = false;
  for (auto it = arr.begin(); it != arr.end();) {
    if (it->is_string() && it->get_string() == finalizer) {
      it = arr.erase(it);
      removed = true;
    } else {
      ++it;
    }
  }
  if (arr.empty()) m.erase("finalizers");
  return removed;
}
json::object owner_reference_to(const json::object& owner, bool controller) {
  json::object ref;
  ref["apiVersion"] = str_of(&owner, "apiVersion");
  ref["kind"] = str_of(&owner, "kind");
  ref["name"] = name(owner);
  ref["uid"] = uid(owner);
  if (controller) {
    ref["controller"] = true;
    ref["blockOwnerDeletion"] = true;
  }
  return ref;
}
void set_owner_reference(json::object& obj, json::object reference) {
  json::array& refs = ensure_array(ensure_metadata(obj), "ownerReferences");
  std::string_view ref_uid = str_of(&reference, "uid");
  for (auto& r : refs) {
    if (r.is_object() && str_of(&r.get_object(), "uid") == ref_uid) {
      r = std::move(reference);
      return;
    }
  }
  refs.emplace_back(std::move(reference));
}
void strip_managed_fields(json::object& obj) {
  auto* m = obj.if_contains("metadata");
  if (m && m->is_object()) m->get_object().erase("managedFields");
}

}  // namespace dynop::apimachinery
