#pragma once
// The cells kube-apiserver's printers compute for built-in kinds (internal to
// tables/). One function per kind, in the order of its columns.

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <optional>

#include "lib/apimachinery/time.hpp"
#include "localcluster/registry/resource_type.hpp"

namespace dynop::localcluster::tables {

// nullopt when `type` is not a built-in kind with its own printer.
std::optional<boost::json::array> builtin_cells(const ResourceType& type,
                                                const boost::json::object& object,
                                                apimachinery::Timestamp now);

}  // namespace dynop::localcluster::tables
