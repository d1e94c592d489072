#include "host/config/duration.hpp"

#include <gtest/gtest.h>

namespace dynop::host {
namespace {

using namespace std::chrono_literals;

std::chrono::nanoseconds ok(const std::string& text) {
  std::string error;
  auto d = parse_duration(text, error);
  EXPECT_TRUE(d) << text << ": " << error;
  return d.value_or(-1ns);
}

std::string rejected(const std::string& text) {
  std::string error;
  auto d = parse_duration(text, error);
  EXPECT_FALSE(d) << text;
  return error;
}

TEST(Duration, GoSyntax) {
  EXPECT_EQ(ok("15s"), 15s);
  EXPECT_EQ(ok("500ms"), 500ms);
  EXPECT_EQ(ok("1m30s"), 90s);
  EXPECT_EQ(ok("1.5s"), 1500ms);
  EXPECT_EQ(ok("2h"), 2h);
  EXPECT_EQ(ok("250us"), 250us);
  EXPECT_EQ(ok("250\xC2\xB5s"), 250us);
  EXPECT_EQ(ok("10ns"), 10ns);
  EXPECT_EQ(ok("0"), 0ns);
  EXPECT_EQ(ok(".5s"), 500ms);
  EXPECT_EQ(ok("-2s"), -2s);
}

TEST(Duration, RejectsWhatGoRejects) {
  EXPECT_EQ(rejected("15"), "\"15\" has no unit (e.g. 15s, 500ms, 1m30s)");
  EXPECT_EQ(rejected("15x"), "\"15x\" has an unknown unit (use ns, us, ms, s, m or h)");
  EXPECT_EQ(rejected(""), "\"\" is not a duration (e.g. 15s, 500ms, 1m30s)");
  EXPECT_EQ(rejected("s"), "\"s\" is not a duration (e.g. 15s, 500ms, 1m30s)");
  rejected("1s2");
  rejected(".s");
  rejected("1 s");
}

TEST(Duration, FormatsForMessages) {
  EXPECT_EQ(format_duration(15s), "15s");
  EXPECT_EQ(format_duration(2500ms), "2500ms");
  EXPECT_EQ(format_duration(10ns), "10ns");
}

}  // namespace
}  // namespace dynop::host
