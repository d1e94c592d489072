#pragma once
// kube-apiserver's list continue token: unpadded base64url of
// {"v":"meta.k8s.io/v1","rv":<list rv>,"start":"<next key>\u0000"}, where the
// key is relative to the listed prefix ("name" in a namespace, "ns/name"
// across namespaces). Clients treat it as opaque; we keep kube's shape so a
// token never looks foreign in logs or traces.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace dynop::localcluster::storage {

struct ContinueToken {
  std::uint64_t resource_version = 0;
  std::string start;  // first key of the next page (inclusive), without the trailing NUL
};

std::string encode_continue(const ContinueToken& token);
// nullopt when the token is not one of ours (the server answers 400).
std::optional<ContinueToken> decode_continue(std::string_view text);

}  // namespace dynop::localcluster::storage
