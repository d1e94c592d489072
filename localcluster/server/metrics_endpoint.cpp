#include "localcluster/server/metrics_endpoint.hpp"

#include <set>

namespace dynop::localcluster::server {

MetricsEndpoint::MetricsEndpoint(metrics::Registry& registry, const storage::ObjectStore& store,
                                 const ResourceRegistry& resources)
    : registry_(registry),
      store_(store),
      resources_(resources),
      storage_objects_(registry.gauge(
          "apiserver_storage_objects",
          "[STABLE] Number of stored objects at the time of last check split by kind.")),
      process_(registry) {}

void MetricsEndpoint::count_stored_objects() {
  // One series per served resource (all its versions share storage), 0 when
  // none is stored; a resource no longer served (its CRD deleted) drops out.
  std::set<std::string> served;
  for (const auto& type : resources_.all()) served.insert(storage_resource(*type));
  std::lock_guard lock(mutex_);
  for (auto it = counted_.begin(); it != counted_.end();) {
    if (served.count(it->first) == 0) {
      storage_objects_.prometheus_family().Remove(it->second);
      it = counted_.erase(it);
    } else {
      ++it;
    }
  }
  for (const auto& resource : served) {
    auto& gauge = counted_[resource];
    if (!gauge) gauge = &storage_objects_.with({{"resource", resource}});
    gauge->Set(static_cast<double>(store_.count(resource)));
  }
}

net::Response MetricsEndpoint::serve() {
  count_stored_objects();
  process_.update();
  net::Response response = net::Response::text(200, registry_.serialize());
  response.set_header("Content-Type", metrics::Registry::kContentType);
  return response;
}

}  // namespace dynop::localcluster::server
