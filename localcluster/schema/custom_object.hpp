#pragma once
// The schema work kube-apiserver does on a custom resource body before it is
// stored (create, update, patch result): prune unknown fields (honouring the
// request's fieldValidation), apply defaults, validate against the schema and
// the scale subresource paths. The REST layer calls this once per write and
// maps the result to 400, 422 or warnings.

#include <boost/json/value.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lib/apimachinery/field_error.hpp"
#include "localcluster/registry/resource_type.hpp"
#include "localcluster/schema/structural_schema.hpp"

namespace dynop::localcluster::schema {

// The fieldValidation query parameter. kube-apiserver 1.26 defaults to Warn
// when the parameter is absent; kubectl sends Strict.
enum class FieldValidation { kIgnore, kWarn, kStrict };

// nullopt for a value kube rejects (400: `fieldValidation` must be one of
// Ignore, Warn, Strict); "" gives Warn.
std::optional<FieldValidation> parse_field_validation(std::string_view value);

struct PreparedObject {
  // Non-empty: answer 400 BadRequest with this message, e.g.
  // `DynamoGraphDeploymentScalingAdapter in version "v1alpha1" cannot be
  // handled as a DynamoGraphDeploymentScalingAdapter: strict decoding error:
  // unknown field "spec.foo"`.
  std::string bad_request;
  // Non-empty: answer 422 Invalid (apimachinery::invalid(...)).
  apimachinery::FieldErrors errors;
  // Warning headers to send (299 - "<text>") for fieldValidation=Warn.
  std::vector<std::string> warnings;
  // What pruning removed, whatever the mode.
  std::vector<std::string> pruned_fields;
};

// Only the pruning: drops the fields `schema` does not declare and reports
// them as the request's fieldValidation asks (bad_request for Strict,
// warnings for Warn). Built-in kinds decode this way too.
PreparedObject prune_unknown_fields(const ResourceType& type, const Schema& schema,
                                    boost::json::value& object, FieldValidation mode);

// Mutates `object` in place (pruned and defaulted). `schema` may be null (no
// schema: nothing pruned or validated). Scale checks run when `type.scale` is
// set.
PreparedObject prepare_custom_object(const ResourceType& type, const Schema* schema,
                                     boost::json::value& object, FieldValidation mode);

}  // namespace dynop::localcluster::schema
