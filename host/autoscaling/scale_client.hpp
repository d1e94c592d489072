#pragma once
// What applying a scaling decision needs of the cluster: a target's current
// spec.replicas through its /scale subresource, and a write of it. One per
// autoscaler plugin, so that each writes as its own identity.

#include <cstdint>
#include <memory>

#include "host/autoscaling/decision_log.hpp"
#include "lib/kube/client/api_error.hpp"

namespace dynop::kube {
class Client;
}

namespace dynop::host::autoscaling {

class ScaleClient {
 public:
  virtual ~ScaleClient() = default;
  virtual kube::Result<std::int32_t> get_replicas(const ScaleTarget& target) = 0;
  virtual kube::Status set_replicas(const ScaleTarget& target, std::int32_t replicas) = 0;
};

// Over a kube::Client (which carries the identity: Impersonate-User, and the
// User-Agent the API server takes the field manager from).
std::unique_ptr<ScaleClient> make_kube_scale_client(kube::Client& client);

}  // namespace dynop::host::autoscaling
