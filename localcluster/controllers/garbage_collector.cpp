#include "localcluster/controllers/garbage_collector.hpp"

#include <boost/json.hpp>

#include "localcluster/controllers/object_writes.hpp"
#include "localcluster/server/deletion.hpp"
#include "localcluster/server/object_meta.hpp"

namespace dynop::localcluster::controllers {

namespace json = boost::json;

namespace {

constexpr const char* kOrphan = "orphan";
constexpr const char* kForeground = "foregroundDeletion";

void remove_owner(json::object& object, const std::string& uid) {
  auto& meta = server::metadata(object);
  auto* refs = meta.if_contains("ownerReferences");
  if (!refs || !refs->is_array()) return;
  auto& arr = refs->get_array();
  arr.erase(std::remove_if(arr.begin(), arr.end(),
                           [&](const json::value& r) {
                             return r.is_object() && server::string_at(&r.get_object(), "uid") == uid;
                           }),
            arr.end());
  if (arr.empty()) meta.erase("ownerReferences");
}

}  // namespace

GarbageCollector::GarbageCollector(storage::ObjectStore& store, const ResourceRegistry& registry)
    : store_(store), registry_(registry) {}

void GarbageCollector::start() {
  loop_ = std::make_unique<ControllerLoop>(
      store_, storage::Selection{"", "", nullptr},
      [this](const storage::WatchEvent& event) { on_event(event); }, [this] { on_tick(); },
      std::chrono::milliseconds(200));
  loop_->start();
}

void GarbageCollector::stop() {
  if (loop_) loop_->stop();
}

void GarbageCollector::on_event(const storage::WatchEvent& event) {
  const auto& attrs = *event.attrs;
  if (event.type == storage::WatchEventType::kDeleted) {
    pending_uids_.erase(attrs.uid);
    if (!attrs.uid.empty()) owner_gone(attrs.uid);
    // A dependent going away may unblock a foreground owner.
    for (const auto& owner : attrs.owner_uids) {
      if (pending_uids_.count(owner)) {
        if (auto ref = store_.find_uid(owner); ref && !process_deleting_owner(*ref)) {
          pending_uids_.erase(owner);
        }
      }
    }
    return;
  }
  // A dependent created after its owner went (a controller acting on a stale
  // cache) is collected as well, as kube-controller-manager does once it has
  // verified the owner is absent; otherwise it would stay forever.
  if (event.type == storage::WatchEventType::kAdded) {
    for (const auto& owner : attrs.owner_uids) {
      if (!store_.find_uid(owner)) owner_gone(owner);
    }
  }
  if (attrs.deleting && attrs.has_finalizers) {
    storage::ObjectRef ref{event.resource, attrs.namespace_name, attrs.name};
    if (process_deleting_owner(ref)) pending_uids_.insert(attrs.uid);
  }
}

void GarbageCollector::on_tick() {
  for (auto it = pending_uids_.begin(); it != pending_uids_.end();) {
    auto ref = store_.find_uid(*it);
    if (!ref || !process_deleting_owner(*ref)) {
      it = pending_uids_.erase(it);
    } else {
      ++it;
    }
  }
}

void GarbageCollector::owner_gone(const std::string& uid) {
  for (const auto& dependent : store_.dependents(uid)) {
    auto current = store_.get(dependent.resource, dependent.namespace_name, dependent.name);
    if (!current.ok()) continue;
    bool other_owner_alive = false;
    for (const auto& owner : current.value().attrs->owner_uids) {
      if (owner != uid && store_.find_uid(owner)) other_owner_alive = true;
    }
    if (other_owner_alive) {
      modify_object(store_, dependent, [&](json::object& object) { remove_owner(object, uid); });
    } else if (!current.value().attrs->deleting) {
      delete_object(store_, registry_, dependent, "Background");
    }
  }
}

bool GarbageCollector::process_deleting_owner(const storage::ObjectRef& ref) {
  auto current = store_.get(ref.resource, ref.namespace_name, ref.name);
  if (!current.ok() || !current.value().attrs->deleting) return false;
  json::object owner = json::parse(*current.value().json).as_object();
  const std::string& uid = current.value().attrs->uid;
  if (server::has_finalizer(owner, kOrphan)) {
    for (const auto& dependent : store_.dependents(uid)) {
      modify_object(store_, dependent, [&](json::object& object) { remove_owner(object, uid); });
    }
    modify_object(store_, ref, [](json::object& object) { server::remove_finalizer(object, kOrphan); });
    return false;
  }
  if (server::has_finalizer(owner, kForeground)) {
    auto dependents = store_.dependents(uid);
    for (const auto& dependent : dependents) {
      auto dep = store_.get(dependent.resource, dependent.namespace_name, dependent.name);
      if (dep.ok() && !dep.value().attrs->deleting) {
        delete_object(store_, registry_, dependent, "Foreground");
      }
    }
    if (!store_.dependents(uid).empty()) return true;
    modify_object(store_, ref,
                  [](json::object& object) { server::remove_finalizer(object, kForeground); });
  }
  return false;
}

}  // namespace dynop::localcluster::controllers
