#include "lib/apimachinery/field_reader.hpp"

#include <cmath>

#include "lib/apimachinery/field_error_format.hpp"
#include "lib/apimachinery/json_decode.hpp"

namespace dynop::apimachinery {

namespace dom = simdjson::dom;

std::string join_field_path(std::string_view parent, std::string_view key) {
  std::string out;
  out.reserve(parent.size() + 1 + key.size());
  out.append(parent);
  if (!parent.empty()) out.push_back('.');
  out.append(key);
  return out;
}

std::optional<dom::element> field_of(dom::object parent, std::string_view key) {
  dom::element v;
  if (parent.at_key(key).get(v) != simdjson::SUCCESS || v.is_null()) return std::nullopt;
  return v;
}

std::optional<std::int64_t> whole_number(dom::element value) {
  switch (value.type()) {
    case dom::element_type::INT64:
      return value.get_int64().value_unsafe();
    case dom::element_type::UINT64:
      return INT64_MAX;
    case dom::element_type::DOUBLE: {
      double d = value.get_double().value_unsafe();
      // 2^63 and beyond do not convert; they are out of every range a caller accepts.
      if (!std::isfinite(d) || d != std::trunc(d)) return std::nullopt;
      if (std::fabs(d) >= 9.2e18) return d > 0 ? INT64_MAX : INT64_MIN;
      return static_cast<std::int64_t>(d);
    }
    default:
      return std::nullopt;
  }
}

void FieldReader::add(FieldErrorType type, std::string field_path, std::string bad_value,
                      std::string detail) {
  errors_.push_back(
      FieldError{type, std::move(field_path), std::move(bad_value), std::move(detail)});
}

void FieldReader::add_all(FieldErrors more) {
  for (FieldError& e : more) errors_.push_back(std::move(e));
}

void FieldReader::invalid(std::string field_path, dom::element value, std::string detail) {
  add(FieldErrorType::kInvalid, std::move(field_path), render_bad_value(to_boost_json(value)),
      std::move(detail));
}

void FieldReader::invalid_string(std::string field_path, std::string_view value,
                                 std::string detail) {
  add(FieldErrorType::kInvalid, std::move(field_path), render_bad_string(value), std::move(detail));
}

void FieldReader::type_error(std::string field_path, dom::element value, std::string_view want) {
  add(FieldErrorType::kTypeInvalid, std::move(field_path), render_bad_value(to_boost_json(value)),
      "must be " + std::string(want));
}

std::optional<dom::object> FieldReader::as_object(dom::element value, std::string_view at,
                                                  std::string_view key) {
  if (value.is_null()) return std::nullopt;
  if (!value.is_object()) {
    type_error(join_field_path(at, key), value, "an object");
    return std::nullopt;
  }
  return dom::object(value);
}

std::string FieldReader::as_string(dom::element value, std::string_view at, std::string_view key) {
  if (value.is_null()) return {};
  if (!value.is_string()) {
    type_error(join_field_path(at, key), value, "a string");
    return {};
  }
  return std::string(std::string_view(value));
}

std::optional<bool> FieldReader::as_boolean(dom::element value, std::string_view at,
                                            std::string_view key) {
  if (value.is_null()) return std::nullopt;
  if (!value.is_bool()) {
    type_error(join_field_path(at, key), value, "a boolean");
    return std::nullopt;
  }
  return bool(value);
}

std::optional<std::int32_t> FieldReader::as_int32(dom::element value, std::string_view at,
                                                  std::string_view key, std::int64_t minimum) {
  if (value.is_null()) return std::nullopt;
  std::optional<std::int64_t> n = whole_number(value);
  if (!n) {
    type_error(join_field_path(at, key), value, "an integer");
    return std::nullopt;
  }
  if (*n < minimum) {
    invalid(join_field_path(at, key), value,
            "must be greater than or equal to " + std::to_string(minimum));
    return std::nullopt;
  }
  if (*n > INT32_MAX) {
    invalid(join_field_path(at, key), value, "must be at most 2147483647");
    return std::nullopt;
  }
  return static_cast<std::int32_t>(*n);
}

std::optional<dom::object> FieldReader::object(dom::object parent, std::string_view key,
                                               std::string_view at) {
  auto v = field_of(parent, key);
  return v ? as_object(*v, at, key) : std::nullopt;
}

std::optional<dom::array> FieldReader::array(dom::object parent, std::string_view key,
                                             std::string_view at) {
  auto v = field_of(parent, key);
  if (!v) return std::nullopt;
  if (!v->is_array()) {
    type_error(join_field_path(at, key), *v, "a list");
    return std::nullopt;
  }
  return dom::array(*v);
}

std::string FieldReader::string(dom::object parent, std::string_view key, std::string_view at) {
  auto v = field_of(parent, key);
  return v ? as_string(*v, at, key) : std::string();
}

std::optional<bool> FieldReader::boolean(dom::object parent, std::string_view key,
                                         std::string_view at) {
  auto v = field_of(parent, key);
  return v ? as_boolean(*v, at, key) : std::nullopt;
}

std::optional<std::int32_t> FieldReader::int32(dom::object parent, std::string_view key,
                                               std::string_view at, std::int64_t minimum) {
  auto v = field_of(parent, key);
  return v ? as_int32(*v, at, key, minimum) : std::nullopt;
}

std::map<std::string, std::string> FieldReader::strings(dom::object parent, std::string_view key,
                                                        std::string_view at) {
  std::map<std::string, std::string> out;
  auto o = object(parent, key, at);
  if (!o) return out;
  for (auto [k, v] : *o) {
    if (!v.is_string()) {
      type_error(join_field_path(at, key) + "[" + std::string(k) + "]", v, "a string");
      continue;
    }
    out.emplace(std::string(k), std::string(std::string_view(v)));
  }
  return out;
}

boost::json::object FieldReader::document(dom::object parent, std::string_view key,
                                          std::string_view at) {
  auto v = field_of(parent, key);
  if (!v) return {};
  if (!v->is_object()) {
    type_error(join_field_path(at, key), *v, "an object");
    return {};
  }
  return std::move(to_boost_json(*v).as_object());
}

}  // namespace dynop::apimachinery
