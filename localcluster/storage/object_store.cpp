#include "localcluster/storage/object_store.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <mutex>

#include "localcluster/storage/continue_token.hpp"
#include "localcluster/storage/object_attrs.hpp"

namespace dynop::localcluster::storage {

namespace {

boost::json::object& metadata_of(boost::json::object& object) {
  auto& meta = object["metadata"];
  if (!meta.is_object()) meta = boost::json::object();
  return meta.get_object();
}

std::string persisted_key(const std::string& resource, const std::string& key) {
  return resource + "/" + key;
}

StoreError storage_error(const std::string& error) {
  return StoreError{StoreErrorCode::kInternal, "storage write failed: " + error, {}, 0};
}

}  // namespace

// A writer's exclusive hold of the store. While it waits for the lock it is
// counted in waiting_writers_, which is how the holder before it knows to
// leave the transaction open for it.
class ObjectStore::WriteSection {
 public:
  explicit WriteSection(ObjectStore& store) : store_(store) {
    store_.waiting_writers_.fetch_add(1);
    lock_ = std::unique_lock(store_.mutex_);
    store_.waiting_writers_.fetch_sub(1);
  }
  ~WriteSection() {
    if (lock_.owns_lock()) store_.end_section(lock_);
  }
  WriteSection(const WriteSection&) = delete;
  WriteSection& operator=(const WriteSection&) = delete;

  // Commits the open transaction now, for what must not see it half done.
  void flush() {
    if (store_.group_) store_.commit_group();
  }

  // After this writer's change was staged: gives up the lock (committing, or
  // leaving the transaction to the writer waiting behind) and returns once
  // the transaction committed (nullopt) or failed.
  std::optional<StoreError> settle() {
    std::shared_ptr<CommitGroup> group = store_.group_;
    store_.end_section(lock_);
    if (!group) return std::nullopt;  // in memory: nothing to wait for
    std::unique_lock wait(store_.commit_mutex_);
    store_.commit_cv_.wait(wait, [&] { return group->done; });
    return group->error;
  }

