#include "localcluster/metrics_apis/adapter/prometheus_adapter.hpp"

#include <spdlog/spdlog.h>

#include <boost/json.hpp>
#include <chrono>
#include <cmath>

#include "lib/apimachinery/go_format.hpp"
#include "lib/apimachinery/go_quote.hpp"
#include "lib/apimachinery/quantity.hpp"
#include "lib/apimachinery/time.hpp"

namespace dynop::localcluster::metrics_apis {
namespace json = boost::json;
using apimachinery::Error;
using apimachinery::Result;

namespace {

Result<std::regex> compile_regex(const std::string& pattern, const std::string& where) {
  try {
    return std::regex(pattern, std::regex::ECMAScript);
  } catch (const std::regex_error& e) {
    return Error{where + ": invalid regular expression " + apimachinery::go_quote(pattern) + ": " +
                 e.what()};
  }
}

// regexp.ExpandString: $1, ${1}, $0 and $$.
std::string expand(const std::string& templ, const std::smatch& m) {
  std::string out;
  for (std::size_t i = 0; i < templ.size(); ++i) {
    char c = templ[i];
    if (c != '$' || i + 1 >= templ.size()) {
      out += c;
      continue;
    }
    if (templ[i + 1] == '$') {
      out += '$';
      ++i;
      continue;
    }
    std::size_t j = i + 1;
    bool braced = templ[j] == '{';
    if (braced) ++j;
    std::size_t start = j;
    while (j < templ.size() && std::isdigit(static_cast<unsigned char>(templ[j]))) ++j;
    if (j == start || (braced && (j >= templ.size() || templ[j] != '}'))) {
      out += c;  // not a group reference: kept as is
      continue;
    }
    const std::size_t group = std::stoul(templ.substr(start, j - start));
    if (group < m.size()) out += m[group].str();
    i = braced ? j : j - 1;
  }
  return out;
}

// Does a rule's resources section name a Prometheus label for namespaces?
std::string namespace_label(const ResourceMapping& r) {
  for (const auto& [label, gr] : r.overrides) {
    if (gr.group.empty() && (gr.resource == "namespace" || gr.resource == "namespaces")) {
      return label;
    }
  }
  if (!r.label_template.empty()) {
    // The template is rendered with .Group "" and .Resource "namespace".
    std::string out = r.label_template;
    for (auto [from, to] :
         {std::pair<std::string, std::string>{"<<.Resource>>", "namespace"}, {"<<.Group>>", ""}}) {
      for (auto pos = out.find(from); pos != std::string::npos; pos = out.find(from)) {
        out.replace(pos, from.size(), to);
      }
    }
    return out;
  }
  return {};
}

}  // namespace

int64_t milli_value_of(double value) { return apimachinery::go_float64_to_int64(value * 1000.0); }

json::value external_metric_value_list(const std::string& metric,
                                       const std::vector<prometheus::Sample>& samples,
                                       bool scalar) {
  json::array items;
  for (const auto& s : samples) {
    json::value labels = scalar ? json::value(nullptr) : json::value(json::object());
    for (const auto& [k, v] : s.metric) labels.as_object()[k] = v;
    const auto at = std::chrono::sys_time<std::chrono::microseconds>(
        std::chrono::microseconds(static_cast<int64_t>(std::floor(s.timestamp * 1e6))));
    items.push_back(json::object{
        {"metricName", metric},
        {"metricLabels", std::move(labels)},
        {"timestamp", apimachinery::format_time(at)},
        {"value", apimachinery::Quantity::from_milli(milli_value_of(s.value)).to_string()}});
  }
  return json::object{{"kind", "ExternalMetricValueList"},
                      {"apiVersion", "external.metrics.k8s.io/v1beta1"},
                      {"metadata", json::object()},
                      {"items", std::move(items)}};
}

Result<ExternalRule> ExternalRule::compile(const DiscoveryRule& rule) {
  ExternalRule out;
  out.rule_ = rule;
  for (std::size_t i = 0; i < rule.series_filters.size(); ++i) {
    const auto& f = rule.series_filters[i];
    const std::string where = rule.where + ".seriesFilters[" + std::to_string(i) + "]";
    std::optional<std::regex> is, is_not;
    if (!f.is.empty()) {
      auto r = compile_regex(f.is, where + ".is");
      if (!r) return Error{r.error()};
      is = *r;
    }
    if (!f.is_not.empty()) {
      auto r = compile_regex(f.is_not, where + ".isNot");
      if (!r) return Error{r.error()};
      is_not = *r;
    }
    out.filters_.emplace_back(is, is_not);
  }
  const std::string matches = rule.name.matches.empty() ? ".*" : rule.name.matches;
  auto name_re = compile_regex(matches, rule.where + ".name.matches");
  if (!name_re) return Error{name_re.error()};
  out.name_matches_ = *name_re;
  out.name_as_ = rule.name.as;
  if (out.name_as_.empty()) {
    // An obvious default: the whole name, or the one capture group.
    const auto groups = out.name_matches_.mark_count();
    if (groups == 0) {
      out.name_as_ = "$0";
    } else if (groups == 1) {
      out.name_as_ = "$1";
    } else {
      return Error{rule.where + ".name: must specify an 'as' value for name matcher " +
                   apimachinery::go_quote(rule.name.matches) + " associated with series query " +
                   apimachinery::go_quote(rule.series_query)};
    }
  }
  auto templ = MetricsQueryTemplate::compile(rule.metrics_query);
  if (!templ) return Error{rule.where + ".metricsQuery: " + templ.error()};
  out.template_ = std::move(*templ);
  out.namespace_label_ = namespace_label(rule.resources);
  out.namespaced_ = rule.resources.namespaced.value_or(true);
  return out;
}

std::optional<std::string> ExternalRule::metric_name(const std::string& series_name) const {
  for (const auto& [is, is_not] : filters_) {
    if (is && !std::regex_search(series_name, *is)) return std::nullopt;
    if (is_not && std::regex_search(series_name, *is_not)) return std::nullopt;
  }
  std::smatch m;
  if (!std::regex_search(series_name, m, name_matches_)) return std::nullopt;
  return expand(name_as_, m);
}

Result<std::string> ExternalRule::query(const std::string& series_name, const std::string& ns,
                                        const apimachinery::LabelSelector& selector) const {
  std::string request_ns = namespaced_ ? ns : std::string();
  if (!request_ns.empty() && namespace_label_.empty()) {
    return Error{"no generic resource label form specified for this metric"};
  }
  auto args = build_external_args(series_name, selector, namespace_label_, request_ns);
  if (!args) return Error{args.error()};
  std::string query = template_.render(*args);
  if (query.empty()) return Error{"empty query produced by metrics query template"};
  return query;
}

Result<std::unique_ptr<PrometheusAdapter>> PrometheusAdapter::create(
    const AdapterConfig& config, std::shared_ptr<prometheus::QueryClient> prometheus,
    Options options) {
  std::vector<ExternalRule> rules;
  for (const auto& r : config.external_rules) {
    auto compiled = ExternalRule::compile(r);
    if (!compiled) return Error{compiled.error()};
    rules.push_back(std::move(*compiled));
  }
  return std::unique_ptr<PrometheusAdapter>(
      new PrometheusAdapter(std::move(rules), std::move(prometheus), options));
}

PrometheusAdapter::PrometheusAdapter(std::vector<ExternalRule> rules,
                                     std::shared_ptr<prometheus::QueryClient> prometheus,
                                     Options options)
    : rules_(std::move(rules)), prometheus_(std::move(prometheus)), options_(options) {}

Result<void> PrometheusAdapter::relist() {
  const double now =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  std::map<std::string, Known> found;
  for (std::size_t i = 0; i < rules_.size(); ++i) {
    auto series = prometheus_->series(rules_[i].rule().series_query,
                                      now - static_cast<double>(options_.max_age.count()), now);
    if (!series) return Error{"unable to update list of all metrics: " + series.error()};
    for (const auto& labels : *series) {
      auto name_label = labels.find("__name__");
      if (name_label == labels.end()) continue;
      if (auto metric = rules_[i].metric_name(name_label->second)) {
        found[*metric] = Known{i, name_label->second};
      }
    }
  }
  std::lock_guard lock(mutex_);
  metrics_ = std::move(found);
  return {};
}

std::vector<std::string> PrometheusAdapter::metric_names() const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> names;
  for (const auto& [name, known] : metrics_) names.push_back(name);
  return names;
}

