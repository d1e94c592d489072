#pragma once
// Structural defaulting as kube-apiserver applies it to custom resources:
// a missing property (or a null one that is not nullable) takes a deep copy of
// its schema default, then defaulting recurses into the result. Nulls of
// non-nullable properties without a default are dropped, as kube does.

#include <boost/json/value.hpp>

#include "localcluster/schema/structural_schema.hpp"

namespace dynop::localcluster::schema {

void apply_defaults(const Schema& schema, boost::json::value& object);

}  // namespace dynop::localcluster::schema
