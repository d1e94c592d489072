#pragma once
// GPU supply and pinned demand per product, kept incrementally so scoring
// can ask "would this pod take what pending pinned pods need?" in O(1).
//
// Supply: the free GPUs (per GPU resource) of every schedulable, untainted
// node, summed by its nvidia.com/gpu.product. Demand: the GPUs that pending pods ask for
// when their nodeSelector / required node affinity admits only some products
// (a pod admitting several counts toward each of them: each is kept for it).
// For a pod that may run on any product, each product is then at one of
// three levels: free (no pinned pod wants it), pinned (pinned pods want it,
// pending, or placed there since this plugin started, but taking the pod's
// GPUs leaves what the pending ones need) or short (it does not).
//
// The host says when a pending pod appears (pod_group, pre_filter), when it
// is placed (pod_event ASSIGNED) and, since ABI 1.3, when it leaves the queue
// unplaced (PENDING_GONE: deleted, terminal, another scheduler's), so every
// demand entry ends with its pod: none waits out a timer.

#include <cstdint>
#include <dynop/sdk/placement_views.hpp>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace dynop::plugins::gpu_scheduler {

class ProductBalance {
 public:
  using Free = std::vector<std::pair<sdk::ResourceId, int64_t>>;  // per GPU resource

  // Node `node` is of `product` ("": none, or not schedulable) with `free`
  // GPUs: replaces what it contributed before.
  void set_supply(std::size_t node, std::string_view product, Free free);

  // Pending pod `uid`, which may run only on nodes of `products`, asks for
  // `amount` of `resource`: replaces its previous entry.
  void set_demand(const std::string& uid, const std::vector<std::string>& products,
                  sdk::ResourceId resource, int64_t amount);
  // The pod no longer pins anything while pending: placed, gone without
  // being placed (pod_event PENDING_GONE), or its rules now admit every
  // product. Idempotent.
  void drop_demand(const std::string& uid);

  // A pinned pod `uid` now counts on `node` (placed, or reserved by the
  // host): its demand ends, and if it was pending here its node's product
  // keeps it as a pinned user until unplaced.
  void placed(const std::string& uid, std::size_t node);
  void unplaced(const std::string& uid);

  bool any_demand() const { return demanding_pods_ > 0; }
  bool any_pinned() const { return demanding_pods_ > 0 || !placed_.empty(); }

  enum class Level { kFree = 0, kPinned = 1, kShort = 2 };
  // The level of `node`'s product for a pod taking `amount` of `resource`.
  Level level(std::size_t node, sdk::ResourceId resource, int64_t amount) const;
  // The products at `level` for such a pod.
  std::vector<std::string_view> products_at(Level level, sdk::ResourceId resource,
                                            int64_t amount) const;

  int64_t supply(std::string_view product, sdk::ResourceId resource) const;
  int64_t demand(std::string_view product, sdk::ResourceId resource) const;

 private:
  int product_id(std::string_view product);  // -1 for ""
  int find_product(std::string_view product) const;
  struct Totals {
    int64_t supply = 0;
    int64_t demand = 0;
  };
  Totals& totals(int product, sdk::ResourceId resource) { return totals_[{product, resource}]; }
  bool short_for(const Totals& t, int64_t amount) const {
    return t.demand > 0 && t.supply - amount < t.demand;
  }
  Level level_of(int product, sdk::ResourceId resource, int64_t amount) const;

  std::vector<std::string> names_;  // by product id
  std::map<std::pair<int, sdk::ResourceId>, Totals> totals_;
  struct NodeSupply {
    int product = -1;
    Free free;
  };
  std::vector<NodeSupply> nodes_;
  struct Demand {
    std::vector<int> products;
    sdk::ResourceId resource = 0;
    int64_t amount = 0;
  };
  std::unordered_map<std::string, Demand> demands_;
  std::size_t demanding_pods_ = 0;
  // By product id: pending pinned pods naming it, pinned pods placed there.
  std::vector<int64_t> pending_pods_, placed_pods_;
  std::unordered_map<std::string, int> placed_;  // uid -> product id
};

}  // namespace dynop::plugins::gpu_scheduler
