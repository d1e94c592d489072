#include "plugins/gpu-scheduler/product_balance.hpp"

#include <algorithm>

namespace dynop::plugins::gpu_scheduler {

int ProductBalance::find_product(std::string_view product) const {
  if (product.empty()) return -1;
  for (std::size_t i = 0; i < names_.size(); ++i)
    if (names_[i] == product) return static_cast<int>(i);
  return -1;
}

int ProductBalance::product_id(std::string_view product) {
  if (product.empty()) return -1;
  if (int id = find_product(product); id >= 0) return id;
  names_.emplace_back(product);
  pending_pods_.push_back(0);
  placed_pods_.push_back(0);
  return static_cast<int>(names_.size() - 1);
}

void ProductBalance::set_supply(std::size_t node, std::string_view product, Free free) {
  if (nodes_.size() <= node) nodes_.resize(node + 1);
  NodeSupply& n = nodes_[node];
  // Unchanged product (the usual case: a pod came or went): no name lookup.
  const int id = n.product >= 0 && names_[n.product] == product ? n.product : product_id(product);
  if (id == n.product && free == n.free) return;
  if (n.product >= 0)
    for (const auto& [resource, amount] : n.free) totals(n.product, resource).supply -= amount;
  n.product = id;
  n.free = std::move(free);
  if (n.product >= 0)
    for (const auto& [resource, amount] : n.free) totals(n.product, resource).supply += amount;
}

void ProductBalance::set_demand(const std::string& uid, const std::vector<std::string>& products,
                                sdk::ResourceId resource, int64_t amount) {
  // The usual case, a pod tried again unchanged: nothing moves.
  if (auto it = demands_.find(uid); it != demands_.end()) {
    const Demand& d = it->second;
    bool same =
        d.resource == resource && d.amount == amount && d.products.size() == products.size();
    for (std::size_t i = 0; same && i < products.size(); ++i)
      same = names_[d.products[i]] == products[i];
    if (same) return;
  }
  drop_demand(uid);
  if (products.empty() || amount <= 0) return;
  Demand d;
  d.resource = resource;
  d.amount = amount;
  for (const std::string& p : products) {
    const int id = product_id(p);
    d.products.push_back(id);
    totals(id, resource).demand += amount;
    ++pending_pods_[id];
  }
  demands_.emplace(uid, std::move(d));
  ++demanding_pods_;
}

void ProductBalance::drop_demand(const std::string& uid) {
  auto it = demands_.find(uid);
  if (it == demands_.end()) return;
  for (int id : it->second.products) {
    totals(id, it->second.resource).demand -= it->second.amount;
    --pending_pods_[id];
  }
  demands_.erase(it);
  --demanding_pods_;
}

void ProductBalance::placed(const std::string& uid, std::size_t node) {
  if (!demands_.contains(uid)) return;  // not a pending pinned pod
  drop_demand(uid);
  unplaced(uid);
  const int product = node < nodes_.size() ? nodes_[node].product : -1;
  if (product < 0) return;
  placed_[uid] = product;
  ++placed_pods_[product];
}

void ProductBalance::unplaced(const std::string& uid) {
  auto it = placed_.find(uid);
  if (it == placed_.end()) return;
  --placed_pods_[it->second];
  placed_.erase(it);
}

ProductBalance::Level ProductBalance::level_of(int product, sdk::ResourceId resource,
                                               int64_t amount) const {
  if (product < 0) return Level::kFree;
  if (pending_pods_[product] > 0) {
    auto it = totals_.find({product, resource});
    if (it != totals_.end() && short_for(it->second, amount)) return Level::kShort;
    return Level::kPinned;
  }
  return placed_pods_[product] > 0 ? Level::kPinned : Level::kFree;
}

ProductBalance::Level ProductBalance::level(std::size_t node, sdk::ResourceId resource,
                                            int64_t amount) const {
  if (!any_pinned() || node >= nodes_.size()) return Level::kFree;
  return level_of(nodes_[node].product, resource, amount);
}

std::vector<std::string_view> ProductBalance::products_at(Level level, sdk::ResourceId resource,
                                                          int64_t amount) const {
  std::vector<std::string_view> out;
  if (!any_pinned()) return out;
  for (std::size_t p = 0; p < names_.size(); ++p)
    if (level_of(static_cast<int>(p), resource, amount) == level) out.push_back(names_[p]);
  return out;
}

int64_t ProductBalance::supply(std::string_view product, sdk::ResourceId resource) const {
  auto it = totals_.find({find_product(product), resource});
  return it == totals_.end() ? 0 : it->second.supply;
}

int64_t ProductBalance::demand(std::string_view product, sdk::ResourceId resource) const {
  auto it = totals_.find({find_product(product), resource});
  return it == totals_.end() ? 0 : it->second.demand;
}

}  // namespace dynop::plugins::gpu_scheduler
