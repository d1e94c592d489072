#pragma once
// dynop-localcluster's object storage: every object of every resource, one
// global resourceVersion sequence, a bounded event history for watches, and
// (unless in memory) a SQLite copy that survives restarts.
//
// All objects live in memory as shared immutable JSON snapshots; SQLite is
// written through on every change, inside the write lock, before the write is
// acknowledged (see sqlite_backend.hpp for why that survives SIGKILL).
// Reads take a shared lock and copy pointers.

#include <boost/json/object.hpp>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "localcluster/storage/ranked_map.hpp"
#include "localcluster/storage/selection.hpp"
#include "localcluster/storage/sqlite_backend.hpp"
#include "localcluster/storage/store_result.hpp"
#include "localcluster/storage/stored_object.hpp"
#include "localcluster/storage/watch_channel.hpp"

namespace dynop::localcluster::storage {

struct StoreOptions {
  std::string sqlite_path;  // empty: in memory only
  Durability durability = Durability::kProcessCrash;
  std::size_t history_limit = 20000;       // events kept for watches from an old RV
  std::size_t watch_queue_limit = 200000;  // pending events per watcher before it is dropped
};

// What an update's mutator decided.
enum class WriteAction { kWrite, kDelete, kSkip };

struct ListOptions {
  std::int64_t limit = 0;      // 0: no limit
  std::string continue_start;  // from a decoded continue token
  std::uint64_t continue_rv = 0;
};

struct ListResult {
  std::vector<StoredObject> items;
  std::uint64_t resource_version = 0;
  std::string continue_token;                   // empty on the last page
  std::optional<std::int64_t> remaining_items;  // set only when a limit cut the list
  // kGone when a continue token's resourceVersion is older than the event
  // history, so its snapshot can no longer be rebuilt (kube: 410 Expired).
  std::optional<StoreError> error;
};

// Where an object lives, for controllers walking owner references.
struct ObjectRef {
  std::string resource;
  std::string namespace_name;
  std::string name;
};

struct WatchStart {
  std::shared_ptr<WatchChannel> channel;  // null when `error` is set
  std::optional<StoreError> error;        // kGone: "too old resource version: R (oldest)"
};

class ObjectStore {
 public:
  // Throws std::runtime_error when the database cannot be opened (startup).
  explicit ObjectStore(StoreOptions options);
  ~ObjectStore();

  // Receives the current object (a mutable copy) and changes it in place, or
  // asks for its deletion, or returns an error that aborts the write. Runs
  // under the store's write lock: keep it short and never call the store.
  using Mutator =
      std::function<std::optional<StoreError>(boost::json::object& object, WriteAction& action)>;

  StoreResult<StoredObject> get(const std::string& resource, const std::string& ns,
                                const std::string& name) const;

  // Sets metadata.resourceVersion; everything else (uid, timestamps) is the
  // caller's. `dry_run` validates and returns without storing.
  StoreResult<StoredObject> create(const std::string& resource, const std::string& ns,
                                   const std::string& name, boost::json::object object,
                                   bool dry_run = false);

  // Atomic read-modify-write. A change that leaves the object identical
  // stores nothing and keeps its resourceVersion, as kube-apiserver does.
  // The returned object is the stored one (after a delete: the last state,
  // stamped with the delete's resourceVersion).
  StoreResult<StoredObject> update(const std::string& resource, const std::string& ns,
                                   const std::string& name, const Mutator& mutate,
                                   bool dry_run = false);

  // A continued page (continue_rv set) shows the objects as they were at
  // continue_rv, as kube-apiserver's pages all read the first page's etcd
  // revision: changes since then are undone from the event history, so a page
  // costs its own items plus the events since the first page.
  ListResult list(const Selection& selection, const ListOptions& options = {}) const;

  // from_rv nullopt: the channel first receives ADDED for every matching
  // object, then changes. Otherwise changes after from_rv, or kGone.
  WatchStart watch(const Selection& selection, std::optional<std::uint64_t> from_rv);

  std::uint64_t current_resource_version() const;
  // The oldest resourceVersion a watch may start from.
  std::uint64_t oldest_watchable_resource_version() const;
  std::size_t count(const std::string& resource) const;
  // The object with this metadata.uid, if stored.
  std::optional<ObjectRef> find_uid(const std::string& uid) const;
  // Objects listing `uid` among their ownerReferences.
  std::vector<ObjectRef> dependents(const std::string& uid) const;
  // Objects of any resource in namespace `ns`.
  std::vector<ObjectRef> in_namespace(const std::string& ns) const;
  std::vector<std::string> resources() const;

  // Closes every watch channel (shutdown).
  void close_watchers();

  // Forgets the event history, as an etcd compaction plus a fresh watch cache
  // would: a watch from any resourceVersion older than the current one then
  // gets kGone. Open watches keep their events. Returns the current
  // resourceVersion (the oldest one a watch may still start from).
  std::uint64_t compact();

 private:
  struct HistoryEntry {
    WatchEventType type;
    std::uint64_t rv;
    std::string resource;
    StoredObject current;   // for kDeleted: the last state with the delete's rv
    StoredObject previous;  // empty for kAdded
    mutable std::shared_ptr<const std::string> previous_restamped;  // lazily built
  };
  // "ns/name" or "name"; ranked so a page counts what remains without walking it.
  using Bucket = RankedMap<StoredObject>;

  static std::string bucket_key(const std::string& ns, const std::string& name);
  StoredObject make_object(const std::string& resource, boost::json::object& object,
                           std::uint64_t rv) const;
  std::optional<StoreError> persist(const std::string& resource, const std::string& key,
                                    const StoredObject* object, std::uint64_t rv);
  void publish(HistoryEntry entry);
  void deliver(const HistoryEntry& entry, WatchChannel& channel) const;

  StoreOptions options_;
  std::unique_ptr<SqliteBackend> backend_;
  mutable std::shared_mutex mutex_;
  std::map<std::string, Bucket> buckets_;
  std::unordered_map<std::string, ObjectRef> uids_;
  // owner uid -> (resource, bucket key) of its dependents, so garbage
  // collection never scans every object.
  std::unordered_map<std::string, std::set<std::pair<std::string, std::string>>> dependents_;
  void index_owners(const std::string& resource, const std::string& key, const ObjectAttrs* before,
                    const ObjectAttrs* after);
  std::uint64_t rv_ = 0;
  std::uint64_t history_floor_ = 0;
  std::deque<HistoryEntry> history_;
  std::vector<std::weak_ptr<WatchChannel>> watchers_;
};

}  // namespace dynop::localcluster::storage
