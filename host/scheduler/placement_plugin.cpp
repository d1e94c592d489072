#include "host/scheduler/placement_plugin.hpp"

namespace dynop::host::scheduler {
namespace {

std::string str(dynop_str s) { return s.size ? std::string(s.data, s.size) : std::string(); }

template <class T>
T out_struct() {
  T out{};
  out.struct_size = sizeof(T);
  return out;
}

// The hooks shared by both shapes: identity, bind.
class PluginBase : public PlacementPlugin {
 public:
  PluginBase(PlacementHooksInfo info, JsonLookup pod_json)
      : info_(std::move(info)), pod_json_(std::move(pod_json)) {}
  const std::string& name() const override { return info_.plugin; }
  const std::string& scheduler_name() const override { return info_.scheduler_name; }
  uint32_t nodes_to_score() const override { return info_.nodes_to_score; }
  bool binds() const override { return info_.hooks.bind != nullptr; }
  HookStatus bind(const PodInfo& pod, std::string_view node) override {
    auto json = pod_json_ ? pod_json_(pod.ns, pod.name) : std::nullopt;
    if (!json) return {DYNOP_SKIP, {}};
    return HookStatus::from(info_.hooks.bind(info_.instance, dynop_str{json->data(), json->size()},
                                             dynop_str{node.data(), node.size()}));
  }

 protected:
  PlacementHooksInfo info_;
  JsonLookup pod_json_;
};

// ABI 1.2 and later: typed views, batches.
class AbiPlacementPlugin final : public PluginBase {
 public:
  using PluginBase::PluginBase;

  HookStatus pre_filter(const dynop_cluster_view& cluster, const PodView& pod,
                        Candidates& out) override {
    out = Candidates{};
    if (!info_.hooks.pre_filter) return {};
    auto c = out_struct<dynop_candidate_nodes>();
    HookStatus s =
        HookStatus::from(info_.hooks.pre_filter(info_.instance, &cluster, &pod.view(), &c));
    if (!s.ok()) return s;
    out.restricted = c.restricted != 0;
    if (out.restricted && c.node_count > 0 && c.nodes != nullptr) {
      out.nodes.assign(c.nodes, c.nodes + c.node_count);
      // Only slots that exist: a plugin must not make the host read past its table.
      std::erase_if(out.nodes, [&](uint32_t n) { return n >= cluster.node_count; });
    }
    return s;
  }

  HookStatus filter(const dynop_cluster_view& cluster, const PodView& pod,
                    std::span<const uint32_t> nodes, FilterVerdicts& out) override {
    out.verdicts.assign(nodes.size(), 0);
    out.reasons.clear();
    auto result = out_struct<dynop_filter_result>();
    HookStatus s = HookStatus::from(info_.hooks.filter_nodes(info_.instance, &cluster, &pod.view(),
                                                             nodes.data(), nodes.size(),
                                                             out.verdicts.data(), &result));
    if (!s.ok()) return s;
    // Reasons are plugin memory: copy them now. Elements have the plugin's stride.
    if (result.reason_count > 0 && result.reasons != nullptr) {
      const std::size_t stride = result.reasons->struct_size;
      if (stride < DYNOP_FIELD_END(dynop_filter_reason, message_count))
        return {DYNOP_ERROR,
                "filter_nodes returned reasons with struct_size " + std::to_string(stride)};
      const auto* bytes = reinterpret_cast<const unsigned char*>(result.reasons);
      for (std::size_t i = 0; i < result.reason_count; ++i) {
        const auto* r = reinterpret_cast<const dynop_filter_reason*>(bytes + i * stride);
        FilterVerdicts::Reason reason{r->code, {}};
        if (out.want_messages)
          for (std::size_t m = 0; m < r->message_count; ++m)
            reason.messages.push_back(str(r->messages[m]));
        out.reasons.push_back(std::move(reason));
      }
    }
    // A verdict naming no reason still means "does not fit".
    const std::size_t known = out.reasons.size();
    uint32_t unexplained = 0;
    for (uint32_t& v : out.verdicts) {
      if (v <= known) continue;
      if (unexplained == 0) {
        out.reasons.push_back(
            {DYNOP_UNSCHEDULABLE, {"node(s) rejected by plugin " + info_.plugin}});
        unexplained = static_cast<uint32_t>(out.reasons.size());
      }
      v = unexplained;
    }
    return s;
  }

