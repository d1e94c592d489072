#pragma once
// Bearer tokens a process makes for its own admin or API endpoint
// (dynop-localcluster's API token, dynop-sim's admin token), kept in a file
// the user and the tests read with `$(cat FILE)`.

#include <optional>
#include <string>

namespace dynop::net {

// A new random token: 48 hex digits (24 bytes from OpenSSL's RNG).
std::string random_bearer_token();

// The token in `path` (its first line), or, when the file is missing or
// empty, a new random token written there as one line, readable by its
// owner only. nullopt and `error` ("<path>: cannot write the token") when it
// cannot be written.
std::optional<std::string> load_or_create_bearer_token(const std::string& path, std::string& error);

}  // namespace dynop::net
