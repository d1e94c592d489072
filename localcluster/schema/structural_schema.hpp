#pragma once
// An OpenAPI v3 schema (a CRD's openAPIV3Schema or a built-in kind's schema)
// compiled once into a tree that validation, defaulting and pruning walk
// without re-reading JSON. Immutable after compile(); share it freely.

#include <boost/json/value.hpp>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <vector>

namespace dynop::localcluster::schema {

struct Schema;
using SchemaPtr = std::shared_ptr<const Schema>;

struct Schema {
  std::string type;  // object | array | string | integer | number | boolean | "" (any)
  std::string format;
  std::string description;
  bool nullable = false;

  std::map<std::string, SchemaPtr> properties;  // sorted: kube reports errors in key order
  // additionalProperties: absent (allowed), false, or a schema for the values.
  bool additional_properties_forbidden = false;
  SchemaPtr additional_properties;
  SchemaPtr items;
  std::vector<std::string> required;

  std::optional<boost::json::array> enum_values;
  std::optional<double> minimum;
  std::optional<double> maximum;
  bool exclusive_minimum = false;
  bool exclusive_maximum = false;
  std::optional<double> multiple_of;
  std::optional<std::int64_t> min_length, max_length;
  std::optional<std::int64_t> min_items, max_items;
  std::optional<std::int64_t> min_properties, max_properties;
  bool unique_items = false;
  std::string pattern;  // as written (quoted back in messages)
  std::shared_ptr<const std::regex> pattern_re;

  std::vector<SchemaPtr> all_of, any_of, one_of;
  SchemaPtr not_schema;

  std::optional<boost::json::value> default_value;
  bool preserve_unknown_fields = false;
  bool int_or_string = false;
  bool embedded_resource = false;

  // Whether unknown fields below this node are kept rather than pruned.
  bool keeps_unknown_fields() const { return preserve_unknown_fields || int_or_string; }
};

struct CompileResult {
  SchemaPtr schema;   // null on error
  std::string error;  // why the schema could not be compiled
};

// Compiles an OpenAPI v3 schema. `$ref` is not allowed (as in CRDs); a
// pattern that std::regex cannot compile is reported as an error.
CompileResult compile(const boost::json::value& openapi_v3_schema);

}  // namespace dynop::localcluster::schema
