#pragma once
// Prometheus text exposition (format 0.0.4) of prometheus-cpp metric
// families: what every /metrics endpoint of dynop serves (the host's, and
// each simulated pod's in dynop-sim).
//
// Not tied to one process-wide registry: whoever serves /metrics passes what
// it serves. A simulation that plays many pods keeps one ::prometheus::Registry
// (or dynop::metrics::Registry) per pod and answers each pod's /metrics with
// that pod's registry:
//
//   ::prometheus::Registry pod_registry;
//   auto& requests = ::prometheus::BuildCounter().Name("dynamo_frontend_requests_total")
//                        .Help("Requests.").Register(pod_registry).Add({{"model", "m"}});
//   requests.Increment();
//   response.set_header("Content-Type", dynop::metrics::kContentType);
//   response.body = dynop::metrics::text_exposition(pod_registry);
//
// Why not prometheus-cpp's TextSerializer: 1.0.1 writes numbers with 17
// significant digits (le="0.08400000000000001", a different label value for
// PromQL selectors than the le="0.084" Go and Rust exporters write) and HELP
// text unescaped (a newline in it breaks the scrape). Numbers here are the
// shortest decimal that reads back as the same double.

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include <string>
#include <vector>

namespace dynop::metrics {

// The Content-Type of text_exposition()'s output.
inline constexpr const char* kContentType = "text/plain; version=0.0.4; charset=utf-8";

// Every family with HELP and TYPE lines, in the order given.
std::string text_exposition(const std::vector<::prometheus::MetricFamily>& families);
// Every family `collectable` (a registry) holds; thread-safe as registries are.
std::string text_exposition(const ::prometheus::Collectable& collectable);

}  // namespace dynop::metrics
