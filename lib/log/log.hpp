#pragma once
// Process-wide logging. Components log through spdlog's default logger
// (spdlog::info(...), SPDLOG_DEBUG(...)); init() decides level and format
// once at startup. Lines go to stderr, one per event, flushed immediately so
// that a supervisor (systemd, kubelet, tests) sees them even on a crash.
//
//   text: 2026-01-02T03:04:05.678Z info listening on 127.0.0.1:8080
//   json: {"ts":"2026-01-02T03:04:05.678Z","level":"info","msg":"listening on 127.0.0.1:8080"}

#include <spdlog/common.h>
#include <spdlog/formatter.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace dynop::log {

enum class Level { kTrace, kDebug, kInfo, kWarn, kError, kOff };
enum class Format { kText, kJson };

// Names as written in config files and flags: trace, debug, info, warn
// (also "warning"), error, off; text, json. Case-insensitive. On failure
// returns nullopt and sets `error` to one line naming the bad value and the
// accepted ones.
std::optional<Level> parse_level(std::string_view name, std::string& error);
std::optional<Format> parse_format(std::string_view name, std::string& error);

const char* to_string(Level level);
const char* to_string(Format format);

// Replaces the default logger with a stderr logger of that level and format.
// Safe to call again (tests, reconfiguration); not concurrently with logging.
void init(Level level, Format format);

// The formatter init() installs, for callers that log to another sink.
std::unique_ptr<spdlog::formatter> make_formatter(Format format);

spdlog::level::level_enum to_spdlog(Level level);

}  // namespace dynop::log
