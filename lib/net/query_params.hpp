#pragma once
// A request's query string as decoded key/value pairs, in order, as
// localcluster's request parsing and the host's ops endpoints read them.
// "" gives none. nullopt and `error` set when the string is malformed.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dynop::net {

using QueryParams = std::vector<std::pair<std::string, std::string>>;

std::optional<QueryParams> parse_query_params(std::string_view query_string, std::string& error);

}  // namespace dynop::net
