#include "lib/metrics/registry.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "lib/prometheus/text_format.hpp"

namespace dynop::metrics {
namespace {

// Read back with the parser the local cluster's metrics adapters use.
dynop::prometheus::TextExposition parse(const std::string& text) {
  auto exposition = dynop::prometheus::parse_text_format(text);
  EXPECT_TRUE(exposition.ok()) << (exposition.ok() ? "" : exposition.error()) << "\n" << text;
  return exposition.ok() ? *exposition : dynop::prometheus::TextExposition{};
}

TEST(MetricsRegistry, CounterWithHelpAndTypeReadsBack) {
  Registry r;
  const auto c = r.counter("dynop_reconcile_total", "Reconciles by result.");
  c.with({{"plugin", "dgd"}, {"result", "success"}}).Increment();
  c.with({{"plugin", "dgd"}, {"result", "success"}}).Increment(2);
  c.with({{"plugin", "dgd"}, {"result", "error"}}).Increment();
  c.with({{"plugin", "dgd"}, {"result", "error"}}).Increment(-5);  // counters only go up

  auto e = parse(r.serialize());
  EXPECT_EQ(e.help["dynop_reconcile_total"], "Reconciles by result.");
  EXPECT_EQ(e.types["dynop_reconcile_total"], "counter");
  const auto* ok = e.find("dynop_reconcile_total", {{"plugin", "dgd"}, {"result", "success"}});
  ASSERT_NE(ok, nullptr);
  EXPECT_EQ(ok->value, 3);
  const auto* err = e.find("dynop_reconcile_total", {{"plugin", "dgd"}, {"result", "error"}});
  ASSERT_NE(err, nullptr);
  EXPECT_EQ(err->value, 1);
}

TEST(MetricsRegistry, SameNameGivesSameFamilyAndSameLabelsTheSameSeries) {
  Registry r;
  const auto a = r.counter("x_total", "help");
  const auto b = r.counter("x_total", "other help");
  EXPECT_EQ(&a.prometheus_family(), &b.prometheus_family());
  auto& c1 = a.with({{"a", "1"}, {"b", "2"}});
  auto& c2 = b.with({{"b", "2"}, {"a", "1"}});
  EXPECT_EQ(&c1, &c2);  // what hot paths rely on when they keep the reference
  EXPECT_NE(&c1, &a.with({{"a", "1"}}));
}

TEST(MetricsRegistry, TypeConflictAndBadNamesAreRejectedWithTheName) {
  Registry r;
  r.counter("x_total", "help");
  auto message = [](auto&& call) {
    try {
      call();
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("no exception");
  };
  EXPECT_EQ(message([&] { r.gauge("x_total", "help"); }).rfind("metric x_total: ", 0), 0u);
  EXPECT_EQ(message([&] { r.counter("1bad", "help"); }), "invalid metric name \"1bad\"");
  EXPECT_EQ(message([&] { r.counter("bad-name", "help"); }), "invalid metric name \"bad-name\"");
  const auto f = r.counter("y_total", "help");
  EXPECT_EQ(message([&] {
              f.with({{"bad-label", "v"}});
            }),
            "metric y_total: invalid label name \"bad-label\"");
  EXPECT_EQ(message([&] {
              f.with({{"__reserved", "v"}});
            }),
            "metric y_total: invalid label name \"__reserved\"");
  const auto h = r.histogram("h_seconds", "help", {1, 2});
  EXPECT_EQ(message([&] {
              h.with({{"le", "1"}});
            }),
            "metric h_seconds: invalid label name \"le\" (reserved for buckets)");
  EXPECT_EQ(message([&] {
              r.histogram("h2", "help", {2, 1});
            }),
            "histogram h2: buckets must be strictly increasing");
  // Nothing half-made stays behind.
  auto e = parse(r.serialize());
  EXPECT_EQ(e.find("y_total"), nullptr);
}

TEST(MetricsRegistry, LabelValuesAndHelpAreEscaped) {
  Registry r;
  r.gauge("g", "line one\nback\\slash").with({{"path", "a\"b\\c\nd"}}).Set(1.5);
  const std::string text = r.serialize();
  EXPECT_NE(text.find(R"(g{path="a\"b\\c\nd"} 1.5)"), std::string::npos) << text;
  EXPECT_NE(text.find(R"(# HELP g line one\nback\\slash)"), std::string::npos) << text;
  auto e = parse(text);
  EXPECT_EQ(e.help["g"], "line one\nback\\slash");
  ASSERT_NE(e.find("g", {{"path", "a\"b\\c\nd"}}), nullptr);
}

TEST(MetricsRegistry, GaugeSetIncDec) {
  Registry r;
  auto& g = r.gauge("queue_depth", "Items queued.").with({});
  g.Set(10);
  g.Increment();
  g.Decrement(3);
  EXPECT_EQ(g.Value(), 8);
  auto e = parse(r.serialize());
  EXPECT_EQ(e.types["queue_depth"], "gauge");
  ASSERT_NE(e.find("queue_depth"), nullptr);
  EXPECT_EQ(e.find("queue_depth")->value, 8);
}

TEST(MetricsRegistry, HistogramBucketsSumCountAndInf) {
  Registry r;
  auto& h = r.histogram("latency_seconds", "Latency.", {0.1, 1, 10}).with({{"op", "get"}});
  h.Observe(0.05);
  h.Observe(0.1);  // upper bounds are inclusive
  h.Observe(5);
  h.Observe(100);
  auto e = parse(r.serialize());
  EXPECT_EQ(e.types["latency_seconds"], "histogram");
  auto bucket = [&](const std::string& le) {
    const auto* s = e.find("latency_seconds_bucket", {{"op", "get"}, {"le", le}});
    return s ? s->value : -1;
  };
  EXPECT_EQ(bucket("0.1"), 2);
  EXPECT_EQ(bucket("1"), 2);
  EXPECT_EQ(bucket("10"), 3);
  EXPECT_EQ(bucket("+Inf"), 4);
  ASSERT_NE(e.find("latency_seconds_count", {{"op", "get"}}), nullptr);
  EXPECT_EQ(e.find("latency_seconds_count", {{"op", "get"}})->value, 4);
  ASSERT_NE(e.find("latency_seconds_sum", {{"op", "get"}}), nullptr);
  EXPECT_DOUBLE_EQ(e.find("latency_seconds_sum", {{"op", "get"}})->value, 105.15);
}

TEST(MetricsRegistry, AHistogramKeepsItsFirstBucketsAndAnExplicitInfIsNotRepeated) {
  Registry r;
  r.histogram("h_seconds", "help", {1, 2, std::numeric_limits<double>::infinity()});
  r.histogram("h_seconds", "help", {5}).with({}).Observe(1.5);
  auto e = parse(r.serialize());
  EXPECT_NE(e.find("h_seconds_bucket", {{"le", "2"}}), nullptr);
  EXPECT_EQ(e.find("h_seconds_bucket", {{"le", "5"}}), nullptr);
  int inf_buckets = 0;
  for (const auto& s : e.samples)
    inf_buckets += s.labels.count("le") && s.labels.at("le") == "+Inf";
  EXPECT_EQ(inf_buckets, 1);
}

TEST(MetricsRegistry, ExpositionServesAnyRegistryNotOnlyTheHosts) {
  // What a simulation with one registry per pod does.
  ::prometheus::Registry pod_a;
  ::prometheus::Registry pod_b;
  ::prometheus::BuildGauge()
      .Name("dynamo_frontend_inflight_requests")
      .Help("In flight.")
      .Register(pod_a)
      .Add({{"model", "m"}})
      .Set(3);
  ::prometheus::BuildGauge()
      .Name("dynamo_frontend_inflight_requests")
      .Help("In flight.")
      .Register(pod_b)
      .Add({{"model", "m"}})
      .Set(5);
  EXPECT_EQ(parse(text_exposition(pod_a)).find("dynamo_frontend_inflight_requests")->value, 3);
  EXPECT_EQ(parse(text_exposition(pod_b)).find("dynamo_frontend_inflight_requests")->value, 5);
}

TEST(MetricsRegistry, ExponentialAndLinearBuckets) {
  EXPECT_EQ(exponential_buckets(1, 2, 4), (std::vector<double>{1, 2, 4, 8}));
  EXPECT_THROW(exponential_buckets(0, 2, 4), std::invalid_argument);
  EXPECT_THROW(exponential_buckets(1, 1, 4), std::invalid_argument);
  EXPECT_EQ(linear_buckets(1, 2, 3), (std::vector<double>{1, 3, 5}));
  EXPECT_THROW(linear_buckets(1, 0, 3), std::invalid_argument);
}

TEST(MetricsRegistry, ConcurrentUpdatesAreNotLost) {
  Registry r;
  const auto family = r.counter("c_total", "help");
  auto& h = r.histogram("h", "help", exponential_buckets(1, 2, 5)).with({});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) {
        family.with({{"k", "v"}}).Increment();
        h.Observe(3);
      }
    });
  }
  for (auto& t : threads) t.join();
  auto e = parse(r.serialize());
  EXPECT_EQ(e.find("c_total", {{"k", "v"}})->value, 40000);
  EXPECT_EQ(e.find("h_count")->value, 40000);
  EXPECT_EQ(e.find("h_bucket", {{"le", "4"}})->value, 40000);
  EXPECT_EQ(e.find("h_bucket", {{"le", "2"}})->value, 0);
}

}  // namespace
}  // namespace dynop::metrics
