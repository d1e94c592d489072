#include "lib/apimachinery/field_selector.hpp"

#include <algorithm>
#include <boost/json/value.hpp>

namespace dynop::apimachinery {
namespace json = boost::json;

namespace {

std::vector<std::string_view> split_terms(std::string_view s) {
  std::vector<std::string_view> terms;
  if (s.empty()) return terms;
  size_t start = 0;
  bool in_slash = false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (in_slash) {
      in_slash = false;
    } else if (c == '\\') {
      in_slash = true;
    } else if (c == ',') {
      terms.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  terms.push_back(s.substr(start));
  return terms;
}

// Operators are tried at each position in this order, so `a!=b` is "!=".
bool split_term(std::string_view term, std::string_view& lhs, std::string_view& op,
                std::string_view& rhs) {
  static constexpr std::string_view kOps[] = {"!=", "==", "="};
  for (size_t i = 0; i < term.size(); ++i) {
    std::string_view rest = term.substr(i);
    for (auto o : kOps) {
      if (rest.substr(0, o.size()) == o) {
        lhs = term.substr(0, i);
        op = o;
        rhs = term.substr(i + o.size());
        return true;
      }
    }
  }
  return false;
}

}  // namespace

std::string escape_field_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\' || c == ',' || c == '=') out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

Result<std::string> unescape_field_value(std::string_view s) {
  if (s.find_first_of("\\,=") == std::string_view::npos) return std::string(s);
  std::string out;
  bool in_slash = false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (in_slash) {
      if (c == '\\' || c == ',' || c == '=') {
        out.push_back(c);
      } else {
        // Go reports the whole rune after the backslash.
        size_t n = 1;
        auto u = static_cast<unsigned char>(c);
        if (u >= 0xF0)
          n = 4;
        else if (u >= 0xE0)
          n = 3;
        else if (u >= 0xC0)
          n = 2;
        return Error{"invalid field selector: invalid escape sequence: \\" +
                     std::string(s.substr(i, n))};
      }
      in_slash = false;
      continue;
    }
    if (c == '\\') {
      in_slash = true;
    } else if (c == ',' || c == '=') {
      return Error{"invalid field selector: unescaped character in value: " +
                   std::to_string(static_cast<int>(c))};
    } else {
      out.push_back(c);
    }
  }
  if (in_slash) return Error{"invalid field selector: invalid escape sequence: \\"};
  return out;
}

Result<FieldSelector> FieldSelector::parse(std::string_view selector) {
  auto parts = split_terms(selector);
  std::sort(parts.begin(), parts.end());
  std::vector<FieldRequirement> reqs;
  for (auto part : parts) {
    if (part.empty()) continue;
    std::string_view lhs, op, rhs;
    if (!split_term(part, lhs, op, rhs)) {
      return Error{"invalid selector: '" + std::string(selector) + "'; can't understand '" +
                   std::string(part) + "'"};
    }
    auto value = unescape_field_value(rhs);
    if (!value) return Error{value.error()};
    reqs.push_back(FieldRequirement{std::string(lhs), op != "!=", std::move(value).value()});
  }
  FieldSelector s;
  s.requirements_ = std::move(reqs);
  return s;
}

FieldSelector FieldSelector::from_requirements(std::vector<FieldRequirement> requirements) {
  FieldSelector s;
  s.requirements_ = std::move(requirements);
  return s;
}

bool FieldSelector::matches(const json::object& object) const {
  return matches_with([&](const std::string& f) { return field_value_of(object, f); });
}

Result<void> FieldSelector::check_supported(const std::vector<std::string>& supported) const {
  for (const auto& r : requirements_) {
    if (r.field == "metadata.name" || r.field == "metadata.namespace") continue;
    if (std::find(supported.begin(), supported.end(), r.field) == supported.end()) {
      return Error{"field label not supported: " + r.field};
    }
  }
  return {};
}

std::optional<std::string> FieldSelector::requires_exact_match(std::string_view field) const {
  for (const auto& r : requirements_) {
    if (r.field == field && r.equals) return r.value;
  }
  return std::nullopt;
}

std::string FieldSelector::to_string() const {
  std::string s;
  for (size_t i = 0; i < requirements_.size(); ++i) {
    if (i) s += ',';
    const auto& r = requirements_[i];
    s += r.field;
    s += r.equals ? "=" : "!=";
    s += escape_field_value(r.value);
  }
  return s;
}

std::string field_value_of(const json::object& object, std::string_view dotted_path) {
  const json::object* cur = &object;
  std::string_view rest = dotted_path;
  while (true) {
    size_t dot = rest.find('.');
    std::string_view key = rest.substr(0, dot);
    const json::value* v = cur->if_contains(key);
    if (!v) return "";
    if (dot == std::string_view::npos) {
      switch (v->kind()) {
        case json::kind::string:
          return std::string(v->get_string());
        case json::kind::int64:
          return std::to_string(v->get_int64());
        case json::kind::uint64:
          return std::to_string(v->get_uint64());
        case json::kind::bool_:
          return v->get_bool() ? "true" : "false";
        default:
          return "";
      }
    }
    if (!v->is_object()) return "";
    cur = &v->get_object();
    rest = rest.substr(dot + 1);
  }
}

}  // namespace dynop::apimachinery
