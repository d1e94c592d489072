#include "localcluster/controllers/keda/prometheus_trigger.hpp"

#include <charconv>
#include <cmath>

#include "lib/apimachinery/go_format.hpp"
#include "lib/apimachinery/quantity.hpp"

namespace dynop::localcluster::keda {
using apimachinery::Error;
using apimachinery::Result;

namespace {

const char* kPrefix = "error parsing prometheus metadata: ";

std::optional<double> parse_float(const std::string& text) {
  double v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  return v;
}

std::optional<bool> parse_bool(const std::string& text) {
  for (const char* t : {"1", "t", "T", "true", "TRUE", "True"}) {
    if (text == t) return true;
  }
  for (const char* f : {"0", "f", "F", "false", "FALSE", "False"}) {
    if (text == f) return false;
  }
  return std::nullopt;
}

// "key1=value1,key2=value2"
std::map<std::string, std::string> parse_pairs(const std::string& text) {
  std::map<std::string, std::string> out;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    auto comma = text.find(',', pos);
    std::string item =
        text.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    if (auto eq = item.find('='); eq != std::string::npos) {
      out[item.substr(0, eq)] = item.substr(eq + 1);
    }
    if (comma == std::string::npos) break;
    pos = comma + 1;
  }
  return out;
}

std::string go_float_f(double v) {
  // fmt %f
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%f", v);
  return buf;
}

}  // namespace

Result<PrometheusMetadata> parse_prometheus_metadata(const Trigger& trigger, int trigger_index) {
  PrometheusMetadata m;
  m.trigger_index = trigger_index;
  const auto& md = trigger.metadata;
  auto required = [&](const char* key) -> Result<std::string> {
    auto it = md.find(key);
    if (it == md.end() || it->second.empty()) {
      return Error{std::string(kPrefix) + "missing required parameter \"" + key +
                   "\" in [triggerMetadata]"};
    }
    return it->second;
  };
  auto server = required("serverAddress");
  if (!server) return Error{server.error()};
  m.server_address = *server;
  auto query = required("query");
  if (!query) return Error{query.error()};
  m.query = *query;
  auto threshold = required("threshold");
  if (!threshold) return Error{threshold.error()};
  auto t = parse_float(*threshold);
  if (!t) {
    return Error{std::string(kPrefix) + "unable to set param \"threshold\" value \"" + *threshold +
                 "\": unable to parse float"};
  }
  m.threshold = *t;
  if (auto it = md.find("activationThreshold"); it != md.end() && !it->second.empty()) {
    auto a = parse_float(it->second);
    if (!a) {
      return Error{std::string(kPrefix) + "unable to set param \"activationThreshold\" value \"" +
                   it->second + "\": unable to parse float"};
    }
    m.activation_threshold = *a;
  }
  if (auto it = md.find("ignoreNullValues"); it != md.end() && !it->second.empty()) {
    auto b = parse_bool(it->second);
    if (!b) {
      return Error{std::string(kPrefix) + "unable to set param \"ignoreNullValues\" value \"" +
                   it->second + "\": unable to parse bool"};
    }
    m.ignore_null_values = *b;
  }
  if (auto it = md.find("unsafeSsl"); it != md.end() && !it->second.empty()) {
    m.unsafe_ssl = parse_bool(it->second).value_or(false);
  }
  if (auto it = md.find("namespace"); it != md.end()) m.namespace_ = it->second;
  if (auto it = md.find("customHeaders"); it != md.end())
    m.custom_headers = parse_pairs(it->second);
  if (auto it = md.find("queryParameters"); it != md.end()) {
    m.query_parameters = parse_pairs(it->second);
  }
  if (!trigger.metric_type.empty()) {
    if (trigger.metric_type == "Utilization") {
      return Error{
          "error getting scaler metric type: 'Utilization' metric type is unsupported "
          "for external metrics, allowed values are 'Value' or 'AverageValue'"};
    }
    if (trigger.metric_type != "Value" && trigger.metric_type != "AverageValue") {
      return Error{"error getting scaler metric type: unknown metric type: " + trigger.metric_type};
    }
    m.metric_type = trigger.metric_type;
  }
  return m;
}

std::string metric_name(const PrometheusMetadata& metadata) {
  return "s" + std::to_string(metadata.trigger_index) + "-prometheus";
}

autoscaling::MetricSpec hpa_metric_spec(const PrometheusMetadata& metadata,
                                        const std::string& scaled_object) {
  autoscaling::MetricSpec m;
  m.type = "External";
  m.metric.name = metric_name(metadata);
  m.metric.selector = boost::json::object{
      {"matchLabels", boost::json::object{{kScaledObjectNameLabel, trim63(scaled_object)}}}};
  // GetMetricTargetMili: the threshold in milli-units.
  const auto target = apimachinery::Quantity::from_milli(
      apimachinery::go_float64_to_int64(metadata.threshold * 1000));
  m.target.type = metadata.metric_type;
  if (metadata.metric_type == "Value") {
    m.target.value = target;
  } else {
    m.target.average_value = target;
  }
  return m;
}

Result<TriggerValue> evaluate_query_result(const PrometheusMetadata& metadata,
                                           const Result<prometheus::QueryResult>& result,
                                           unsigned http_status) {
  if (!result) {
    if (http_status != 0 && (http_status < 200 || http_status > 299)) {
      return Error{"prometheus query api returned error. status: " + std::to_string(http_status)};
    }
    return Error{result.error()};
  }
  const auto& samples = result->samples;
  if (result->result_type != "vector" && result->result_type != "" && !samples.empty()) {
    return Error{"json: cannot unmarshal " + result->result_type +
                 " result into the expected vector"};
  }
  double v = 0;
  if (samples.empty()) {
    if (!metadata.ignore_null_values) {
      return Error{"prometheus metrics 'prometheus' target may be lost, the result is empty"};
    }
    v = 0;
  } else if (samples.size() > 1) {
    return Error{"prometheus query " + metadata.query + " returned multiple elements"};
  } else {
    v = samples.front().value;
  }
  if (std::isinf(v) || std::isnan(v)) {
    if (!metadata.ignore_null_values) return Error{"prometheus query returns " + go_float_f(v)};
    v = 0;
  }
  return TriggerValue{v, v > metadata.activation_threshold};
}

}  // namespace dynop::localcluster::keda
