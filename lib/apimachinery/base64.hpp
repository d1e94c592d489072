#pragma once

// Base64 as Kubernetes spells it. []byte fields in JSON and YAML (Secret
// data, a webhook's caBundle, kubeconfig's *-data) are standard, padded
// base64 (Go's base64.StdEncoding); list continue tokens are URL-safe and
// unpadded (base64.RawURLEncoding).

#include <optional>
#include <string>
#include <string_view>

namespace dynop::apimachinery {

std::string base64_encode(std::string_view bytes);

// Standard, padded base64. ASCII whitespace is skipped, so PEM-style line
// breaks in hand-written kubeconfigs and manifests decode; anything else
// that is not base64 gives nullopt.
std::optional<std::string> base64_decode(std::string_view text);

std::string base64_raw_url_encode(std::string_view bytes);
std::optional<std::string> base64_raw_url_decode(std::string_view text);

}  // namespace dynop::apimachinery
