#pragma once
// What kube-controller-manager's endpoints and endpointslice controllers
// compute for a Service with a selector (v1.26): its pods' addresses, whether
// each is ready, serving or terminating, and each service port resolved
// against the pod's container ports (a named targetPort is looked up by name
// and protocol; a pod without it is left out of that port), rendered as the
// Service's Endpoints object and its EndpointSlices.
//
//   Endpoints: pods with an IP that are not terminal and not being deleted;
//     Ready pods in `addresses`, the others in `notReadyAddresses` (all in
//     `addresses` with publishNotReadyAddresses); one subset per distinct set
//     of resolved ports, addresses sorted by IP.
//   EndpointSlices (discovery.k8s.io/v1, addressType IPv4): pods with an IP
//     that are not terminal, terminating ones included with ready=false and
//     terminating=true; up to 100 endpoints a slice, one group of slices per
//     distinct set of resolved ports.

#include <boost/json/object.hpp>
#include <string>
#include <vector>

namespace dynop::localcluster::controllers {

inline constexpr int kMaxEndpointsPerSlice = 100;
inline constexpr char kServiceNameLabel[] = "kubernetes.io/service-name";
inline constexpr char kManagedByLabel[] = "endpointslice.kubernetes.io/managed-by";
inline constexpr char kEndpointSliceController[] = "endpointslice-controller.k8s.io";

struct BackendPort {
  std::string name;  // the service port's name
  long long port = 0;
  std::string protocol;
  bool operator==(const BackendPort&) const = default;
};

struct Backend {
  std::string pod;
  std::string pod_uid;
  std::string node;
  std::string ip;
  bool ready = false;        // the pod's Ready condition
  bool terminating = false;  // deletionTimestamp set
  std::vector<BackendPort> ports;
};

// The pods (already selected by the Service's selector, in its namespace)
// that have an address, with their ports resolved; sorted by pod name.
std::vector<Backend> service_backends(const boost::json::object& service,
                                      const std::vector<boost::json::object>& pods);

// The Endpoints object for `service` (name, namespace, labels, subsets).
boost::json::object render_endpoints(const boost::json::object& service,
                                     const std::vector<Backend>& backends);

// The content of the Service's EndpointSlices, one entry per slice: labels,
// ownerReferences, addressType, endpoints and ports (no name: the controller
// reuses existing slices or generates names). A Service without backends
// gets one empty slice, as kube's placeholder.
std::vector<boost::json::object> render_endpoint_slices(const boost::json::object& service,
                                                        const std::vector<Backend>& backends);

}  // namespace dynop::localcluster::controllers
