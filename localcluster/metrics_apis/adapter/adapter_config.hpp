#pragma once
// prometheus-adapter's discovery configuration for external metrics, read
// from either form users have:
//   - the Helm chart's values (the guide's prometheus-adapter-values.yaml):
//       prometheus: {url: http://host, port: 9090, path: ""}
//       rules: {external: [ <rule>... ]}
//   - the adapter's own config file: externalRules: [ <rule>... ]
// A rule (pkg/config/config.go DiscoveryRule):
//   seriesQuery: 'dynamo_frontend_queued_requests{namespace!=""}'
//   seriesFilters: [{is: regex}, {isNot: regex}]
//   resources: {overrides: {namespace: {resource: namespace}}, template: <<.Resource>>, namespaced:
//   true} name: {matches: regex, as: template} metricsQuery: 'sum(<<.Series>>{<<.LabelMatchers>>})
//   by (<<.GroupBy>>)'
// Errors name the rule ("rules.external[1].metricsQuery: ...").

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lib/apimachinery/result.hpp"

namespace dynop::localcluster::metrics_apis {

struct RegexFilter {
  std::string is;
  std::string is_not;
};

struct GroupResource {
  std::string group;
  std::string resource;
};

struct ResourceMapping {
  std::string label_template;                      // "template"
  std::map<std::string, GroupResource> overrides;  // Prometheus label -> resource
  std::optional<bool> namespaced;
};

struct NameMapping {
  std::string matches;
  std::string as;
};

struct DiscoveryRule {
  std::string series_query;
  std::vector<RegexFilter> series_filters;
  ResourceMapping resources;
  NameMapping name;
  std::string metrics_query;
  std::string where;  // "rules.external[0]", for messages
};

struct AdapterConfig {
  // From the Helm values' prometheus.url/port/path; empty in the adapter's own form.
  std::string prometheus_url;
  std::vector<DiscoveryRule> external_rules;
};

apimachinery::Result<AdapterConfig> parse_adapter_config(std::string_view yaml);

}  // namespace dynop::localcluster::metrics_apis
