#include "host/scheduler/cluster_state.hpp"

namespace dynop::host::scheduler {
namespace {

dynop_str c(const std::string& s) { return dynop_str{s.data(), s.size()}; }

}  // namespace

void ClusterState::sync_resources() {
  if (resource_count_ == resources_.size()) return;
  resource_count_ = resources_.size();
  for (uint32_t i = 0; i < slots_.size(); ++i) {
    if (!slots_[i]) continue;
    slots_[i]->allocatable.resize(resource_count_, 0);
    slots_[i]->requested.resize(resource_count_, 0);
    // A resource met now may be one a node already reports.
    for (const auto& [name, amount] : slots_[i]->info.allocatable)
      slots_[i]->allocatable[resources_.intern(name)] = amount;
    refresh(i);
  }
}

void ClusterState::refresh(uint32_t index) {
  Slot& s = *slots_[index];
  s.c_labels.clear();
  s.c_taints.clear();
  if (s.exists) {
    for (const auto& [k, v] : s.info.labels) s.c_labels.push_back(dynop_label{c(k), c(v)});
    for (const TaintInfo& t : s.info.taints)
      s.c_taints.push_back(dynop_taint{c(t.key), c(t.value), t.effect});
  }
  if (views_.size() <= index) views_.resize(index + 1);
  dynop_node_view& v = views_[index];
  v = dynop_node_view{};
  v.struct_size = sizeof(dynop_node_view);
  v.name = c(s.info.name);
  v.labels = s.c_labels.data();
  v.label_count = s.c_labels.size();
  v.taints = s.c_taints.data();
  v.taint_count = s.c_taints.size();
  v.allocatable = s.allocatable.data();
  v.requested = s.requested.data();
  if (s.exists) {
    v.flags = DYNOP_NODE_EXISTS;
    if (s.info.ready) v.flags |= DYNOP_NODE_READY;
    if (s.info.unschedulable) v.flags |= DYNOP_NODE_UNSCHEDULABLE;
  }
}

uint32_t ClusterState::slot_for(const std::string& name) {
  auto it = by_name_.find(name);
  if (it != by_name_.end()) return it->second;
  uint32_t index;
  if (!free_slots_.empty()) {
    index = free_slots_.back();
    free_slots_.pop_back();
  } else {
    index = static_cast<uint32_t>(slots_.size());
    slots_.emplace_back();
  }
  auto slot = std::make_unique<Slot>();
  slot->info.name = name;
  slot->allocatable.assign(resource_count_, 0);
  slot->requested.assign(resource_count_, 0);
  slots_[index] = std::move(slot);
  by_name_.emplace(name, index);
  refresh(index);
  return index;
}

void ClusterState::release_if_empty(uint32_t index) {
  Slot& s = *slots_[index];
  if (s.exists || s.pods > 0) return;
  by_name_.erase(s.info.name);
  slots_[index].reset();
  views_[index] = dynop_node_view{};
  views_[index].struct_size = sizeof(dynop_node_view);
  free_slots_.push_back(index);
}

bool ClusterState::upsert_node(NodeInfo info) {
  for (const auto& [name, amount] : info.allocatable) resources_.intern(name);
  sync_resources();  // every slot sized for the resources met so far, this node's included
  const uint32_t index = slot_for(info.name);
  Slot& s = *slots_[index];
  const bool added = !s.exists;
  if (!added && s.info == info) return false;
  s.info = std::move(info);
  std::fill(s.allocatable.begin(), s.allocatable.end(), 0);
  for (const auto& [name, amount] : s.info.allocatable)
    s.allocatable[resources_.intern(name)] = amount;
  if (added) ++existing_;
  s.exists = true;
  refresh(index);
  if (listener_) listener_->on_node(index, added ? DYNOP_NODE_ADDED : DYNOP_NODE_UPDATED);
  return true;
}

bool ClusterState::remove_node(std::string_view name) {
  auto it = by_name_.find(std::string(name));
  if (it == by_name_.end()) return false;
  const uint32_t index = it->second;
  Slot& s = *slots_[index];
  if (!s.exists) return false;
  // The listener sees the node's last state, then the slot is emptied.
  if (listener_) listener_->on_node(index, DYNOP_NODE_REMOVED);
  s.exists = false;
  --existing_;
  s.info = NodeInfo{s.info.name, {}, {}, {}, false, false};
  std::fill(s.allocatable.begin(), s.allocatable.end(), 0);
  refresh(index);
  release_if_empty(index);
  return true;
}

void ClusterState::add_requests(Slot& slot, const std::vector<dynop_resource_amount>& requests,
                                int sign) {
  for (const dynop_resource_amount& r : requests)
    if (r.resource < slot.requested.size()) slot.requested[r.resource] += sign * r.amount;
}

void ClusterState::count(const std::string& key, const PodView& pod, const std::string& node_name) {
  sync_resources();
  auto it = counted_.find(key);
  if (it != counted_.end()) {
    if (slots_[it->second.node] && slots_[it->second.node]->info.name == node_name) return;
    uncount(key, pod);
  }
  const uint32_t index = slot_for(node_name);
  Slot& s = *slots_[index];
  add_requests(s, pod.requests(), 1);
  ++s.pods;
  counted_.emplace(key, Counted{index, pod.requests()});
  if (listener_) listener_->on_pod(pod.view(), index, DYNOP_POD_ASSIGNED);
}

bool ClusterState::uncount(const std::string& key, const PodView& pod) {
  auto it = counted_.find(key);
  if (it == counted_.end()) return false;
  const uint32_t index = it->second.node;
  Slot& s = *slots_[index];
  add_requests(s, it->second.requests, -1);
  --s.pods;
  counted_.erase(it);
  if (listener_) listener_->on_pod(pod.view(), index, DYNOP_POD_UNASSIGNED);
  release_if_empty(index);
  return true;
}

std::optional<uint32_t> ClusterState::counted_on(const std::string& key) const {
  auto it = counted_.find(key);
  if (it == counted_.end()) return std::nullopt;
  return it->second.node;
}

const dynop_cluster_view& ClusterState::view() {
  sync_resources();
  view_ = dynop_cluster_view{};
  view_.struct_size = sizeof(dynop_cluster_view);
  view_.nodes = views_.empty() ? nullptr : views_.data();
  view_.node_count = views_.size();
  view_.resource_names = resources_.c_names();
  view_.resource_count = resources_.size();
  return view_;
}

std::optional<uint32_t> ClusterState::index_of(std::string_view node) const {
  auto it = by_name_.find(std::string(node));
  if (it == by_name_.end()) return std::nullopt;
  return it->second;
}

std::string_view ClusterState::name_of(uint32_t node) const {
  return node < slots_.size() && slots_[node] ? std::string_view(slots_[node]->info.name)
                                              : std::string_view();
}

bool ClusterState::exists(uint32_t node) const {
  return node < slots_.size() && slots_[node] && slots_[node]->exists;
}

std::vector<uint32_t> ClusterState::existing_nodes() const {
  std::vector<uint32_t> out;
  out.reserve(existing_);
  for (uint32_t i = 0; i < slots_.size(); ++i)
    if (slots_[i] && slots_[i]->exists) out.push_back(i);
  return out;
}

bool ClusterState::fits(uint32_t node, const std::vector<dynop_resource_amount>& requests) {
  sync_resources();
  if (!exists(node)) return false;
  const Slot& s = *slots_[node];
  for (const dynop_resource_amount& r : requests)
    if (r.resource >= s.allocatable.size() ||
        s.allocatable[r.resource] - s.requested[r.resource] < r.amount)
      return false;
  return true;
}

}  // namespace dynop::host::scheduler
