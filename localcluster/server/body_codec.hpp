#pragma once
// Request bodies to objects: JSON or YAML (`kubectl create -f` may send
// either), with kube-apiserver's 400/415 wording when they cannot be read.

#include <boost/json/value.hpp>

#include <string>
#include <string_view>
#include <variant>

#include "localcluster/server/api_error.hpp"

namespace dynop::localcluster::server {

// Media type without parameters, lower-cased: "application/json".
std::string media_type(std::string_view content_type);

// Parses a JSON or YAML document; `content_type` picks the format
// (application/json by default). The error is a ready 400/415.
std::variant<boost::json::value, ApiError> decode_body(std::string_view body,
                                                      std::string_view content_type);

}  // namespace dynop::localcluster::server
