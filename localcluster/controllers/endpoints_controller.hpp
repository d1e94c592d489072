#pragma once
// What kube-controller-manager's endpoints and endpointslice controllers do
// for Services with a selector: keep the Service's Endpoints object (same
// name) and its EndpointSlices (discovery.k8s.io/v1, owned by the Service,
// labelled kubernetes.io/service-name) matching the selected pods' addresses
// and readiness (service_backends.hpp). A Service without a selector is left
// to whoever manages its endpoints; a deleted Service's Endpoints are
// deleted (its slices go with it through garbage collection). Writes happen
// only when what the objects say changes.

#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>

#include "lib/apimachinery/label_selector.hpp"
#include "localcluster/controllers/controller_loop.hpp"
#include "localcluster/registry/resource_registry.hpp"
#include "localcluster/storage/object_store.hpp"

namespace dynop::localcluster::controllers {

inline constexpr char kEndpointSlicesResource[] = "endpointslices.discovery.k8s.io";

class EndpointsController {
 public:
  explicit EndpointsController(storage::ObjectStore& store);
  void start();
  void stop();

 private:
  struct ServiceInfo {
    apimachinery::LabelSelector selector;
    std::set<std::string> members;  // pods in its endpoints at the last sync
  };
  using Key = std::pair<std::string, std::string>;  // namespace, name

  void on_event(const storage::WatchEvent& event);
  void on_tick();
  void sync(const Key& key);
  void sync_endpoints(const Key& key, const boost::json::object& want);
  void sync_slices(const Key& key, std::vector<boost::json::object> want);

  storage::ObjectStore& store_;
  // Touched only on the loop's thread.
  std::map<std::string, std::map<std::string, ServiceInfo>> services_;  // by namespace, name
  std::set<Key> dirty_;
  std::unique_ptr<ControllerLoop> loop_;
};

}  // namespace dynop::localcluster::controllers
