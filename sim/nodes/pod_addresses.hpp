#pragma once
// The pod addresses of one node: its pod CIDR minus the network address, the
// gateway (.1, as a CNI bridge takes it) and the broadcast address. Handed
// out round-robin, so an address a pod just gave up is not reused at once
// (a scraper may still hold it). Not thread-safe: the kubelet serialises.

#include <cstdint>
#include <optional>
#include <set>

#include "sim/nodes/cidr.hpp"

namespace dynop::sim {

class PodAddresses {
 public:
  explicit PodAddresses(Cidr cidr) : cidr_(cidr), next_(first()) {}

  // A free address, or nullopt when the block is full.
  std::optional<std::uint32_t> allocate();
  // Takes an address a pod already has (after a restart of the sim); false
  // when it is outside the block or already taken.
  bool reserve(std::uint32_t address);
  void release(std::uint32_t address) { used_.erase(address); }
  std::size_t in_use() const { return used_.size(); }
  std::size_t capacity() const { return last() >= first() ? last() - first() + 1 : 0; }

 private:
  std::uint32_t first() const { return cidr_.at(cidr_.size() > 4 ? 2 : 0); }
  std::uint32_t last() const {
    return cidr_.at(cidr_.size() > 4 ? cidr_.size() - 2 : cidr_.size() - 1);
  }

  Cidr cidr_;
  std::uint32_t next_;
  std::set<std::uint32_t> used_;
};

}  // namespace dynop::sim
