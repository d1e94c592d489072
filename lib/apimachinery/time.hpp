#pragma once
// metav1.Time, metav1.MicroTime and kube's human-readable durations.
//
// Time is RFC 3339 with seconds ("2026-11-28T00:44:39Z", layout
// "2006-01-02T15:04:05Z07:00"); MicroTime has exactly six fraction digits
// ("2026-11-28T00:44:39.123456Z", layout "2006-01-02T15:04:05.000000Z07:00").
// Both are written in UTC; offsets are accepted and normalised (trace
// 08-lease-07). Parsing is a port of Go's time.Parse for these two layouts,
// so a bad value fails with Go's words, which kube-apiserver passes on in its
// 400 (trace 08-lease-05/06):
//   parsing time "2026-01-01T00:00:00Z" as "2006-01-02T15:04:05.000000Z07:00": cannot parse "Z" as
//   ".000000"
// Like Go's RFC3339 parsing, a metav1.Time also accepts a fraction of a
// second (it is dropped when formatted).

#include <boost/json/value.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "lib/apimachinery/result.hpp"

namespace dynop::apimachinery {

// Microsecond precision covers MicroTime; Time drops the fraction on output.
using Timestamp = std::chrono::sys_time<std::chrono::microseconds>;

inline constexpr std::string_view kRfc3339Layout = "2006-01-02T15:04:05Z07:00";
inline constexpr std::string_view kRfc3339MicroLayout = "2006-01-02T15:04:05.000000Z07:00";

Result<Timestamp> parse_time(std::string_view text);
Result<Timestamp> parse_micro_time(std::string_view text);
std::string format_time(Timestamp t);        // "2026-11-28T00:44:39Z"
std::string format_micro_time(Timestamp t);  // "2026-11-28T00:44:39.123456Z"
// The same from a system_clock time (sub-microsecond digits are truncated).
std::string format_time(std::chrono::system_clock::time_point t);
std::string format_micro_time(std::chrono::system_clock::time_point t);

// A JSON field holding a Time / MicroTime: null gives nullopt (the zero
// time, which kube writes as null); a non-string is an error.
Result<std::optional<Timestamp>> time_from_json(const boost::json::value& v);
Result<std::optional<Timestamp>> micro_time_from_json(const boost::json::value& v);

Timestamp now();

// duration.HumanDuration, the AGE column: "0s".."119s", "2m".."9m59s" as
// "5m30s", "10m".."179m", "3h".."7h59m" as "3h5m", "8h".."47h", "2d".."7d23h"
// as "2d3h", "8d".."729d", "2y".."7y364d" as "2y3d", then "8y". Negative
// durations of more than a second (clock skew) print "<invalid>".
std::string human_duration(std::chrono::nanoseconds d);
// duration.ShortHumanDuration: "3s", "5m", "4h", "2d", "3y".
std::string short_human_duration(std::chrono::nanoseconds d);
// time.Duration.String(), what metav1.Duration serializes to: "0s",
// "500ns", "1.5µs", "15.008s", "1m0s", "2h3m4.5s".
std::string go_duration_string(std::chrono::nanoseconds d);
// time.ParseDuration: "15s", "1m0s", "1.5h", "300ms", "2h45m"; an error
// in Go's words (time: invalid duration "x").
Result<std::chrono::nanoseconds> parse_go_duration(std::string_view text);
// What kube's printers put in AGE cells: "<unknown>" for a zero/absent
// timestamp, otherwise human_duration(now - t).
std::string translate_timestamp_since(std::optional<Timestamp> t, Timestamp now);

}  // namespace dynop::apimachinery