ExternalMetricAnswer PrometheusAdapter::get(const std::string& ns, const std::string& metric,
                                            const apimachinery::LabelSelector& selector) {
  std::optional<Known> known;
  {
    std::lock_guard lock(mutex_);
    if (auto it = metrics_.find(metric); it != metrics_.end()) known = it->second;
  }
  if (!known) {
    // custom-metrics-apiserver's NewMetricNotFoundError, with the group
    // resource prometheus-adapter picks (namespaces only for "default").
    apimachinery::Status s;
    s.code = 404;
    s.reason = std::string(apimachinery::reason::kNotFound);
    s.message = "the server could not find the metric " + metric + " for " +
                (ns == "default" ? "namespaces" : "");
    return s;
  }
  // Upstream logs the cause and keeps it from the client.
  auto query = rules_[known->rule].query(known->series, ns, selector);
  if (!query) {
    spdlog::warn("prometheus-adapter: unable to generate a query for the metric {}: {}", metric,
                 query.error());
    return apimachinery::internal_error("unable to fetch metrics");
  }
  auto result = prometheus_->query(*query);
  if (!result) {
    spdlog::warn("prometheus-adapter: unable to fetch metrics from prometheus: {}", result.error());
    return apimachinery::internal_error("unable to fetch metrics");
  }
  if (result->result_type != "vector" && result->result_type != "scalar") {
    spdlog::warn("prometheus-adapter: query {} returned a {}", *query, result->result_type);
    return apimachinery::internal_error("unable to fetch metrics");
  }
  return external_metric_value_list(metric, result->samples, result->result_type == "scalar");
}

}  // namespace dynop::localcluster::metrics_apis
