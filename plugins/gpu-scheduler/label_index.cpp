#include "plugins/gpu-scheduler/label_index.hpp"

#include <algorithm>

namespace dynop::plugins::gpu_scheduler {

bool LabelIndex::set(std::size_t node, Labels labels) {
  if (labels_.size() <= node) labels_.resize(node + 1);
  Labels& old = labels_[node];
  if (old == labels) return false;
  for (const auto& [k, v] : old) {
    auto key = keys_.find(k);
    if (key == keys_.end()) continue;
    if (node < key->second.nodes.size()) key->second.nodes.reset(node);
    auto value = key->second.values.find(v);
    if (value != key->second.values.end()) {
      if (node < value->second.size()) value->second.reset(node);
      if (value->second.none()) key->second.values.erase(value);
    }
    if (key->second.nodes.none()) keys_.erase(key);
  }
  for (const auto& [k, v] : labels) {
    Key& key = keys_[k];
    ensure_size(key.nodes, node + 1);
    key.nodes.set(node);
    NodeSet& value = key.values[v];
    ensure_size(value, node + 1);
    value.set(node);
  }
  old = std::move(labels);
  ++generation_;
  return true;
}

const NodeSet& LabelIndex::equals(std::string_view key, std::string_view value) const {
  auto k = keys_.find(key);
  if (k == keys_.end()) return empty_;
  auto v = k->second.values.find(value);
  return v == k->second.values.end() ? empty_ : v->second;
}

const NodeSet& LabelIndex::has_key(std::string_view key) const {
  auto k = keys_.find(key);
  return k == keys_.end() ? empty_ : k->second.nodes;
}

const std::map<std::string, NodeSet, std::less<>>* LabelIndex::values_of(
    std::string_view key) const {
  auto k = keys_.find(key);
  return k == keys_.end() ? nullptr : &k->second.values;
}

std::optional<std::string_view> LabelIndex::value(std::size_t node, std::string_view key) const {
  if (node >= labels_.size()) return std::nullopt;
  const Labels& labels = labels_[node];
  auto it = std::lower_bound(labels.begin(), labels.end(), key,
                             [](const auto& l, std::string_view k) { return l.first < k; });
  if (it == labels.end() || it->first != key) return std::nullopt;
  return std::string_view(it->second);
}

}  // namespace dynop::plugins::gpu_scheduler