  HookStatus score(const dynop_cluster_view& cluster, const PodView& pod,
                   std::span<const uint32_t> nodes, std::span<int64_t> scores) override {
    return HookStatus::from(info_.hooks.score_nodes(info_.instance, &cluster, &pod.view(),
                                                    nodes.data(), nodes.size(), scores.data()));
  }
  HookStatus reserve(const dynop_cluster_view& cluster, const PodView& pod,
                     uint32_t node) override {
    if (!info_.hooks.reserve_node) return {};
    return HookStatus::from(info_.hooks.reserve_node(info_.instance, &cluster, &pod.view(), node));
  }
  void unreserve(const dynop_cluster_view& cluster, const PodView& pod, uint32_t node) override {
    if (info_.hooks.unreserve_node)
      info_.hooks.unreserve_node(info_.instance, &cluster, &pod.view(), node);
  }
  GroupSpec pod_group(const PodView& pod) override {
    GroupSpec out;
    if (!info_.hooks.pod_group) return out;
    auto g = out_struct<dynop_pod_group>();
    if (info_.hooks.pod_group(info_.instance, &pod.view(), &g).code != DYNOP_OK) return out;
    out.name = str(g.name);
    out.min_member = g.min_member;
    for (std::size_t i = 0; i < g.topology_key_count && g.topology_keys; ++i)
      out.topology_keys.push_back(str(g.topology_keys[i]));
    out.topology_required = g.topology_required != 0;
    return out;
  }
  void node_event(const dynop_cluster_view& cluster, uint32_t node,
                  dynop_node_event_kind kind) override {
    if (info_.hooks.node_event) info_.hooks.node_event(info_.instance, &cluster, node, kind);
  }
  void pod_event(const dynop_cluster_view& cluster, const dynop_pod_view& pod, uint32_t node,
                 dynop_pod_event_kind kind) override {
    if (info_.hooks.pod_event) info_.hooks.pod_event(info_.instance, &cluster, &pod, node, kind);
  }
  void pending_gone(const dynop_cluster_view& cluster, const PodView& pod) override {
    // A kind of 1.3: a plugin of 1.2 would take it for UNASSIGNED and read
    // node DYNOP_NO_NODE as an index.
    if (info_.abi_minor < 3 || !info_.hooks.pod_event) return;
    info_.hooks.pod_event(info_.instance, &cluster, &pod.view(), DYNOP_NO_NODE,
                          DYNOP_POD_PENDING_GONE);
  }
};

// ABI 1.0/1.1: one call per pod and node, with the cached JSON.
class JsonPlacementPlugin final : public PluginBase {
 public:
  JsonPlacementPlugin(PlacementHooksInfo info, JsonLookup pod_json, JsonLookup node_json)
      : PluginBase(std::move(info), std::move(pod_json)), node_json_(std::move(node_json)) {}

