#pragma once
// The informer's store: objects by key ("namespace/name"), plus secondary
// indexes (client-go's cache.Indexer). Thread-safe; readers get shared
// immutable snapshots, so a lookup never copies an object.
//
// Built-in index functions: by namespace, by owner uid (every
// ownerReference), by controller owner uid, and by the value of one label.
// They read what the decoder stored beside the JSON (CachedObject's
// identity, labels and owners), so inserting and removing an object never
// parses it: its index keys come from the one pass that decoded it.

#include <functional>
#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "lib/kube/cache/cached_object.hpp"

namespace dynop::kube {

// Appends the index values of one object ("dynamo", an owner uid, a label
// value...) to `values`, as views into the object itself.
using IndexFunc =
    std::function<void(const CachedObject& object, std::vector<std::string_view>& values)>;

inline constexpr const char* kNamespaceIndex = "namespace";
inline constexpr const char* kOwnerIndex = "owner";
inline constexpr const char* kControllerIndex = "controller";

IndexFunc index_by_namespace();
IndexFunc index_by_owner_uid();
IndexFunc index_by_controller_uid();
IndexFunc index_by_label(std::string label_key);

// namespace and owner (what controllers look up). The controller index is
// opt-in: owner covers it, and every index costs memory per object.
std::map<std::string, IndexFunc> default_indexers();

class Indexer {
 public:
  explicit Indexer(std::map<std::string, IndexFunc> indexers = default_indexers());
  Indexer(const Indexer&) = delete;
  Indexer& operator=(const Indexer&) = delete;

  // Inserts or replaces by key; returns the previous object (null if new).
  ObjectPtr upsert(ObjectPtr object);
  // Removes by key; returns what was removed (null if absent).
  ObjectPtr remove(std::string_view key);
  // Replaces the whole content (a relist). `on_change(old, now)` is called
  // for every difference: old null = added, now null = deleted, both set =
  // changed resourceVersion. Unchanged objects keep their snapshot.
  void replace(std::vector<ObjectPtr> objects,
               const std::function<void(const ObjectPtr& old, const ObjectPtr& now)>& on_change);

  ObjectPtr get(std::string_view key) const;
  ObjectPtr get(std::string_view ns, std::string_view name) const;
  std::vector<ObjectPtr> list() const;
  std::vector<ObjectPtr> by_index(std::string_view index, std::string_view value) const;
  std::vector<std::string> keys() const;
  std::size_t size() const;
  bool has_index(std::string_view index) const;
  // Adds an index after objects exist (indexes them all). Replaces one with
  // the same name.
  void add_index(const std::string& name, IndexFunc func);

 private:
  // Buckets are found by string_view (C++20 heterogeneous lookup): no key is
  // built to look one up.
  struct ValueHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  using Buckets = std::unordered_map<std::string, std::unordered_set<const CachedObject*>,
                                     ValueHash, std::equal_to<>>;
  struct Index {
    IndexFunc func;
    Buckets values;
  };
  // Adds `object` to the buckets of one index / of every index.
  void index_into(Index& index, const CachedObject& object);
  void index_locked(const CachedObject& object);
  void unindex_locked(const CachedObject& object);
  void upsert_locked(ObjectPtr object, ObjectPtr* previous);

  mutable std::shared_mutex mutex_;
  std::vector<std::string_view> scratch_;  // index values of one object; under the write lock
  // Keys are views into the objects themselves (CachedObject::key()).
  std::unordered_map<std::string_view, ObjectPtr> objects_;
  std::map<std::string, Index, std::less<>> indexes_;
};

}  // namespace dynop::kube
