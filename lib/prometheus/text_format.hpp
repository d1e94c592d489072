#pragma once
// Parser for the Prometheus text exposition format 0.0.4, what kubelets'
// /metrics/resource and every /metrics endpoint serve:
//   # HELP container_cpu_usage_seconds_total [STABLE] Cumulative cpu time ...
//   # TYPE container_cpu_usage_seconds_total counter
//   container_cpu_usage_seconds_total{container="c",namespace="default",pod="p"} 10.29
//   1673532548155
// Label values unescape \\, \" and \n; values accept NaN, +Inf and -Inf; the
// optional timestamp is in milliseconds. A malformed line is an error naming
// its line number; nothing is half-parsed.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lib/apimachinery/result.hpp"

namespace dynop::prometheus {

struct TextSample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0;
  std::optional<int64_t> timestamp_ms;
};

struct TextExposition {
  std::vector<TextSample> samples;
  std::map<std::string, std::string> types;  // from # TYPE lines
  std::map<std::string, std::string> help;   // from # HELP lines, \\ and \n unescaped

  // The first sample named `name` whose labels include all of `labels`; null if none.
  const TextSample* find(std::string_view name,
                         const std::map<std::string, std::string>& labels = {}) const;
};

apimachinery::Result<TextExposition> parse_text_format(std::string_view text);

}  // namespace dynop::prometheus
