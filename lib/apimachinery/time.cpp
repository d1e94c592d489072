#include "lib/apimachinery/time.hpp"

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace dynop::apimachinery {
namespace {

using namespace std::chrono;

enum class Std { kLongYear, kZeroMonth, kZeroDay, kHour, kZeroMinute, kZeroSecond, kFrac6, kTZ };

struct Chunk {
  std::string_view prefix;
  Std std;
  std::string_view stdstr;
};

constexpr Chunk kTimeChunks[] = {
    {"", Std::kLongYear, "2006"}, {"-", Std::kZeroMonth, "01"},  {"-", Std::kZeroDay, "02"},
    {"T", Std::kHour, "15"},      {":", Std::kZeroMinute, "04"}, {":", Std::kZeroSecond, "05"},
    {"", Std::kTZ, "Z07:00"},
};
constexpr Chunk kMicroChunks[] = {
    {"", Std::kLongYear, "2006"}, {"-", Std::kZeroMonth, "01"},  {"-", Std::kZeroDay, "02"},
    {"T", Std::kHour, "15"},      {":", Std::kZeroMinute, "04"}, {":", Std::kZeroSecond, "05"},
    {"", Std::kFrac6, ".000000"}, {"", Std::kTZ, "Z07:00"},
};

// time.quote: ASCII as is (with \" and \\), everything else as \xNN bytes.
std::string quote(std::string_view s) {
  std::string out = "\"";
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    if (c >= 0x80 || c < ' ') {
      char buf[5];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      if (c == '"' || c == '\\') out.push_back('\\');
      out.push_back(static_cast<char>(c));
    }
  }
  out += "\"";
  return out;
}

bool is_digit(std::string_view s, size_t i) { return i < s.size() && s[i] >= '0' && s[i] <= '9'; }

// Go's getnum: one or two digits; `fixed` requires two.
bool getnum(std::string_view& s, bool fixed, int& out) {
  if (!is_digit(s, 0)) return false;
  if (!is_digit(s, 1)) {
    if (fixed) return false;
    out = s[0] - '0';
    s.remove_prefix(1);
    return true;
  }
  out = (s[0] - '0') * 10 + (s[1] - '0');
  s.remove_prefix(2);
  return true;
}

bool atoi_digits(std::string_view s, long long& out) {
  if (s.empty()) return false;
  bool neg = false;
  if (s[0] == '+' || s[0] == '-') {
    neg = s[0] == '-';
    s.remove_prefix(1);
    if (s.empty()) return false;
  }
  long long v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  out = neg ? -v : v;
  return true;
}

// parseNanoseconds: value[0] is '.' or ',', then nbytes-1 digits.
bool parse_nanoseconds(std::string_view value, size_t nbytes, long long& ns) {
  if (value.empty() || (value[0] != '.' && value[0] != ',')) return false;
  if (nbytes > 10) nbytes = 10;
  if (!atoi_digits(value.substr(1, nbytes - 1), ns)) return false;
  for (size_t i = 0; i < 10 - nbytes; ++i) ns *= 10;
  return true;
}

int days_in(int month, int year) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2 && ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0)) return 29;
  return kDays[month - 1];
}

