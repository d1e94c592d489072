#include "localcluster/server/body_codec.hpp"
#include "localcluster/builtin/protobuf_decoding.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cctype>

#include "lib/apimachinery/yaml_json.hpp"

namespace dynop::localcluster::server {

std::string media_type(std::string_view content_type) {
  std::string out(content_type.substr(0, content_type.find(';')));
  while (!out.empty() && out.back() == ' ') out.pop_back();
  while (!out.empty() && out.front() == ' ') out.erase(out.begin());
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::variant<boost::json::value, ApiError> decode_body(std::string_view body,
                                                      std::string_view content_type) {
  std::string type = media_type(content_type);
  if (type == "application/yaml" || type == "application/x-yaml" || type == "text/yaml" ||
      type == "application/apply-patch+yaml") {
    auto parsed = apimachinery::yaml_to_json(body);
    if (!parsed) {
      return bad_request("the object provided is unrecognized: error converting YAML to JSON: " +
                         parsed.error());
    }
    return std::move(parsed).value();
  }
  if (type == "application/vnd.kubernetes.protobuf") {
    // kubectl's typed clients (create namespace/configmap/secret/...) send protobuf.
    auto decoded = builtin::decode_protobuf_object(body);
    if (auto* object = std::get_if<boost::json::value>(&decoded)) return std::move(*object);
    return unsupported_media_type(type);
  }
  if (type.find("protobuf") != std::string::npos) return unsupported_media_type(type);
  boost::system::error_code ec;
  boost::json::value doc = boost::json::parse(body, ec);
  if (ec) {
    return bad_request("couldn't get version/kind; json parse error: " + ec.message());
  }
  return doc;
}

}  // namespace dynop::localcluster::server
