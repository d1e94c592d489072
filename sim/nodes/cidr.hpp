#pragma once
// IPv4 address blocks in 127.0.0.0/8, where every address is local on Linux:
// dynop-sim gives each node and each pod its own loopback address there, so
// the kubelet port of a node and the container ports of a pod are served at
// the addresses the API shows, as in a cluster.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "lib/apimachinery/result.hpp"

namespace dynop::sim {

std::optional<std::uint32_t> parse_ipv4(std::string_view text);
std::string format_ipv4(std::uint32_t address);

struct Cidr {
  std::uint32_t base = 0;  // host order, host bits zero
  int prefix = 32;

  // "127.64.0.0/16"; refused (with why) when malformed, when host bits are
  // set or when it leaves 127.0.0.0/8.
  static apimachinery::Result<Cidr> parse(std::string_view text);

  std::uint64_t size() const { return std::uint64_t{1} << (32 - prefix); }
  // The i-th address of the block (i < size()).
  std::uint32_t at(std::uint64_t i) const { return base + static_cast<std::uint32_t>(i); }
  bool contains(std::uint32_t address) const {
    return prefix == 0 || (address >> (32 - prefix)) == (base >> (32 - prefix));
  }
  // The i-th sub-block of prefix `sub_prefix` (>= prefix).
  Cidr subnet(std::uint64_t i, int sub_prefix) const {
    return Cidr{base + static_cast<std::uint32_t>(i << (32 - sub_prefix)), sub_prefix};
  }
  std::string to_string() const;
  bool operator==(const Cidr&) const = default;
};

}  // namespace dynop::sim
