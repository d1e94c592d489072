#pragma once
// What a CustomResourceDefinition serves: one ResourceType per served
// version, and the validation kube-apiserver applies when a CRD is created or
// updated (names, group, scope, versions, structural schemas), worded as
// kube-apiserver words it so `kubectl apply` of a bad CRD fails the same way.

#include <boost/json/value.hpp>
#include <string>
#include <vector>

#include "lib/apimachinery/field_error.hpp"
#include "localcluster/registry/resource_type.hpp"

namespace dynop::localcluster {

// Field errors for a CRD body (apiextensions.k8s.io/v1). Empty: valid. The
// REST layer answers 422 with `CustomResourceDefinition.apiextensions.k8s.io
// "<name>" is invalid: [...]` built from these.
apimachinery::FieldErrors validate_crd(const boost::json::value& crd);

// Fills kube's defaults into a CRD body as the API server stores it:
// spec.names.singular (lowercase kind), listKind (kind + "List"),
// conversion {strategy: None}. Call before validate_crd and storage.
void default_crd(boost::json::value& crd);

// One ResourceType per served version of a valid CRD, with its schema
// compiled. Versions come in the CRD's order.
std::vector<ResourceType> resource_types_from_crd(const boost::json::value& crd);

// kube's version priority (v1 > v1beta2 > v1beta1 > v1alpha1 > others by
// name); true when `a` sorts before `b`. Discovery lists versions this way.
bool kube_version_less(const std::string& a, const std::string& b);

}  // namespace dynop::localcluster