template <size_t N>
Result<Timestamp> go_parse(std::string_view layout, const Chunk (&chunks)[N],
                           std::string_view avalue) {
  auto err = [&](std::string_view layout_elem, std::string_view value_elem) {
    return Error{"parsing time " + quote(avalue) + " as " + quote(layout) + ": cannot parse " +
                 quote(value_elem) + " as " + quote(layout_elem)};
  };
  auto msg = [&](std::string_view m) {
    return Error{"parsing time " + quote(avalue) + std::string(m)};
  };

  std::string_view value = avalue;
  long long year = 0;
  int month = 1, day = 1, hour = 0, minute = 0, sec = 0;
  long long nsec = 0;
  int zone_offset = 0;
  for (size_t ci = 0; ci < N; ++ci) {
    const Chunk& c = chunks[ci];
    // skip(value, prefix)
    for (char p : c.prefix) {
      if (value.empty() || value[0] != p) return err(c.prefix, value);
      value.remove_prefix(1);
    }
    std::string_view hold = value;
    bool ok = true;
    std::string_view range_err;
    switch (c.std) {
      case Std::kLongYear:
        if (value.size() < 4 || !is_digit(value, 0)) {
          ok = false;
          break;
        }
        ok = atoi_digits(value.substr(0, 4), year);
        value.remove_prefix(4);
        break;
      case Std::kZeroMonth:
        ok = getnum(value, true, month);
        if (ok && (month <= 0 || month > 12)) range_err = "month";
        break;
      case Std::kZeroDay:
        ok = getnum(value, true, day);
        break;
      case Std::kHour:
        ok = getnum(value, false, hour);
        if (hour < 0 || hour >= 24) range_err = "hour";
        break;
      case Std::kZeroMinute:
        ok = getnum(value, true, minute);
        if (minute < 0 || minute >= 60) range_err = "minute";
        break;
      case Std::kZeroSecond: {
        ok = getnum(value, true, sec);
        if (!ok) break;
        if (sec < 0 || sec >= 60) {
          range_err = "second";
          break;
        }
        // A fraction in the input but not in the layout is accepted.
        if (value.size() >= 2 && (value[0] == '.' || value[0] == ',') && is_digit(value, 1)) {
          bool layout_has_frac = ci + 1 < N && chunks[ci + 1].std == Std::kFrac6;
          if (layout_has_frac) break;
          size_t n = 2;
          while (is_digit(value, n)) ++n;
          ok = parse_nanoseconds(value, n, nsec);
          value.remove_prefix(n);
        }
        break;
      }
      case Std::kFrac6: {
        const size_t ndigit = 7;
        if (value.size() < ndigit) {
          ok = false;
          break;
        }
        ok = parse_nanoseconds(value, ndigit, nsec);
        value.remove_prefix(ndigit);
        break;
      }
      case Std::kTZ: {
        if (!value.empty() && value[0] == 'Z') {
          value.remove_prefix(1);
          break;
        }
        if (value.size() < 6 || value[3] != ':') {
          ok = false;
          break;
        }
        std::string_view sign = value.substr(0, 1);
        std::string_view hh = value.substr(1, 2);
        std::string_view mm = value.substr(4, 2);
        value.remove_prefix(6);
        int hr = 0, mi = 0;
        ok = getnum(hh, true, hr) && getnum(mm, true, mi);
        zone_offset = (hr * 60 + mi) * 60;
        if (sign == "-") {
          zone_offset = -zone_offset;
        } else if (sign != "+") {
          ok = false;
        }
        break;
      }
    }
    if (!range_err.empty()) return msg(": " + std::string(range_err) + " out of range");
    if (!ok) return err(c.stdstr, hold);
  }
  if (!value.empty()) return msg(": extra text: " + quote(value));
  if (day < 1 || day > days_in(month, static_cast<int>(year))) return msg(": day out of range");

  year_month_day ymd{std::chrono::year(static_cast<int>(year)),
                     std::chrono::month(static_cast<unsigned>(month)),
                     std::chrono::day(static_cast<unsigned>(day))};
  sys_days d{ymd};
  Timestamp t = time_point_cast<microseconds>(d) + hours(hour) + minutes(minute) + seconds(sec) +
                microseconds(nsec / 1000) - seconds(zone_offset);
  return t;
}

std::string format(Timestamp t, bool micro) {
  auto day_point = floor<days>(t);
  year_month_day ymd{day_point};
  hh_mm_ss<microseconds> hms{t - day_point};
  char buf[64];
  int year = static_cast<int>(ymd.year());
  if (micro) {
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%06ldZ", year,
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                  static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                  static_cast<int>(hms.seconds().count()),
                  static_cast<long>(hms.subseconds().count()));
  } else {
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02dZ", year,
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                  static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                  static_cast<int>(hms.seconds().count()));
  }
  return buf;
}

