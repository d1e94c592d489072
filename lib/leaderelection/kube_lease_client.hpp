#pragma once
// LeaseClient over the kube REST client (coordination.k8s.io/v1 leases).

#include <memory>

#include "lib/kube/client/client.hpp"
#include "lib/leaderelection/leader_elector.hpp"

namespace dynop::leaderelection {

// `client` must outlive the result. Fails when the server does not serve
// coordination.k8s.io/v1 Lease.
kube::Result<std::unique_ptr<LeaseClient>> make_kube_lease_client(kube::Client& client);

}  // namespace dynop::leaderelection
