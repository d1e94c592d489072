#include "lib/prometheus/text_format.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace dynop::prometheus {
namespace {

TEST(TextFormat, KubeletResourceMetrics) {
  auto parsed = parse_text_format(
      "# HELP container_cpu_usage_seconds_total [STABLE] Cumulative cpu time consumed by the "
      "container in core-seconds\n"
      "# TYPE container_cpu_usage_seconds_total counter\n"
      "container_cpu_usage_seconds_total{container=\"coredns\",namespace=\"kube-system\",pod="
      "\"coredns-55fddfc79-6gx9p\"} 10.296811 1673532548155\n"
      "\n"
      "node_memory_working_set_bytes 4.0941568e+08 1673532544931\n"
      "weird{a=\"x\\\"y\\\\z\\n\",} NaN\n"
      "inf_total +Inf\n");
  ASSERT_TRUE(parsed.ok()) << parsed.error();
  ASSERT_EQ(parsed->samples.size(), 4u);
  const auto& cpu = parsed->samples[0];
  EXPECT_EQ(cpu.name, "container_cpu_usage_seconds_total");
  EXPECT_EQ(cpu.labels.at("pod"), "coredns-55fddfc79-6gx9p");
  EXPECT_DOUBLE_EQ(cpu.value, 10.296811);
  EXPECT_EQ(cpu.timestamp_ms, 1673532548155);
  EXPECT_EQ(parsed->samples[1].value, 409415680);
  EXPECT_EQ(parsed->samples[2].labels.at("a"), "x\"y\\z\n");
  EXPECT_TRUE(std::isnan(parsed->samples[2].value));
  EXPECT_EQ(parsed->samples[2].timestamp_ms, std::nullopt);
  EXPECT_TRUE(std::isinf(parsed->samples[3].value));
  EXPECT_EQ(parsed->types.at("container_cpu_usage_seconds_total"), "counter");
}

TEST(TextFormat, HelpIsUnescapedAndSamplesAreFoundByLabels) {
  auto parsed = parse_text_format(
      "# HELP g line one\\nback\\\\slash\n# TYPE g gauge\n"
      "g{path=\"a\",op=\"get\"} 1\ng{path=\"b\",op=\"get\"} 2\n");
  ASSERT_TRUE(parsed.ok()) << parsed.error();
  EXPECT_EQ(parsed->help.at("g"), "line one\nback\\slash");
  ASSERT_NE(parsed->find("g", {{"path", "b"}}), nullptr);
  EXPECT_EQ(parsed->find("g", {{"path", "b"}})->value, 2);
  EXPECT_EQ(parsed->find("g")->value, 1);
  EXPECT_EQ(parsed->find("g", {{"path", "c"}}), nullptr);
}

TEST(TextFormat, ErrorsNameTheLine) {
  EXPECT_EQ(parse_text_format("ok 1\nbad{x=\"1\"} one\n").error(), "line 2: invalid value \"one\"");
  EXPECT_EQ(parse_text_format("m{x=\"1} 2\n").error(), "line 1: unterminated value for label x");
  EXPECT_EQ(parse_text_format("m 1 2 3\n").error(), "line 1: unexpected text after the timestamp");
  EXPECT_EQ(parse_text_format("{x=\"1\"} 2\n").error(), "line 1: expected a metric name");
}

}  // namespace
}  // namespace dynop::prometheus
