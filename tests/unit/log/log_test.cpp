#include "lib/log/log.hpp"

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <boost/json.hpp>
#include <sstream>
#include <string>

namespace dynop::log {
namespace {

std::string log_one(Format format, const std::string& message, const std::string& name = "") {
  std::ostringstream out;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_st>(out);
  sink->set_formatter(make_formatter(format));
  spdlog::logger logger(name, sink);
  logger.info("{}", message);
  return out.str();
}

TEST(Log, ParseLevelAcceptsKnownNames) {
  std::string error;
  EXPECT_EQ(parse_level("debug", error), Level::kDebug);
  EXPECT_EQ(parse_level("WARNING", error), Level::kWarn);
  EXPECT_EQ(parse_level("off", error), Level::kOff);
  EXPECT_TRUE(error.empty());
}

TEST(Log, ParseLevelNamesTheBadValueAndTheChoices) {
  std::string error;
  EXPECT_FALSE(parse_level("verbose", error).has_value());
  EXPECT_EQ(
      error,
      "unknown log level \"verbose\" (expected one of: trace, debug, info, warn, error, off)");
}

TEST(Log, ParseFormat) {
  std::string error;
  EXPECT_EQ(parse_format("json", error), Format::kJson);
  EXPECT_EQ(parse_format("Text", error), Format::kText);
  EXPECT_FALSE(parse_format("xml", error).has_value());
  EXPECT_EQ(error, "unknown log format \"xml\" (expected one of: text, json)");
}

TEST(Log, JsonLineHasTsLevelAndEscapedMessage) {
  std::string message = "quote \" backslash \\ newline \n tab \t ctl \x01 end";
  std::string line = log_one(Format::kJson, message);
  ASSERT_FALSE(line.empty());
  EXPECT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1) << "one event, one line";
  boost::json::value v = boost::json::parse(line);
  const auto& o = v.as_object();
  EXPECT_EQ(o.at("level").as_string(), "info");
  EXPECT_EQ(o.at("msg").as_string(), message);
  std::string ts(o.at("ts").as_string());
  EXPECT_EQ(ts.size(), std::string("2026-01-02T03:04:05.678Z").size()) << ts;
  EXPECT_EQ(ts.back(), 'Z');
  EXPECT_FALSE(o.contains("logger"));
}

TEST(Log, JsonLineNamesANamedLogger) {
  boost::json::value v = boost::json::parse(log_one(Format::kJson, "hi", "dgd"));
  EXPECT_EQ(v.as_object().at("logger").as_string(), "dgd");
}

TEST(Log, TextLineHasLevelAndMessage) {
  std::string line = log_one(Format::kText, "listening on 127.0.0.1:1");
  EXPECT_NE(line.find(" info listening on 127.0.0.1:1\n"), std::string::npos) << line;
  EXPECT_EQ(line[4], '-');
  EXPECT_EQ(line[23], 'Z') << line;
}

TEST(Log, InitSetsTheDefaultLoggerLevel) {
  init(Level::kWarn, Format::kJson);
  EXPECT_EQ(spdlog::default_logger()->level(), spdlog::level::warn);
  init(Level::kDebug, Format::kText);
  EXPECT_EQ(spdlog::default_logger()->level(), spdlog::level::debug);
}

}  // namespace
}  // namespace dynop::log
