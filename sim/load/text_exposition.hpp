#pragma once
// Prometheus text exposition (format 0.0.4) of prometheus-cpp metric
// families, with numbers written as Go and Rust exporters write them: the
// shortest decimal that reads back as the same double (le="0.084", where
// prometheus-cpp's own serializer writes le="0.08400000000000001", a
// different label value for PromQL selectors).

#include <prometheus/metric_family.h>
#include <prometheus/registry.h>

#include <string>
#include <vector>

namespace dynop::sim {

std::string text_exposition(const std::vector<prometheus::MetricFamily>& families);
inline std::string text_exposition(prometheus::Registry& registry) {
  return text_exposition(registry.Collect());
}

}  // namespace dynop::sim
