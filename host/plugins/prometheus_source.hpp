#pragma once
// Where the host's Prometheus callbacks (prometheus_query and
// prometheus_query_range of dynop/abi.h, ABI 1.2) go: the host's configured
// Prometheus (host/prometheus/), set on PluginManager::set_prometheus before
// load_all. Without one every call answers DYNOP_NOT_IMPLEMENTED naming the
// setting to add.
//
// Threading: called from any plugin thread, concurrently; implementations
// must be thread-safe.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dynop/abi.h"

namespace dynop::host {

struct PromSeriesData {
  std::vector<std::pair<std::string, std::string>> labels;
  std::vector<dynop_prom_point> points;
};

// code: a dynop_status_code; the rest is read only when it is DYNOP_OK.
struct PromAnswer {
  int32_t code = DYNOP_OK;
  std::string message;
  int32_t result_type = DYNOP_PROM_VECTOR;  // dynop_prom_result_type
  std::vector<PromSeriesData> series;
  std::string string_value;
  std::vector<std::string> warnings;

  static PromAnswer error(int32_t code, std::string message) {
    PromAnswer a;
    a.code = code;
    a.message = std::move(message);
    return a;
  }
};

class PrometheusSource {
 public:
  virtual ~PrometheusSource() = default;
  // time: seconds since the epoch, 0 for now.
  virtual PromAnswer query(std::string_view promql, double time) = 0;
  virtual PromAnswer query_range(std::string_view promql, double start, double end,
                                 double step) = 0;
};

}  // namespace dynop::host
