#include "localcluster/storage/continue_token.hpp"

#include <openssl/evp.h>

#include <boost/json.hpp>

namespace dynop::localcluster::storage {

std::string encode_continue(const ContinueToken& token) {
  boost::json::object doc;
  doc["v"] = "meta.k8s.io/v1";
  doc["rv"] = token.resource_version;
  doc["start"] = token.start + '\0';
  std::string json = boost::json::serialize(doc);
  std::string out(4 * ((json.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(json.data()),
                          static_cast<int>(json.size()));
  out.resize(static_cast<std::size_t>(n));
  while (!out.empty() && out.back() == '=') out.pop_back();
  for (char& c : out) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  return out;
}

std::optional<ContinueToken> decode_continue(std::string_view text) {
  std::string b64(text);
  for (char& c : b64) {
    if (c == '-') c = '+';
    if (c == '_') c = '/';
  }
  std::size_t pad = (4 - b64.size() % 4) % 4;
  if (pad == 3) return std::nullopt;
  b64.append(pad, '=');
  std::string raw(b64.size() / 4 * 3 + 1, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(raw.data()),
                          reinterpret_cast<const unsigned char*>(b64.data()),
                          static_cast<int>(b64.size()));
  if (n < 0) return std::nullopt;
  raw.resize(static_cast<std::size_t>(n) - pad);
  boost::system::error_code ec;
  boost::json::value doc = boost::json::parse(raw, ec);
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
