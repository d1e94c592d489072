#include "lib/apimachinery/go_format.hpp"

#include <algorithm>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>

namespace dynop::apimachinery {

std::string go_float(double f) {
  if (std::isnan(f)) return "NaN";
  if (std::isinf(f)) return f > 0 ? "+Inf" : "-Inf";
  if (f == 0) return std::signbit(f) ? "-0" : "0";
  // Shortest round-trip digits laid out as strconv's 'g' with precision -1:
  // an exponent form when the exponent is < -4 or >= 6.
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, f, std::chars_format::scientific);
  std::string sci(buf, res.ptr);
  size_t epos = sci.find('e');
  std::string mant = sci.substr(0, epos);
  int exp = std::atoi(sci.c_str() + epos + 1);
  bool neg = !mant.empty() && mant[0] == '-';
  if (neg) mant.erase(0, 1);
  std::string digits;
  for (char c : mant) {
    if (c != '.') digits += c;
  }
  constexpr int kEprec = 6;
  std::string out = neg ? "-" : "";
  if (exp < -4 || exp >= kEprec) {
    out += digits.substr(0, 1);
    if (digits.size() > 1) out += "." + digits.substr(1);
    char ebuf[16];
    std::snprintf(ebuf, sizeof ebuf, "e%c%02d", exp < 0 ? '-' : '+', std::abs(exp));
    return out + ebuf;
  }
  if (exp < 0) return out + "0." + std::string(static_cast<size_t>(-exp - 1), '0') + digits;
  auto int_len = static_cast<size_t>(exp + 1);
  if (digits.size() <= int_len) return out + digits + std::string(int_len - digits.size(), '0');
  return out + digits.substr(0, int_len) + "." + digits.substr(int_len);
}

std::string go_sprint(const boost::json::value& v) {
  switch (v.kind()) {
    case boost::json::kind::null:
      return "<nil>";
    case boost::json::kind::bool_:
      return v.get_bool() ? "true" : "false";
    case boost::json::kind::string:
      return std::string(v.get_string());
    case boost::json::kind::int64:
      return go_float(static_cast<double>(v.get_int64()));
    case boost::json::kind::uint64:
      return go_float(static_cast<double>(v.get_uint64()));
    case boost::json::kind::double_:
      return go_float(v.get_double());
    case boost::json::kind::array: {
      std::string out = "[";
      bool first = true;
      for (const auto& e : v.get_array()) {
        if (!first) out += ' ';
        first = false;
        out += go_sprint(e);
      }
      return out + "]";
    }
    case boost::json::kind::object: {
      std::vector<std::pair<std::string_view, const boost::json::value*>> entries;
      for (const auto& kv : v.get_object()) entries.emplace_back(kv.key(), &kv.value());
      std::sort(entries.begin(), entries.end(),
                [](const auto& a, const auto& b) { return a.first < b.first; });
      std::string out = "map[";
      bool first = true;
      for (const auto& [k, val] : entries) {
        if (!first) out += ' ';
        first = false;
        out += k;
        out += ':';
        out += go_sprint(*val);
      }
      return out + "]";
    }
  }
  return "";
}

std::string_view go_type_name(const boost::json::value& v) {
  switch (v.kind()) {
    case boost::json::kind::null:
      return "<nil>";
    case boost::json::kind::bool_:
      return "bool";
    case boost::json::kind::string:
      return "string";
    case boost::json::kind::array:
      return "[]interface {}";
    case boost::json::kind::object:
      return "map[string]interface {}";
    default:
      return "float64";
  }
}

int64_t go_float64_to_int64(double f) {
  // 2^63 is exactly representable; every double below it fits.
  constexpr double kLimit = 9223372036854775808.0;
  if (std::isnan(f) || f >= kLimit || f < -kLimit) return INT64_MIN;
  return static_cast<int64_t>(f);
}

std::string go_label_selector_string(const boost::json::value& selector) {
  if (!selector.is_object()) return "nil";
  const auto& o = selector.get_object();
  std::vector<std::pair<std::string, std::string>> labels;
  if (const auto* m = o.if_contains("matchLabels"); m && m->is_object()) {
    for (const auto& [k, v] : m->get_object()) {
      labels.emplace_back(std::string(k),
                          v.is_string() ? std::string(v.get_string()) : go_sprint(v));
    }
  }
  std::sort(labels.begin(), labels.end());
  std::string out = "&LabelSelector{MatchLabels:map[string]string{";
  for (const auto& [k, v] : labels) out += k + ": " + v + ",";
  out += "},MatchExpressions:[]LabelSelectorRequirement{";
  if (const auto* e = o.if_contains("matchExpressions"); e && e->is_array()) {
    for (const auto& r : e->get_array()) {
      if (!r.is_object()) continue;
      const auto& ro = r.get_object();
      auto field = [&](std::string_view key) {
        const auto* f = ro.if_contains(key);
        return f && f->is_string() ? std::string(f->get_string()) : std::string();
      };
      std::string values;
      if (const auto* vs = ro.if_contains("values"); vs && vs->is_array()) {
        for (const auto& v : vs->get_array()) {
          if (!values.empty()) values += ' ';
          values += v.is_string() ? std::string(v.get_string()) : go_sprint(v);
        }
      }
      out += "LabelSelectorRequirement{Key:" + field("key") + ",Operator:" + field("operator") +
             ",Values:[" + values + "],},";
    }
  }
  out += "},}";
  return out;
}

}  // namespace dynop::apimachinery
