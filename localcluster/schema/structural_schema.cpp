#include "localcluster/schema/structural_schema.hpp"

#include <boost/json.hpp>

namespace dynop::localcluster::schema {
namespace {

namespace json = boost::json;

std::optional<double> number_of(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (v == nullptr || !v->is_number()) return std::nullopt;
  return v->to_number<double>();
}

std::optional<std::int64_t> int_of(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (v == nullptr || !v->is_number()) return std::nullopt;
  return static_cast<std::int64_t>(v->to_number<double>());
}

bool bool_of(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_bool() && v->get_bool();
}

std::string string_of(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

SchemaPtr build(const json::value& node, const std::string& where, std::string& error);

std::vector<SchemaPtr> build_list(const json::object& o, std::string_view key,
                                  const std::string& where, std::string& error) {
  std::vector<SchemaPtr> out;
  const auto* v = o.if_contains(key);
  if (v == nullptr || !v->is_array()) return out;
  std::size_t i = 0;
  for (const auto& item : v->get_array()) {
    out.push_back(
        build(item, where + "." + std::string(key) + "[" + std::to_string(i++) + "]", error));
  }
  return out;
}

SchemaPtr build(const json::value& node, const std::string& where, std::string& error) {
  auto s = std::make_shared<Schema>();
  if (!node.is_object()) {
    if (error.empty()) error = where + ": schema must be an object";
    return s;
  }
  const auto& o = node.get_object();
  if (o.contains("$ref") && error.empty()) error = where + ".$ref: Forbidden: $ref is not allowed";
  if (const auto* t = o.if_contains("type")) {
    if (t->is_string()) s->type = std::string(t->get_string());
  }
  s->format = string_of(o, "format");
  s->description = string_of(o, "description");
  s->nullable = bool_of(o, "nullable");
  if (const auto* p = o.if_contains("properties"); p != nullptr && p->is_object()) {
    for (const auto& [k, v] : p->get_object()) {
      s->properties.emplace(std::string(k),
                            build(v, where + ".properties[" + std::string(k) + "]", error));
    }
  }
  if (const auto* ap = o.if_contains("additionalProperties")) {
    if (ap->is_bool()) {
      s->additional_properties_forbidden = !ap->get_bool();
    } else if (ap->is_object()) {
      s->additional_properties = build(*ap, where + ".additionalProperties", error);
    }
  }
  if (const auto* it = o.if_contains("items"); it != nullptr && it->is_object()) {
    s->items = build(*it, where + ".items", error);
  }
  if (const auto* r = o.if_contains("required"); r != nullptr && r->is_array()) {
    for (const auto& k : r->get_array())
      if (k.is_string()) s->required.emplace_back(k.get_string());
  }
  if (const auto* e = o.if_contains("enum"); e != nullptr && e->is_array()) {
    s->enum_values = e->get_array();
  }
  s->minimum = number_of(o, "minimum");
  s->maximum = number_of(o, "maximum");
  s->exclusive_minimum = bool_of(o, "exclusiveMinimum");
  s->exclusive_maximum = bool_of(o, "exclusiveMaximum");
  s->multiple_of = number_of(o, "multipleOf");
  s->min_length = int_of(o, "minLength");
  s->max_length = int_of(o, "maxLength");
  s->min_items = int_of(o, "minItems");
  s->max_items = int_of(o, "maxItems");
  s->min_properties = int_of(o, "minProperties");
  s->max_properties = int_of(o, "maxProperties");
  s->unique_items = bool_of(o, "uniqueItems");
  s->pattern = string_of(o, "pattern");
  if (!s->pattern.empty()) {
    try {
      s->pattern_re = std::make_shared<const std::regex>(s->pattern, std::regex::ECMAScript);
    } catch (const std::regex_error&) {
      if (error.empty()) {
        error = where + ".pattern: Invalid value: \"" + s->pattern + "\": must be a valid regex";
      }
    }
  }
  s->all_of = build_list(o, "allOf", where, error);
  s->any_of = build_list(o, "anyOf", where, error);
  s->one_of = build_list(o, "oneOf", where, error);
  if (const auto* n = o.if_contains("not"); n != nullptr && n->is_object()) {
    s->not_schema = build(*n, where + ".not", error);
  }
  if (const auto* d = o.if_contains("default")) s->default_value = *d;
  s->preserve_unknown_fields = bool_of(o, "x-kubernetes-preserve-unknown-fields");
  s->int_or_string = bool_of(o, "x-kubernetes-int-or-string");
  s->embedded_resource = bool_of(o, "x-kubernetes-embedded-resource");
  return s;
}

}  // namespace

CompileResult compile(const boost::json::value& openapi_v3_schema) {
  std::string error;
  auto s = build(openapi_v3_schema, "openAPIV3Schema", error);
  if (!error.empty()) return {nullptr, error};
  return {std::move(s), {}};
}

}  // namespace dynop::localcluster::schema
