#pragma once
// Nodes by label: for every key, the nodes carrying it and, per value, the
// nodes carrying that value. Fed by node events; `generation` changes with
// every label change, so masks computed from the index can be cached.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "plugins/gpu-scheduler/node_set.hpp"

namespace dynop::plugins::gpu_scheduler {

class LabelIndex {
 public:
  using Labels = std::vector<std::pair<std::string, std::string>>;  // sorted by key

  // Replaces node `node`'s labels (empty: it has none, e.g. removed). Returns
  // whether anything changed.
  bool set(std::size_t node, Labels labels);

  // Nodes whose label `key` has `value` (an empty set if none).
  const NodeSet& equals(std::string_view key, std::string_view value) const;
  // Nodes carrying `key`.
  const NodeSet& has_key(std::string_view key) const;
  // Every value of `key` with its nodes.
  const std::map<std::string, NodeSet, std::less<>>* values_of(std::string_view key) const;
  // The value of `key` on `node`, if any.
  std::optional<std::string_view> value(std::size_t node, std::string_view key) const;

  std::size_t size() const { return labels_.size(); }  // node slots seen
  std::uint64_t generation() const { return generation_; }

 private:
  struct Key {
    NodeSet nodes;
    std::map<std::string, NodeSet, std::less<>> values;
  };
  std::map<std::string, Key, std::less<>> keys_;
  std::vector<Labels> labels_;  // by node
  std::uint64_t generation_ = 0;
  NodeSet empty_;
};

}  // namespace dynop::plugins::gpu_scheduler
