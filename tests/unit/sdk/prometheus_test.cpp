// The SDK's Prometheus wrapper (sdk/include/dynop/sdk/prometheus.hpp) through
// the C ABI slots of a FakeHost: typed results, statuses, and a host of an
// older minor.

#include "dynop/sdk/prometheus.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstddef>

#include "dynop/sdk/testing/fake_host.hpp"

namespace {

using dynop::sdk::PromResult;
using dynop::sdk::PromResultType;
using dynop::sdk::PromSeries;
using dynop::sdk::Result;
using dynop::sdk::Status;
using dynop::sdk::StatusCode;
using dynop::sdk::testing::FakeHost;

PromSeries series(std::map<std::string, std::string> labels, std::vector<double> values) {
  PromSeries s;
  s.labels = std::move(labels);
  double t = 1000;
  for (double v : values) s.points.push_back({t++, v});
  return s;
}

TEST(SdkPrometheus, InstantQueryReturnsTypedSamples) {
  FakeHost fake;
  fake.prometheus = [](const FakeHost::PromQuery& q) {
    PromResult r;
    r.series.push_back(series({{"pod", "a"}, {"namespace", "default"}}, {0.25}));
    r.series.push_back(series({{"pod", "b"}}, {NAN}));
    r.warnings.push_back("PromQL info: metric might not be a counter");
    return Result<PromResult>{Status::ok(), r};
  };
  const auto& prom = fake.host().prometheus();
  auto r = prom.query("up");
  ASSERT_TRUE(r.is_ok()) << r.status.message();
  EXPECT_EQ(r.value.type, PromResultType::kVector);
  ASSERT_EQ(r.value.series.size(), 2u);
  EXPECT_EQ(r.value.series[0].label("pod"), "a");
  EXPECT_EQ(r.value.series[0].label("namespace"), "default");
  EXPECT_EQ(r.value.series[0].label("missing"), "");
  ASSERT_EQ(r.value.series[0].points.size(), 1u);
  EXPECT_DOUBLE_EQ(r.value.series[0].points[0].value, 0.25);
  EXPECT_DOUBLE_EQ(r.value.series[0].points[0].timestamp, 1000);
  EXPECT_TRUE(std::isnan(r.value.series[1].points[0].value));
  ASSERT_EQ(r.value.warnings.size(), 1u);
  ASSERT_EQ(fake.prom_queries().size(), 1u);
  EXPECT_EQ(fake.prom_queries()[0].promql, "up");
  EXPECT_FALSE(fake.prom_queries()[0].range);
  EXPECT_EQ(fake.prom_queries()[0].time, 0);  // now
}

TEST(SdkPrometheus, RangeQueryPassesSecondsAndReturnsAMatrix) {
  FakeHost fake;
  fake.prometheus = [](const FakeHost::PromQuery& q) {
    PromResult r;
    r.type = PromResultType::kMatrix;
    r.series.push_back(series({{"le", "0.5"}}, {1, 2, 3}));
    return Result<PromResult>{Status::ok(), r};
  };
  using Clock = std::chrono::system_clock;
  const Clock::time_point start{std::chrono::seconds(1700000000)};
  auto r = fake.host().prometheus().query_range(
      "rate(x[1m])", start, start + std::chrono::minutes(5), std::chrono::milliseconds(15000));
  ASSERT_TRUE(r.is_ok());
  EXPECT_EQ(r.value.type, PromResultType::kMatrix);
  ASSERT_EQ(r.value.series.at(0).points.size(), 3u);
  EXPECT_DOUBLE_EQ(r.value.series[0].points[2].value, 3);
  const auto& q = fake.prom_queries().at(0);
  EXPECT_TRUE(q.range);
  EXPECT_DOUBLE_EQ(q.start, 1700000000);
  EXPECT_DOUBLE_EQ(q.end, 1700000300);
  EXPECT_DOUBLE_EQ(q.step, 15);
}

TEST(SdkPrometheus, ValueReadsOneSeriesAsKedaDoes) {
  FakeHost fake;
  int n = 0;
  fake.prometheus = [&](const FakeHost::PromQuery&) {
    PromResult r;
    for (int i = 0; i < n; ++i) r.series.push_back(series({{"i", std::to_string(i)}}, {0.7}));
    return Result<PromResult>{Status::ok(), r};
  };
  const auto& prom = fake.host().prometheus();
  auto none = prom.value("q");
  ASSERT_TRUE(none.is_ok());
  EXPECT_FALSE(none.value.has_value());
  n = 1;
  auto one = prom.value("q");
  ASSERT_TRUE(one.is_ok());
  EXPECT_DOUBLE_EQ(*one.value, 0.7);
  n = 3;
  auto many = prom.value("q");
  EXPECT_EQ(many.status.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(many.status.message(),
            "query returned 3 series; aggregate it to one (e.g. with sum or max)");
}

TEST(SdkPrometheus, ErrorsComeBackAsStatuses) {
  FakeHost fake;
  auto& prom = fake.host().prometheus();
  // No Prometheus configured.
  EXPECT_EQ(prom.query("up").status.code(), StatusCode::kNotImplemented);
  fake.prometheus = [](const FakeHost::PromQuery&) {
    return Result<PromResult>{
        Status(StatusCode::kInvalidArgument, "bad_data: 1:3: parse error: unexpected end of input"),
        {}};
  };
  auto bad = prom.query("up{");
  EXPECT_EQ(bad.status.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.status.message(), "bad_data: 1:3: parse error: unexpected end of input");
  EXPECT_EQ(prom.value("up{").status.code(), StatusCode::kInvalidArgument);
}

TEST(SdkPrometheus, AHostOlderThanTheSlotAnswersNotImplemented) {
  FakeHost fake;
  fake.prometheus = [](const FakeHost::PromQuery&) { return Result<PromResult>{}; };
  // A 1.1 host's table ends before the Prometheus slots.
  fake.table().struct_size = offsetof(dynop_host, prometheus_query);
  fake.table().abi_minor = 1;
  auto r = fake.host().prometheus().query("up");
  EXPECT_EQ(r.status.code(), StatusCode::kNotImplemented);
  EXPECT_EQ(r.status.message(), "this host (plugin ABI 1.1) has no prometheus_query callback");
  EXPECT_EQ(
      fake.host().prometheus().query_range("up", {}, {}, std::chrono::seconds(1)).status.code(),
      StatusCode::kNotImplemented);
  EXPECT_TRUE(fake.prom_queries().empty());  // nothing was called
}

}  // namespace
