#pragma once
// Owning C++ versions of the values plugins hand to the host (specs, results,
// decisions). The SDK converts them to the C structs of dynop/abi.h.

#include <chrono>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "dynop/abi.h"
#include "dynop/sdk/status.hpp"

namespace dynop::sdk {

struct Gvk {
  std::string group;  // "" for the core group
  std::string version;
  std::string kind;
};

// A work-queue key: namespace/name of a primary object.
struct Key {
  std::string ns;
  std::string name;
  friend bool operator==(const Key&, const Key&) = default;
};

struct ObjectRef {
  Gvk gvk;
  std::string ns;
  std::string name;
};

// ---- reconciler ----

enum class WatchMapping : int32_t {
  kControllerOwner = DYNOP_MAP_CONTROLLER_OWNER,
  kSameKey = DYNOP_MAP_SAME_KEY,
  kFunction = DYNOP_MAP_FUNCTION,  // needs `std::vector<Key> map_to_primary(size_t, string_view)`
};

enum class CacheMode : int32_t {
  kFull = DYNOP_CACHE_FULL,          // the whole object (minus managedFields)
  kMetadata = DYNOP_CACHE_METADATA,  // apiVersion, kind, metadata
  kFields = DYNOP_CACHE_FIELDS,      // identity plus the listed dotted paths
};

// What the host keeps in its cache of a kind, and whether the plugin writes
// whole objects of it back (update / update_status: then it must be full, or
// the host refuses the plugin at load). See dynop_cache_spec in abi.h.
//   CacheSpec::fields({"metadata.labels", "status.phase"})
//   CacheSpec::full().written_back()
struct CacheSpec {
  static CacheSpec full() { return CacheSpec(); }
  static CacheSpec metadata() { return CacheSpec(CacheMode::kMetadata, {}); }
  static CacheSpec fields(std::vector<std::string> paths) {
    return CacheSpec(CacheMode::kFields, std::move(paths));
  }
  // The same, declared as written back whole.
  CacheSpec written_back() const {
    CacheSpec c = *this;
    c.writes = true;
    return c;
  }

  CacheMode mode = CacheMode::kFull;
  std::vector<std::string> paths;  // kFields only
  bool writes = false;

 private:
  CacheSpec() = default;
  CacheSpec(CacheMode mode_in, std::vector<std::string> paths_in)
      : mode(mode_in), paths(std::move(paths_in)) {}
};

// Watch and ReconcilerSpec have constructors rather than being aggregates, so
// that `{gvk, mapping}` and `{primary, watches, workers}` stay complete
// initializers (no -Wmissing-field-initializers) as members are appended.
struct Watch {
  Watch(Gvk gvk_in = {}, WatchMapping mapping_in = WatchMapping::kControllerOwner,
        CacheSpec cache_in = CacheSpec::full())
      : gvk(std::move(gvk_in)), mapping(mapping_in), cache(std::move(cache_in)) {}
  Gvk gvk;
  WatchMapping mapping;
  CacheSpec cache;
};

struct ReconcilerSpec {
  ReconcilerSpec(Gvk primary_in = {}, std::vector<Watch> watches_in = {}, uint32_t workers_in = 1,
                 CacheSpec primary_cache_in = CacheSpec::full())
      : primary(std::move(primary_in)),
        watches(std::move(watches_in)),
        workers(workers_in),
        primary_cache(std::move(primary_cache_in)) {}
  Gvk primary;
  std::vector<Watch> watches;
  uint32_t workers;
  CacheSpec primary_cache;
};

// What reconcile() returns: done, error (retried with backoff), terminal
// error (not retried), conflict (a write lost an optimistic-concurrency race:
// retried with backoff and logged at debug, as the normal cost of
// concurrent writers) or a delayed retry.
class ReconcileResult {
 public:
  static ReconcileResult done() { return {}; }
  static ReconcileResult error(std::string message) {
    return ReconcileResult(Status::error(std::move(message)), 0);
  }
  static ReconcileResult terminal_error(std::string message) {
    return ReconcileResult(Status::terminal_error(std::move(message)), 0);
  }
  static ReconcileResult conflict(std::string message) {
    return ReconcileResult(Status(StatusCode::kConflict, std::move(message)), 0);
  }
  static ReconcileResult requeue_after(std::chrono::milliseconds delay) {
    return ReconcileResult(Status::ok(),
                           static_cast<uint64_t>(delay.count() > 0 ? delay.count() : 1));
  }

  const Status& status() const { return status_; }
  uint64_t requeue_after_ms() const { return requeue_after_ms_; }

 private:
  ReconcileResult() = default;
  ReconcileResult(Status status, uint64_t ms) : status_(std::move(status)), requeue_after_ms_(ms) {}
  Status status_;
  uint64_t requeue_after_ms_ = 0;
};

// ---- admission ----

enum Operation : uint32_t {
  kCreate = DYNOP_OP_CREATE,
  kUpdate = DYNOP_OP_UPDATE,
  kDelete = DYNOP_OP_DELETE,
  kConnect = DYNOP_OP_CONNECT,
};

struct AdmissionRule {
  std::string group;
  std::string version;
  std::string resource;  // plural, optionally "/subresource"
  uint32_t operations = kCreate | kUpdate;
};

struct AdmissionSpec {
  std::vector<AdmissionRule> rules;
};

struct AdmissionResponse {
  static AdmissionResponse allow(std::vector<std::string> warnings = {}) {
    AdmissionResponse r;
    r.allowed = true;
    r.warnings = std::move(warnings);
    return r;
  }
  static AdmissionResponse deny(std::string message, int32_t http_code = 403) {
    AdmissionResponse r;
    r.allowed = false;
    r.message = std::move(message);
    r.http_code = http_code;
    return r;
  }
  bool allowed = true;
  int32_t http_code = 0;
  std::string message;
  std::vector<std::string> warnings;
};

// ---- placement ----

struct PlacementSpec {
  std::string scheduler_name;  // pods with this spec.schedulerName are the plugin's
  // Stop filtering once this many candidates fit and score only those
  // (0: every candidate). Worth setting when pre_filter orders candidates
  // best first.
  uint32_t nodes_to_score = 0;
};

// ---- autoscaler ----

struct AutoscalerSpec {
  std::chrono::milliseconds interval{15000};
};

struct ScaleDecision {
  ObjectRef target;
  int32_t desired_replicas = 0;
  std::string reason;
};

}  // namespace dynop::sdk
