#include "host/config/host_port.hpp"

#include <charconv>

namespace dynop::host {

bool parse_host_port(const std::string& text, HostPort& out, std::string& error) {
  std::string host;
  std::string port;
  if (text.starts_with("[")) {
    auto close = text.find(']');
    if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      error = "invalid address \"" + text + "\" (expected [ipv6]:port)";
      return false;
    }
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    auto colon = text.rfind(':');
    if (colon == std::string::npos || text.find(':') != colon) {
      error = "invalid address \"" + text + "\" (expected host:port, e.g. 0.0.0.0:8080)";
      return false;
    }
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  unsigned value = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || ec != std::errc() || end != port.data() + port.size() || value > 65535) {
    error = "invalid port in address \"" + text + "\" (expected 0-65535)";
    return false;
  }
  out.host = host;
  out.port = static_cast<std::uint16_t>(value);
  return true;
}

}  // namespace dynop::host
