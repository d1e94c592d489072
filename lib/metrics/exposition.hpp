#pragma once
// Prometheus text exposition (format 0.0.4) of any prometheus-cpp registry.
//
// Not tied to one process-wide registry: whoever serves /metrics passes the
// registry it serves. A simulation that plays many pods keeps one
// prometheus::Registry (or dynop::metrics::Registry) per pod and answers each
// pod's /metrics with that pod's registry:
//
//   prometheus::Registry pod_registry;
//   auto& requests = prometheus::BuildCounter().Name("dynamo_frontend_requests_total")
//                        .Help("Requests.").Register(pod_registry).Add({{"model", "m"}});
//   requests.Increment();
//   response.set_header("Content-Type", dynop::metrics::kContentType);
//   response.body = dynop::metrics::text_exposition(pod_registry);

#include <prometheus/collectable.h>

#include <string>

namespace dynop::metrics {

// The Content-Type of text_exposition()'s output.
inline constexpr const char* kContentType = "text/plain; version=0.0.4; charset=utf-8";

// Every family `collectable` holds, with HELP and TYPE lines, as Prometheus
// scrapes it. Thread-safe as far as the collectable is (registries are).
std::string text_exposition(const prometheus::Collectable& collectable);

}  // namespace dynop::metrics
