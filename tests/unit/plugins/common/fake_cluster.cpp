#include "tests/unit/plugins/common/fake_cluster.hpp"

#include <fmt/format.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <set>

#include "lib/apimachinery/json_merge_patch.hpp"
#include "lib/apimachinery/label_selector.hpp"

namespace dynop::plugins::testing {
namespace {

namespace json = boost::json;

FakeCluster* g_cluster = nullptr;

std::string str(dynop_str s) { return std::string(sdk::to_string_view(s)); }

json::object& meta_of(json::object& o) {
  json::value& m = o["metadata"];
  if (!m.is_object()) m = json::object();
  return m.get_object();
}

std::string string_at(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

}  // namespace

FakeCluster::FakeCluster() : host_(fake_.raw()) {
  g_cluster = this;
  dynop_host& t = fake_.table();
  t.get_object = [](dynop_host_context*, const dynop_object_ref* r, dynop_str* out) {
    return g_cluster->dispatch_get(r, out);
  };
  t.list_objects = [](dynop_host_context*, const dynop_object_ref* r, dynop_str sel,
                      dynop_str* out) { return g_cluster->dispatch_list(r, sel, out); };
  t.create_object = [](dynop_host_context*, const dynop_object_ref* r, dynop_str body,
                       dynop_str* out) { return g_cluster->dispatch_create(r, body, out); };
  t.update_object = [](dynop_host_context*, const dynop_object_ref* r, dynop_str body,
                       dynop_str* out) { return g_cluster->dispatch_update(r, body, out, false); };
  t.update_status = [](dynop_host_context*, const dynop_object_ref* r, dynop_str body,
                       dynop_str* out) { return g_cluster->dispatch_update(r, body, out, true); };
  t.patch_object = [](dynop_host_context*, const dynop_object_ref* r, int32_t type, dynop_str body,
                      dynop_str* out) { return g_cluster->dispatch_patch(r, type, body, out); };
  t.delete_object = [](dynop_host_context*, const dynop_object_ref* r) {
    return g_cluster->dispatch_delete(r);
  };
  t.record_event = [](dynop_host_context*, const dynop_object_ref* r, int32_t type,
                      dynop_str reason, dynop_str message) {
    return g_cluster->dispatch_event(r, type, reason, message);
  };
}

FakeCluster::~FakeCluster() { g_cluster = nullptr; }

boost::json::object FakeCluster::put(boost::json::object object) {
  json::object& meta = meta_of(object);
  static const std::set<std::string> cluster_scoped = {"Namespace", "Node", "PersistentVolume",
                                                       "ClusterRole", "ClusterRoleBinding"};
  if (!meta.contains("namespace") && cluster_scoped.count(string_at(object, "kind")) == 0) {
    meta["namespace"] = "default";
  }
  if (!meta.contains("uid")) meta["uid"] = fmt::format("uid-{}", ++uid_);
  if (!meta.contains("creationTimestamp")) {
    int n = created_++;
    meta["creationTimestamp"] =
        fmt::format("2026-01-01T{:02}:{:02}:{:02}Z", n / 3600 % 24, n / 60 % 60, n % 60);
  }
  if (!meta.contains("generation")) meta["generation"] = 1;
  meta["resourceVersion"] = next_rv();
  Key key{string_at(object, "kind"), string_at(meta, "namespace"), string_at(meta, "name")};
  objects_[key] = object;
  return object;
}

std::optional<boost::json::object> FakeCluster::find(std::string_view kind, std::string_view ns,
                                                     std::string_view name) const {
  auto it = objects_.find(Key{std::string(kind), std::string(ns), std::string(name)});
  if (it == objects_.end()) return std::nullopt;
  return it->second;
}

std::vector<boost::json::object> FakeCluster::all(std::string_view kind) const {
  std::vector<json::object> out;
  for (const auto& [key, o] : objects_) {
    if (std::get<0>(key) == kind) out.push_back(o);
  }
  return out;
}

void FakeCluster::erase(std::string_view kind, std::string_view ns, std::string_view name) {
  objects_.erase(Key{std::string(kind), std::string(ns), std::string(name)});
}

void FakeCluster::collect_garbage() {
  bool removed = true;
  while (removed) {
    removed = false;
    std::set<std::string> uids;
    for (const auto& [key, o] : objects_) {
      uids.insert(string_at(o.at("metadata").as_object(), "uid"));
    }
    for (auto it = objects_.begin(); it != objects_.end();) {
      json::value* refs = it->second["metadata"].as_object().if_contains("ownerReferences");
      // As kube-controller-manager: an object goes when all its owners are
      // gone; while one is left, only the entries of the gone ones are dropped.
      bool orphan = false;
      if (refs != nullptr && refs->is_array() && !refs->get_array().empty()) {
        json::array& list = refs->get_array();
        json::array alive;
        for (const json::value& r : list) {
          if (uids.count(string_at(r.as_object(), "uid")) != 0) alive.push_back(r);
        }
        orphan = alive.empty();
        if (!orphan) list = std::move(alive);
      }
      if (orphan) {
        it = objects_.erase(it);
        removed = true;
      } else {
        ++it;
      }
    }
  }
}

void FakeCluster::fail_next(std::string operation, int32_t code, std::string message) {
  failures_[std::move(operation)] = {code, std::move(message)};
}

dynop_status FakeCluster::fail(int32_t code, std::string message) {
  message_ = std::move(message);
  return dynop_status{code, sdk::to_c(message_)};
}

dynop_status FakeCluster::injected(const char* operation) {
  auto it = failures_.find(operation);
  if (it == failures_.end()) return dynop_status{DYNOP_OK, {nullptr, 0}};
  auto [code, message] = it->second;
  failures_.erase(it);
  return fail(code, message);
}

dynop_status FakeCluster::ok_with(const boost::json::object& object, dynop_str* out) {
  out_ = json::serialize(object);
  *out = sdk::to_c(out_);
  return dynop_status{DYNOP_OK, {nullptr, 0}};
}

dynop_status FakeCluster::dispatch_get(const dynop_object_ref* ref, dynop_str* out) {
  if (auto s = injected("get"); s.code != DYNOP_OK) return s;
  auto o = find(str(ref->gvk.kind), str(ref->ns), str(ref->name));
  if (!o) return fail(DYNOP_NOT_FOUND, fmt::format("\"{}\" not found", str(ref->name)));
  return ok_with(*o, out);
}

dynop_status FakeCluster::dispatch_list(const dynop_object_ref* ref, dynop_str selector,
                                        dynop_str* out) {
  if (auto s = injected("list"); s.code != DYNOP_OK) return s;
  auto sel = apimachinery::LabelSelector::parse(sdk::to_string_view(selector));
  if (!sel.ok()) return fail(DYNOP_INVALID_ARGUMENT, sel.error());
  json::array items;
  for (const auto& [key, o] : objects_) {
    if (std::get<0>(key) != str(ref->gvk.kind)) continue;
    if (ref->ns.size != 0 && std::get<1>(key) != str(ref->ns)) continue;
    const json::value* labels = o.at("metadata").as_object().if_contains("labels");
    if (!sel->matches(labels != nullptr && labels->is_object() ? &labels->get_object() : nullptr)) {
      continue;
    }
    items.push_back(o);
  }
  out_ = json::serialize(items);
  *out = sdk::to_c(out_);
  return dynop_status{DYNOP_OK, {nullptr, 0}};
}

dynop_status FakeCluster::dispatch_create(const dynop_object_ref* ref, dynop_str body,
                                          dynop_str* out) {
  if (auto s = injected("create"); s.code != DYNOP_OK) return s;
  json::object o = json::parse(sdk::to_string_view(body)).as_object();
  std::string name = string_at(meta_of(o), "name");
  if (find(str(ref->gvk.kind), str(ref->ns), name)) {
    return fail(DYNOP_CONFLICT, fmt::format("\"{}\" already exists", name));
  }
  ++writes_;
  meta_of(o)["namespace"] = str(ref->ns);
  return ok_with(put(std::move(o)), out);
}

dynop_status FakeCluster::dispatch_update(const dynop_object_ref* ref, dynop_str body,
                                          dynop_str* out, bool status_only) {
  if (auto s = injected(status_only ? "update_status" : "update"); s.code != DYNOP_OK) return s;
  auto current = find(str(ref->gvk.kind), str(ref->ns), str(ref->name));
  if (!current) return fail(DYNOP_NOT_FOUND, "not found");
  json::object o = json::parse(sdk::to_string_view(body)).as_object();
  if (string_at(meta_of(o), "resourceVersion") != string_at(meta_of(*current), "resourceVersion")) {
    return fail(DYNOP_CONFLICT,
                "the object has been modified; please apply your changes to the latest version "
                "and try again");
  }
  ++writes_;
  // As the API server: status writes change only status; other updates
  // replace the object but its status and the server's own metadata.
  json::object next = *current;
  if (status_only) {
    next["status"] = o.contains("status") ? o["status"] : json::value(json::object());
  } else {
    next = o;
    if (const json::value* status = current->if_contains("status")) next["status"] = *status;
    for (const char* field : {"uid", "creationTimestamp", "namespace", "name"}) {
      if (const json::value* v = meta_of(*current).if_contains(field)) meta_of(next)[field] = *v;
    }
  }
  meta_of(next)["resourceVersion"] = next_rv();
  objects_[Key{str(ref->gvk.kind), str(ref->ns), str(ref->name)}] = next;
  return ok_with(next, out);
}

dynop_status FakeCluster::dispatch_patch(const dynop_object_ref* ref, int32_t type, dynop_str body,
                                         dynop_str* out) {
  if (auto s = injected("patch"); s.code != DYNOP_OK) return s;
  if (type != DYNOP_PATCH_MERGE) return fail(DYNOP_NOT_IMPLEMENTED, "only merge patches");
  auto current = find(str(ref->gvk.kind), str(ref->ns), str(ref->name));
  if (!current) return fail(DYNOP_NOT_FOUND, fmt::format("\"{}\" not found", str(ref->name)));
  json::value patch = json::parse(sdk::to_string_view(body));
  const json::value* pm = patch.as_object().if_contains("metadata");
  if (pm != nullptr && pm->as_object().contains("resourceVersion") &&
      string_at(pm->as_object(), "resourceVersion") !=
          string_at(meta_of(*current), "resourceVersion")) {
    return fail(DYNOP_CONFLICT,
                "the object has been modified; please apply your changes to the latest version "
                "and try again");
  }
  ++writes_;
  json::value next = apimachinery::merge_patch(json::value(*current), patch);
  json::object& meta = meta_of(next.as_object());
  meta["resourceVersion"] = next_rv();
  if (json::serialize(next.as_object()["spec"]) != json::serialize((*current)["spec"])) {
    meta["generation"] = meta["generation"].to_number<std::int64_t>() + 1;
  }
  objects_[Key{str(ref->gvk.kind), str(ref->ns), str(ref->name)}] = next.as_object();
  return ok_with(next.as_object(), out);
}

dynop_status FakeCluster::dispatch_delete(const dynop_object_ref* ref) {
  if (auto s = injected("delete"); s.code != DYNOP_OK) return s;
  Key key{str(ref->gvk.kind), str(ref->ns), str(ref->name)};
  if (objects_.erase(key) == 0) return fail(DYNOP_NOT_FOUND, "not found");
  ++writes_;
  return dynop_status{DYNOP_OK, {nullptr, 0}};
}

dynop_status FakeCluster::dispatch_event(const dynop_object_ref* ref, int32_t type,
                                         dynop_str reason, dynop_str message) {
  events_.push_back({str(ref->gvk.kind), str(ref->name),
                     type == DYNOP_EVENT_WARNING ? "Warning" : "Normal", str(reason),
                     str(message)});
  return dynop_status{DYNOP_OK, {nullptr, 0}};
}

std::vector<std::string> FakeCluster::logs_at(int32_t level) const {
  std::vector<std::string> out;
  for (const auto& line : fake_.logs()) {
    if (line.level == level) out.push_back(line.message);
  }
  return out;
}

}  // namespace dynop::plugins::testing
