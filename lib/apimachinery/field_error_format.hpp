#pragma once
// Rendering and construction of FieldError exactly as k8s.io/apimachinery's
// field.Error / field.ErrorList do it, so that 422 bodies and "is invalid"
// messages match kube-apiserver byte for byte:
//   error_body:  `Invalid value: -1: spec.replicas in body should be ...`
//   to_string:   `spec.replicas: Invalid value: -1: ...`
//   aggregate:   one error -> its text; several -> `[a, b]` (duplicates dropped)

#include <boost/json/value.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "lib/apimachinery/field_error.hpp"

namespace dynop::apimachinery {

// "Required value", "Invalid value", "Unsupported value", ...
std::string_view field_error_type_text(FieldErrorType type);
// The StatusCause reason: "FieldValueRequired", "FieldValueInvalid", ...
std::string_view field_error_reason(FieldErrorType type);

// field.Error.ErrorBody(): type text, then ": <bad value>" unless the value is
// omitted (empty bad_value), then ": <detail>" when there is one.
std::string error_body(const FieldError& error);
// field.Error.Error(): "<field>: <body>".
std::string to_string(const FieldError& error);
// field.ErrorList.ToAggregate().Error(): "" for none, the single message for
// one distinct error, "[m1, m2, ...]" otherwise (duplicate messages dropped).
std::string aggregate_message(const FieldErrors& errors);
// Joins already-formatted messages like utilerrors.NewAggregate does.
std::string aggregate_strings(const std::vector<std::string>& messages);

// How kube prints a bad value: strings quoted with Go's %q, integers and
// booleans bare, floats as Go's %v (0.5, 1e+06), null as `"null"`; objects and arrays as compact
// JSON (kube prints Go structs there, which a JSON document cannot reproduce).
std::string render_bad_value(const boost::json::value& value);
std::string render_bad_string(std::string_view string_value);
std::string render_bad_int(long long int_value);

// Constructors mirroring field.Required, field.Invalid, ... `bad_value` is
// the already-rendered value (see render_bad_value).
FieldError required_error(std::string field, std::string detail = "");
FieldError invalid_error(std::string field, std::string bad_value, std::string detail);
// detail: `supported values: "a", "b"` (each value quoted, in the given order).
FieldError not_supported_error(std::string field, std::string bad_value,
                               const std::vector<std::string>& valid_values);
FieldError duplicate_error(std::string field, std::string bad_value);
FieldError not_found_error(std::string field, std::string bad_value);
FieldError forbidden_error(std::string field, std::string detail);
// detail: "must have at most <max> bytes" (the value itself is never printed).
FieldError too_long_error(std::string field, long long max_length);
// detail: "must have at most <max> items"; prints the actual count as value.
FieldError too_many_error(std::string field, long long actual, long long max_items);

}  // namespace dynop::apimachinery
