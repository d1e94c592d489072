#include "lib/net/query_params.hpp"

#include <boost/url/parse.hpp>

namespace dynop::net {

std::optional<QueryParams> parse_query_params(std::string_view query_string, std::string& error) {
  QueryParams out;
  if (query_string.empty()) return out;  // "/?" would read as one empty parameter
  const std::string target = "/?" + std::string(query_string);
  auto url = boost::urls::parse_origin_form(target);
  if (!url) {
    error = "malformed query string";
    return std::nullopt;
  }
  for (const auto& param : url->params()) out.emplace_back(param.key, param.value);
  return out;
}

}  // namespace dynop::net
