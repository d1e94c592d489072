#pragma once
// YAML text to JSON, the way kube reads manifests (sigs.k8s.io/yaml): plain
// scalars get YAML core-schema types (null/~/empty, true/false in three
// casings, integers as int64, decimals and exponents as double), quoted or
// explicitly tagged scalars stay strings. One document; the error is
// yaml-cpp's message, which callers wrap in their own context.

#include <boost/json/value.hpp>
#include <string_view>

#include "lib/apimachinery/result.hpp"

namespace dynop::apimachinery {

Result<boost::json::value> yaml_to_json(std::string_view text);

}  // namespace dynop::apimachinery
