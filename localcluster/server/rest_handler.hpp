#pragma once
// The REST semantics of kube-apiserver for every served resource: get, list,
// watch, create, update, patch, delete, deletecollection, and the status,
// scale and binding subresources. HTTP-level concerns (TLS, auth, routing of
// non-resource paths) live in api_server.hpp.
//
// One request path per file, as kube-apiserver's endpoints/handlers: the
// dispatcher in rest_handler.cpp, then get_handler.cpp, list_handler.cpp,
// watch_handler.cpp, create_handler.cpp, update_handler.cpp,
// patch_handler.cpp, delete_handler.cpp and the subresources
// (status_handler.cpp, scale_handler.cpp, binding_handler.cpp). What they
// share: rest_context.hpp (the request context), write_path.cpp (validation,
// admission, the optimistic write loop), responses.cpp and table_response.cpp.

#include <atomic>
#include <boost/json/value.hpp>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "lib/net/handler.hpp"
#include "localcluster/registry/resource_registry.hpp"
#include "localcluster/schema/structural_schema.hpp"
#include "localcluster/server/api_error.hpp"
#include "localcluster/server/hooks.hpp"
#include "localcluster/server/request_info.hpp"
#include "localcluster/storage/object_store.hpp"

namespace dynop::localcluster::server {

struct RestOptions {
  std::chrono::seconds bookmark_interval{60};
  std::chrono::seconds default_watch_timeout{1800};
};

class RestHandler {
 public:
  RestHandler(storage::ObjectStore& store, ResourceRegistry& registry, const ServerHooks& hooks,
              RestOptions options = {});
  ~RestHandler();

  // Answers through `responder`, possibly later from a watch thread.
  void handle(const net::Request& request, const RequestInfo& info, net::Responder responder);

  // Ends every watch and waits for their threads.
  void stop();
  // Ends the watch streams open now (the handler keeps serving); how many.
  std::size_t close_watches();

  // The compiled schema of a served type (cached; null when it has none).
  schema::SchemaPtr schema_for(const ResourceType& type);

 private:
  struct Context;
  // What a write computes from the current object, outside the store lock.
  struct Decision {
    boost::json::object object;
    storage::WriteAction action = storage::WriteAction::kWrite;
  };
  using Compute = std::function<std::variant<Decision, ApiError>(const boost::json::object&)>;

  net::Response get(Context& ctx);
  void list(Context& ctx, net::Responder responder);
  void watch(Context& ctx, net::Responder responder);
  // pods/{name}/portforward (portforward_handler.cpp): a WebSocket carrying
  // kubectl's SPDY/3.1 port-forward session to the pod's address.
  void port_forward(Context& ctx, net::Responder responder);
  net::Response create(Context& ctx);
  net::Response create_from(Context& ctx, boost::json::value& value);
  net::Response update(Context& ctx);
  net::Response patch(Context& ctx);
  net::Response remove(Context& ctx);
  net::Response remove_collection(Context& ctx);
  net::Response status_subresource(Context& ctx);
  net::Response scale_subresource(Context& ctx);
  net::Response binding(Context& ctx);

  // Optimistic read-compute-write loop: heavy work (validation, admission)
  // happens outside the store lock; a concurrent write retries the compute.
  std::variant<storage::StoredObject, ApiError> write(Context& ctx, const std::string& name,
                                                      const Compute& compute);
  std::variant<Decision, ApiError> finish_update(Context& ctx, const boost::json::object& current,
                                                 boost::json::object next, bool status_only);
  std::optional<ApiError> prepare_write(Context& ctx, const boost::json::object* old_object,
                                        boost::json::object& object, bool status_only);
  // The built-in admission plugins (hooks_.mutating_admission), in order.
  std::optional<ApiError> admit_builtin(Context& ctx, const std::string& operation,
                                        const std::string& name, boost::json::object* object);
  std::optional<ApiError> decode_typed(Context& ctx, boost::json::object& object);
  // A body in the URL's version decoded, then converted to the storage
  // version (nothing when the version is stored as served).
  std::optional<ApiError> to_storage(Context& ctx, boost::json::object& object);
  std::optional<ApiError> admit(Context& ctx, const std::string& operation,
                                const boost::json::object* object,
                                const boost::json::object* old_object);
  std::variant<Decision, ApiError> decide_delete(Context& ctx, const boost::json::object& current,
                                                 const boost::json::object& options);
  net::Response object_response(Context& ctx, unsigned status, const storage::StoredObject& obj);
  net::Response respond_json(Context& ctx, unsigned status, std::string body);
  net::Response error_response(Context& ctx, const ApiError& error);
  // Whether the client asked for a Table and this server renders them.
  bool serves_table(const Context& ctx) const;
  net::Response table_response(Context& ctx, unsigned status,
                               const std::vector<boost::json::value>& objects,
                               const TableRequest& request);

  storage::ObjectStore& store_;
  ResourceRegistry& registry_;
  const ServerHooks& hooks_;
  RestOptions options_;

  std::mutex schema_mutex_;
  std::map<const boost::json::value*,
           std::pair<std::shared_ptr<const boost::json::value>, schema::SchemaPtr>>
      schemas_;

  std::mutex watch_mutex_;
  std::condition_variable watch_cv_;
  int active_watches_ = 0;
  std::vector<std::weak_ptr<storage::WatchChannel>> watches_;  // the clients' watches
  std::atomic<bool> stopping_{false};
};

}  // namespace dynop::localcluster::server
