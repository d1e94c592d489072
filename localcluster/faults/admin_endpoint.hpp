#pragma once
// The fault-injection admin endpoint of dynop-localcluster, on the API port
// under /admin/ (outside /api and /apis, so discovery and kubectl never see
// it). Only the admin token itself may use it: a request with Impersonate-*
// headers gets 403.
//
//   GET  /admin/faults                 the settings and {"injectedFailures":N}
//   PUT  /admin/faults                 change settings (fault_config.hpp), 400 naming a bad field
//   POST /admin/faults/drop-watches    end every open watch stream: {"dropped":N}
//   POST /admin/faults/compact         forget watch history, end watches: {"compactedTo":"RV"}
//   POST /admin/restart                202, then a restart in place (the embedder's)
//
// One AdminEndpoint serves one incarnation of the server (its watches, its
// store); the FaultInjector it reads and writes outlives restarts.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>

#include "lib/net/message.hpp"
#include "localcluster/faults/fault_injector.hpp"
#include "localcluster/server/hooks.hpp"

namespace dynop::localcluster::faults {

// What the endpoint does to the running server.
struct ClusterControls {
  std::function<std::size_t()> drop_watches;  // ends the clients' watch streams; how many
  std::function<std::uint64_t()> compact;     // forgets watch history; the current RV
  std::function<void()> restart;  // asks for a restart and returns; it happens after the 202
};

class AdminEndpoint {
 public:
  AdminEndpoint(FaultInjector& injector, ClusterControls controls);

  // nullopt when the path is not under /admin/.
  std::optional<net::Response> handle(const net::Request& request);

  // Adds the endpoint (hooks.admin) and the injector's latency and write
  // failures (hooks.faults). `this` and the injector must outlive the server.
  void install(server::ServerHooks& hooks);

 private:
  net::Response faults_document(unsigned status) const;

  FaultInjector& injector_;
  ClusterControls controls_;
  std::atomic<bool> restarting_{false};  // one restart per incarnation
};

}  // namespace dynop::localcluster::faults