  HookStatus pre_filter(const dynop_cluster_view&, const PodView&, Candidates& out) override {
    out = Candidates{};
    return {};
  }
  HookStatus filter(const dynop_cluster_view& cluster, const PodView& pod,
                    std::span<const uint32_t> nodes, FilterVerdicts& out) override {
    out.verdicts.assign(nodes.size(), 0);
    out.reasons.clear();
    auto pod_json = json_of(pod);
    if (!pod_json) return {DYNOP_UNAVAILABLE, "pod " + pod.info().key() + " is not cached"};
    for (std::size_t i = 0; i < nodes.size(); ++i) {
      auto node_json = node_json_(std::string_view(), name_of(cluster, nodes[i]));
      if (!node_json) {
        out.verdicts[i] = reason(out, DYNOP_UNSCHEDULABLE, "node(s) not in the cache");
        continue;
      }
      HookStatus s = HookStatus::from(
          info_.hooks.filter(info_.instance, dynop_str{pod_json->data(), pod_json->size()},
                             dynop_str{node_json->data(), node_json->size()}));
      if (s.ok()) continue;
      if (s.code != DYNOP_UNSCHEDULABLE && s.code != DYNOP_UNSCHEDULABLE_AND_UNRESOLVABLE) return s;
      out.verdicts[i] = reason(out, s.code, s.message.empty() ? "node(s) did not fit" : s.message);
    }
    return {};
  }
  HookStatus score(const dynop_cluster_view& cluster, const PodView& pod,
                   std::span<const uint32_t> nodes, std::span<int64_t> scores) override {
    auto pod_json = json_of(pod);
    if (!pod_json) return {DYNOP_UNAVAILABLE, "pod " + pod.info().key() + " is not cached"};
    for (std::size_t i = 0; i < nodes.size(); ++i) {
      scores[i] = 0;
      auto node_json = node_json_(std::string_view(), name_of(cluster, nodes[i]));
      if (!node_json) continue;
      HookStatus s = HookStatus::from(
          info_.hooks.score(info_.instance, dynop_str{pod_json->data(), pod_json->size()},
                            dynop_str{node_json->data(), node_json->size()}, &scores[i]));
      if (!s.ok()) return s;
    }
    return {};
  }
  HookStatus reserve(const dynop_cluster_view& cluster, const PodView& pod,
                     uint32_t node) override {
    if (!info_.hooks.reserve) return {};
    auto pod_json = json_of(pod);
    if (!pod_json) return {DYNOP_UNAVAILABLE, "pod " + pod.info().key() + " is not cached"};
    const std::string_view name = name_of(cluster, node);
    return HookStatus::from(info_.hooks.reserve(info_.instance,
                                                dynop_str{pod_json->data(), pod_json->size()},
                                                dynop_str{name.data(), name.size()}));
  }
  void unreserve(const dynop_cluster_view& cluster, const PodView& pod, uint32_t node) override {
    if (!info_.hooks.unreserve) return;
    auto pod_json = json_of(pod);
    const std::string json = pod_json.value_or("{}");
    const std::string_view name = name_of(cluster, node);
    info_.hooks.unreserve(info_.instance, dynop_str{json.data(), json.size()},
                          dynop_str{name.data(), name.size()});
  }
  GroupSpec pod_group(const PodView&) override { return {}; }
  void node_event(const dynop_cluster_view&, uint32_t, dynop_node_event_kind) override {}
  void pod_event(const dynop_cluster_view&, const dynop_pod_view&, uint32_t,
                 dynop_pod_event_kind) override {}
  void pending_gone(const dynop_cluster_view&, const PodView&) override {}

 private:
  std::optional<std::string> json_of(const PodView& pod) {
    return pod_json_ ? pod_json_(pod.info().ns, pod.info().name) : std::nullopt;
  }
  static std::string_view name_of(const dynop_cluster_view& cluster, uint32_t node) {
    const dynop_node_view* v = dynop_node_at(&cluster, node);
    return std::string_view(v->name.data, v->name.size);
  }
  static uint32_t reason(FilterVerdicts& out, int32_t code, std::string message) {
    for (std::size_t r = 0; r < out.reasons.size(); ++r)
      if (out.reasons[r].code == code && out.reasons[r].messages.front() == message)
        return static_cast<uint32_t>(r + 1);
    out.reasons.push_back({code, {std::move(message)}});
    return static_cast<uint32_t>(out.reasons.size());
  }
  JsonLookup node_json_;
};

}  // namespace

std::unique_ptr<PlacementPlugin> make_placement_plugin(PlacementHooksInfo info, JsonLookup pod_json,
                                                       JsonLookup node_json) {
  if (info.hooks.filter_nodes && info.hooks.score_nodes)
    return std::make_unique<AbiPlacementPlugin>(std::move(info), std::move(pod_json));
  return std::make_unique<JsonPlacementPlugin>(std::move(info), std::move(pod_json),
                                               std::move(node_json));
}

}  // namespace dynop::host::scheduler
