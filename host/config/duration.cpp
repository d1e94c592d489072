#include "host/config/duration.hpp"

#include <array>
#include <cstdint>
#include <utility>

namespace dynop::host {
namespace {

// Longest names first, so "ms" is not read as "m" followed by "s".
constexpr std::array<std::pair<std::string_view, std::int64_t>, 7> kUnits = {{
    {"ns", 1},
    {"us", 1000},
    {"\xC2\xB5s", 1000},  // µs (U+00B5), as Go accepts it
    {"ms", 1000000},
    {"s", 1000000000},
    {"m", 60LL * 1000000000},
    {"h", 3600LL * 1000000000},
}};

bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

std::optional<std::chrono::nanoseconds> parse_duration(std::string_view text, std::string& error) {
  const std::string quoted = "\"" + std::string(text) + "\"";
  std::string_view s = text;
  bool negative = false;
  if (!s.empty() && (s.front() == '-' || s.front() == '+')) {
    negative = s.front() == '-';
    s.remove_prefix(1);
  }
  if (s == "0") return std::chrono::nanoseconds(0);
  if (s.empty()) {
    error = quoted + " is not a duration (e.g. 15s, 500ms, 1m30s)";
    return std::nullopt;
  }
  long double total = 0;
  while (!s.empty()) {
    std::size_t i = 0;
    long double value = 0;
    bool digits = false;
    while (i < s.size() && is_digit(s[i])) {
      value = value * 10 + (s[i++] - '0');
      digits = true;
    }
    if (i < s.size() && s[i] == '.') {
      ++i;
      long double scale = 0.1L;
      while (i < s.size() && is_digit(s[i])) {
        value += scale * (s[i++] - '0');
        scale /= 10;
        digits = true;
      }
    }
    if (!digits) {
      error = quoted + " is not a duration (e.g. 15s, 500ms, 1m30s)";
      return std::nullopt;
    }
    s.remove_prefix(i);
    std::int64_t unit = 0;
    for (const auto& [name, nanos] : kUnits) {
      if (s.starts_with(name)) {
        unit = nanos;
        s.remove_prefix(name.size());
        break;
      }
    }
    if (unit == 0) {
      error = s.empty() || is_digit(s.front())
                  ? quoted + " has no unit (e.g. 15s, 500ms, 1m30s)"
                  : quoted + " has an unknown unit (use ns, us, ms, s, m or h)";
      return std::nullopt;
    }
    total += value * static_cast<long double>(unit);
    if (total > static_cast<long double>(INT64_MAX)) {
      error = quoted + " is too long a duration";
      return std::nullopt;
    }
  }
  const auto nanos = static_cast<std::int64_t>(total + 0.5L);
  return std::chrono::nanoseconds(negative ? -nanos : nanos);
}

std::string format_duration(std::chrono::nanoseconds d) {
  using std::chrono::duration_cast;
  using std::chrono::milliseconds;
  using std::chrono::seconds;
  if (d % seconds(1) == std::chrono::nanoseconds(0))
    return std::to_string(duration_cast<seconds>(d).count()) + "s";
  if (d % milliseconds(1) == std::chrono::nanoseconds(0))
    return std::to_string(duration_cast<milliseconds>(d).count()) + "ms";
  return std::to_string(d.count()) + "ns";
}

}  // namespace dynop::host