Result<std::optional<Timestamp>> from_json(const boost::json::value& v, bool micro) {
  if (v.is_null()) return std::optional<Timestamp>();
  if (!v.is_string()) {
    return Error{"json: cannot unmarshal " +
                 std::string(v.is_number()
                                 ? "number"
                                 : (v.is_bool() ? "bool" : (v.is_array() ? "array" : "object"))) +
                 " into Go value of type string"};
  }
  auto r = micro ? parse_micro_time(v.get_string()) : parse_time(v.get_string());
  if (!r) return Error{r.error()};
  return std::optional<Timestamp>(*r);
}

}  // namespace

Result<Timestamp> parse_time(std::string_view text) {
  return go_parse(kRfc3339Layout, kTimeChunks, text);
}
Result<Timestamp> parse_micro_time(std::string_view text) {
  return go_parse(kRfc3339MicroLayout, kMicroChunks, text);
}
std::string format_time(Timestamp t) { return format(t, false); }
std::string format_micro_time(Timestamp t) { return format(t, true); }
std::string format_time(system_clock::time_point t) {
  return format(floor<microseconds>(t), false);
}
std::string format_micro_time(system_clock::time_point t) {
  return format(floor<microseconds>(t), true);
}

Result<std::optional<Timestamp>> time_from_json(const boost::json::value& v) {
  return from_json(v, false);
}
Result<std::optional<Timestamp>> micro_time_from_json(const boost::json::value& v) {
  return from_json(v, true);
}

Timestamp now() { return time_point_cast<microseconds>(system_clock::now()); }

