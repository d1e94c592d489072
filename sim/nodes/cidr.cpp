#include "sim/nodes/cidr.hpp"

#include <charconv>

namespace dynop::sim {

std::optional<std::uint32_t> parse_ipv4(std::string_view text) {
  std::uint32_t address = 0;
  for (int part = 0; part < 4; ++part) {
    if (part > 0) {
      if (text.empty() || text.front() != '.') return std::nullopt;
      text.remove_prefix(1);
    }
    // One to three digits, no leading zeros (Go's net.ParseIP is as strict).
    std::size_t digits = 0;
    while (digits < text.size() && digits < 4 && text[digits] >= '0' && text[digits] <= '9') {
      ++digits;
    }
    if (digits == 0 || digits > 3 || (digits > 1 && text.front() == '0')) return std::nullopt;
    unsigned value = 0;
    std::from_chars(text.data(), text.data() + digits, value);
    if (value > 255) return std::nullopt;
    address = (address << 8) | value;
    text.remove_prefix(digits);
  }
  if (!text.empty()) return std::nullopt;
  return address;
}

std::string format_ipv4(std::uint32_t a) {
  return std::to_string(a >> 24) + "." + std::to_string((a >> 16) & 255) + "." +
         std::to_string((a >> 8) & 255) + "." + std::to_string(a & 255);
}

apimachinery::Result<Cidr> Cidr::parse(std::string_view text) {
  const std::string quoted = "\"" + std::string(text) + "\"";
  auto slash = text.find('/');
  if (slash == std::string_view::npos) {
    return apimachinery::Error{quoted + " is not a CIDR block like 127.64.0.0/16"};
  }
  auto address = parse_ipv4(text.substr(0, slash));
  std::string_view bits = text.substr(slash + 1);
  int prefix = -1;
  auto [end, ec] = std::from_chars(bits.data(), bits.data() + bits.size(), prefix);
  if (!address || ec != std::errc() || end != bits.data() + bits.size() || prefix < 0 ||
      prefix > 32) {
    return apimachinery::Error{quoted + " is not a CIDR block like 127.64.0.0/16"};
  }
  Cidr cidr{*address, prefix};
  if (prefix < 32 && (*address & ((std::uint32_t{1} << (32 - prefix)) - 1)) != 0) {
    return apimachinery::Error{quoted + " has host bits set (the block starts at " +
                               format_ipv4(*address & ~((std::uint32_t{1} << (32 - prefix)) - 1)) +
                               ")"};
  }
  if (prefix < 8 || (*address >> 24) != 127) {
    return apimachinery::Error{quoted +
                               " is outside 127.0.0.0/8: simulated addresses must be loopback "
                               "addresses, which are all local"};
  }
  return cidr;
}

std::string Cidr::to_string() const { return format_ipv4(base) + "/" + std::to_string(prefix); }

}  // namespace dynop::sim
