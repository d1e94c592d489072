#pragma once
// kube-apiserver's content hash, fmt.Sprintf("%X", sha512.Sum512(body)): the
// ETag of the aggregated discovery documents and the hash in the OpenAPI v3
// index (`?hash=` links). Header-only so the openapi library shares it
// without depending on discovery; both link OpenSSL::Crypto.

#include <openssl/sha.h>

#include <array>
#include <cstdio>
#include <string>
#include <string_view>

namespace dynop::localcluster::discovery {

inline std::string sha512_hex_upper(std::string_view data) {
  std::array<unsigned char, SHA512_DIGEST_LENGTH> md{};
  SHA512(reinterpret_cast<const unsigned char*>(data.data()), data.size(), md.data());
  std::string out;
  char buf[3];
  for (unsigned char c : md) {
    std::snprintf(buf, sizeof buf, "%02X", c);
    out += buf;
  }
  return out;
}

}  // namespace dynop::localcluster::discovery
