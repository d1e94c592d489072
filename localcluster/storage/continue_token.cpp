#include "localcluster/storage/continue_token.hpp"

#include <boost/json.hpp>

#include "lib/apimachinery/base64.hpp"

namespace dynop::localcluster::storage {

std::string encode_continue(const ContinueToken& token) {
  boost::json::object doc;
  doc["v"] = "meta.k8s.io/v1";
  doc["rv"] = token.resource_version;
  doc["start"] = token.start + '\0';
  return apimachinery::base64_raw_url_encode(boost::json::serialize(doc));
}

std::optional<ContinueToken> decode_continue(std::string_view text) {
  auto raw = apimachinery::base64_raw_url_decode(text);
  if (!raw) return std::nullopt;
  boost::system::error_code ec;
  boost::json::value doc = boost::json::parse(*raw, ec);
  if (ec || !doc.is_object()) return std::nullopt;
  const auto& obj = doc.get_object();
  const auto* v = obj.if_contains("v");
  const auto* rv = obj.if_contains("rv");
  const auto* start = obj.if_contains("start");
  if (!v || !v->is_string() || v->get_string() != "meta.k8s.io/v1" || !rv || !start ||
      !start->is_string()) {
    return std::nullopt;
  }
  ContinueToken token;
  if (rv->is_int64() && rv->get_int64() >= 0) {
    token.resource_version = static_cast<std::uint64_t>(rv->get_int64());
  } else if (rv->is_uint64()) {
    token.resource_version = rv->get_uint64();
  } else {
    return std::nullopt;
  }
  token.start = std::string(start->get_string());
  if (!token.start.empty() && token.start.back() == '\0') token.start.pop_back();
  return token;
}

}  // namespace dynop::localcluster::storage
