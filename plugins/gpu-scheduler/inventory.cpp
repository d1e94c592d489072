#include "plugins/gpu-scheduler/inventory.hpp"

#include "plugins/gpu-scheduler/node_affinity.hpp"

namespace dynop::plugins::gpu_scheduler {

bool is_gpu_resource(std::string_view name) {
  return name == kGpuResource || name.starts_with(kMigResourcePrefix);
}

void Inventory::ensure_slots(std::size_t n) {
  if (n <= slots_) return;
  slots_ = n;
  ensure_size(ready_, n);
  ensure_size(cordoned_, n);
  taints_.resize(n);
  for (auto& [id, b] : gpu_) {
    b.free.resize(n, kAbsent);
    for (auto& [free, set] : b.by_free) ensure_size(set, n);
  }
}

const std::vector<Taint>& Inventory::taints(sdk::NodeIndex node) const {
  static const std::vector<Taint> kNone;
  return node < taints_.size() ? taints_[node] : kNone;
}

const std::map<int64_t, NodeSet>* Inventory::by_free(sdk::ResourceId resource) const {
  auto it = gpu_.find(resource);
  return it == gpu_.end() ? nullptr : &it->second.by_free;
}

std::vector<std::pair<sdk::ResourceId, int64_t>> Inventory::gpu_free(sdk::NodeIndex node) const {
  std::vector<std::pair<sdk::ResourceId, int64_t>> out;
  for (const auto& [id, b] : gpu_)
    if (node < b.free.size() && b.free[node] != kAbsent) out.emplace_back(id, b.free[node]);
  return out;
}

void Inventory::refresh_gpu_resources(const sdk::ClusterView& cluster) {
  for (; resources_seen_ < cluster.resource_count(); ++resources_seen_) {
    const auto id = static_cast<sdk::ResourceId>(resources_seen_);
    if (!is_gpu_resource(cluster.resource_name(id))) continue;
    Buckets& b = gpu_[id];
    b.free.assign(slots_, kAbsent);
    // Nodes seen before the resource was: bucket them now.
    for (std::size_t n = 0; n < slots_ && n < cluster.node_count(); ++n) {
      const sdk::NodeView node = cluster.node(static_cast<sdk::NodeIndex>(n));
      if (!node.exists() || node.allocatable(id) <= 0) continue;
      const int64_t free = node.free(id);
      b.free[n] = free;
      NodeSet& set = b.by_free[free];
      ensure_size(set, slots_);
      set.set(n);
    }
  }
}

void Inventory::rebucket(const sdk::ClusterView& cluster, sdk::NodeIndex node, bool present) {
  const sdk::NodeView view = cluster.node(node);
  for (auto& [id, b] : gpu_) {
    const int64_t before = b.free[node];
    const int64_t after =
        present && view.exists() && view.allocatable(id) > 0 ? view.free(id) : kAbsent;
    if (before == after) continue;
    if (before != kAbsent) {
      auto it = b.by_free.find(before);
      if (it != b.by_free.end()) {
        it->second.reset(node);
        if (it->second.none()) b.by_free.erase(it);
      }
    }
    if (after != kAbsent) {
      NodeSet& set = b.by_free[after];
      ensure_size(set, slots_);
      set.set(node);
    }
    b.free[node] = after;
  }
}

void Inventory::on_node(const sdk::ClusterView& cluster, sdk::NodeIndex node,
                        sdk::NodeEvent event) {
  ensure_slots(std::max<std::size_t>(cluster.node_count(), node + 1));
  refresh_gpu_resources(cluster);
  const sdk::NodeView view = cluster.node(node);
  const bool present = event != sdk::NodeEvent::kRemoved && view.exists();

  const bool was_ready = ready_.test(node), was_cordoned = cordoned_.test(node);
  ready_.set(node, present && view.ready());
  cordoned_.set(node, present && view.unschedulable());
  bool changed = was_ready != ready_.test(node) || was_cordoned != cordoned_.test(node);

  std::vector<Taint> taints;
  if (present)
    for (sdk::TaintView t : view.taints())
      taints.push_back(Taint{std::string(t.key()), std::string(t.value()), t.effect()});
  if (taints != taints_[node]) {
    taints_[node] = std::move(taints);
    changed = true;
  }

  LabelIndex::Labels labels;
  LabelIndex::Labels fields;
  if (present) {
    for (sdk::Label l : view.labels()) labels.emplace_back(l.name, l.value);
    fields.emplace_back(std::string(kNodeNameField), std::string(view.name()));
  }
  changed = labels_.set(node, std::move(labels)) || changed;
  changed = fields_.set(node, std::move(fields)) || changed;
  if (changed) ++generation_;
  rebucket(cluster, node, present);
}

void Inventory::on_usage(const sdk::ClusterView& cluster, sdk::NodeIndex node) {
  ensure_slots(std::max<std::size_t>(cluster.node_count(), node + 1));
  refresh_gpu_resources(cluster);
  rebucket(cluster, node, true);
}

}  // namespace dynop::plugins::gpu_scheduler
