#include "lib/apimachinery/time.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace dynop::apimachinery {
namespace {

using namespace std::chrono;

TEST(Time, FormatsAndParsesRfc3339) {
  auto t = parse_time("2026-11-28T00:44:39Z");
  ASSERT_TRUE(t.ok()) << t.error();
  EXPECT_EQ(format_time(*t), "2026-11-28T00:44:39Z");
  EXPECT_EQ(format_micro_time(*t), "2026-11-28T00:44:39.000000Z");
  // Offsets are normalised to UTC; fractions are accepted and dropped.
  EXPECT_EQ(format_time(parse_time("2026-01-01T02:00:00+02:00").value()), "2026-01-01T00:00:00Z");
  EXPECT_EQ(format_time(parse_time("2026-01-01T00:00:00.999Z").value()), "2026-01-01T00:00:00Z");
  EXPECT_EQ(format_time(parse_time("2024-02-29T23:59:59-00:30").value()), "2024-03-01T00:29:59Z");
}

TEST(Time, MicroTimeTraces) {
  // 08-lease-07: six digits with an offset, normalised to UTC.
  auto t = parse_micro_time("2026-01-01T00:00:00.123456+02:00");
  ASSERT_TRUE(t.ok()) << t.error();
  EXPECT_EQ(format_micro_time(*t), "2025-12-31T22:00:00.123456Z");
  // 08-lease-05 and 06.
  EXPECT_EQ(parse_micro_time("2026-01-01T00:00:00Z").error(),
            "parsing time \"2026-01-01T00:00:00Z\" as \"2006-01-02T15:04:05.000000Z07:00\": "
            "cannot parse \"Z\" as \".000000\"");
  EXPECT_EQ(parse_micro_time("2026-01-01T00:00:00.123456789Z").error(),
            "parsing time \"2026-01-01T00:00:00.123456789Z\" as "
            "\"2006-01-02T15:04:05.000000Z07:00\": cannot parse \"789Z\" as \"Z07:00\"");
}

TEST(Time, GoParseErrors) {
  EXPECT_EQ(parse_time("2026/01/01T00:00:00Z").error(),
            "parsing time \"2026/01/01T00:00:00Z\" as \"2006-01-02T15:04:05Z07:00\": cannot "
            "parse \"/01/01T00:00:00Z\" as \"-\"");
  EXPECT_EQ(parse_time("2026-13-01T00:00:00Z").error(),
            "parsing time \"2026-13-01T00:00:00Z\": month out of range");
  EXPECT_EQ(parse_time("2026-02-30T00:00:00Z").error(),
            "parsing time \"2026-02-30T00:00:00Z\": day out of range");
  EXPECT_EQ(parse_time("2026-01-01T25:00:00Z").error(),
            "parsing time \"2026-01-01T25:00:00Z\": hour out of range");
  EXPECT_EQ(parse_time("2026-01-01T00:00:00Zjunk").error(),
            "parsing time \"2026-01-01T00:00:00Zjunk\": extra text: \"junk\"");
  EXPECT_EQ(parse_time("yesterday").error(),
            "parsing time \"yesterday\" as \"2006-01-02T15:04:05Z07:00\": cannot parse "
            "\"yesterday\" as \"2006\"");
  EXPECT_EQ(parse_time("2026-01-01T00:00:00").error(),
            "parsing time \"2026-01-01T00:00:00\" as \"2006-01-02T15:04:05Z07:00\": cannot parse "
            "\"\" as \"Z07:00\"");
  EXPECT_EQ(parse_time("2026-1-01T00:00:00Z").error(),
            "parsing time \"2026-1-01T00:00:00Z\" as \"2006-01-02T15:04:05Z07:00\": cannot parse "
            "\"1-01T00:00:00Z\" as \"01\"");
}

TEST(Time, SystemClockOverloads) {
  system_clock::time_point t =
      sys_days{year{2026} / 11 / 28} + hours(1) + nanoseconds(1'234'567'891);
  EXPECT_EQ(format_time(t), "2026-11-28T01:00:01Z");
  EXPECT_EQ(format_micro_time(t), "2026-11-28T01:00:01.234567Z");
  // Before the epoch, truncation is still toward the earlier instant.
  system_clock::time_point early = sys_days{year{1969} / 12 / 31} + hours(23) + minutes(59) +
                                   seconds(59) + nanoseconds(999'999'999);
  EXPECT_EQ(format_micro_time(early), "1969-12-31T23:59:59.999999Z");
}

TEST(Time, Json) {
  auto n = time_from_json(boost::json::value(nullptr));
  ASSERT_TRUE(n.ok());
  EXPECT_FALSE(n->has_value());
  auto v = micro_time_from_json(boost::json::parse("\"2026-11-28T00:44:39.500000Z\""));
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(format_micro_time(**v), "2026-11-28T00:44:39.500000Z");
  EXPECT_FALSE(time_from_json(boost::json::parse("5")).ok());
}

TEST(HumanDuration, MatchesKube) {
  auto h = [](auto d) { return human_duration(duration_cast<nanoseconds>(d)); };
  EXPECT_EQ(h(seconds(-2)), "<invalid>");
  EXPECT_EQ(h(milliseconds(-1500)), "0s");
  EXPECT_EQ(h(seconds(0)), "0s");
  EXPECT_EQ(h(seconds(3)), "3s");
  EXPECT_EQ(h(seconds(119)), "119s");
  EXPECT_EQ(h(seconds(120)), "2m");
  EXPECT_EQ(h(minutes(5) + seconds(30)), "5m30s");
  EXPECT_EQ(h(minutes(10) + seconds(30)), "10m");
  EXPECT_EQ(h(minutes(179)), "179m");
  EXPECT_EQ(h(hours(3)), "3h");
  EXPECT_EQ(h(hours(3) + minutes(5)), "3h5m");
  EXPECT_EQ(h(hours(8) + minutes(5)), "8h");
  EXPECT_EQ(h(hours(47)), "47h");
  EXPECT_EQ(h(hours(48)), "2d");
  EXPECT_EQ(h(hours(51)), "2d3h");
  EXPECT_EQ(h(hours(24 * 8)), "8d");
  EXPECT_EQ(h(hours(24 * 729)), "729d");
  EXPECT_EQ(h(hours(24 * 730)), "2y");
  EXPECT_EQ(h(hours(24 * 733)), "2y3d");
  EXPECT_EQ(h(hours(24 * 365 * 10)), "10y");
  EXPECT_EQ(short_human_duration(duration_cast<nanoseconds>(minutes(90))), "1h");
  EXPECT_EQ(short_human_duration(duration_cast<nanoseconds>(hours(24 * 400))), "1y");
  auto t0 = parse_time("2026-11-28T00:00:00Z").value();
  EXPECT_EQ(translate_timestamp_since(t0, t0 + seconds(65)), "65s");
  EXPECT_EQ(translate_timestamp_since(std::nullopt, t0), "<unknown>");
}

}  // namespace
}  // namespace dynop::apimachinery

