#include "localcluster/schema/validation.hpp"

#include <boost/json.hpp>
#include <cmath>
#include <set>
#include <string>

#include "lib/apimachinery/field_error_format.hpp"
#include "lib/apimachinery/go_format.hpp"
#include "lib/apimachinery/go_quote.hpp"

namespace dynop::localcluster::schema {
namespace {

namespace json = boost::json;
using apimachinery::FieldError;
using apimachinery::FieldErrors;
using apimachinery::FieldErrorType;

std::string child(const std::string& path, std::string_view name) {
  return path.empty() ? std::string(name) : path + "." + std::string(name);
}

// kube turns the validator's path into a field path by trimming a leading
// dot; the root itself has no name.
std::string field_of(const std::string& path) {
  if (path.empty()) return "<nil>";
  return path[0] == '.' ? path.substr(1) : path;
}

bool is_integral(const json::value& v) {
  if (v.is_int64() || v.is_uint64()) return true;
  if (v.is_double()) {
    const double d = v.get_double();
    return std::isfinite(d) && std::floor(d) == d;
  }
  return false;
}

bool type_matches(const std::string& type, const json::value& v) {
  if (type.empty()) return true;
  if (type == "object") return v.is_object();
  if (type == "array") return v.is_array();
  if (type == "string") return v.is_string();
  if (type == "boolean") return v.is_bool();
  if (type == "number") return v.is_number();
  if (type == "integer") return v.is_int64() || v.is_uint64() || (v.is_double() && is_integral(v));
  return true;
}

bool json_equal_numeric(const json::value& a, const json::value& b) {
  if (a.is_number() && b.is_number()) return a.to_number<double>() == b.to_number<double>();
  return a == b;
}

std::string limit_text(double limit, const json::value& v) {
  // Integers are compared (and printed) as int64, as kube's MinimumNativeType does.
  if (v.is_int64() || v.is_uint64()) return std::to_string(static_cast<std::int64_t>(limit));
  return apimachinery::go_float(limit);
}

// Number of Unicode code points, as Go's utf8.RuneCountInString.
std::int64_t rune_count(std::string_view s) {
  std::int64_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

class Validator {
 public:
  FieldErrors errors;

  void invalid(const std::string& path, const json::value& v, std::string detail) {
    errors.push_back({FieldErrorType::kInvalid, field_of(path), apimachinery::render_bad_value(v),
                      std::move(detail)});
  }

  std::string name_in_body(const std::string& path) const { return path + " in body"; }

  // Returns false when validation of this node should stop (type mismatch).
  bool check_type(const Schema& s, const std::string& path, const json::value& v) {
    if (v.is_null()) {
      if (s.nullable || (s.type.empty() && !s.int_or_string)) return false;
      type_error(path, s.type.empty() ? "integer,string" : s.type, "null");
      return false;
    }
    if (s.int_or_string && s.any_of.empty()) {
      if (is_integral(v) || v.is_string()) return true;
      // kube validates int-or-string through anyOf [integer, string].
      errors.push_back(
          {FieldErrorType::kInvalid, "<nil>", "\"\"",
           apimachinery::go_quote(path) + " must validate at least one schema (anyOf)"});
      type_error(path, "integer", json_type_name(v));
      return false;
    }
    if (!type_matches(s.type, v)) {
      type_error(path, s.type, json_type_name(v));
      return false;
    }
    return true;
  }

  void type_error(const std::string& path, const std::string& expected, const char* actual) {
    errors.push_back({FieldErrorType::kTypeInvalid, field_of(path), apimachinery::go_quote(actual),
                      name_in_body(path) + " must be of type " + expected + ": " +
                          apimachinery::go_quote(actual)});
  }

  void run(const Schema& s, const std::string& path, const json::value& v) {
    if (!check_type(s, path, v)) return;
    for (const auto& sub : s.all_of) run(*sub, path, v);
    if (!s.any_of.empty()) {
      FieldErrors best;
      bool ok = false;
      for (const auto& sub : s.any_of) {
        Validator inner;
        inner.run(*sub, path, v);
        if (inner.errors.empty()) {
          ok = true;
          break;
        }
        if (best.empty()) best = std::move(inner.errors);
      }
      if (!ok) {
        errors.push_back(
            {FieldErrorType::kInvalid, "<nil>", "\"\"",
             apimachinery::go_quote(path) + " must validate at least one schema (anyOf)"});
        errors.insert(errors.end(), best.begin(), best.end());
      }
    }
    if (!s.one_of.empty()) {
      int matched = 0;
      for (const auto& sub : s.one_of) {
        Validator inner;
        inner.run(*sub, path, v);
        if (inner.errors.empty()) ++matched;
      }
      if (matched != 1) {
        errors.push_back(
            {FieldErrorType::kInvalid, "<nil>", "\"\"",
             apimachinery::go_quote(path) + " must validate one and only one schema (oneOf)"});
      }
    }
    if (s.not_schema) {
      Validator inner;
      inner.run(*s.not_schema, path, v);
      if (inner.errors.empty()) {
        errors.push_back({FieldErrorType::kInvalid, "<nil>", "\"\"",
                          apimachinery::go_quote(path) + " must not validate the schema (not)"});
      }
    }
    if (v.is_string()) check_string(s, path, v);
    if (v.is_number()) check_number(s, path, v);
    if (v.is_array()) check_array(s, path, v);
    check_enum(s, path, v);
    if (v.is_object()) check_object(s, path, v);
  }

  void check_string(const Schema& s, const std::string& path, const json::value& v) {
    const auto& str = v.get_string();
    const auto len = rune_count(str);
    if (s.max_length && len > *s.max_length) {
      invalid(path, v,
              name_in_body(path) + " should be at most " + std::to_string(*s.max_length) +
                  " chars long");
    }
    if (s.min_length && len < *s.min_length) {
      invalid(path, v,
              name_in_body(path) + " should be at least " + std::to_string(*s.min_length) +
                  " chars long");
    }
    if (s.pattern_re && !std::regex_search(str.begin(), str.end(), *s.pattern_re)) {
      invalid(path, v, name_in_body(path) + " should match '" + s.pattern + "'");
    }
    check_format(s, path, v);
  }

  void check_format(const Schema& s, const std::string& path, const json::value& v) {
    if (s.format.empty()) return;
    static const std::regex kDateTime(
        R"(^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$)");
    static const std::regex kDate(R"(^\d{4}-\d{2}-\d{2}$)");
    static const std::regex kUuid(
        R"(^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$)");
    static const std::regex kByte(R"(^[A-Za-z0-9+/]*={0,2}$)");
    static const std::regex kIpv4(
        R"(^((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$)");
    const std::regex* re = nullptr;
    if (s.format == "date-time")
      re = &kDateTime;
    else if (s.format == "date")
      re = &kDate;
    else if (s.format == "uuid")
      re = &kUuid;
    else if (s.format == "byte")
      re = &kByte;
    else if (s.format == "ipv4")
      re = &kIpv4;
    if (re == nullptr) return;
    const std::string str(v.get_string());
    if (!std::regex_match(str, *re)) {
      invalid(
          path, v,
          name_in_body(path) + " must be of type " + s.format + ": " + apimachinery::go_quote(str));
    }
  }

  void check_number(const Schema& s, const std::string& path, const json::value& v) {
    const double d = v.to_number<double>();
    if (s.multiple_of && *s.multiple_of > 0) {
      const double q = d / *s.multiple_of;
      if (std::floor(q) != q) {
        invalid(path, v,
                name_in_body(path) + " should be a multiple of " + limit_text(*s.multiple_of, v));
      }
    }
    if (s.maximum) {
      const bool bad = s.exclusive_maximum ? d >= *s.maximum : d > *s.maximum;
      if (bad) {
        invalid(path, v,
                name_in_body(path) +
                    (s.exclusive_maximum ? " should be less than "
                                         : " should be less than or equal to ") +
                    limit_text(*s.maximum, v));
      }
    }
    if (s.minimum) {
      const bool bad = s.exclusive_minimum ? d <= *s.minimum : d < *s.minimum;
      if (bad) {
        invalid(path, v,
                name_in_body(path) +
                    (s.exclusive_minimum ? " should be greater than "
                                         : " should be greater than or equal to ") +
                    limit_text(*s.minimum, v));
      }
    }
  }

  void check_array(const Schema& s, const std::string& path, const json::value& v) {
    const auto& arr = v.get_array();
    if (s.items) {
      for (std::size_t i = 0; i < arr.size(); ++i) {
        run(*s.items, path + "[" + std::to_string(i) + "]", arr[i]);
      }
    }
    const auto size = static_cast<std::int64_t>(arr.size());
    if (s.min_items && size < *s.min_items) {
      invalid(
          path, json::value(size),
          name_in_body(path) + " should have at least " + std::to_string(*s.min_items) + " items");
    }
    if (s.max_items && size > *s.max_items) {
      invalid(
          path, json::value(size),
          name_in_body(path) + " should have at most " + std::to_string(*s.max_items) + " items");
    }
    if (s.unique_items) {
      for (std::size_t i = 0; i < arr.size(); ++i) {
        for (std::size_t j = i + 1; j < arr.size(); ++j) {
          if (arr[i] == arr[j]) {
            errors.push_back({FieldErrorType::kInvalid, field_of(path), "\"\"",
                              name_in_body(path) + " shouldn't contain duplicates"});
            return;
          }
        }
      }
    }
  }

  void check_enum(const Schema& s, const std::string& path, const json::value& v) {
    if (!s.enum_values || s.enum_values->empty()) return;
    for (const auto& e : *s.enum_values)
      if (json_equal_numeric(e, v)) return;
    std::string detail = "supported values: ";
    bool first = true;
    for (const auto& e : *s.enum_values) {
      if (!first) detail += ", ";
      first = false;
      detail += e.is_string() ? apimachinery::go_quote(e.get_string())
                              : apimachinery::go_quote(json::serialize(e));
    }
    errors.push_back(
        {FieldErrorType::kNotSupported, field_of(path), apimachinery::render_bad_value(v), detail});
  }

  void check_object(const Schema& s, const std::string& path, const json::value& v) {
    const auto& obj = v.get_object();
    const auto n = static_cast<std::int64_t>(obj.size());
    if (s.min_properties && n < *s.min_properties) {
      invalid(path, json::value(n),
              name_in_body(path) + " should have at least " + std::to_string(*s.min_properties) +
                  " properties");
      return;
    }
    if (s.max_properties && n > *s.max_properties) {
      invalid(path, json::value(n),
              name_in_body(path) + " should have at most " + std::to_string(*s.max_properties) +
                  " properties");
      return;
    }
    std::set<std::string> keys;
    for (const auto& [k, unused] : obj) keys.emplace(k);
    if (s.additional_properties_forbidden) {
      for (const auto& k : keys) {
        if (!s.properties.count(k)) {
          errors.push_back({FieldErrorType::kInvalid, field_of(path), apimachinery::go_quote(k),
                            path + "." + k + " in body is a forbidden property"});
        }
      }
    } else if (s.additional_properties) {
      for (const auto& k : keys) {
        if (!s.properties.count(k)) run(*s.additional_properties, path + "." + k, obj.at(k));
      }
    }
    for (const auto& [name, sub] : s.properties) {
      if (const auto* pv = obj.if_contains(name)) run(*sub, child(path, name), *pv);
    }
    for (const auto& r : s.required) {
      if (!obj.contains(r)) {
        errors.push_back({FieldErrorType::kRequired, field_of(path + "." + r), "", ""});
      }
    }
    if (s.embedded_resource) {
      const auto* api_version = obj.if_contains("apiVersion");
      if (api_version == nullptr || !api_version->is_string() ||
          api_version->get_string().empty()) {
        errors.push_back({FieldErrorType::kRequired, child(field_of(path), "apiVersion"), "",
                          "must not be empty"});
      }
      const auto* kind = obj.if_contains("kind");
      if (kind == nullptr || !kind->is_string() || kind->get_string().empty()) {
        errors.push_back(
            {FieldErrorType::kRequired, child(field_of(path), "kind"), "", "must not be empty"});
      }
    }
  }
};

}  // namespace

const char* json_type_name(const boost::json::value& v) {
  switch (v.kind()) {
    case json::kind::null:
      return "null";
    case json::kind::bool_:
      return "boolean";
    case json::kind::int64:
    case json::kind::uint64:
      return "integer";
    case json::kind::double_:
      return "number";
    case json::kind::string:
      return "string";
    case json::kind::array:
      return "array";
    case json::kind::object:
      return "object";
  }
  return "";
}

apimachinery::FieldErrors validate(const Schema& schema, const boost::json::value& object) {
  Validator v;
  v.run(schema, "", object);
  return std::move(v.errors);
}

}  // namespace dynop::localcluster::schema
