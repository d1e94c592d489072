#pragma once
// A set of node indexes as a bitset: the plugin's indexes answer "which nodes
// have label k=v", "which tolerate these taints", "which have 3 GPUs free" as
// NodeSets, and a pod's candidates are their intersection, a few hundred
// word operations for 5,000 nodes.

#include <bit>
#include <boost/dynamic_bitset.hpp>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace dynop::plugins::gpu_scheduler {

using NodeSet = boost::dynamic_bitset<std::uint64_t>;

// Grows `set` (with zeros) to hold index n - 1.
inline void ensure_size(NodeSet& set, std::size_t n) {
  if (set.size() < n) set.resize(n);
}

// a &= b over a's size (b is read as zero beyond its own size).
inline void intersect(NodeSet& a, const NodeSet& b) {
  if (b.size() == a.size()) {
    a &= b;
    return;
  }
  NodeSet copy = b;
  copy.resize(a.size());
  a &= copy;
}

// a |= b, growing a to b's size.
inline void unite(NodeSet& a, const NodeSet& b) {
  if (a.size() < b.size()) a.resize(b.size());
  if (b.size() == a.size()) {
    a |= b;
    return;
  }
  NodeSet copy = b;
  copy.resize(a.size());
  a |= copy;
}

// Calls f(index) for every node in `set`, in increasing order. Word by
// word (a copy of the blocks, then one count-trailing-zeros per node):
// pre_filter lists thousands of candidates per pod, and find_next() per
// node cost four times as much.
template <class F>
void for_each_node(const NodeSet& set, F&& f) {
  std::vector<NodeSet::block_type> blocks(set.num_blocks());
  boost::to_block_range(set, blocks.begin());
  for (std::size_t w = 0; w < blocks.size(); ++w)
    for (NodeSet::block_type bits = blocks[w]; bits != 0; bits &= bits - 1)
      f(w * NodeSet::bits_per_block + static_cast<std::size_t>(std::countr_zero(bits)));
}

}  // namespace dynop::plugins::gpu_scheduler
