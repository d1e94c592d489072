#pragma once
// Histogram bucket layouts (prometheus-cpp 1.0 has no helpers for them), as
// client_golang's ExponentialBuckets and LinearBuckets.

#include <vector>

namespace dynop::metrics {

// start, start*factor, ... (count values). Throws std::invalid_argument when
// start <= 0, factor <= 1 or count < 1.
std::vector<double> exponential_buckets(double start, double factor, int count);
// start, start+width, ... (count values). Throws std::invalid_argument when
// width <= 0 or count < 1.
std::vector<double> linear_buckets(double start, double width, int count);

}  // namespace dynop::metrics
