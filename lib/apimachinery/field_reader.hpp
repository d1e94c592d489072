#pragma once
// Typed reading of an object's fields from a simdjson DOM view (the read-only
// reader, json_decode.hpp), reporting what is wrong as kube-apiserver's field
// errors (`spec.replicas: Invalid value: "3": must be an integer`). What the
// plugins' typed views (DGD, DGDSA) are built from.
//
// Absent and JSON null both read as "not set" (the API server drops nulls of
// optional fields). Paths are built only when an error names a field: a view
// read on the admission hot path reads dozens of fields per review.

#include <simdjson.h>

#include <boost/json/object.hpp>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "lib/apimachinery/field_error.hpp"

namespace dynop::apimachinery {

// "<parent>.<key>", or "<key>" when parent is empty.
std::string join_field_path(std::string_view parent, std::string_view key);

// The field at `key`, or nullopt when absent or null.
std::optional<simdjson::dom::element> field_of(simdjson::dom::object parent, std::string_view key);

// A whole number, also when written as 2.0 (YAML tools do); nullopt for
// fractions and non-numbers; INT64_MAX for integers above it.
std::optional<std::int64_t> whole_number(simdjson::dom::element value);

class FieldReader {
 public:
  // Errors are appended to `errors`, which must outlive the reader.
  explicit FieldReader(FieldErrors& errors) : errors_(errors) {}

  FieldErrors& errors() { return errors_; }
  void add(FieldErrorType type, std::string field_path, std::string bad_value, std::string detail);
  void add_all(FieldErrors more);
  // Invalid value, the value rendered as kube prints it.
  void invalid(std::string field_path, simdjson::dom::element value, std::string detail);
  void invalid_string(std::string field_path, std::string_view value, std::string detail);
  // `<path>: Invalid value: <value>: must be <want>` (reason FieldValueTypeInvalid).
  void type_error(std::string field_path, simdjson::dom::element value, std::string_view want);

  // The same checks on a value already in hand, for readers that walk an
  // object's fields once instead of looking each key up (`key` names it).
  std::optional<simdjson::dom::object> as_object(simdjson::dom::element value, std::string_view at,
                                                 std::string_view key);
  std::string as_string(simdjson::dom::element value, std::string_view at, std::string_view key);
  std::optional<bool> as_boolean(simdjson::dom::element value, std::string_view at,
                                 std::string_view key);
  std::optional<std::int32_t> as_int32(simdjson::dom::element value, std::string_view at,
                                       std::string_view key, std::int64_t minimum);

  // Each accessor reads `parent[key]`, names it `<at>.<key>` in errors, and
  // returns nullopt/empty when the field is absent, null or of the wrong type.
  std::optional<simdjson::dom::object> object(simdjson::dom::object parent, std::string_view key,
                                              std::string_view at);
  std::optional<simdjson::dom::array> array(simdjson::dom::object parent, std::string_view key,
                                            std::string_view at);
  std::string string(simdjson::dom::object parent, std::string_view key, std::string_view at);
  std::optional<bool> boolean(simdjson::dom::object parent, std::string_view key,
                              std::string_view at);
  // An int32 of at least `minimum`.
  std::optional<std::int32_t> int32(simdjson::dom::object parent, std::string_view key,
                                    std::string_view at, std::int64_t minimum);
  // A map of strings (labels, annotations): the entries that are strings.
  std::map<std::string, std::string> strings(simdjson::dom::object parent, std::string_view key,
                                             std::string_view at);
  // The object at `key` copied into a mutable Boost.JSON document; empty when absent.
  boost::json::object document(simdjson::dom::object parent, std::string_view key,
                               std::string_view at);

 private:
  FieldErrors& errors_;
};

}  // namespace dynop::apimachinery
