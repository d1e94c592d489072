#include "localcluster/controllers/hpa/rest_metrics_client.hpp"

#include <boost/json.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

namespace dynop::localcluster::hpa {
namespace json = boost::json;
using apimachinery::Error;

namespace {

std::string encode(const std::string& s) {
  return boost::urls::encode(s, boost::urls::unreserved_chars);
}

std::string selector_query(const char* param, const LabelSelector& selector) {
  const std::string text = selector.to_string();
  return text.empty() ? std::string() : std::string(param) + "=" + encode(text);
}

std::string with_query(std::string path, std::initializer_list<std::string> params) {
  char sep = '?';
  for (const auto& p : params) {
    if (p.empty()) continue;
    path += sep + p;
    sep = '&';
  }
  return path;
}

Result<json::value> parse_list(const Result<std::string>& body) {
  if (!body) return Error{body.error()};
  boost::system::error_code ec;
  json::value v = json::parse(*body, ec);
  if (ec || !v.is_object()) return Error{"the server returned a malformed list"};
  return v;
}

const json::array& items_of(const json::value& list) {
  static const json::array kEmpty;
  const auto* items = list.get_object().if_contains("items");
  return items && items->is_array() ? items->get_array() : kEmpty;
}

const json::value* member(const json::value& v, std::string_view key) {
  return v.is_object() ? v.get_object().if_contains(key) : nullptr;
}

std::string string_at(const json::value& v, std::string_view key) {
  if (!v.is_object()) return {};
  const auto* s = v.get_object().if_contains(key);
  return s && s->is_string() ? std::string(s->get_string()) : std::string();
}

Timestamp time_at(const json::value& v, std::string_view key) {
  auto t = apimachinery::parse_time(string_at(v, key));
  return t ? *t : Timestamp{};
}

int64_t milli_of(const json::value& quantity) {
  auto q = apimachinery::Quantity::from_json(quantity);
  return q ? q->milli_value() : 0;
}

}  // namespace

Result<PodMetrics> RestMetricsClient::resource_metric(const std::string& resource,
                                                      const std::string& ns,
                                                      const LabelSelector& selector,
                                                      const std::string& container) {
  auto list = parse_list(get_(with_query("/apis/metrics.k8s.io/v1beta1/namespaces/" + ns + "/pods",
                                         {selector_query("labelSelector", selector)})));
  if (!list) return Error{"unable to fetch metrics from resource metrics API: " + list.error()};
  const auto& items = items_of(*list);
  if (items.empty()) return Error{"no metrics returned from resource metrics API"};
  PodMetrics out;
  out.timestamp = time_at(items.front(), "timestamp");
  for (const auto& item : items) {
    const auto* meta = member(item, "metadata");
    const std::string pod = meta ? string_at(*meta, "name") : std::string();
    const auto window = apimachinery::parse_go_duration(string_at(item, "window"));
    PodMetric metric{0, time_at(item, "timestamp"),
                     std::chrono::duration_cast<std::chrono::seconds>(
                         window ? *window : std::chrono::nanoseconds(std::chrono::minutes(1)))};
    const auto* containers = member(item, "containers");
    bool missing = !containers || !containers->is_array() || containers->get_array().empty();
    bool container_found = container.empty();
    if (containers && containers->is_array()) {
      for (const auto& c : containers->get_array()) {
        if (!container.empty() && string_at(c, "name") != container) continue;
        container_found = true;
        const auto* usage = member(c, "usage");
        const auto* value =
            usage && usage->is_object() ? usage->get_object().if_contains(resource) : nullptr;
        if (!value) {
          missing = true;
          break;
        }
        metric.value += milli_of(*value);
      }
    }
    if (!container_found) {
      return Error{"failed to get container metrics: container " + container +
                   " not present in metrics for pod " + ns + "/" + pod};
    }
    if (!missing) out.metrics[pod] = metric;
  }
  return out;
}

Result<PodMetrics> RestMetricsClient::raw_metric(const std::string& metric, const std::string& ns,
                                                 const LabelSelector& selector,
                                                 const LabelSelector& metric_selector) {
  auto list = parse_list(
      get_(with_query("/apis/custom.metrics.k8s.io/v1beta2/namespaces/" + ns + "/pods/*/" + metric,
                      {selector_query("labelSelector", selector),
                       selector_query("metricLabelSelector", metric_selector)})));
  if (!list) return Error{"unable to fetch metrics from custom metrics API: " + list.error()};
  const auto& items = items_of(*list);
  if (items.empty()) return Error{"no metrics returned from custom metrics API"};
  PodMetrics out;
  out.timestamp = time_at(items.front(), "timestamp");
  for (const auto& item : items) {
    const auto* described = member(item, "describedObject");
    const std::string pod = described ? string_at(*described, "name") : std::string();
    std::chrono::seconds window{60};
    if (const auto* w = member(item, "windowSeconds"); w && w->is_int64()) {
      window = std::chrono::seconds(w->get_int64());
    }
    const auto* value = member(item, "value");
    out.metrics[pod] = PodMetric{value ? milli_of(*value) : 0, time_at(item, "timestamp"), window};
  }
  return out;
}

Result<ObjectMetric> RestMetricsClient::object_metric(
    const std::string& metric, const std::string& ns,
    const autoscaling::CrossVersionObjectReference& object, const LabelSelector& metric_selector) {
  // The resource name of the kind is what the custom metrics API takes; the
  // local cluster serves no custom metrics, so any answer is an error.
  std::string kind = object.kind;
  for (auto& c : kind) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto body = get_(with_query("/apis/custom.metrics.k8s.io/v1beta2/namespaces/" + ns + "/" + kind +
                                  "s/" + object.name + "/" + metric,
                              {selector_query("metricLabelSelector", metric_selector)}));
  if (!body) return Error{"unable to fetch metrics from custom metrics API: " + body.error()};
  auto list = parse_list(body);
  if (!list || items_of(*list).empty()) {
    return Error{"unable to fetch metrics from custom metrics API: no metrics returned"};
  }
  const auto& item = items_of(*list).front();
  const auto* value = member(item, "value");
  return ObjectMetric{value ? milli_of(*value) : 0, time_at(item, "timestamp")};
}

Result<ExternalMetrics> RestMetricsClient::external_metric(const std::string& metric,
                                                           const std::string& ns,
                                                           const LabelSelector& selector) {
  auto list = parse_list(
      get_(with_query("/apis/external.metrics.k8s.io/v1beta1/namespaces/" + ns + "/" + metric,
                      {selector_query("labelSelector", selector)})));
  if (!list) return Error{"unable to fetch metrics from external metrics API: " + list.error()};
  const auto& items = items_of(*list);
  if (items.empty()) return Error{"no metrics returned from external metrics API"};
  ExternalMetrics out;
  out.timestamp = time_at(items.front(), "timestamp");
  for (const auto& item : items) {
    const auto* value = member(item, "value");
    out.values.push_back(value ? milli_of(*value) : 0);
  }
  return out;
}

}  // namespace dynop::localcluster::hpa
