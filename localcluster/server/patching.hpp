#pragma once
// PATCH bodies applied to the stored object: JSON merge patch (RFC 7386),
// JSON patch (RFC 6902) and strategic merge patch (built-in kinds only; 415
// for custom resources, trace 04-dgdsa-13).

#include <boost/json/value.hpp>

#include <string>
#include <string_view>
#include <variant>

#include "localcluster/registry/resource_type.hpp"
#include "localcluster/server/api_error.hpp"

namespace dynop::localcluster::server {

enum class PatchType { kMerge, kJson, kStrategic, kApply };

// From the request's Content-Type; the error is kube's 415.
std::variant<PatchType, ApiError> patch_type_for(const ResourceType& type,
                                                std::string_view content_type);

// Applies `patch` (raw body) to `target`, an object of `kind` (strategic
// merge patch looks up merge keys by kind). Errors are 400/422 as kube words
// them ("the server rejected our request due to an error in our request").
std::variant<boost::json::value, ApiError> apply_patch(PatchType type,
                                                      const boost::json::value& target,
                                                      std::string_view patch,
                                                      std::string_view kind);

}  // namespace dynop::localcluster::server
