#include "plugins/gpu-scheduler/gpu_scheduler.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "plugins/gpu-scheduler/gang.hpp"

namespace dynop::plugins::gpu_scheduler {
namespace {

// Contexts and masks are small; the caches are cut back when they grow past
// this many entries (pods come and go, signatures mostly repeat).
constexpr std::size_t kMaxCached = 1024;

std::optional<std::pair<sdk::ResourceId, int64_t>> gpu_request(const sdk::ClusterView& cluster,
                                                               const sdk::PodView& pod) {
  for (sdk::ResourceAmount r : pod.requests())
    if (r.amount > 0 && is_gpu_resource(cluster.resource_name(r.resource)))
      return std::make_pair(r.resource, r.amount);
  return std::nullopt;
}

}  // namespace

GpuScheduler::GpuScheduler(GpuSchedulerConfig config) : config_(std::move(config)) {}

sdk::PlacementSpec GpuScheduler::placement_spec() const {
  return {config_.scheduler_name, config_.nodes_to_score};
}

sdk::PodGroup GpuScheduler::pod_group(const sdk::PodView& pod) const {
  return pod_group_of(pod, config_);
}

const NodeSet& GpuScheduler::taint_mask(const PodTolerations& tolerations) {
  return cached_mask(taint_masks_, tolerations.signature(), [&] {
    NodeSet nodes(inventory_.slots());
    for (std::size_t n = 0; n < inventory_.slots(); ++n) {
      const auto& taints = inventory_.taints(static_cast<sdk::NodeIndex>(n));
      if (taints.empty() || tolerations.first_untolerated(taints) == nullptr) nodes.set(n);
    }
    return nodes;
  });
}

const NodeSet& GpuScheduler::affinity_mask(const NodeAffinity& affinity) {
  return cached_mask(affinity_masks_, affinity.signature(), [&] {
    return affinity.matching(inventory_.labels(), inventory_.fields(), inventory_.slots());
  });
}

const GpuScheduler::PodContext& GpuScheduler::context(const sdk::ClusterView& cluster,
                                                      const sdk::PodView& pod) {
  const std::string uid(pod.uid());
  auto found = contexts_.find(uid);
  if (found != contexts_.end() && found->second.generation == inventory_.generation() + 1)
    return found->second;
  if (contexts_.size() >= kMaxCached) contexts_.clear();
  if (taint_masks_.size() >= kMaxCached) taint_masks_.clear();
  if (affinity_masks_.size() >= kMaxCached) affinity_masks_.clear();

  PodContext ctx;
  ctx.uid = uid;
  ctx.generation = inventory_.generation() + 1;
  ctx.scoring = config_.scoring;
  if (auto annotation = pod.annotation(kScoringAnnotation);
      annotation && !parse_scoring(*annotation, ctx.scoring)) {
    ctx.error = fmt::format("annotation {}: must be \"binpack\" or \"spread\", not \"{}\"",
                            kScoringAnnotation, *annotation);
  }
  ctx.tolerations = PodTolerations::of(pod);
  ctx.affinity = NodeAffinity::of(pod);
  ctx.rules = inventory_.ready();
  if (!ctx.tolerations.tolerates_unschedulable()) ctx.rules -= inventory_.cordoned();
  intersect(ctx.rules, taint_mask(ctx.tolerations));
  if (!ctx.affinity.empty()) intersect(ctx.rules, affinity_mask(ctx.affinity));
  if (auto gpu = gpu_request(cluster, pod)) {
    ctx.gpu = gpu->first;
    ctx.gpu_amount = gpu->second;
  }
  ctx.graph = graph_of(pod);
  if (config_.reserve_pinned_gpu_products && ctx.gpu)
    ctx.pinned_products = pinned_products(ctx.affinity);
  return contexts_[uid] = std::move(ctx);
}

const std::vector<std::string>& GpuScheduler::pinned_products(const NodeAffinity& affinity) {
  static const std::vector<std::string> kNotPinned;
  if (affinity.empty()) return kNotPinned;
  if (pinned_by_signature_.size() >= kMaxCached) pinned_by_signature_.clear();
  CachedProducts& cached = pinned_by_signature_[affinity.signature()];
  if (cached.generation == inventory_.generation() + 1) return cached.products;
  cached.generation = inventory_.generation() + 1;
  cached.products.clear();
  const auto* values = inventory_.labels().values_of(kGpuProductLabel);
  if (values == nullptr) return cached.products;
  const NodeSet& mask = affinity_mask(affinity);
  bool every_product = true;
  for (const auto& [product, nodes] : *values) {
    if (nodes.none()) continue;
    NodeSet admitted = nodes;
    intersect(admitted, mask);
    if (admitted.any()) {
      cached.products.push_back(product);
    } else {
      every_product = false;
    }
  }
  if (every_product) cached.products.clear();
  return cached.products;
}

void GpuScheduler::on_pending(const sdk::PodView& pod) {
  if (!pod.node_name().empty()) return;  // seen first bound: not pending
  // Room in counted_ for the pods pending now, made as they arrive (between
  // cycles), so that counting the one that fills the table up does not
  // rehash thousands of uids in the middle of a decision (0.9 ms in the
  // in-process bench). A capacity hint: a pod met twice counts twice.
  ++pending_met_;
  const std::size_t room = counted_.size() + pending_met_;
  if (static_cast<float>(room) >
      static_cast<float>(counted_.bucket_count()) * counted_.max_load_factor())
    counted_.reserve(room);
  if (!config_.reserve_pinned_gpu_products) return;
  const std::vector<std::string> products = pinned_products(NodeAffinity::of(pod));
  if (products.empty()) return;
  for (sdk::ResourceAmount r : pod.requests()) {
    if (r.amount > 0 && inventory_.is_gpu(r.resource)) {
      balance_.set_demand(std::string(pod.uid()), products, r.resource, r.amount);
      return;
    }
  }
}

void GpuScheduler::on_pending_gone(const sdk::PodView& pod) {
  if (pending_met_ > 0) --pending_met_;
  const std::string uid(pod.uid());
  balance_.drop_demand(uid);  // at once: it steers no pod free to run anywhere from now on
  contexts_.erase(uid);
}

void GpuScheduler::refresh_supply(sdk::NodeIndex node) {
  // Tainted nodes serve only the pods that tolerate them: left out of the
  // supply, which then errs toward keeping a product for its pinned pods.
  const bool schedulable =
      node < inventory_.slots() && inventory_.ready().test(node) &&
      !inventory_.cordoned().test(node) &&
      std::none_of(inventory_.taints(node).begin(), inventory_.taints(node).end(),
                   [](const Taint& t) { return t.effect != sdk::TaintEffect::kPreferNoSchedule; });
  const auto product = inventory_.labels().value(node, kGpuProductLabel);
  if (!schedulable || !product) {
    balance_.set_supply(node, "", {});
    return;
  }
  balance_.set_supply(node, *product, inventory_.gpu_free(node));
}

NodeSet GpuScheduler::products_at(const PodContext& ctx, ProductBalance::Level level) const {
  NodeSet out;
  if (!config_.reserve_pinned_gpu_products || !ctx.gpu || !ctx.pinned_products.empty() ||
      !balance_.any_pinned())
    return out;
  for (std::string_view product : balance_.products_at(level, *ctx.gpu, ctx.gpu_amount))
    unite(out, inventory_.labels().equals(kGpuProductLabel, product));
  out.resize(inventory_.slots());
  return out;
}

NodeSet GpuScheduler::preferred_products(const std::string& graph) const {
  NodeSet out(inventory_.slots());
  if (!config_.prefer_graph_gpu_product || graph.empty()) return out;
  for (std::string_view product : graph_products_.products(graph))
    unite(out, inventory_.labels().equals(kGpuProductLabel, product));
  out.resize(inventory_.slots());
  return out;
}

sdk::PreFilterResult GpuScheduler::pre_filter(const sdk::ClusterView& cluster,
                                              const sdk::PodView& pod) {
  contexts_.erase(std::string(pod.uid()));  // a new cycle: the pod may have changed
  const PodContext& ctx = context(cluster, pod);
  if (!ctx.error.empty()) return sdk::PreFilterResult::unresolvable(ctx.error);
  // Every attempt refreshes a pinned pod's demand (its rules may have changed).
  if (!ctx.pinned_products.empty()) {
    balance_.set_demand(ctx.uid, ctx.pinned_products, *ctx.gpu, ctx.gpu_amount);
  } else if (balance_.any_demand()) {
    balance_.drop_demand(ctx.uid);
  }
  std::vector<sdk::NodeIndex> candidates;
  candidates.reserve(ctx.rules.count());  // at most every node the rules admit
  if (!ctx.gpu) {
    for_each_node(ctx.rules,
                  [&](std::size_t n) { candidates.push_back(static_cast<sdk::NodeIndex>(n)); });
    return sdk::PreFilterResult::only(std::move(candidates));
  }
  const auto* buckets = inventory_.by_free(*ctx.gpu);
  if (buckets == nullptr) return sdk::PreFilterResult::only({});  // no node has that GPU
  // Fullest nodes that still fit first (binpack), or emptiest first (spread).
  auto walk = [&](const NodeSet& mask) {
    auto take = [&](const NodeSet& bucket) {
      NodeSet nodes = mask;
      intersect(nodes, bucket);
      for_each_node(nodes,
                    [&](std::size_t n) { candidates.push_back(static_cast<sdk::NodeIndex>(n)); });
    };
    if (ctx.scoring == Scoring::kBinpack) {
      for (auto it = buckets->lower_bound(ctx.gpu_amount); it != buckets->end(); ++it)
        take(it->second);
    } else {
      for (auto it = buckets->rbegin(); it != buckets->rend() && it->first >= ctx.gpu_amount; ++it)
        take(it->second);
    }
  };
  // Tiers walked in order: for a pod free to run on any product, products
  // short of what pending pinned pods need last; then the graph's products
  // first; then products no pinned pod wants before those pinned pods want
  // (pending with room, or running there).
  NodeSet shorts = products_at(ctx, ProductBalance::Level::kShort);
  NodeSet pinned = products_at(ctx, ProductBalance::Level::kPinned);
  const NodeSet preferred = preferred_products(ctx.graph);
  if (shorts.none() && pinned.none() && preferred.none()) {
    walk(ctx.rules);
    return sdk::PreFilterResult::only(std::move(candidates));
  }
  std::vector<NodeSet> tiers{ctx.rules};
  auto split = [&](const NodeSet& first) {
    std::vector<NodeSet> out;
    for (const NodeSet& tier : tiers) {
      NodeSet in = tier;
      intersect(in, first);
      NodeSet rest = tier;
      rest -= in;
      out.push_back(std::move(in));
      out.push_back(std::move(rest));
    }
    tiers = std::move(out);
  };
  if (shorts.any()) {
    NodeSet not_short = ctx.rules;
    not_short -= shorts;
    split(not_short);
  }
  if (preferred.any()) split(preferred);
  if (pinned.any()) {
    NodeSet not_pinned = ctx.rules;
    not_pinned -= pinned;
    split(not_pinned);
  }
  for (const NodeSet& tier : tiers)
    if (tier.any()) walk(tier);
  return sdk::PreFilterResult::only(std::move(candidates));
}

sdk::Status GpuScheduler::filter(const sdk::ClusterView& cluster, const sdk::PodView& pod,
                                 std::span<const sdk::NodeIndex> nodes, sdk::FilterResults& out) {
  const PodContext& ctx = context(cluster, pod);
  std::vector<sdk::ResourceAmount> requests(pod.requests().begin(), pod.requests().end());
  if (requests.size() > 64) return sdk::Status::error("a pod with more than 64 resources");

  // Reason ids, looked up once per call.
  std::optional<sdk::ReasonId> not_ready, cordoned, affinity;
  std::map<std::pair<std::string_view, std::string_view>, sdk::ReasonId> taint_reasons;
  std::map<std::uint64_t, sdk::ReasonId> resource_reasons;
  auto unresolvable = [&](std::optional<sdk::ReasonId>& id, std::string_view text) {
    if (!id) id = out.reason(sdk::StatusCode::kUnschedulableAndUnresolvable, {text});
    return *id;
  };
  auto resource_reason = [&](std::uint64_t failed) {
    auto it = resource_reasons.find(failed);
    if (it != resource_reasons.end()) return it->second;
    std::vector<std::string> texts;
    for (std::size_t k = 0; k < requests.size(); ++k)
      if ((failed >> k & 1) && requests[k].resource == sdk::kResourcePods)
        texts.emplace_back(kReasonTooManyPods);
    for (std::size_t k = 0; k < requests.size(); ++k)
      if ((failed >> k & 1) && requests[k].resource != sdk::kResourcePods)
        texts.push_back(
            fmt::format("Insufficient {}", cluster.resource_name(requests[k].resource)));
    return resource_reasons[failed] = out.reason(sdk::StatusCode::kUnschedulable, texts);
  };
  // Most nodes that lack room lack the same resources: the last answer first.
  std::uint64_t last_failed = 0;
  sdk::ReasonId last_reason = 0;
  auto cached_resource_reason = [&](std::uint64_t failed) {
    if (failed != last_failed) {
      last_reason = resource_reason(failed);
      last_failed = failed;
    }
    return last_reason;
  };
  // The requests as plain arrays, and whether every node's amounts can be
  // read without a bounds check per resource (ids the host has met).
  const std::size_t request_count = requests.size();
  std::array<sdk::ResourceId, 64> request_ids{};
  std::array<int64_t, 64> request_amounts{};
  bool ids_known = true;
  for (std::size_t k = 0; k < request_count; ++k) {
    request_ids[k] = requests[k].resource;
    request_amounts[k] = requests[k].amount;
    ids_known = ids_known && requests[k].resource < cluster.resource_count();
  }

  for (std::size_t i = 0; i < nodes.size(); ++i) {
    const sdk::NodeIndex n = nodes[i];
    const sdk::NodeView node = cluster.node(n);
    if (n >= ctx.rules.size() || !ctx.rules.test(n)) {
      // Why the rules reject it, in kube-scheduler's plugin order.
      if (!node.exists() || !node.ready()) {
        out.reject(i, unresolvable(not_ready, kReasonNotReady));
        continue;
      }
      if (node.unschedulable() && !ctx.tolerations.tolerates_unschedulable()) {
        out.reject(i, unresolvable(cordoned, kReasonUnschedulable));
        continue;
      }
      if (const Taint* taint = ctx.tolerations.first_untolerated(inventory_.taints(n))) {
        auto key = std::make_pair(std::string_view(taint->key), std::string_view(taint->value));
        auto it = taint_reasons.find(key);
        if (it == taint_reasons.end()) {
          const std::string text =
              fmt::format("node(s) had untolerated taint {{{}: {}}}", taint->key, taint->value);
          it = taint_reasons
                   .emplace(key, out.reason(sdk::StatusCode::kUnschedulableAndUnresolvable, {text}))
                   .first;
        }
        out.reject(i, it->second);
        continue;
      }
      out.reject(i, unresolvable(affinity, kReasonAffinity));
      continue;
    }
    std::uint64_t failed = 0;
    const dynop_node_view& raw = node.raw();
    if (ids_known && raw.allocatable != nullptr && raw.requested != nullptr) {
      for (std::size_t k = 0; k < request_count; ++k)
        if (raw.allocatable[request_ids[k]] - raw.requested[request_ids[k]] < request_amounts[k])
          failed |= std::uint64_t{1} << k;
    } else {
      for (std::size_t k = 0; k < request_count; ++k)
        if (node.free(request_ids[k]) < request_amounts[k]) failed |= std::uint64_t{1} << k;
    }
    if (failed != 0) out.reject(i, cached_resource_reason(failed));
  }
  return sdk::Status::ok();
}

sdk::Status GpuScheduler::score(const sdk::ClusterView& cluster, const sdk::PodView& pod,
                                std::span<const sdk::NodeIndex> nodes, std::span<int64_t> scores) {
  const PodContext& ctx = context(cluster, pod);
  const sdk::ResourceId resource = ctx.gpu ? *ctx.gpu : sdk::kResourceCpu;
  const int64_t amount = ctx.gpu ? ctx.gpu_amount : pod.request(sdk::kResourceCpu);
  // Nodes of the graph's GPU products, as a bit per node (no label lookups per node).
  NodeSet preferred;
  if (config_.prefer_graph_gpu_product && ctx.gpu && !ctx.graph.empty())
    preferred = preferred_products(ctx.graph);
  const bool prefer = preferred.any();
  // A pod free to run on any product leaves the products pinned pods need.
  const bool reserve = config_.reserve_pinned_gpu_products && ctx.gpu &&
                       ctx.pinned_products.empty() && balance_.any_pinned();
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    const sdk::NodeView node = cluster.node(nodes[i]);
    const int64_t allocatable = node.allocatable(resource);
    int64_t s = 0;
    if (allocatable > 0) {
      const int64_t free_after = std::clamp<int64_t>(node.free(resource) - amount, 0, allocatable);
      s = ctx.scoring == Scoring::kBinpack ? 100 * (allocatable - free_after) / allocatable
                                           : 100 * free_after / allocatable;
    }
    const bool same = prefer && nodes[i] < preferred.size() && preferred.test(nodes[i]);
    if (reserve) {
      // In the pre_filter tiers' order: not short, the graph's product, a
      // product no pinned pod wants; then binpack or spread (0-12).
      const auto level = balance_.level(nodes[i], resource, amount);
      s = (level != ProductBalance::Level::kShort ? 50 : 0) + (same ? 25 : 0) +
          (level == ProductBalance::Level::kFree ? 12 : 0) + s / 8;
    } else if (prefer) {
      s = (same ? 50 : 0) + s / 2;
    }
    scores[i] = s;
  }
  return sdk::Status::ok();
}

