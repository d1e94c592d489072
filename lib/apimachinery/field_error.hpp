#pragma once
// A validation failure on one field, worded as k8s.io/apimachinery's
// field.Error so that 422 responses read exactly like kube-apiserver's:
//   spec.replicas: Invalid value: -1: spec.replicas in body should be greater than or equal to 0
// Shared by schema validation (localcluster), admission plugins and the
// Status builders in status.hpp.

#include <string>
#include <vector>

namespace dynop::apimachinery {

enum class FieldErrorType {
  kRequired,      // "Required value"               reason FieldValueRequired
  kInvalid,       // "Invalid value"                reason FieldValueInvalid
  kNotSupported,  // "Unsupported value"            reason FieldValueNotSupported
  kDuplicate,     // "Duplicate value"              reason FieldValueDuplicate
  kForbidden,     // "Forbidden"                    reason FieldValueForbidden
  kTooLong,       // "Too long"                     reason FieldValueTooLong
  kTooMany,       // "Too many"                     reason FieldValueTooMany
  kNotFound,      // "Not found"                    reason FieldValueNotFound
  kTypeInvalid,   // "Invalid value" (type errors)  reason FieldValueTypeInvalid
};

struct FieldError {
  FieldErrorType type = FieldErrorType::kInvalid;
  std::string field;  // "spec.dgdRef.name", "metadata.labels", ".spec.replicas"
  // The offending value already rendered as kube-apiserver prints it
  // (`-1`, `"text"` with quotes, `"null"`); empty when the type omits it
  // (Required, Forbidden, TooLong, TooMany).
  std::string bad_value;
  std::string detail;  // "spec.replicas in body should be greater than or equal to 0"
};

using FieldErrors = std::vector<FieldError>;

}  // namespace dynop::apimachinery