std::string human_duration(nanoseconds d) {
  // int(d.Seconds()) truncates toward zero.
  long long secs = static_cast<long long>(static_cast<double>(d.count()) / 1e9);
  if (secs < -1) return "<invalid>";
  if (secs < 0) return "0s";
  if (secs < 60 * 2) return std::to_string(secs) + "s";
  long long mins = d.count() / 60'000'000'000LL;
  if (mins < 10) {
    long long s = (d.count() / 1'000'000'000LL) % 60;
    if (s == 0) return std::to_string(mins) + "m";
    return std::to_string(mins) + "m" + std::to_string(s) + "s";
  }
  if (mins < 60 * 3) return std::to_string(mins) + "m";
  long long hrs = d.count() / 3'600'000'000'000LL;
  if (hrs < 8) {
    long long m = mins % 60;
    if (m == 0) return std::to_string(hrs) + "h";
    return std::to_string(hrs) + "h" + std::to_string(m) + "m";
  }
  if (hrs < 48) return std::to_string(hrs) + "h";
  if (hrs < 24 * 8) {
    long long h = hrs % 24;
    if (h == 0) return std::to_string(hrs / 24) + "d";
    return std::to_string(hrs / 24) + "d" + std::to_string(h) + "h";
  }
  if (hrs < 24 * 365 * 2) return std::to_string(hrs / 24) + "d";
  if (hrs < 24 * 365 * 8) {
    long long dy = (hrs / 24) % 365;
    if (dy == 0) return std::to_string(hrs / 24 / 365) + "y";
    return std::to_string(hrs / 24 / 365) + "y" + std::to_string(dy) + "d";
  }
  return std::to_string(hrs / 24 / 365) + "y";
}

std::string short_human_duration(nanoseconds d) {
  long long secs = static_cast<long long>(static_cast<double>(d.count()) / 1e9);
  if (secs < -1) return "<invalid>";
  if (secs < 0) return "0s";
  if (secs < 60) return std::to_string(secs) + "s";
  long long mins = d.count() / 60'000'000'000LL;
  if (mins < 60) return std::to_string(mins) + "m";
  long long hrs = d.count() / 3'600'000'000'000LL;
  if (hrs < 24) return std::to_string(hrs) + "h";
  if (hrs < 24 * 365) return std::to_string(hrs / 24) + "d";
  return std::to_string(hrs / 24 / 365) + "y";
}

std::string translate_timestamp_since(std::optional<Timestamp> t, Timestamp now_time) {
  if (!t) return "<unknown>";
  return human_duration(duration_cast<nanoseconds>(now_time - *t));
}

std::string go_duration_string(std::chrono::nanoseconds d) {
  // A port of Go's Duration.String: fractional seconds with trailing zeros
  // removed, and h/m parts above a minute.
  int64_t n = d.count();
  const bool negative = n < 0;
  uint64_t u = negative ? static_cast<uint64_t>(-(n + 1)) + 1 : static_cast<uint64_t>(n);
  auto fraction = [](uint64_t v, int precision, std::string& digits) {
    // The low `precision` digits of v as a fraction without trailing zeros.
    bool print = false;
    std::string frac;
    for (int i = 0; i < precision; ++i) {
      int digit = static_cast<int>(v % 10);
      print = print || digit != 0;
      if (print) frac.insert(frac.begin(), static_cast<char>('0' + digit));
      v /= 10;
    }
    if (print) digits = "." + frac;
    return v;
  };
  std::string out;
  if (u < 1000000000ull) {
    // Sub-second: ns, µs or ms.
    int precision = 0;
    std::string unit;
    if (u == 0) return "0s";
    if (u < 1000ull) {
      unit = "ns";
    } else if (u < 1000000ull) {
      precision = 3;
      unit = "\u00b5s";
    } else {
      precision = 6;
      unit = "ms";
    }
    std::string frac;
    uint64_t whole = fraction(u, precision, frac);
    out = std::to_string(whole) + frac + unit;
  } else {
    std::string frac;
    uint64_t secs = fraction(u, 9, frac);
    out = std::to_string(secs % 60) + frac + "s";
    uint64_t mins = secs / 60;
    if (mins > 0) {
      out = std::to_string(mins % 60) + "m" + out;
      uint64_t hours = mins / 60;
      if (hours > 0) out = std::to_string(hours) + "h" + out;
    }
  }
  return negative ? "-" + out : out;
}

Result<std::chrono::nanoseconds> parse_go_duration(std::string_view text) {
  const std::string quoted = "time: invalid duration \"" + std::string(text) + "\"";
  std::string_view s = text;
  bool negative = false;
  if (!s.empty() && (s.front() == '-' || s.front() == '+')) {
    negative = s.front() == '-';
    s.remove_prefix(1);
  }
  if (s == "0") return std::chrono::nanoseconds(0);
  if (s.empty()) return Error{quoted};
  long double total = 0;
  while (!s.empty()) {
    std::size_t i = 0;
    while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '.')) ++i;
    if (i == 0) return Error{quoted};
    const std::string number(s.substr(0, i));
    s.remove_prefix(i);
    std::size_t j = 0;
    while (j < s.size() && !std::isdigit(static_cast<unsigned char>(s[j])) && s[j] != '.') ++j;
    const std::string unit(s.substr(0, j));
    s.remove_prefix(j);
    long double scale = 0;
    if (unit == "ns")
      scale = 1;
    else if (unit == "us" || unit == "\u00b5s" || unit == "\u03bcs")
      scale = 1e3;
    else if (unit == "ms")
      scale = 1e6;
    else if (unit == "s")
      scale = 1e9;
    else if (unit == "m")
      scale = 60e9;
    else if (unit == "h")
      scale = 3600e9;
    else if (unit.empty())
      return Error{"time: missing unit in duration \"" + std::string(text) + "\""};
    else
      return Error{"time: unknown unit \"" + unit + "\" in duration \"" + std::string(text) + "\""};
    char* end = nullptr;
    const long double value = std::strtold(number.c_str(), &end);
    if (end != number.c_str() + number.size()) return Error{quoted};
    total += value * scale;
    if (total > static_cast<long double>(INT64_MAX)) return Error{quoted};  // overflow, as Go
  }
  const auto ns = static_cast<int64_t>(total + 0.5L);
  return std::chrono::nanoseconds(negative ? -ns : ns);
}

}  // namespace dynop::apimachinery
