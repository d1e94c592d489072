#pragma once
// dynop-localcluster's object storage: every object of every resource, one
// global resourceVersion sequence, a bounded event history for watches, and
// (unless in memory) a SQLite copy that survives restarts.
//
// All objects live in memory as shared immutable JSON snapshots; SQLite is
// written through on every change, before the write is acknowledged (see
// sqlite_backend.hpp for why that survives SIGKILL). Reads take a shared lock
// and copy pointers.
//
// Group commit: a write runs under the write lock and adds its row to the
// open SQLite transaction (opening one if none is). If another write is
// already waiting for the lock, it leaves the transaction open for that one
// and waits, without the lock, until the transaction commits; the last write
// of the queue (none waiting behind it) commits for all. So writes arriving
// while others run share one transaction (one lock round, one WAL commit, one
// resourceVersion row) instead of one each. Nothing else changes: every
// write is answered only after its transaction committed; resourceVersions
// are assigned in lock order; watchers receive a group's events only after
// it committed, in order; a reader that finds a transaction open commits it
// before reading, so no read ever shows an uncommitted write. A write whose
// statement fails fails alone: SQLite undoes that statement, and if it
// rolled back the whole transaction, the group's earlier writes are redone in
// a new one. A COMMIT that fails fails every write of its group, and their
// changes are undone in memory.

#include <atomic>
#include <boost/json/object.hpp>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
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
  // SQLite transactions committed since the store opened (0 in memory).
  std::uint64_t storage_commits() const;

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

  // The transaction a group of writes shares; `done` and `error` are
  // guarded by commit_mutex_.
  struct CommitGroup {
    bool done = false;
    std::optional<StoreError> error;
  };
  // The write lock held by one writer, announced while it waits (object_store.cpp).
  class WriteSection;
  // Most writes one transaction takes before it commits, waiting writers or not.
  static constexpr std::size_t kMaxGroup = 64;

  static std::string bucket_key(const std::string& ns, const std::string& name);
  StoredObject make_object(const std::string& resource, boost::json::object& object,
                           std::uint64_t rv) const;
  // Adds the row to the open transaction (opening one); on error nothing of
  // this write is stored and the group's other writes are kept.
  std::optional<StoreError> stage(const std::string& resource, const std::string& key,
                                  const StoredObject* object, std::uint64_t rv);
  std::string write_row(const HistoryEntry& entry);
  // A write applied in memory: published now, or when its transaction commits.
  void record(HistoryEntry entry);
  void commit_group();
  void fail_group(const std::string& error);
  void finish_group(std::optional<StoreError> error);
  void undo(const HistoryEntry& entry);
  // Ends a writer's hold of the lock: commits the open transaction unless a
  // writer is waiting to add to it (and the group is not full).
  void end_section(std::unique_lock<std::shared_mutex>& lock);
  template <class Read>
  auto read_committed(Read&& read) const;
  ListResult list_committed(const Selection& selection, const ListOptions& options) const;
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
  // Group commit (with SQLite only): the writes in the open transaction, in
  // order, not yet published; null group_ when no transaction is open.
  std::vector<HistoryEntry> staged_;
  std::shared_ptr<CommitGroup> group_;
  std::uint64_t committed_rv_ = 0;
  std::atomic<int> waiting_writers_{0};
  std::mutex commit_mutex_;
  std::condition_variable commit_cv_;
};

}  // namespace dynop::localcluster::storage
