#include "localcluster/metrics_apis/adapter/adapter_config.hpp"

#include <boost/json.hpp>

#include "lib/apimachinery/go_format.hpp"
#include "lib/apimachinery/yaml_json.hpp"

namespace dynop::localcluster::metrics_apis {
namespace json = boost::json;
using apimachinery::Error;
using apimachinery::Result;

namespace {

Result<std::string> string_field(const json::object& o, std::string_view key,
                                 const std::string& where) {
  const auto* v = o.if_contains(key);
  if (!v || v->is_null()) return std::string();
  if (v->is_string()) return std::string(v->get_string());
  if (v->is_number() || v->is_bool()) return apimachinery::go_sprint(*v);
  return Error{where + "." + std::string(key) + ": expected a string"};
}

Result<DiscoveryRule> parse_rule(const json::value& v, const std::string& where) {
  if (!v.is_object()) return Error{where + ": expected a mapping"};
  const auto& o = v.get_object();
  DiscoveryRule rule;
  rule.where = where;
  for (const auto& [key, value] : o) {
    if (key != "seriesQuery" && key != "seriesFilters" && key != "resources" && key != "name" &&
        key != "metricsQuery") {
      return Error{where + ": unknown field \"" + std::string(key) + "\""};
    }
  }
  auto series = string_field(o, "seriesQuery", where);
  if (!series) return Error{series.error()};
  rule.series_query = *series;
  if (rule.series_query.empty()) return Error{where + ".seriesQuery: required"};
  auto query = string_field(o, "metricsQuery", where);
  if (!query) return Error{query.error()};
  rule.metrics_query = *query;
  if (rule.metrics_query.empty()) return Error{where + ".metricsQuery: required"};
  if (const auto* filters = o.if_contains("seriesFilters"); filters && !filters->is_null()) {
    if (!filters->is_array()) return Error{where + ".seriesFilters: expected a list"};
    for (std::size_t i = 0; i < filters->get_array().size(); ++i) {
      const auto& f = filters->get_array()[i];
      const std::string at = where + ".seriesFilters[" + std::to_string(i) + "]";
      if (!f.is_object()) return Error{at + ": expected a mapping"};
      auto is = string_field(f.get_object(), "is", at);
      auto is_not = string_field(f.get_object(), "isNot", at);
      if (!is) return Error{is.error()};
      if (!is_not) return Error{is_not.error()};
      rule.series_filters.push_back({*is, *is_not});
    }
  }
  if (const auto* resources = o.if_contains("resources"); resources && !resources->is_null()) {
    const std::string at = where + ".resources";
    if (!resources->is_object()) return Error{at + ": expected a mapping"};
    const auto& r = resources->get_object();
    auto templ = string_field(r, "template", at);
    if (!templ) return Error{templ.error()};
    rule.resources.label_template = *templ;
    if (const auto* ns = r.if_contains("namespaced"); ns && !ns->is_null()) {
      if (!ns->is_bool()) return Error{at + ".namespaced: expected true or false"};
      rule.resources.namespaced = ns->get_bool();
    }
    if (const auto* overrides = r.if_contains("overrides"); overrides && !overrides->is_null()) {
      if (!overrides->is_object()) return Error{at + ".overrides: expected a mapping"};
      for (const auto& [label, gr] : overrides->get_object()) {
        const std::string ov = at + ".overrides." + std::string(label);
        if (!gr.is_object()) return Error{ov + ": expected {group, resource}"};
        auto group = string_field(gr.get_object(), "group", ov);
        auto resource = string_field(gr.get_object(), "resource", ov);
        if (!group) return Error{group.error()};
        if (!resource) return Error{resource.error()};
        rule.resources.overrides[std::string(label)] = {*group, *resource};
      }
    }
  }
  if (const auto* name = o.if_contains("name"); name && !name->is_null()) {
    const std::string at = where + ".name";
    if (!name->is_object()) return Error{at + ": expected a mapping"};
    auto matches = string_field(name->get_object(), "matches", at);
    auto as = string_field(name->get_object(), "as", at);
    if (!matches) return Error{matches.error()};
    if (!as) return Error{as.error()};
    rule.name = {*matches, *as};
  }
  return rule;
}

Result<std::vector<DiscoveryRule>> parse_rules(const json::value& list, const std::string& where) {
  std::vector<DiscoveryRule> rules;
  if (list.is_null()) return rules;
  if (!list.is_array()) return Error{where + ": expected a list"};
  for (std::size_t i = 0; i < list.get_array().size(); ++i) {
    auto rule = parse_rule(list.get_array()[i], where + "[" + std::to_string(i) + "]");
    if (!rule) return Error{rule.error()};
    rules.push_back(std::move(*rule));
  }
  return rules;
}

}  // namespace

Result<AdapterConfig> parse_adapter_config(std::string_view yaml) {
  auto doc = apimachinery::yaml_to_json(yaml);
  if (!doc) return Error{"not YAML: " + doc.error()};
  AdapterConfig config;
  if (doc->is_null()) return config;
  if (!doc->is_object()) return Error{"expected a mapping at the top level"};
  const auto& o = doc->get_object();
  if (const auto* rules = o.if_contains("rules"); rules && !rules->is_null()) {
    // The Helm chart's values.
    if (!rules->is_object()) return Error{"rules: expected a mapping"};
    if (const auto* external = rules->get_object().if_contains("external")) {
      auto parsed = parse_rules(*external, "rules.external");
      if (!parsed) return Error{parsed.error()};
      config.external_rules = std::move(*parsed);
    }
  } else if (const auto* external = o.if_contains("externalRules")) {
    auto parsed = parse_rules(*external, "externalRules");
    if (!parsed) return Error{parsed.error()};
    config.external_rules = std::move(*parsed);
  }
  if (const auto* prometheus = o.if_contains("prometheus"); prometheus && prometheus->is_object()) {
    // As the chart's template: {{ url }}:{{ port }}{{ path }}.
    const auto& p = prometheus->get_object();
    auto url = string_field(p, "url", "prometheus");
    auto port = string_field(p, "port", "prometheus");
    auto path = string_field(p, "path", "prometheus");
    if (!url) return Error{url.error()};
    if (!port) return Error{port.error()};
    if (!path) return Error{path.error()};
    if (!url->empty()) config.prometheus_url = *url + (port->empty() ? "" : ":" + *port) + *path;
  }
  return config;
}

}  // namespace dynop::localcluster::metrics_apis
