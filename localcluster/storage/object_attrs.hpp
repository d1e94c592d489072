#pragma once
// Extraction of ObjectAttrs (labels, selectable fields, owner uids) from an
// object, done once per write.

#include <boost/json/object.hpp>

#include <string_view>

#include "localcluster/storage/stored_object.hpp"

namespace dynop::localcluster::storage {

ObjectAttrs extract_attrs(std::string_view resource, const boost::json::object& object);

}  // namespace dynop::localcluster::storage
