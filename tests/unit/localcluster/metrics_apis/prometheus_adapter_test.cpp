// prometheus-adapter's external rules: the guide's values file, the queries
// its rules build for a request, naming and filters.

#include "localcluster/metrics_apis/adapter/prometheus_adapter.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cmath>
#include <fstream>
#include <sstream>

#include "localcluster/metrics_apis/adapter/adapter_config.hpp"
#include "localcluster/metrics_apis/adapter/metrics_query.hpp"
#include "tests/support/paths.hpp"

namespace dynop::localcluster::metrics_apis {
namespace {

using apimachinery::LabelSelector;

std::string guide_values() {
  std::ifstream in(test::source_path("examples/autoscaling/prometheus-adapter-values.yaml"));
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(AdapterConfig, ReadsTheGuideValuesFile) {
  auto config = parse_adapter_config(guide_values());
  ASSERT_TRUE(config.ok()) << config.error();
  EXPECT_EQ(config->prometheus_url,
            "http://prometheus-kube-prometheus-prometheus.monitoring.svc:9090");
  ASSERT_EQ(config->external_rules.size(), 2u);
  const auto& ttft = config->external_rules[0];
  EXPECT_EQ(ttft.series_query,
            R"(dynamo_frontend_time_to_first_token_seconds_bucket{namespace!=""})");
  EXPECT_EQ(ttft.name.as, "dynamo_ttft_p95_seconds");
  EXPECT_EQ(ttft.resources.overrides.at("namespace").resource, "namespace");
  EXPECT_EQ(config->external_rules[1].name.as, "dynamo_queued_requests");
}

TEST(AdapterConfig, TheAdaptersOwnFormAndErrorsNamingTheRule) {
  auto own = parse_adapter_config("externalRules:\n- seriesQuery: up\n  metricsQuery: up\n");
  ASSERT_TRUE(own.ok()) << own.error();
  EXPECT_EQ(own->external_rules.size(), 1u);
  auto bad = parse_adapter_config("rules:\n  external:\n  - seriesQuery: up\n    metricQuery: x\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error(), "rules.external[0]: unknown field \"metricQuery\"");
  auto missing = parse_adapter_config("rules:\n  external:\n  - seriesQuery: up\n");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error(), "rules.external[0].metricsQuery: required");
}

TEST(MetricsQuery, TheGuideTtftRuleForTheGuideHpa) {
  auto config = parse_adapter_config(guide_values());
  auto rule = ExternalRule::compile(config->external_rules[0]);
  ASSERT_TRUE(rule.ok()) << rule.error();
  EXPECT_EQ(rule->metric_name("dynamo_frontend_time_to_first_token_seconds_bucket"),
            "dynamo_ttft_p95_seconds");
  auto query = rule->query("dynamo_frontend_time_to_first_token_seconds_bucket", "default",
                           *LabelSelector::parse("dynamo_namespace=default-sglang-agg"));
  ASSERT_TRUE(query.ok()) << query.error();
  EXPECT_EQ(*query,
            "histogram_quantile(0.95,\n"
            "  "
            "sum(rate(dynamo_frontend_time_to_first_token_seconds_bucket{dynamo_namespace="
            "\"default-sglang-agg\",namespace=\"default\"}[5m]))\n"
            "  by (le, namespace, dynamo_namespace)\n"
            ")\n");
}

TEST(MetricsQuery, TheGuideQueueRuleUsesTheSeriesName) {
  auto config = parse_adapter_config(guide_values());
  auto rule = ExternalRule::compile(config->external_rules[1]);
  ASSERT_TRUE(rule.ok()) << rule.error();
  auto query = rule->query("dynamo_frontend_queued_requests", "default",
                           *LabelSelector::parse("dynamo_namespace=default-sglang-agg"));
  ASSERT_TRUE(query.ok());
  EXPECT_EQ(*query,
            "sum(dynamo_frontend_queued_requests{dynamo_namespace=\"default-sglang-agg\",namespace="
            "\"default\"}) by (namespace, dynamo_namespace)\n");
}

TEST(MetricsQuery, SelectorOperatorsBecomePromqlMatchers) {
  auto args = build_external_args("s", *LabelSelector::parse("a in (x,y),b!=z,c,!d,e notin (w)"),
                                  "namespace", "prod");
  ASSERT_TRUE(args.ok()) << args.error();
  EXPECT_EQ(args->label_matchers, R"(a=~"x|y",b!="z",c!="",d="",e!~"w",namespace="prod")");
  EXPECT_EQ(args->label_values_by_name.at("a"), "x|y");
  auto gt = build_external_args("s", *LabelSelector::parse("a>3"), "namespace", "prod");
  ASSERT_FALSE(gt.ok());
  EXPECT_EQ(gt.error(), "operator not supported by query builder");
}

TEST(MetricsQuery, TemplateActionsAndTrimming) {
  auto t = MetricsQueryTemplate::compile(
      "max(<<.Series>>{<<.LabelMatchers>>}) by (<<.GroupBy>>) <<- /* c */ ->> + <<index "
      ".LabelValuesByName \"a\">>");
  ASSERT_TRUE(t.ok()) << t.error();
  QueryTemplateArgs args;
  args.series = "m";
  args.label_matchers = "a=\"1\"";
  args.label_values_by_name["a"] = "1";
  EXPECT_EQ(t->render(args), "max(m{a=\"1\"}) by ()+ 1");
  auto bad = MetricsQueryTemplate::compile("<<range .GroupBySlice>>x<<end>>");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error(),
            "unable to parse metrics query template \"<<range .GroupBySlice>>x<<end>>\": "
            "unsupported action <<range .GroupBySlice>>");
}

TEST(ExternalRule, NamingFiltersAndNamespaceLabel) {
  DiscoveryRule r;
  r.series_query = "x";
  r.metrics_query = "sum(<<.Series>>{<<.LabelMatchers>>})";
  r.name.matches = "^(.*)_total$";
  r.name.as = "${1}_per_second";
  r.series_filters.push_back({"", "^ignored_"});
  r.resources.label_template = "kube_<<.Resource>>";
  auto rule = ExternalRule::compile(r);
  ASSERT_TRUE(rule.ok()) << rule.error();
  EXPECT_EQ(rule->metric_name("http_requests_total"), "http_requests_per_second");
  EXPECT_EQ(rule->metric_name("http_requests"), std::nullopt);
  EXPECT_EQ(rule->metric_name("ignored_requests_total"), std::nullopt);
  EXPECT_EQ(*rule->query("http_requests_total", "ns1", LabelSelector()),
            "sum(http_requests_total{kube_namespace=\"ns1\"})");
  // Without any namespace label a namespaced rule cannot answer.
  r.resources.label_template.clear();
  auto unlabelled = ExternalRule::compile(r);
  EXPECT_FALSE(unlabelled->query("http_requests_total", "ns1", LabelSelector()).ok());
  r.resources.namespaced = false;
  auto global = ExternalRule::compile(r);
  EXPECT_EQ(*global->query("http_requests_total", "ns1", LabelSelector()),
            "sum(http_requests_total{})");
}

TEST(ExternalMetricValueList, MilliValuesAsGoConvertsThem) {
  std::vector<prometheus::Sample> samples{
      {{{"dynamo_namespace", "default-sglang-agg"}, {"namespace", "default"}}, 0.045, 1767225600.5},
      {{}, std::nan(""), 1767225600}};
  auto list = external_metric_value_list("dynamo_ttft_p95_seconds", samples);
  EXPECT_EQ(
      list,
      boost::json::parse(
          R"({"kind":"ExternalMetricValueList","apiVersion":"external.metrics.k8s.io/v1beta1","metadata":{},"items":[
      {"metricName":"dynamo_ttft_p95_seconds","metricLabels":{"dynamo_namespace":"default-sglang-agg","namespace":"default"},"timestamp":"2026-01-01T00:00:00Z","value":"45m"},
      {"metricName":"dynamo_ttft_p95_seconds","metricLabels":{},"timestamp":"2026-01-01T00:00:00Z","value":"-9223372036854775808m"}]})"));
}

}  // namespace
}  // namespace dynop::localcluster::metrics_apis
