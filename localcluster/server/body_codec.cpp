#include "localcluster/server/body_codec.hpp"
#include "localcluster/builtin/protobuf_decoding.hpp"

#include <yaml-cpp/yaml.h>

#include <boost/json.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <regex>

namespace dynop::localcluster::server {

std::string media_type(std::string_view content_type) {
  std::string out(content_type.substr(0, content_type.find(';')));
  while (!out.empty() && out.back() == ' ') out.pop_back();
  while (!out.empty() && out.front() == ' ') out.erase(out.begin());
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

namespace {

boost::json::value scalar_to_json(const YAML::Node& node) {
  const std::string& text = node.Scalar();
  if (node.Tag() != "?") return boost::json::value(text);  // quoted or explicitly tagged
  if (text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL") {
    return nullptr;
  }
  if (text == "true" || text == "True" || text == "TRUE") return true;
  if (text == "false" || text == "False" || text == "FALSE") return false;
  static const std::regex int_re("[-+]?[0-9]+");
  static const std::regex float_re(R"([-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?)");
  if (std::regex_match(text, int_re)) {
    std::int64_t v = 0;
    const char* begin = text.data() + (text[0] == '+' ? 1 : 0);
    auto [ptr, ec] = std::from_chars(begin, text.data() + text.size(), v);
    if (ec == std::errc() && ptr == text.data() + text.size()) return v;
  }
  if (std::regex_match(text, float_re)) {
    try {
      return std::stod(text);
    } catch (...) {
    }
  }
  return boost::json::value(text);
}

boost::json::value node_to_json(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: {
      boost::json::object obj;
      for (const auto& kv : node) obj[kv.first.as<std::string>()] = node_to_json(kv.second);
      return obj;
    }
    case YAML::NodeType::Sequence: {
      boost::json::array arr;
      for (const auto& item : node) arr.push_back(node_to_json(item));
      return arr;
    }
    case YAML::NodeType::Scalar:
      return scalar_to_json(node);
    default:
      return nullptr;
  }
}

}  // namespace

std::variant<boost::json::value, std::string> yaml_to_json(std::string_view text) {
  try {
    YAML::Node root = YAML::Load(std::string(text));
    return node_to_json(root);
  } catch (const YAML::Exception& e) {
    return std::string(e.what());
  }
}

std::variant<boost::json::value, ApiError> decode_body(std::string_view body,
                                                      std::string_view content_type) {
  std::string type = media_type(content_type);
  if (type == "application/yaml" || type == "application/x-yaml" || type == "text/yaml" ||
      type == "application/apply-patch+yaml") {
    auto parsed = yaml_to_json(body);
    if (auto* error = std::get_if<std::string>(&parsed)) {
      return bad_request("the object provided is unrecognized: error converting YAML to JSON: " +
                         *error);
    }
    return std::get<boost::json::value>(std::move(parsed));
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
