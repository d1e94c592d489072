#pragma once
// A reader of the Prometheus text exposition format (0.0.4), for tests that
// check what a /metrics endpoint serves: every sample with its labels, and
// each family's HELP and TYPE. Strict: a line it cannot read is an error
// naming the line, so a test never passes on output Prometheus would reject.

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace dynop::test {

struct MetricSample {
  std::string name;  // as written: histograms' end in _bucket, _sum, _count
  std::map<std::string, std::string> labels;
  double value = 0;
};

struct MetricExposition {
  std::map<std::string, std::string> help;  // family -> unescaped HELP text
  std::map<std::string, std::string> type;  // family -> counter, gauge, histogram, ...
  std::vector<MetricSample> samples;

  // The first sample named `name` whose labels include `labels`.
  const MetricSample* find(const std::string& name,
                           const std::map<std::string, std::string>& labels = {}) const;
};

// nullopt and `error` ("line 3: ...") when `text` is not valid exposition.
std::optional<MetricExposition> parse_exposition(const std::string& text, std::string& error);

}  // namespace dynop::test
