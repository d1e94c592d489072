#pragma once
// "host:port" as used by listen addresses: "127.0.0.1:8080", "[::1]:8080",
// ":8080" (all interfaces), "localhost:0" (any free port).

#include <cstdint>
#include <string>

namespace dynop::host {

struct HostPort {
  std::string host;  // "" means all interfaces; IPv6 without brackets
  std::uint16_t port = 0;
};

bool parse_host_port(const std::string& text, HostPort& out, std::string& error);

}  // namespace dynop::host
