#include "host/plugins/plugin_host_api.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "host/plugins/plugin_services.hpp"
#include "lib/metrics/registry.hpp"

namespace dynop::host {
namespace {

using ::testing::HasSubstr;

std::string str(dynop_str s) { return s.size ? std::string(s.data, s.size) : std::string(); }
dynop_str c(const char* s) { return dynop_str{s, std::char_traits<char>::length(s)}; }

const dynop_object_ref kPod{{c(""), c("v1"), c("Pod")}, c("default"), c("p1")};

TEST(PluginHostApi, MetricsLandInTheRegistry) {
  metrics::Registry registry;
  PluginHostApi api("scaler", registry);
  const dynop_host* h = api.table();
  EXPECT_EQ(h->abi_major, DYNOP_ABI_VERSION_MAJOR);
  EXPECT_EQ(h->struct_size, sizeof(dynop_host));

  dynop_metric counter = 0, gauge = 0, histogram = 0;
  ASSERT_EQ(h->metric_register(h->ctx, DYNOP_METRIC_COUNTER, c("scaler_decisions_total"),
                               c("Decisions."), nullptr, 0, &counter)
                .code,
            DYNOP_OK);
  ASSERT_EQ(h->metric_register(h->ctx, DYNOP_METRIC_GAUGE, c("scaler_desired"), c("Desired."),
                               nullptr, 0, &gauge)
                .code,
            DYNOP_OK);
  const double buckets[] = {1, 5};
  ASSERT_EQ(h->metric_register(h->ctx, DYNOP_METRIC_HISTOGRAM, c("scaler_seconds"), c("Time."),
                               buckets, 2, &histogram)
                .code,
            DYNOP_OK);
  dynop_metric again = 0;
  ASSERT_EQ(h->metric_register(h->ctx, DYNOP_METRIC_COUNTER, c("scaler_decisions_total"),
                               c("Decisions."), nullptr, 0, &again)
                .code,
            DYNOP_OK);
  EXPECT_EQ(again, counter);

  const dynop_label labels[] = {{c("target"), c("decode")}, {c("direction"), c("up")}};
  EXPECT_EQ(h->metric_update(h->ctx, counter, DYNOP_METRIC_INC, labels, 2, 2).code, DYNOP_OK);
  EXPECT_EQ(h->metric_update(h->ctx, gauge, DYNOP_METRIC_SET, labels, 1, 7).code, DYNOP_OK);
  EXPECT_EQ(h->metric_update(h->ctx, gauge, DYNOP_METRIC_DEC, labels, 1, 2).code, DYNOP_OK);
  EXPECT_EQ(h->metric_update(h->ctx, histogram, DYNOP_METRIC_OBSERVE, nullptr, 0, 3).code,
            DYNOP_OK);

  const std::string text = registry.serialize();
  EXPECT_THAT(text, HasSubstr("scaler_decisions_total{direction=\"up\",target=\"decode\"} 2"));
  EXPECT_THAT(text, HasSubstr("scaler_desired{target=\"decode\"} 5"));
  EXPECT_THAT(text, HasSubstr("scaler_seconds_bucket{le=\"5\"} 1"));
}

TEST(PluginHostApi, MetricMisuseIsAnInvalidArgument) {
  metrics::Registry registry;
  PluginHostApi api("scaler", registry);
  const dynop_host* h = api.table();
  dynop_metric counter = 0, other = 0;
  ASSERT_EQ(
      h->metric_register(h->ctx, DYNOP_METRIC_COUNTER, c("x_total"), c("x"), nullptr, 0, &counter)
          .code,
      DYNOP_OK);
  dynop_status s = h->metric_update(h->ctx, counter, DYNOP_METRIC_SET, nullptr, 0, 1);
  EXPECT_EQ(s.code, DYNOP_INVALID_ARGUMENT);
  EXPECT_THAT(str(s.message), HasSubstr("x_total"));
  s = h->metric_update(h->ctx, 99, DYNOP_METRIC_INC, nullptr, 0, 1);
  EXPECT_EQ(s.code, DYNOP_INVALID_ARGUMENT);
  EXPECT_EQ(str(s.message), "unknown metric handle 99");
  s = h->metric_register(h->ctx, DYNOP_METRIC_GAUGE, c("x_total"), c("x"), nullptr, 0, &other);
  EXPECT_EQ(s.code, DYNOP_INVALID_ARGUMENT);
  EXPECT_FALSE(str(s.message).empty());
  s = h->metric_register(h->ctx, DYNOP_METRIC_GAUGE, c("bad name"), c("x"), nullptr, 0, &other);
  EXPECT_EQ(s.code, DYNOP_INVALID_ARGUMENT);
}

TEST(PluginHostApi, KubernetesSlotsAreNotImplementedWithoutServices) {
  metrics::Registry registry;
  PluginHostApi api("scaler", registry);
  const dynop_host* h = api.table();
  dynop_str out{};
  dynop_status s = h->get_object(h->ctx, &kPod, &out);
  EXPECT_EQ(s.code, DYNOP_NOT_IMPLEMENTED);
  EXPECT_EQ(str(s.message),
            "get_object needs a Kubernetes API server, and this host runs without one (no "
            "--kubeconfig, $KUBECONFIG or in-cluster account)");
  EXPECT_EQ(h->requeue_after(h->ctx, dynop_key{c("default"), c("g")}, 10).code,
            DYNOP_NOT_IMPLEMENTED);
  EXPECT_EQ(h->record_event(h->ctx, &kPod, DYNOP_EVENT_NORMAL, c("R"), c("m")).code,
            DYNOP_NOT_IMPLEMENTED);
}

class RecordingServices : public PluginServices {
 public:
  ServiceResult get_object(std::string_view plugin, const ObjectRefView& ref) override {
    if (ref.name == "missing")
      return ServiceResult::error(DYNOP_NOT_FOUND, "pods \"missing\" not found");
    if (ref.name == "throw") throw std::runtime_error("cache exploded");
    return ServiceResult::ok("{\"plugin\":\"" + std::string(plugin) + "\",\"kind\":\"" +
                             std::string(ref.kind) + "\"}");
  }
  ServiceResult requeue_after(std::string_view plugin, std::string_view ns, std::string_view name,
                              uint64_t delay_ms) override {
    last = std::string(plugin) + " " + std::string(ns) + "/" + std::string(name) + " " +
           std::to_string(delay_ms);
    return ServiceResult::ok();
  }
  std::string last;
};

TEST(PluginHostApi, KubernetesSlotsForwardToServices) {
  metrics::Registry registry;
  RecordingServices services;
  PluginHostApi api("dgd", registry, &services);
  const dynop_host* h = api.table();
  dynop_str out{};
  ASSERT_EQ(h->get_object(h->ctx, &kPod, &out).code, DYNOP_OK);
  EXPECT_EQ(str(out), R"({"plugin":"dgd","kind":"Pod"})");

  dynop_object_ref missing = kPod;
  missing.name = c("missing");
  dynop_status s = h->get_object(h->ctx, &missing, &out);
  EXPECT_EQ(s.code, DYNOP_NOT_FOUND);
  EXPECT_EQ(str(s.message), "pods \"missing\" not found");

  dynop_object_ref throwing = kPod;
  throwing.name = c("throw");
  s = h->get_object(h->ctx, &throwing, &out);
  EXPECT_EQ(s.code, DYNOP_ERROR);
  EXPECT_EQ(str(s.message), "cache exploded");

  ASSERT_EQ(h->requeue_after(h->ctx, dynop_key{c("default"), c("g")}, 250).code, DYNOP_OK);
  EXPECT_EQ(services.last, "dgd default/g 250");
  // Slots the services do not override keep the default answer.
  EXPECT_EQ(h->delete_object(h->ctx, &kPod).code, DYNOP_NOT_IMPLEMENTED);
  EXPECT_EQ(h->patch_object(h->ctx, &kPod, 42, c("{}"), &out).code, DYNOP_INVALID_ARGUMENT);
}

class StubPrometheus final : public PrometheusSource {
 public:
  PromAnswer answer;
  std::string last_query;
  double last_time = -1;
  PromAnswer query(std::string_view promql, double time) override {
    last_query = std::string(promql);
    last_time = time;
    return answer;
  }
  PromAnswer query_range(std::string_view promql, double, double, double) override {
    last_query = std::string(promql);
    return answer;
  }
};

TEST(PluginHostApi, PrometheusSlotsLayOutTheAnswerInThePluginsStruct) {
  metrics::Registry registry;
  StubPrometheus prom;
  prom.answer.series.push_back({{{"pod", "a"}}, {{1767225600, 0.5}}});
  prom.answer.warnings.push_back("careful");
  PluginHostApi api("scaler", registry, nullptr, &prom);
  const dynop_host* h = api.table();
  ASSERT_TRUE(DYNOP_HOST_HAS(h, prometheus_query));
  dynop_prom_result out{};
  out.struct_size = sizeof(out);
  ASSERT_EQ(h->prometheus_query(h->ctx, c("up"), 12.5, &out).code, DYNOP_OK);
  EXPECT_EQ(prom.last_query, "up");
  EXPECT_EQ(prom.last_time, 12.5);
  EXPECT_EQ(out.struct_size, sizeof(out));  // the plugin's, untouched
  EXPECT_EQ(out.result_type, DYNOP_PROM_VECTOR);
  ASSERT_EQ(out.series_count, 1u);
  EXPECT_EQ(out.series[0].struct_size, sizeof(dynop_prom_series));
  ASSERT_EQ(out.series[0].label_count, 1u);
  EXPECT_EQ(str(out.series[0].labels[0].name), "pod");
  EXPECT_EQ(out.series[0].points[0].value, 0.5);
  ASSERT_EQ(out.warning_count, 1u);
  EXPECT_EQ(str(out.warnings[0]), "careful");

  // Errors are the source's status; a bad range or struct is refused here.
  prom.answer = PromAnswer::error(DYNOP_INVALID_ARGUMENT, "bad_data: parse error");
  auto s = h->prometheus_query(h->ctx, c("up{"), 0, &out);
  EXPECT_EQ(s.code, DYNOP_INVALID_ARGUMENT);
  EXPECT_EQ(str(s.message), "bad_data: parse error");
  s = h->prometheus_query_range(h->ctx, c("up"), 10, 5, 1, &out);
  EXPECT_EQ(s.code, DYNOP_INVALID_ARGUMENT);
  EXPECT_EQ(str(s.message), "a range query needs step > 0 and end >= start");
  dynop_prom_result tiny{};
  tiny.struct_size = 4;
  EXPECT_EQ(h->prometheus_query(h->ctx, c("up"), 0, &tiny).code, DYNOP_INVALID_ARGUMENT);
}

TEST(PluginHostApi, PrometheusWithoutOneConfiguredIsNotImplemented) {
  metrics::Registry registry;
  PluginHostApi api("scaler", registry);
  const dynop_host* h = api.table();
  dynop_prom_result out{};
  out.struct_size = sizeof(out);
  auto s = h->prometheus_query(h->ctx, c("up"), 0, &out);
  EXPECT_EQ(s.code, DYNOP_NOT_IMPLEMENTED);
  EXPECT_EQ(str(s.message),
            "this host has no Prometheus configured: set prometheus.url in its configuration "
            "file or pass --prometheus-url");
}

}  // namespace
}  // namespace dynop::host
