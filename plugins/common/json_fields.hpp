#pragma once
// Reading fields of the objects the host hands the dgd and dgdsa plugins
// (decoded JSON): a missing field or one of the wrong type reads as absent,
// because the reconcilers treat both the same way (the webhook and the API
// server's schema reject malformed objects before they get here).

#include <boost/json/object.hpp>
#include <string>
#include <string_view>

namespace dynop::plugins::common {

// The string at `key`, or "" when absent or not a string.
std::string string_at(const boost::json::object& o, std::string_view key);
// The object at `key`, or null when absent or not an object.
const boost::json::object* object_at(const boost::json::object& o, std::string_view key);
// The metadata.ownerReferences entry with controller: true, or null.
const boost::json::object* controller_reference(const boost::json::object& object);
// The uid of controller_reference(object), or "".
std::string controller_uid(const boost::json::object& object);

// metadata.name, metadata.uid and metadata.labels[key] of an object, or "".
std::string name_of(const boost::json::object& object);
std::string uid_of(const boost::json::object& object);
std::string label_of(const boost::json::object& object, std::string_view key);

}  // namespace dynop::plugins::common
