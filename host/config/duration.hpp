#pragma once
// Durations as kube components take them on the command line and in their
// config files: Go's time.ParseDuration syntax ("15s", "500ms", "1m30s",
// "1.5h"; units ns, us, µs, ms, s, m, h).

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace dynop::host {

// nullopt and a one-line `error` ("\"15\" has no unit (e.g. 15s)") when
// `text` is not a duration. Negative durations parse (callers validate).
std::optional<std::chrono::nanoseconds> parse_duration(std::string_view text, std::string& error);

// For messages: "15s", "500ms", "1.5s", "2m0s" style is not needed, so whole
// seconds print as "15s" and the rest in milliseconds ("2500ms").
std::string format_duration(std::chrono::nanoseconds d);

}  // namespace dynop::host
