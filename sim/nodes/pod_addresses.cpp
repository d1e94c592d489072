#include "sim/nodes/pod_addresses.hpp"

namespace dynop::sim {

std::optional<std::uint32_t> PodAddresses::allocate() {
  const std::size_t n = capacity();
  for (std::size_t tries = 0; tries < n; ++tries) {
    std::uint32_t candidate = next_;
    next_ = candidate >= last() ? first() : candidate + 1;
    if (used_.insert(candidate).second) return candidate;
  }
  return std::nullopt;
}

bool PodAddresses::reserve(std::uint32_t address) {
  if (address < first() || address > last()) return false;
  return used_.insert(address).second;
}

}  // namespace dynop::sim
