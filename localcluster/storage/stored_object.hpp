#pragma once
// The unit dynop-localcluster's storage hands out: one object as compact
// JSON bytes plus the few attributes that list and watch filter on. Objects
// are shared immutable snapshots, so a 100,000-item list copies pointers, not
// documents.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dynop::localcluster::storage {

// What label and field selectors look at, extracted once per write.
struct ObjectAttrs {
  std::string namespace_name;
  std::string name;
  std::string uid;
  std::vector<std::pair<std::string, std::string>> labels;  // sorted by key
  // Selectable fields ("metadata.name", "spec.nodeName", ...) and their values.
  std::vector<std::pair<std::string, std::string>> fields;
  std::vector<std::string> owner_uids;  // metadata.ownerReferences[*].uid, for garbage collection
  bool has_finalizers = false;
  bool deleting = false;  // metadata.deletionTimestamp is set

  const std::string* label(std::string_view key) const;
  const std::string* field(std::string_view key) const;
};

struct StoredObject {
  std::uint64_t resource_version = 0;
  std::shared_ptr<const std::string> json;  // metadata.resourceVersion already set
  std::shared_ptr<const ObjectAttrs> attrs;
};

enum class WatchEventType { kAdded, kModified, kDeleted };

const char* to_string(WatchEventType type);

struct WatchEvent {
  WatchEventType type = WatchEventType::kAdded;
  std::string resource;  // which resource the object belongs to (for all-resource watchers)
  std::uint64_t resource_version = 0;
  std::shared_ptr<const std::string> json;
  std::shared_ptr<const ObjectAttrs> attrs;
};

}  // namespace dynop::localcluster::storage
