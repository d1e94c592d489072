#pragma once
// Validates a JSON object against a compiled schema and words each failure
// exactly as kube-apiserver does for custom resources (kube-openapi's
// validate package as converted by apiextensions-apiserver 1.26), e.g.
//   spec.replicas: Invalid value: -1: spec.replicas in body should be greater than or equal to 0
//   spec.dgdRef.serviceName: Required value
//   spec.mode: Unsupported value: "x": supported values: "a", "b"
//   spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"

#include <boost/json/value.hpp>

#include "lib/apimachinery/field_error.hpp"
#include "localcluster/schema/structural_schema.hpp"

namespace dynop::localcluster::schema {

// Errors are ordered as kube reports them: depth first, object properties in
// key order, then the object's missing required properties.
apimachinery::FieldErrors validate(const Schema& schema, const boost::json::value& object);

// The JSON type name kube reports for a value: integer, number, string,
// boolean, array, object or null.
const char* json_type_name(const boost::json::value& v);

}  // namespace dynop::localcluster::schema
