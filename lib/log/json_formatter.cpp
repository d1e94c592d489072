#include "lib/log/json_formatter.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <boost/json.hpp>
#include <chrono>
#include <string>
#include <string_view>

namespace dynop::log {

namespace {

std::string rfc3339_millis(spdlog::log_clock::time_point tp) {
  auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(tp.time_since_epoch()).count() % 1000;
  std::time_t secs = spdlog::log_clock::to_time_t(tp);
  std::tm utc{};
  gmtime_r(&secs, &utc);
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:03}Z", utc, millis);
}

}  // namespace

void JsonFormatter::format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) {
  boost::json::object line;
  line["ts"] = rfc3339_millis(msg.time);
  auto level = spdlog::level::to_string_view(msg.level);
  line["level"] = std::string_view(level.data(), level.size());
  if (msg.logger_name.size() > 0) {
    line["logger"] = std::string_view(msg.logger_name.data(), msg.logger_name.size());
  }
  line["msg"] = std::string_view(msg.payload.data(), msg.payload.size());
  std::string text = boost::json::serialize(line);
  dest.append(text.data(), text.data() + text.size());
  dest.push_back('\n');
}

std::unique_ptr<spdlog::formatter> JsonFormatter::clone() const {
  return std::make_unique<JsonFormatter>();
}

}  // namespace dynop::log
