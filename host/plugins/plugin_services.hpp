#pragma once
// What the host offers plugins beyond logging and metrics: cached reads,
// writes, events and requeues. The loader forwards those callbacks of the C
// ABI (dynop_host in sdk/include/dynop/abi.h) to this interface. The parts of
// the host that own caches, the API client, the event recorder and the work
// queues implement it in one place (manager::PluginRuntime) and hand it to
// PluginManager::set_services before load_all; a host running without a
// cluster connection (admission only) keeps these defaults, which answer
// DYNOP_NOT_IMPLEMENTED.
//
// Threading: called from any plugin thread, concurrently; implementations
// must be thread-safe. Every view argument is valid only during the call.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "dynop/abi.h"

namespace dynop::host {

struct ObjectRefView {
  std::string_view group;
  std::string_view version;
  std::string_view kind;
  std::string_view ns;
  std::string_view name;
};

// code: a dynop_status_code. json: the object (or array) returned on success.
struct ServiceResult {
  int32_t code = DYNOP_OK;
  std::string message;
  std::string json;

  static ServiceResult ok(std::string json = {}) { return {DYNOP_OK, {}, std::move(json)}; }
  static ServiceResult error(int32_t code, std::string message) {
    return {code, std::move(message), {}};
  }
};

class PluginServices {
 public:
  virtual ~PluginServices() = default;

  // `plugin` is the calling plugin's name, for attribution and per-plugin queues.
  virtual ServiceResult get_object(std::string_view plugin, const ObjectRefView& ref) {
    return not_implemented("get_object");
  }
  virtual ServiceResult list_objects(std::string_view plugin, const ObjectRefView& ref,
                                     std::string_view label_selector) {
    return not_implemented("list_objects");
  }
  virtual ServiceResult create_object(std::string_view plugin, const ObjectRefView& ref,
                                      std::string_view json) {
    return not_implemented("create_object");
  }
  virtual ServiceResult update_object(std::string_view plugin, const ObjectRefView& ref,
                                      std::string_view json) {
    return not_implemented("update_object");
  }
  virtual ServiceResult patch_object(std::string_view plugin, const ObjectRefView& ref,
                                     dynop_patch_type type, std::string_view patch) {
    return not_implemented("patch_object");
  }
  virtual ServiceResult delete_object(std::string_view plugin, const ObjectRefView& ref) {
    return not_implemented("delete_object");
  }
  virtual ServiceResult update_status(std::string_view plugin, const ObjectRefView& ref,
                                      std::string_view json) {
    return not_implemented("update_status");
  }
  virtual ServiceResult get_scale(std::string_view plugin, const ObjectRefView& ref) {
    return not_implemented("get_scale");
  }
  virtual ServiceResult update_scale(std::string_view plugin, const ObjectRefView& ref,
                                     int32_t replicas) {
    return not_implemented("update_scale");
  }
  virtual ServiceResult record_event(std::string_view plugin, const ObjectRefView& involved,
                                     dynop_event_type type, std::string_view reason,
                                     std::string_view message) {
    return not_implemented("record_event");
  }
  virtual ServiceResult requeue_after(std::string_view plugin, std::string_view ns,
                                      std::string_view name, uint64_t delay_ms) {
    return not_implemented("requeue_after");
  }

  static ServiceResult not_implemented(std::string_view what) {
    return ServiceResult::error(DYNOP_NOT_IMPLEMENTED,
                                std::string(what) +
                                    " needs a Kubernetes API server, and this host runs without "
                                    "one (no --kubeconfig, $KUBECONFIG or in-cluster account)");
  }
};

}  // namespace dynop::host
