#include "lib/kube/cache/indexer.hpp"

#include <mutex>

namespace dynop::kube {

IndexFunc index_by_namespace() {
  return [](const CachedObject& object, std::vector<std::string_view>& values) {
    values.push_back(object.ns());
  };
}

IndexFunc index_by_owner_uid() {
  return [](const CachedObject& object, std::vector<std::string_view>& values) {
    object.for_each_owner_uid([&](std::string_view uid) { values.push_back(uid); });
  };
}

IndexFunc index_by_controller_uid() {
  return [](const CachedObject& object, std::vector<std::string_view>& values) {
    if (auto controller = object.controller()) values.push_back(controller->uid);
  };
}

IndexFunc index_by_label(std::string label_key) {
  return [label_key = std::move(label_key)](const CachedObject& object,
                                            std::vector<std::string_view>& values) {
    if (auto value = object.label(label_key)) values.push_back(*value);
  };
}

std::map<std::string, IndexFunc> default_indexers() {
  return {{kNamespaceIndex, index_by_namespace()}, {kOwnerIndex, index_by_owner_uid()}};
}

Indexer::Indexer(std::map<std::string, IndexFunc> indexers) {
  for (auto& [name, func] : indexers) indexes_[name].func = std::move(func);
}

void Indexer::index_into(Index& index, const CachedObject& object) {
  scratch_.clear();
  index.func(object, scratch_);
  for (std::string_view value : scratch_) {
    auto bucket = index.values.find(value);
    if (bucket == index.values.end())
      bucket = index.values.emplace(std::string(value), Buckets::mapped_type()).first;
    bucket->second.insert(&object);
  }
}

void Indexer::index_locked(const CachedObject& object) {
  for (auto& [name, index] : indexes_) index_into(index, object);
}

void Indexer::unindex_locked(const CachedObject& object) {
  for (auto& [name, index] : indexes_) {
    scratch_.clear();
    index.func(object, scratch_);
    for (std::string_view value : scratch_) {
      auto it = index.values.find(value);
      if (it == index.values.end()) continue;
      it->second.erase(&object);
      if (it->second.empty()) index.values.erase(it);
    }
  }
}

void Indexer::upsert_locked(ObjectPtr object, ObjectPtr* previous) {
  auto it = objects_.find(object->key());
  if (it != objects_.end()) {
    ObjectPtr old = std::move(it->second);
    unindex_locked(*old);
    // The map key views the old object: re-key the node before it goes.
    auto node = objects_.extract(it);
    node.key() = object->key();
    node.mapped() = object;
    objects_.insert(std::move(node));
    if (previous) *previous = std::move(old);
  } else {
    objects_.emplace(object->key(), object);
  }
  index_locked(*object);
}

ObjectPtr Indexer::upsert(ObjectPtr object) {
  std::unique_lock lock(mutex_);
  ObjectPtr previous;
  upsert_locked(std::move(object), &previous);
  return previous;
}

ObjectPtr Indexer::remove(std::string_view key) {
  std::unique_lock lock(mutex_);
  auto it = objects_.find(key);
  if (it == objects_.end()) return nullptr;
  ObjectPtr old = std::move(it->second);
  unindex_locked(*old);
  objects_.erase(it);
  return old;
}

void Indexer::replace(
    std::vector<ObjectPtr> objects,
    const std::function<void(const ObjectPtr& old, const ObjectPtr& now)>& on_change) {
  std::vector<std::pair<ObjectPtr, ObjectPtr>> changes;
  {
    std::unique_lock lock(mutex_);
    std::unordered_set<std::string_view> seen;
    seen.reserve(objects.size());
    for (ObjectPtr& object : objects) {
      seen.insert(object->key());
      auto it = objects_.find(object->key());
      if (it != objects_.end() && it->second->resource_version() == object->resource_version() &&
          it->second->uid() == object->uid())
        continue;
      ObjectPtr previous;
      upsert_locked(object, &previous);
      changes.emplace_back(std::move(previous), std::move(object));
    }
    for (auto it = objects_.begin(); it != objects_.end();) {
      if (seen.count(it->first)) {
        ++it;
        continue;
      }
      ObjectPtr old = std::move(it->second);
      unindex_locked(*old);
      it = objects_.erase(it);
      changes.emplace_back(std::move(old), nullptr);
    }
  }
  if (on_change)
    for (auto& [old, now] : changes) on_change(old, now);
}

ObjectPtr Indexer::get(std::string_view key) const {
  std::shared_lock lock(mutex_);
  auto it = objects_.find(key);
  return it == objects_.end() ? nullptr : it->second;
}

ObjectPtr Indexer::get(std::string_view ns, std::string_view name) const {
  if (ns.empty()) return get(name);
  std::string key;
  key.reserve(ns.size() + 1 + name.size());
  key.append(ns).append("/").append(name);
  return get(key);
}

std::vector<ObjectPtr> Indexer::list() const {
  std::shared_lock lock(mutex_);
  std::vector<ObjectPtr> out;
  out.reserve(objects_.size());
  for (const auto& [key, object] : objects_) out.push_back(object);
  return out;
}

std::vector<ObjectPtr> Indexer::by_index(std::string_view index, std::string_view value) const {
  std::shared_lock lock(mutex_);
  std::vector<ObjectPtr> out;
  auto idx = indexes_.find(index);
  if (idx == indexes_.end()) return out;
  auto it = idx->second.values.find(value);
  if (it == idx->second.values.end()) return out;
  out.reserve(it->second.size());
  for (const CachedObject* object : it->second) {
    auto found = objects_.find(object->key());
    if (found != objects_.end()) out.push_back(found->second);
  }
  return out;
}

std::vector<std::string> Indexer::keys() const {
  std::shared_lock lock(mutex_);
  std::vector<std::string> out;
  out.reserve(objects_.size());
  for (const auto& [key, object] : objects_) out.emplace_back(key);
  return out;
}

std::size_t Indexer::size() const {
  std::shared_lock lock(mutex_);
  return objects_.size();
}

bool Indexer::has_index(std::string_view index) const {
  std::shared_lock lock(mutex_);
  return indexes_.find(index) != indexes_.end();
}

void Indexer::add_index(const std::string& name, IndexFunc func) {
  std::unique_lock lock(mutex_);
  Index& index = indexes_[name];
  index.func = std::move(func);
  index.values.clear();
  for (const auto& [key, object] : objects_) index_into(index, *object);
}

}  // namespace dynop::kube
