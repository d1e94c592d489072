#include "lib/apimachinery/field_error_format.hpp"

#include <boost/json/serialize.hpp>
#include <set>

#include "lib/apimachinery/go_format.hpp"
#include "lib/apimachinery/go_quote.hpp"

namespace dynop::apimachinery {

std::string_view field_error_type_text(FieldErrorType type) {
  switch (type) {
    case FieldErrorType::kRequired:
      return "Required value";
    case FieldErrorType::kInvalid:
      return "Invalid value";
    case FieldErrorType::kNotSupported:
      return "Unsupported value";
    case FieldErrorType::kDuplicate:
      return "Duplicate value";
    case FieldErrorType::kForbidden:
      return "Forbidden";
    case FieldErrorType::kTooLong:
      return "Too long";
    case FieldErrorType::kTooMany:
      return "Too many";
    case FieldErrorType::kNotFound:
      return "Not found";
    case FieldErrorType::kTypeInvalid:
      return "Invalid value";
  }
  return "Invalid value";
}

std::string_view field_error_reason(FieldErrorType type) {
  switch (type) {
    case FieldErrorType::kRequired:
      return "FieldValueRequired";
    case FieldErrorType::kInvalid:
      return "FieldValueInvalid";
    case FieldErrorType::kNotSupported:
      return "FieldValueNotSupported";
    case FieldErrorType::kDuplicate:
      return "FieldValueDuplicate";
    case FieldErrorType::kForbidden:
      return "FieldValueForbidden";
    case FieldErrorType::kTooLong:
      return "FieldValueTooLong";
    case FieldErrorType::kTooMany:
      return "FieldValueTooMany";
    case FieldErrorType::kNotFound:
      return "FieldValueNotFound";
    case FieldErrorType::kTypeInvalid:
      return "FieldValueTypeInvalid";
  }
  return "FieldValueInvalid";
}

std::string error_body(const FieldError& error) {
  std::string s(field_error_type_text(error.type));
  bool omit_value = error.type == FieldErrorType::kRequired ||
                    error.type == FieldErrorType::kForbidden ||
                    error.type == FieldErrorType::kTooLong || error.bad_value.empty();
  if (!omit_value) {
    s += ": ";
    s += error.bad_value;
  }
  if (!error.detail.empty()) {
    s += ": ";
    s += error.detail;
  }
  return s;
}

std::string to_string(const FieldError& error) { return error.field + ": " + error_body(error); }

std::string aggregate_strings(const std::vector<std::string>& messages) {
  std::set<std::string> seen;
  std::vector<const std::string*> unique;
  for (const auto& m : messages) {
    if (seen.insert(m).second) unique.push_back(&m);
  }
  if (unique.empty()) return "";
  if (unique.size() == 1) return *unique.front();
  std::string out = "[";
  for (size_t i = 0; i < unique.size(); ++i) {
    if (i > 0) out += ", ";
    out += *unique[i];
  }
  out += "]";
  return out;
}

std::string aggregate_message(const FieldErrors& errors) {
  std::vector<std::string> messages;
  messages.reserve(errors.size());
  for (const auto& e : errors) messages.push_back(to_string(e));
  return aggregate_strings(messages);
}

std::string render_bad_value(const boost::json::value& value) {
  switch (value.kind()) {
    case boost::json::kind::null:
      return "\"null\"";
    case boost::json::kind::string:
      return go_quote(value.get_string());
    case boost::json::kind::bool_:
      return value.get_bool() ? "true" : "false";
    case boost::json::kind::int64:
      return std::to_string(value.get_int64());
    case boost::json::kind::uint64:
      return std::to_string(value.get_uint64());
    case boost::json::kind::double_:
      return go_float(value.get_double());
    default:
      return boost::json::serialize(value);
  }
}

std::string render_bad_string(std::string_view string_value) { return go_quote(string_value); }
std::string render_bad_int(long long int_value) { return std::to_string(int_value); }

FieldError required_error(std::string field, std::string detail) {
  return FieldError{FieldErrorType::kRequired, std::move(field), "", std::move(detail)};
}
FieldError invalid_error(std::string field, std::string bad_value, std::string detail) {
  return FieldError{FieldErrorType::kInvalid, std::move(field), std::move(bad_value),
                    std::move(detail)};
}
FieldError not_supported_error(std::string field, std::string bad_value,
                               const std::vector<std::string>& valid_values) {
  std::string detail;
  if (!valid_values.empty()) {
    detail = "supported values: ";
    for (size_t i = 0; i < valid_values.size(); ++i) {
      if (i > 0) detail += ", ";
      detail += go_quote(valid_values[i]);
    }
  }
  return FieldError{FieldErrorType::kNotSupported, std::move(field), std::move(bad_value),
                    std::move(detail)};
}
FieldError duplicate_error(std::string field, std::string bad_value) {
  return FieldError{FieldErrorType::kDuplicate, std::move(field), std::move(bad_value), ""};
}
FieldError not_found_error(std::string field, std::string bad_value) {
  return FieldError{FieldErrorType::kNotFound, std::move(field), std::move(bad_value), ""};
}
FieldError forbidden_error(std::string field, std::string detail) {
  return FieldError{FieldErrorType::kForbidden, std::move(field), "", std::move(detail)};
}
FieldError too_long_error(std::string field, long long max_length) {
  return FieldError{FieldErrorType::kTooLong, std::move(field), "",
                    "must have at most " + std::to_string(max_length) + " bytes"};
}
FieldError too_many_error(std::string field, long long actual, long long max_items) {
  return FieldError{FieldErrorType::kTooMany, std::move(field), std::to_string(actual),
                    "must have at most " + std::to_string(max_items) + " items"};
}

}  // namespace dynop::apimachinery