namespace dynop::apimachinery {
namespace {

TEST(Time, GoDurationStrings) {
  using namespace std::chrono_literals;
  EXPECT_EQ(go_duration_string(0s), "0s");
  EXPECT_EQ(go_duration_string(500ns), "500ns");
  EXPECT_EQ(go_duration_string(1500ns), "1.5\u00b5s");
  EXPECT_EQ(go_duration_string(15008ms), "15.008s");
  EXPECT_EQ(go_duration_string(60s), "1m0s");
  EXPECT_EQ(go_duration_string(2h + 3min + 4500ms), "2h3m4.5s");
  EXPECT_EQ(go_duration_string(-1500ms), "-1.5s");
  EXPECT_EQ(*parse_go_duration("15.008s"), 15008ms);
  EXPECT_EQ(*parse_go_duration("1m0s"), 60s);
  EXPECT_EQ(*parse_go_duration("2h45m"), 2h + 45min);
  EXPECT_EQ(parse_go_duration("15").error(), "time: missing unit in duration \"15\"");
  EXPECT_EQ(parse_go_duration("x").error(), "time: invalid duration \"x\"");
}

TEST(Time, GoDurationsParseAsTimeParseDuration) {
  using namespace std::chrono_literals;
  EXPECT_EQ(*parse_go_duration("500ms"), 500ms);
  EXPECT_EQ(*parse_go_duration("1.5s"), 1500ms);
  EXPECT_EQ(*parse_go_duration(".5s"), 500ms);
  EXPECT_EQ(*parse_go_duration("250us"), 250us);
  EXPECT_EQ(*parse_go_duration("250\xC2\xB5s"), 250us);
  EXPECT_EQ(*parse_go_duration("10ns"), 10ns);
  EXPECT_EQ(*parse_go_duration("0"), 0ns);
  EXPECT_EQ(*parse_go_duration("-2s"), -2s);
  EXPECT_EQ(parse_go_duration("15x").error(), "time: unknown unit \"x\" in duration \"15x\"");
  EXPECT_EQ(parse_go_duration("").error(), "time: invalid duration \"\"");
  EXPECT_EQ(parse_go_duration("1s2").error(), "time: missing unit in duration \"1s2\"");
  EXPECT_EQ(parse_go_duration(".s").error(), "time: invalid duration \".s\"");
  EXPECT_EQ(parse_go_duration("9999999999h").error(), "time: invalid duration \"9999999999h\"");
}

}  // namespace
}  // namespace dynop::apimachinery
