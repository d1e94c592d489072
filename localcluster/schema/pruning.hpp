#pragma once
// Structural pruning: drops fields the schema does not declare, except below
// x-kubernetes-preserve-unknown-fields, x-kubernetes-int-or-string, and the
// apiVersion/kind/metadata of the object root and of embedded resources.
// Returns the pruned paths ("spec.foo", "spec.items[0].bar") so the caller can
// honour fieldValidation=Strict|Warn exactly as kube-apiserver does.

#include <boost/json/value.hpp>
#include <string>
#include <vector>

#include "localcluster/schema/structural_schema.hpp"

namespace dynop::localcluster::schema {

// `is_resource_root`: the value is a whole object (keeps apiVersion, kind and
// metadata even when the schema does not list them). Paths come back sorted.
std::vector<std::string> prune(const Schema& schema, boost::json::value& object,
                               bool is_resource_root = true);

}  // namespace dynop::localcluster::schema
