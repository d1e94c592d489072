#pragma once
// GET /prometheus-sd/v1/pods[?namespace=NS]: every pod's HTTP service
// discovery groups (pod_targets.hpp), for Prometheus's http_sd_configs with
// the API server's CA and bearer token, as kubernetes_sd_configs would
// list and watch pods. Outside /api and /apis, so kubectl never sees it.

#include <optional>

#include "lib/net/message.hpp"
#include "localcluster/storage/object_store.hpp"

namespace dynop::localcluster::prometheus_sd {

inline constexpr const char* kPodsPath = "/prometheus-sd/v1/pods";

// A NonResourceHandler: nullopt for other paths.
std::optional<net::Response> serve_pod_targets(const net::Request& request,
                                               const storage::ObjectStore& store);

}  // namespace dynop::localcluster::prometheus_sd
