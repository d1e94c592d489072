#include "localcluster/schema/custom_object.hpp"

#include "localcluster/schema/defaulting.hpp"
#include "localcluster/schema/pruning.hpp"
#include "localcluster/schema/scale_validation.hpp"
#include "localcluster/schema/validation.hpp"

namespace dynop::localcluster::schema {

std::optional<FieldValidation> parse_field_validation(std::string_view value) {
  if (value.empty() || value == "Warn") return FieldValidation::kWarn;
  if (value == "Strict") return FieldValidation::kStrict;
  if (value == "Ignore") return FieldValidation::kIgnore;
  return std::nullopt;
}

PreparedObject prune_unknown_fields(const ResourceType& type, const Schema& schema,
                                    boost::json::value& object, FieldValidation mode) {
  PreparedObject out;
  out.pruned_fields = prune(schema, object, /*is_resource_root=*/true);
  if (out.pruned_fields.empty() || mode == FieldValidation::kIgnore) return out;
  std::string list;
  for (const auto& f : out.pruned_fields) {
    const std::string item = "unknown field \"" + f + "\"";
    if (mode == FieldValidation::kWarn) out.warnings.push_back(item);
    if (!list.empty()) list += ", ";
    list += item;
  }
  if (mode == FieldValidation::kStrict) {
    out.bad_request = type.kind + " in version \"" + type.version + "\" cannot be handled as a " +
                      type.kind + ": strict decoding error: " + list;
  }
  return out;
}

PreparedObject prepare_custom_object(const ResourceType& type, const Schema* schema,
                                     boost::json::value& object, FieldValidation mode) {
  PreparedObject out;
  if (schema != nullptr) {
    out = prune_unknown_fields(type, *schema, object, mode);
    if (!out.bad_request.empty()) return out;
    apply_defaults(*schema, object);
    out.errors = validate(*schema, object);
  }
  if (type.scale) {
    auto scale_errors = validate_scale_paths(*type.scale, object);
    out.errors.insert(out.errors.end(), scale_errors.begin(), scale_errors.end());
  }
  return out;
}

}  // namespace dynop::localcluster::schema
