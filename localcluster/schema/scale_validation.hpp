#pragma once
// The checks kube-apiserver adds for a CRD with a scale subresource, on every
// create and update of the custom resource. The field is the path as written
// in the CRD, leading dot included:
//   .spec.replicas: Invalid value: -1: should be a non-negative integer

#include <boost/json/value.hpp>

#include "lib/apimachinery/field_error.hpp"
#include "localcluster/registry/resource_type.hpp"

namespace dynop::localcluster::schema {

apimachinery::FieldErrors validate_scale_paths(const ScaleSubresource& scale,
                                               const boost::json::value& object);

// Reads a dotted path such as ".spec.replicas"; null when absent
// (apimachinery::get_simple_path, kept for callers of this header).
const boost::json::value* find_path(const boost::json::value& object, std::string_view dotted);

}  // namespace dynop::localcluster::schema