 private:
  ObjectStore& store_;
  std::unique_lock<std::shared_mutex> lock_;
};

// Reads under the shared lock unless a transaction is open; then commits it
// first, so a read never shows a write that could still be lost. The store
// itself is never a const object (only references to it are), so committing
// from a const reader is sound.
template <class Read>
auto ObjectStore::read_committed(Read&& read) const {
  {
    std::shared_lock lock(mutex_);
    if (!group_) return read();
  }
  WriteSection section(const_cast<ObjectStore&>(*this));
  section.flush();
  return read();
}

ObjectStore::ObjectStore(StoreOptions options) : options_(std::move(options)) {
  if (options_.sqlite_path.empty()) return;
  backend_ = std::make_unique<SqliteBackend>(options_.sqlite_path, options_.durability);
  rv_ = backend_->load([this](std::string_view key, std::uint64_t rv, std::string_view json) {
    auto slash = key.find('/');
    if (slash == std::string_view::npos) return;
    std::string resource(key.substr(0, slash));
    boost::system::error_code ec;
    auto doc = boost::json::parse(json, ec);
    if (ec || !doc.is_object()) return;
    StoredObject stored;
    stored.resource_version = rv;
    stored.json = std::make_shared<const std::string>(json);
    stored.attrs = std::make_shared<const ObjectAttrs>(extract_attrs(resource, doc.get_object()));
    std::string inner(key.substr(slash + 1));
    if (!stored.attrs->uid.empty()) {
      uids_[stored.attrs->uid] =
          ObjectRef{resource, stored.attrs->namespace_name, stored.attrs->name};
    }
    index_owners(resource, inner, nullptr, stored.attrs.get());
    buckets_[resource][inner] = std::move(stored);
  });
  committed_rv_ = rv_;
  history_floor_ = rv_;
}

ObjectStore::~ObjectStore() { close_watchers(); }

std::string ObjectStore::bucket_key(const std::string& ns, const std::string& name) {
  return ns.empty() ? name : ns + "/" + name;
}

StoredObject ObjectStore::make_object(const std::string& resource, boost::json::object& object,
                                      std::uint64_t rv) const {
  metadata_of(object)["resourceVersion"] = std::to_string(rv);
  StoredObject stored;
  stored.resource_version = rv;
  stored.json = std::make_shared<const std::string>(boost::json::serialize(object));
  stored.attrs = std::make_shared<const ObjectAttrs>(extract_attrs(resource, object));
  return stored;
}

std::optional<StoreError> ObjectStore::stage(const std::string& resource, const std::string& key,
                                             const StoredObject* object, std::uint64_t rv) {
  if (!backend_) return std::nullopt;
  if (!group_) {
    if (std::string error = backend_->begin(); !error.empty()) return storage_error(error);
    group_ = std::make_shared<CommitGroup>();
  }
  std::string error = object ? backend_->put(persisted_key(resource, key), rv, *object->json)
                             : backend_->remove(persisted_key(resource, key));
  if (error.empty()) return std::nullopt;
  if (!backend_->in_transaction()) {
    // SQLite rolled back the whole transaction, not just this statement: the
    // group's earlier writes did nothing wrong, so they are redone in a new one.
    std::string redo = backend_->begin();
    for (const auto& entry : staged_) {
      if (!redo.empty()) break;
      redo = write_row(entry);
    }
    if (!redo.empty()) fail_group(redo);
  }
  return storage_error(error);
}

std::string ObjectStore::write_row(const HistoryEntry& entry) {
  const ObjectAttrs& attrs = *entry.current.attrs;
  std::string key = persisted_key(entry.resource, bucket_key(attrs.namespace_name, attrs.name));
  return entry.type == WatchEventType::kDeleted
             ? backend_->remove(key)
             : backend_->put(key, entry.rv, *entry.current.json);
}

void ObjectStore::record(HistoryEntry entry) {
  if (backend_) {
    staged_.push_back(std::move(entry));
  } else {
    publish(std::move(entry));
  }
}

void ObjectStore::end_section(std::unique_lock<std::shared_mutex>& lock) {
  if (group_ && (waiting_writers_.load() == 0 || staged_.size() >= kMaxGroup)) {
    commit_group();
  }
  lock.unlock();
}

void ObjectStore::commit_group() {
  if (staged_.empty()) {  // every statement of the group failed
    backend_->rollback();
    return finish_group(std::nullopt);
  }
  if (std::string error = backend_->commit(rv_); !error.empty()) return fail_group(error);
  committed_rv_ = rv_;
  for (auto& entry : staged_) publish(std::move(entry));
  staged_.clear();
  finish_group(std::nullopt);
}

void ObjectStore::fail_group(const std::string& error) {
  backend_->rollback();
  for (auto it = staged_.rbegin(); it != staged_.rend(); ++it) undo(*it);
  staged_.clear();
  rv_ = committed_rv_;
  finish_group(storage_error(error));
}

void ObjectStore::finish_group(std::optional<StoreError> error) {
  std::shared_ptr<CommitGroup> group = std::move(group_);
  group_.reset();
  {
    std::lock_guard lock(commit_mutex_);
    group->done = true;
    group->error = std::move(error);
  }
  commit_cv_.notify_all();
}

// Puts back what a staged write changed in memory (its transaction failed).
void ObjectStore::undo(const HistoryEntry& entry) {
  const bool added = entry.type == WatchEventType::kAdded;
  const ObjectAttrs& attrs = added ? *entry.current.attrs : *entry.previous.attrs;
  const std::string key = bucket_key(attrs.namespace_name, attrs.name);
  auto& bucket = buckets_[entry.resource];
  switch (entry.type) {
    case WatchEventType::kAdded:
      bucket.erase(key);
      if (!attrs.uid.empty()) uids_.erase(attrs.uid);
      index_owners(entry.resource, key, entry.current.attrs.get(), nullptr);
      return;
    case WatchEventType::kModified:
      bucket[key] = entry.previous;
      index_owners(entry.resource, key, entry.current.attrs.get(), entry.previous.attrs.get());
      return;
    case WatchEventType::kDeleted:
      bucket[key] = entry.previous;
      if (!attrs.uid.empty()) {
        uids_[attrs.uid] = ObjectRef{entry.resource, attrs.namespace_name, attrs.name};
      }
      index_owners(entry.resource, key, nullptr, entry.previous.attrs.get());
      return;
  }
}

StoreResult<StoredObject> ObjectStore::get(const std::string& resource, const std::string& ns,
                                           const std::string& name) const {
  return read_committed([&]() -> StoreResult<StoredObject> {
    auto bucket = buckets_.find(resource);
    if (bucket != buckets_.end()) {
      auto it = bucket->second.find(bucket_key(ns, name));
      if (it != bucket->second.end()) return it->second;
    }
    return StoreError{StoreErrorCode::kNotFound, "not found", {}, 0};
  });
}

StoreResult<StoredObject> ObjectStore::create(const std::string& resource, const std::string& ns,
                                              const std::string& name, boost::json::object object,
                                              bool dry_run) {
  WriteSection section(*this);
  std::string key = bucket_key(ns, name);
  auto& bucket = buckets_[resource];
  if (bucket.find(key) != bucket.end())
    return StoreError{StoreErrorCode::kAlreadyExists, "already exists", {}, 0};
  if (dry_run) {
    StoredObject preview = make_object(resource, object, 0);
    metadata_of(object).erase("resourceVersion");
    preview.json = std::make_shared<const std::string>(boost::json::serialize(object));
    return preview;
  }
  std::uint64_t rv = rv_ + 1;
  StoredObject stored = make_object(resource, object, rv);
  if (auto error = stage(resource, key, &stored, rv)) return *error;
  rv_ = rv;
  bucket.insert({key, stored});
  index_owners(resource, key, nullptr, stored.attrs.get());
  if (!stored.attrs->uid.empty()) uids_[stored.attrs->uid] = ObjectRef{resource, ns, name};
  record(HistoryEntry{WatchEventType::kAdded, rv, resource, stored, {}, nullptr});
  if (auto error = section.settle()) return *error;
  return stored;
}

StoreResult<StoredObject> ObjectStore::update(const std::string& resource, const std::string& ns,
                                              const std::string& name, const Mutator& mutate,
                                              bool dry_run) {
  WriteSection section(*this);
  std::string key = bucket_key(ns, name);
  auto bucket = buckets_.find(resource);
  if (bucket == buckets_.end()) return StoreError{StoreErrorCode::kNotFound, "not found", {}, 0};
  auto it = bucket->second.find(key);
  if (it == bucket->second.end()) return StoreError{StoreErrorCode::kNotFound, "not found", {}, 0};
  const StoredObject previous = it->second;
  boost::json::value doc = boost::json::parse(*previous.json);
  auto& object = doc.get_object();
  WriteAction action = WriteAction::kWrite;
  if (auto error = mutate(object, action)) return *error;
  if (action == WriteAction::kSkip) return previous;
  if (action == WriteAction::kWrite) {
    // kube-apiserver never bumps the resourceVersion of an unchanged object.
    metadata_of(object)["resourceVersion"] = std::to_string(previous.resource_version);
    std::string unchanged = boost::json::serialize(object);
    if (unchanged == *previous.json) return previous;
  }
  if (dry_run) return make_object(resource, object, previous.resource_version);
  std::uint64_t rv = rv_ + 1;
  StoredObject stored = make_object(resource, object, rv);
  if (action == WriteAction::kDelete) {
    if (auto error = stage(resource, key, nullptr, rv)) return *error;
    rv_ = rv;
    bucket->second.erase(it);
    uids_.erase(previous.attrs->uid);
    index_owners(resource, key, previous.attrs.get(), nullptr);
    record(HistoryEntry{WatchEventType::kDeleted, rv, resource, stored, previous, nullptr});
  } else {
    if (auto error = stage(resource, key, &stored, rv)) return *error;
    rv_ = rv;
    it->second = stored;
    index_owners(resource, key, previous.attrs.get(), stored.attrs.get());
    record(HistoryEntry{WatchEventType::kModified, rv, resource, stored, previous, nullptr});
  }
  if (auto error = section.settle()) return *error;
  return stored;
}

ListResult ObjectStore::list(const Selection& selection, const ListOptions& options) const {
  return read_committed([&] { return list_committed(selection, options); });
}

ListResult ObjectStore::list_committed(const Selection& selection,
                                       const ListOptions& options) const {
  ListResult result;
  const std::uint64_t at = options.continue_rv ? options.continue_rv : rv_;
  result.resource_version = at;
  if (at < history_floor_) {
    result.error = StoreError{StoreErrorCode::kGone,
                              "too old resource version: " + std::to_string(at) + " (" +
                                  std::to_string(history_floor_ + 1) + ")",
                              {},
                              0};
    return result;
  }
  auto bucket = buckets_.find(selection.resource);
  const Bucket empty;
  const Bucket& objects = bucket == buckets_.end() ? empty : bucket->second;
  // Keys sort as "ns/name": one namespace is the contiguous range ["ns/", "ns0").
  const std::string prefix = selection.namespace_name.empty() ? "" : selection.namespace_name + "/";
  const std::string first = prefix + options.continue_start;
  const std::string range_end = prefix.empty() ? "" : selection.namespace_name + "0";
  const auto in_range = [&](const std::string& key) {
    return key >= first && (range_end.empty() || key < range_end);
  };
  // The state at `at` of every key in range changed since: the state before
  // its first later change (null: it did not exist then).
  std::map<std::string, const StoredObject*> then;
  auto since = std::partition_point(history_.begin(), history_.end(),
                                    [&](const HistoryEntry& entry) { return entry.rv <= at; });
  for (; since != history_.end(); ++since) {
    if (since->resource != selection.resource) continue;
    if (!prefix.empty() && since->current.attrs->namespace_name != selection.namespace_name) {
      continue;
    }
    std::string key = bucket_key(since->current.attrs->namespace_name, since->current.attrs->name);
    if (!in_range(key)) continue;
    then.try_emplace(std::move(key),
                     since->type == WatchEventType::kAdded ? nullptr : &since->previous);
  }

  const auto end = range_end.empty() ? objects.end() : objects.lower_bound(range_end);
  auto live = objects.lower_bound(first);
  auto changed = then.begin();
  while (live != end || changed != then.end()) {
    // The next key in order, from the live objects or from the undone changes.
    const bool from_changed =
        live == end || (changed != then.end() && changed->first <= live->first);
    const std::string& key = from_changed ? changed->first : live->first;
    const StoredObject* object = from_changed ? changed->second : &live->second;
    // Step past this key in both sequences (a changed key may still be live);
    // `key` stays valid, as nothing is erased.
    if (live != end && live->first == key) ++live;
    if (from_changed) ++changed;
    if (!object || !selection.matches(*object->attrs)) continue;
    if (options.limit > 0 && static_cast<std::int64_t>(result.items.size()) >= options.limit) {
      result.continue_token = encode_continue({at, key.substr(prefix.size())});
      // kube-apiserver reports remainingItemCount only for unfiltered lists; with a
      // predicate, counting would mean matching the whole rest of the list on every page.
      if (!selection.predicate) {
        // Live objects from `key` on, by rank, corrected by the changes undone there.
        const std::size_t end_rank =
            end == objects.end() ? objects.size() : objects.order_of_key(end->first);
        auto remaining = static_cast<std::int64_t>(end_rank - objects.order_of_key(key));
        for (auto it = then.lower_bound(key); it != then.end(); ++it) {
          const bool exists_now = objects.find(it->first) != objects.end();
          remaining += (it->second ? 1 : 0) - (exists_now ? 1 : 0);
        }
        result.remaining_items = remaining;
      }
      break;
    }
    result.items.push_back(*object);
  }
  return result;
}

WatchStart ObjectStore::watch(const Selection& selection, std::optional<std::uint64_t> from_rv) {
  WriteSection section(*this);
  section.flush();  // a new watcher starts from committed state only
  if (from_rv && *from_rv < history_floor_) {
    return WatchStart{nullptr, StoreError{StoreErrorCode::kGone,
                                          "too old resource version: " + std::to_string(*from_rv) +
                                              " (" + std::to_string(history_floor_ + 1) + ")",
                                          {},
                                          0}};
  }
  auto channel = std::make_shared<WatchChannel>(selection, options_.watch_queue_limit);
  if (!from_rv) {
    auto visit = [&](const std::string& resource, const Bucket& bucket) {
      for (const auto& [key, object] : bucket) {
        if (selection.matches(*object.attrs)) {
          channel->push(WatchEvent{WatchEventType::kAdded, resource, object.resource_version,
                                   object.json, object.attrs});
        }
      }
    };
    if (selection.resource.empty()) {
      for (const auto& [resource, bucket] : buckets_) visit(resource, bucket);
    } else if (auto bucket = buckets_.find(selection.resource); bucket != buckets_.end()) {
      visit(selection.resource, bucket->second);
    }
  } else {
    for (const auto& entry : history_) {
      if (entry.rv > *from_rv) deliver(entry, *channel);
    }
  }
  watchers_.push_back(channel);
  return WatchStart{channel, std::nullopt};
}

void ObjectStore::deliver(const HistoryEntry& entry, WatchChannel& channel) const {
  const Selection& selection = channel.selection();
  if (!selection.resource.empty() && selection.resource != entry.resource) return;
  bool now = selection.matches(*entry.current.attrs);
  bool before = entry.previous.attrs && selection.matches(*entry.previous.attrs);
  switch (entry.type) {
    case WatchEventType::kAdded:
      if (now) {
        channel.push(WatchEvent{WatchEventType::kAdded, entry.resource, entry.rv,
                                entry.current.json, entry.current.attrs});
      }
      return;
    case WatchEventType::kDeleted:
      if (before || now) {
        channel.push(WatchEvent{WatchEventType::kDeleted, entry.resource, entry.rv,
                                entry.current.json, entry.current.attrs});
      }
      return;
    case WatchEventType::kModified:
      if (now) {
        channel.push(WatchEvent{before ? WatchEventType::kModified : WatchEventType::kAdded,
                                entry.resource, entry.rv, entry.current.json, entry.current.attrs});
      } else if (before) {
        // Leaving the selection reads as a deletion of the object as it was
        // before, stamped with the new resourceVersion (trace 10-watch-01).
        if (!entry.previous_restamped) {
          boost::json::value doc = boost::json::parse(*entry.previous.json);
          metadata_of(doc.get_object())["resourceVersion"] = std::to_string(entry.rv);
          entry.previous_restamped =
              std::make_shared<const std::string>(boost::json::serialize(doc));
        }
        channel.push(WatchEvent{WatchEventType::kDeleted, entry.resource, entry.rv,
                                entry.previous_restamped, entry.previous.attrs});
      }
      return;
  }
}

void ObjectStore::publish(HistoryEntry entry) {
  bool prune = false;
  for (const auto& weak : watchers_) {
    auto channel = weak.lock();
    if (!channel || channel->closed()) {
      prune = true;
      continue;
    }
    deliver(entry, *channel);
  }
  if (prune) {
    std::erase_if(watchers_, [](const std::weak_ptr<WatchChannel>& weak) {
      auto channel = weak.lock();
      return !channel || channel->closed();
    });
  }
  history_.push_back(std::move(entry));
  while (history_.size() > options_.history_limit) {
    history_floor_ = history_.front().rv;
    history_.pop_front();
  }
}

std::uint64_t ObjectStore::current_resource_version() const {
  return read_committed([&] { return rv_; });
}

std::uint64_t ObjectStore::oldest_watchable_resource_version() const {
  std::shared_lock lock(mutex_);
  return history_floor_;
}

std::size_t ObjectStore::count(const std::string& resource) const {
  return read_committed([&]() -> std::size_t {
    auto bucket = buckets_.find(resource);
    return bucket == buckets_.end() ? 0 : bucket->second.size();
  });
}

std::optional<ObjectRef> ObjectStore::find_uid(const std::string& uid) const {
  return read_committed([&]() -> std::optional<ObjectRef> {
    auto it = uids_.find(uid);
    if (it == uids_.end()) return std::nullopt;
    return it->second;
  });
}

void ObjectStore::index_owners(const std::string& resource, const std::string& key,
                               const ObjectAttrs* before, const ObjectAttrs* after) {
  if (before && after && before->owner_uids == after->owner_uids) return;
  if (before) {
    for (const auto& owner : before->owner_uids) {
      auto it = dependents_.find(owner);
      if (it == dependents_.end()) continue;
      it->second.erase({resource, key});
      if (it->second.empty()) dependents_.erase(it);
    }
  }
  if (after) {
    for (const auto& owner : after->owner_uids) dependents_[owner].insert({resource, key});
  }
}

std::vector<ObjectRef> ObjectStore::dependents(const std::string& uid) const {
  return read_committed([&] {
    std::vector<ObjectRef> out;
    auto it = dependents_.find(uid);
    if (it == dependents_.end()) return out;
    for (const auto& [resource, key] : it->second) {
      auto bucket = buckets_.find(resource);
      if (bucket == buckets_.end()) continue;
      auto object = bucket->second.find(key);
      if (object == bucket->second.end()) continue;
      out.push_back(
          ObjectRef{resource, object->second.attrs->namespace_name, object->second.attrs->name});
    }
    return out;
  });
}

std::vector<ObjectRef> ObjectStore::in_namespace(const std::string& ns) const {
  return read_committed([&] {
    std::vector<ObjectRef> out;
    std::string prefix = ns + "/";
    for (const auto& [resource, bucket] : buckets_) {
      for (auto it = bucket.lower_bound(prefix);
           it != bucket.end() && it->first.compare(0, prefix.size(), prefix) == 0; ++it) {
        out.push_back(ObjectRef{resource, ns, it->second.attrs->name});
      }
    }
    return out;
  });
}

std::vector<std::string> ObjectStore::resources() const {
  return read_committed([&] {
    std::vector<std::string> out;
    for (const auto& [resource, bucket] : buckets_) {
      if (!bucket.empty()) out.push_back(resource);
    }
    return out;
  });
}

std::uint64_t ObjectStore::storage_commits() const {
  std::shared_lock lock(mutex_);
  return backend_ ? backend_->commits() : 0;
}

void ObjectStore::close_watchers() {
  WriteSection section(*this);
  for (const auto& weak : watchers_) {
    if (auto channel = weak.lock()) channel->close();
  }
  watchers_.clear();
}

std::uint64_t ObjectStore::compact() {
  WriteSection section(*this);
  section.flush();
  history_.clear();
  history_floor_ = rv_;
  return rv_;
}

}  // namespace dynop::localcluster::storage
