#include "lib/net/bearer_token.hpp"

#include <openssl/rand.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace dynop::net {

std::string random_bearer_token() {
  unsigned char bytes[24];
  if (RAND_bytes(bytes, sizeof bytes) != 1) throw std::runtime_error("no random bytes for a token");
  static constexpr char kHex[] = "0123456789abcdef";
  std::string token;
  for (unsigned char b : bytes) {
    token += kHex[b >> 4];
    token += kHex[b & 15];
  }
  return token;
}

std::optional<std::string> load_or_create_bearer_token(const std::string& path,
                                                       std::string& error) {
  namespace fs = std::filesystem;
  std::string token;
  if (std::ifstream in(path); in && std::getline(in, token) && !token.empty()) return token;
  token = random_bearer_token();
  // Owner-only before the token is in it.
  std::ofstream out(path, std::ios::trunc);
  std::error_code ec;
  fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::replace,
                  ec);
  out << token << "\n";
  out.close();
  if (!out || ec) {
    error = path + ": cannot write the token";
    return std::nullopt;
  }
  return token;
}

}  // namespace dynop::net
