#include "sim/load/trace.hpp"

#include <charconv>
#include <cmath>

#include "lib/files/read_file.hpp"

namespace dynop::sim {
namespace {

using apimachinery::Error;
using apimachinery::Result;

bool parse_int(std::string_view s, std::int64_t& out) {
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

bool parse_double(std::string_view s, double& out) {
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && ptr == s.data() + s.size() && std::isfinite(out);
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

// "2023-11-16 18:15:46.6805900" (or with 'T') to seconds since the epoch;
// plain seconds are accepted too.
bool parse_timestamp(std::string_view s, double& seconds) {
  if (parse_double(s, seconds)) return true;
  if (s.size() < 19 || s[4] != '-' || s[7] != '-' || (s[10] != ' ' && s[10] != 'T') ||
      s[13] != ':' || s[16] != ':') {
    return false;
  }
  std::int64_t y, mo, d, h, mi, sec;
  if (!parse_int(s.substr(0, 4), y) || !parse_int(s.substr(5, 2), mo) ||
      !parse_int(s.substr(8, 2), d) || !parse_int(s.substr(11, 2), h) ||
      !parse_int(s.substr(14, 2), mi) || !parse_int(s.substr(17, 2), sec)) {
    return false;
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) return false;
  double fraction = 0;
  std::string_view rest = s.substr(19);
  if (!rest.empty()) {
    if (rest[0] != '.' || rest.size() == 1) return false;
    std::int64_t digits;
    if (!parse_int(rest.substr(1), digits) || digits < 0) return false;
    fraction = static_cast<double>(digits) / std::pow(10.0, static_cast<double>(rest.size() - 1));
  }
  seconds = static_cast<double>(
                days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400 +
                h * 3600 + mi * 60 + sec) +
            fraction;
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.back() == '\r' || s.back() == ' ' || s.back() == '\t'))
    s.remove_suffix(1);
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  return s;
}

}  // namespace

Result<Trace> parse_trace(std::string_view text, std::string_view source) {
  Trace trace;
  trace.source = std::string(source);
  double first = 0;
  double previous = 0;
  std::size_t line_no = 0;
  std::size_t pos = 0;
  auto at = [&](const std::string& what) {
    return Error{trace.source + ":" + std::to_string(line_no) + ": " + what};
  };
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = trim(text.substr(pos, end - pos));
    pos = end + 1;
    ++line_no;
    if (line.empty()) continue;
    std::string_view fields[3];
    std::size_t count = 0;
    std::size_t start = 0;
    for (;;) {
      const std::size_t comma = line.find(',', start);
      std::string_view field = trim(line.substr(start, comma - start));
      if (count < 3) fields[count] = field;
      ++count;
      if (comma == std::string_view::npos) break;
      start = comma + 1;
    }
    double stamp = 0;
    const bool stamp_ok = count >= 1 && parse_timestamp(fields[0], stamp);
    if (line_no == 1 && !stamp_ok) continue;  // the header
    if (count != 3) {
      return at("expected 3 fields (TIMESTAMP,ContextTokens,GeneratedTokens), found " +
                std::to_string(count));
    }
    if (!stamp_ok) {
      return at("TIMESTAMP must be a time like 2023-11-16 18:15:46.6805900 or seconds, found \"" +
                std::string(fields[0]) + "\"");
    }
    std::int64_t tokens[2];
    const char* names[2] = {"ContextTokens", "GeneratedTokens"};
    for (int i = 0; i < 2; ++i) {
      if (!parse_int(fields[i + 1], tokens[i]) || tokens[i] < 1 || tokens[i] > 100'000'000) {
        return at(std::string(names[i]) + " must be a positive whole number, found \"" +
                  std::string(fields[i + 1]) + "\"");
      }
    }
    if (trace.records.empty()) {
      first = stamp;
    } else if (stamp < previous) {
      return at("TIMESTAMP goes back in time (requests must be in arrival order)");
    }
    previous = stamp;
    trace.records.push_back({stamp - first, static_cast<std::int32_t>(tokens[0]),
                             static_cast<std::int32_t>(tokens[1])});
  }
  if (trace.records.empty()) return Error{trace.source + ": the trace has no requests"};
  return trace;
}

Result<Trace> load_trace(const std::string& path) {
  auto text = files::read_file(path, "the trace");
  if (!text) return Error{text.error()};
  return parse_trace(*text, path);
}

}  // namespace dynop::sim
