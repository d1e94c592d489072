#include "localcluster/server/deletion.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <optional>
#include <string>

#include "lib/apimachinery/time.hpp"
#include "localcluster/server/object_meta.hpp"

namespace dynop::localcluster::server {

namespace json = boost::json;
using storage::WriteAction;

namespace {

std::string rv_of(const json::object& object) {
  return string_at(metadata(object), "resourceVersion");
}

}  // namespace

bool has_finalizer(const json::object& object, std::string_view finalizer) {
  const auto* meta = metadata(object);
  const auto* f = meta ? meta->if_contains("finalizers") : nullptr;
  if (!f || !f->is_array()) return false;
  for (const auto& v : f->get_array()) {
    if (v.is_string() && v.get_string() == finalizer) return true;
  }
  return false;
}

bool has_finalizers(const json::object& object) {
  const auto* meta = metadata(object);
  if (!meta) return false;
  const auto* f = meta->if_contains("finalizers");
  return f && f->is_array() && !f->get_array().empty();
}

void add_finalizer(json::object& object, std::string_view finalizer) {
  if (has_finalizer(object, finalizer)) return;
  auto& f = metadata(object)["finalizers"];
  if (!f.is_array()) f = json::array();
  f.get_array().push_back(json::string(finalizer));
}

void remove_finalizer(json::object& object, std::string_view finalizer) {
  auto& meta = metadata(object);
  auto* f = meta.if_contains("finalizers");
  if (!f || !f->is_array()) return;
  auto& arr = f->get_array();
  arr.erase(std::remove_if(
                arr.begin(), arr.end(),
                [&](const json::value& v) { return v.is_string() && v.get_string() == finalizer; }),
            arr.end());
  if (arr.empty()) meta.erase("finalizers");
}

bool is_namespace(const ResourceType& type) {
  return type.group.empty() && type.plural == "namespaces";
}

bool deletes_during_update(const ResourceType& type, const json::object& object) {
  const auto* meta = metadata(object);
  if (!meta || !meta->contains("deletionTimestamp") || has_finalizers(object)) return false;
  // A graceful deletion still running (a pod on its node waits out its grace
  // period while its kubelet writes the terminated status, then deletes it
  // with grace 0) is not cut short by a write.
  if (const auto* grace = meta->if_contains("deletionGracePeriodSeconds");
      grace && grace->is_int64() && grace->get_int64() > 0) {
    return false;
  }
  if (!is_namespace(type)) return true;
  const auto* spec = object.if_contains("spec");
  const auto* finalizers =
      spec && spec->is_object() ? spec->get_object().if_contains("finalizers") : nullptr;
  return !finalizers || !finalizers->is_array() || finalizers->get_array().empty();
}

std::variant<DeleteDecision, ApiError> decide_delete(const ResourceType& type,
                                                     const json::object& current,
                                                     const json::object& options) {
  ErrorSubject subject{type.group, type.plural, string_at(metadata(current), "name"), ""};
  const auto* meta = metadata(current);
  std::string name = string_at(meta, "name");
  if (const auto* pre = options.if_contains("preconditions"); pre && pre->is_object()) {
    std::string uid = string_at(&pre->get_object(), "uid");
    std::string rv = string_at(&pre->get_object(), "resourceVersion");
    if (!uid.empty() && uid != string_at(meta, "uid")) {
      return conflict(subject, "Precondition failed: UID in precondition: " + uid +
                                   ", UID in object meta: " + string_at(meta, "uid"));
    }
    if (!rv.empty() && rv != rv_of(current)) {
      return conflict(subject, "the ResourceVersion in the precondition (" + rv +
                                   ") does not match the ResourceVersion in record (" +
                                   rv_of(current) + "). The object might have been modified");
    }
  }
  json::object next = current;
  auto& next_meta = metadata(next);
  std::string policy = options.contains("propagationPolicy")
                           ? std::string(options.at("propagationPolicy").as_string())
                           : std::string("Background");
  bool already_deleting = next_meta.contains("deletionTimestamp");
  if (policy == "Orphan") add_finalizer(next, "orphan");
  if (policy == "Foreground") add_finalizer(next, "foregroundDeletion");
  if (type.group == "apiextensions.k8s.io" && type.plural == "customresourcedefinitions") {
    add_finalizer(next, "customresourcecleanup.apiextensions.k8s.io");
  }
  if (is_namespace(type)) {
    // Namespaces always terminate through the namespace controller, which
    // empties them and then removes spec.finalizers' "kubernetes". As
    // kube-apiserver's namespace storage, no deletionGracePeriodSeconds.
    next_meta["deletionTimestamp"] =
        string_at(&next_meta, "deletionTimestamp").empty()
            ? json::value(apimachinery::format_time(apimachinery::now()))
            : next_meta.at("deletionTimestamp");
    if (!already_deleting) next_meta.erase("deletionGracePeriodSeconds");
    if (deletes_during_update(type, next))
      return DeleteDecision{std::move(next), WriteAction::kDelete};
    auto& status = next["status"];
    if (!status.is_object()) status = json::object();
    status.get_object()["phase"] = "Terminating";
    return DeleteDecision{std::move(next), WriteAction::kWrite};
  }
  std::optional<std::int64_t> grace;
  if (const auto* g = options.if_contains("gracePeriodSeconds"); g && g->is_int64()) {
    grace = g->get_int64();
  }
  bool is_pod = type.group.empty() && type.plural == "pods";
  if (is_pod) {
    // Without a kubelet, only a pod on a node waits out its grace period
    // (trace 10-delete-02); an unbound one goes at once (10-delete-03).
    const auto* spec = current.if_contains("spec");
    std::string node = spec && spec->is_object() ? string_at(&spec->get_object(), "nodeName") : "";
    std::int64_t period = 30;
    if (spec && spec->is_object()) {
      if (const auto* t = spec->get_object().if_contains("terminationGracePeriodSeconds");
          t && t->is_int64()) {
        period = t->get_int64();
      }
    }
    if (grace) period = *grace;
    if (node.empty()) period = 0;
    if (already_deleting && period != 0) return DeleteDecision{current, WriteAction::kSkip};
    auto deadline = std::chrono::system_clock::now() + std::chrono::seconds(period);
    next_meta["deletionTimestamp"] = apimachinery::format_time(deadline);
    next_meta["deletionGracePeriodSeconds"] = period;
    if (period > 0 || has_finalizers(next))
      return DeleteDecision{std::move(next), WriteAction::kWrite};
    return DeleteDecision{std::move(next), WriteAction::kDelete};
  }
  if (has_finalizers(next)) {
    if (!already_deleting) {
      next_meta["deletionTimestamp"] = apimachinery::format_time(apimachinery::now());
      next_meta["deletionGracePeriodSeconds"] = 0;
    }
    return DeleteDecision{std::move(next), WriteAction::kWrite};
  }
  return DeleteDecision{std::move(next), WriteAction::kDelete};
}

}  // namespace dynop::localcluster::server
