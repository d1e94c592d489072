#pragma once
// LeaseClient over the kube REST client (coordination.k8s.io/v1 leases).

#include <memory>

#include "host/controller/leader_elector.hpp"
#include "host/kube/client.hpp"

namespace dynop::host::controller {

// `client` must outlive the result. Fails when the server does not serve
// coordination.k8s.io/v1 Lease.
kube::Result<std::unique_ptr<LeaseClient>> make_kube_lease_client(kube::Client& client);

}  // namespace dynop::host::controller
