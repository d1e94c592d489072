#pragma once
// labelSelector and fieldSelector query parameters to a storage predicate.
// Field selectors accept only the fields kube-apiserver supports for the
// resource (registry/selectable_fields.hpp); others are a 400 as in kube.

#include <string_view>
#include <variant>

#include "localcluster/registry/resource_type.hpp"
#include "localcluster/server/api_error.hpp"
#include "localcluster/storage/selection.hpp"

namespace dynop::localcluster::server {

std::variant<storage::AttrsPredicate, ApiError> make_predicate(const ResourceType& type,
                                                               std::string_view label_selector,
                                                               std::string_view field_selector);

}  // namespace dynop::localcluster::server
