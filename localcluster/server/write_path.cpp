// What every write shares: validation (schemas, object meta, kind rules),
// admission (built-in plugins, webhooks), and the optimistic
// read-compute-write loop.

#include <utility>

#include "lib/apimachinery/go_quote.hpp"
#include "lib/apimachinery/validation.hpp"
#include "localcluster/registry/crd_resource_types.hpp"
#include "localcluster/schema/custom_object.hpp"
#include "localcluster/server/object_meta.hpp"
#include "localcluster/server/rest_context.hpp"
#include "localcluster/server/strategies.hpp"

namespace dynop::localcluster::server {

namespace json = boost::json;
using rest::param_or;
using rest::parse_object;
using rest::rv_of;
using storage::StoredObject;
using storage::StoreErrorCode;
using storage::WriteAction;

namespace {

constexpr int kMaxWriteAttempts = 16;

const json::object kEmptyObject;

apimachinery::NameValidator name_validator(const ResourceType& type) {
  if (type.group.empty() && type.plural == "namespaces") return apimachinery::name_is_dns_label;
  if (type.group.empty() && type.plural == "services") return apimachinery::name_is_dns1035_label;
  return apimachinery::name_is_dns_subdomain;
}

}  // namespace

std::optional<ApiError> RestHandler::admit_builtin(Context& ctx, const std::string& operation,
                                                   const std::string& name, json::object* object) {
  if (hooks_.mutating_admission.empty()) return std::nullopt;
  AdmissionAttributes attributes;
  attributes.type = ctx.type.get();
  attributes.operation = operation;
  attributes.subresource = ctx.info.subresource;
  attributes.namespace_name = ctx.info.namespace_name;
  attributes.name = name;
  attributes.dry_run = ctx.dry_run;
  attributes.user_agent = std::string(ctx.request.header("User-Agent"));
  attributes.request_info = &ctx.info;
  for (const auto& plugin : hooks_.mutating_admission) {
    if (auto error = plugin(attributes, object)) return error;
  }
  return std::nullopt;
}

std::optional<ApiError> RestHandler::admit(Context& ctx, const std::string& operation,
                                           const json::object* object,
                                           const json::object* old_object) {
  if (!hooks_.admission) return std::nullopt;
  json::value new_value = object ? json::value(*object) : json::value();
  json::value old_value = old_object ? json::value(*old_object) : json::value();
  AdmissionAttributes attributes;
  attributes.type = ctx.type.get();
  attributes.operation = operation;
  attributes.subresource = ctx.info.subresource;
  attributes.namespace_name = ctx.info.namespace_name;
  attributes.name = object ? string_at(metadata(*object), "name") : ctx.info.name;
  attributes.object = object ? &new_value : nullptr;
  attributes.old_object = old_object ? &old_value : nullptr;
  attributes.dry_run = ctx.dry_run;
  attributes.user_agent = std::string(ctx.request.header("User-Agent"));
  attributes.request_info = &ctx.info;
  return hooks_.admission(attributes, ctx.warnings);
}

// What decoding a body into kube's typed structs does before anything else:
// the fieldValidation parameter, unknown fields of typed built-in kinds
// dropped and reported, and the typed fields' JSON types. Runs on the body in
// the URL's version.
std::optional<ApiError> RestHandler::decode_typed(Context& ctx, json::object& object) {
  const ResourceType& type = *ctx.type;
  auto mode = schema::parse_field_validation(param_or(ctx.info, "fieldValidation"));
  if (!mode) {
    return bad_request("fieldValidation: Unsupported value: " +
                       apimachinery::go_quote(param_or(ctx.info, "fieldValidation")) +
                       ": supported values: \"Ignore\", \"Strict\", \"Warn\"");
  }
  if (type.typed_decoding && type.structural_schema) {
    json::value value = std::move(object);
    auto pruned = schema::prune_unknown_fields(type, *type.structural_schema, value, *mode);
    object = std::move(value.as_object());
    if (!pruned.bad_request.empty()) return bad_request(pruned.bad_request);
    for (auto& w : pruned.warnings) ctx.warnings.push_back(std::move(w));
  }
  return decode_typed_fields(type, object);
}

std::optional<ApiError> RestHandler::to_storage(Context& ctx, json::object& object) {
  if (!ctx.type->conversion) return std::nullopt;
  if (auto error = decode_typed(ctx, object)) return error;
  object = rest::storage_object(*ctx.type, std::move(object));
  return std::nullopt;
}

// Validation and kind-specific rules shared by create, update, patch and the
// subresources. `old_object` is null on create.
std::optional<ApiError> RestHandler::prepare_write(Context& ctx, const json::object* old_object,
                                                   json::object& object, bool status_only) {
  const ResourceType& type = *ctx.type;
  std::string name = string_at(metadata(std::as_const(object)), "name");
  if (!type.conversion) {
    if (auto error = decode_typed(ctx, object)) return error;
  }
  apply_decode_defaults(type, object);
  if (type.is_custom()) {
    auto mode = schema::parse_field_validation(param_or(ctx.info, "fieldValidation"));
    json::value value = std::move(object);
    auto schema = schema_for(type);
    auto prepared = schema::prepare_custom_object(type, schema.get(), value,
                                                  mode.value_or(schema::FieldValidation::kStrict));
    object = std::move(value.as_object());
    if (!prepared.bad_request.empty()) return bad_request(prepared.bad_request);
    if (!prepared.errors.empty()) {
      return invalid(ErrorSubject{type.group, type.kind, name, ""}, std::move(prepared.errors));
    }
    for (auto& w : prepared.warnings) ctx.warnings.push_back(std::move(w));
  }
  if (!status_only && type.group == "apiextensions.k8s.io" &&
      type.plural == "customresourcedefinitions") {
    auto errors = validate_crd(json::value(object));
    if (!errors.empty()) {
      return invalid(ErrorSubject{type.group, type.kind, name, ""}, std::move(errors));
    }
  }
  if (!status_only) {
    const auto* meta = metadata(std::as_const(object));
    auto errors = apimachinery::validate_object_meta(meta ? *meta : kEmptyObject, type.namespaced,
                                                     name_validator(type));
    if (!errors.empty()) {
      return invalid(ErrorSubject{type.group, type.is_custom() ? type.kind : type.kind, name, ""},
                     std::move(errors));
    }
    if (old_object) {
      if (auto error = validate_update(type, *old_object, object)) return error;
    }
  }
  if (auto errors = validate_kind(type, object, old_object, status_only); !errors.empty()) {
    return invalid(ErrorSubject{type.group, type.kind, name, ""}, std::move(errors));
  }
  return std::nullopt;
}

std::variant<StoredObject, ApiError> RestHandler::write(Context& ctx, const std::string& name,
                                                        const Compute& compute) {
  for (int attempt = 0; attempt < kMaxWriteAttempts; ++attempt) {
    auto current = store_.get(ctx.resource, ctx.info.namespace_name, name);
    if (!current.ok()) return not_found(ctx.subject(name));
    json::object current_object = parse_object(*current.value().json);
    auto decided = compute(current_object);
    if (auto* error = std::get_if<ApiError>(&decided)) return *error;
    auto& decision = std::get<Decision>(decided);
    if (decision.action == WriteAction::kSkip) return current.value();
    std::uint64_t expected = current.value().resource_version;
    bool raced = false;
    auto result = store_.update(
        ctx.resource, ctx.info.namespace_name, name,
        [&](json::object& object, WriteAction& action) -> std::optional<storage::StoreError> {
          if (rv_of(object) != std::to_string(expected)) {
            raced = true;
            return storage::StoreError{StoreErrorCode::kConflict, "raced", {}, 0};
          }
          object = decision.object;
          action = decision.action;
          return std::nullopt;
        },
        ctx.dry_run);
    if (result.ok()) return result.value();
    if (raced) continue;
    if (result.error().code == StoreErrorCode::kNotFound) return not_found(ctx.subject(name));
    return internal_error(result.error().message);
  }
  return modified_conflict(ctx.subject(name));
}

}  // namespace dynop::localcluster::server