void GpuScheduler::on_node(const sdk::ClusterView& cluster, sdk::NodeIndex node,
                           sdk::NodeEvent event) {
  inventory_.on_node(cluster, node, event);
  if (config_.reserve_pinned_gpu_products) refresh_supply(node);
}

void GpuScheduler::on_pod(const sdk::ClusterView& cluster, const sdk::PodView& pod,
                          sdk::NodeIndex node, sdk::PodEvent event) {
  inventory_.on_usage(cluster, node);
  const std::string uid(pod.uid());
  // A placed pod's context is not needed again (another cycle computes it
  // anew): freed now, the contexts left are those of pods still pending, so
  // the cache seldom fills up and is seldom cleared all at once (clearing
  // 1,024 contexts, each with a bitset over every node, cost one decision
  // in a thousand over a millisecond).
  if (event == sdk::PodEvent::kAssigned) {
    contexts_.erase(uid);
    if (pending_met_ > 0) --pending_met_;
  }
  if (config_.reserve_pinned_gpu_products) {
    refresh_supply(node);
    if (event == sdk::PodEvent::kAssigned) {
      balance_.placed(uid, node);  // no longer pending
    } else {
      balance_.unplaced(uid);
    }
  }
  if (event == sdk::PodEvent::kAssigned) {
    if (!gpu_request(cluster, pod)) return;
    auto product = inventory_.labels().value(node, kGpuProductLabel);
    if (!product) return;
    auto& counted = counted_[uid];
    if (!counted.first.empty()) graph_products_.count(counted.first, counted.second, -1);
    counted = {graph_of(pod), std::string(*product)};
    graph_products_.count(counted.first, counted.second, 1);
    return;
  }
  auto it = counted_.find(uid);
  if (it == counted_.end()) return;
  graph_products_.count(it->second.first, it->second.second, -1);
  counted_.erase(it);
}

}  // namespace dynop::plugins::gpu_scheduler
