#pragma once
// Compile-time checks: the hooks each declared capability requires, with the
// exact signatures. DYNOP_PLUGIN(P) static_asserts these, so a plugin missing
// a hook fails to compile with a message naming the hook.

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <type_traits>
#include <vector>

#include "dynop/sdk/placement.hpp"
#include "dynop/sdk/placement_views.hpp"
#include "dynop/sdk/plugin.hpp"
#include "dynop/sdk/types.hpp"

namespace dynop::sdk::detail {

template <class P>
concept HasName = requires {
  { P::kName } -> std::convertible_to<const char*>;
};
template <class P>
concept HasVersion = requires {
  { P::kVersion } -> std::convertible_to<const char*>;
};
template <class P>
concept HasCapabilities = requires {
  { P::kCapabilities } -> std::convertible_to<Capabilities>;
};

// reconciler
template <class P>
concept HasReconcilerSpec = requires(P& p) {
  { p.reconciler_spec() } -> std::same_as<ReconcilerSpec>;
};
template <class P>
concept HasReconcile = requires(P& p, const Key& k) {
  { p.reconcile(k) } -> std::same_as<ReconcileResult>;
};
template <class P>
concept HasMapToPrimary = requires(P& p, std::size_t i, std::string_view json) {
  { p.map_to_primary(i, json) } -> std::same_as<std::vector<Key>>;
};

// admission
template <class P>
concept HasAdmissionSpec = requires(P& p) {
  { p.admission_spec() } -> std::same_as<AdmissionSpec>;
};
template <class P>
concept HasReview = requires(P& p, std::string_view request) {
  { p.review(request) } -> std::same_as<AdmissionResponse>;
};

// placement (typed, since SDK 1.2)
template <class P>
concept HasPlacementSpec = requires(P& p) {
  { p.placement_spec() } -> std::same_as<PlacementSpec>;
};
template <class P>
concept HasFilter = requires(P& p, const ClusterView& c, const PodView& pod,
                             std::span<const NodeIndex> nodes, FilterResults& out) {
  { p.filter(c, pod, nodes, out) } -> std::same_as<Status>;
};
template <class P>
concept HasScore = requires(P& p, const ClusterView& c, const PodView& pod,
                            std::span<const NodeIndex> nodes, std::span<int64_t> scores) {
  { p.score(c, pod, nodes, scores) } -> std::same_as<Status>;
};
template <class P>
concept HasPreFilter = requires(P& p, const ClusterView& c, const PodView& pod) {
  { p.pre_filter(c, pod) } -> std::same_as<PreFilterResult>;
};
template <class P>
concept HasReserve = requires(P& p, const ClusterView& c, const PodView& pod, NodeIndex n) {
  { p.reserve(c, pod, n) } -> std::same_as<Status>;
};
template <class P>
concept HasUnreserve = requires(P& p, const ClusterView& c, const PodView& pod, NodeIndex n) {
  { p.unreserve(c, pod, n) } -> std::same_as<Status>;
};
template <class P>
concept HasPodGroup = requires(P& p, const PodView& pod) {
  { p.pod_group(pod) } -> std::same_as<PodGroup>;
};
template <class P>
concept HasOnNode = requires(P& p, const ClusterView& c, NodeIndex n, NodeEvent e) {
  { p.on_node(c, n, e) } -> std::same_as<void>;
};
template <class P>
concept HasOnPod = requires(P& p, const ClusterView& c, const PodView& pod, NodeIndex n,
                            PodEvent e) {
  { p.on_pod(c, pod, n, e) } -> std::same_as<void>;
};
template <class P>
concept HasOnPendingGone = requires(P& p, const ClusterView& c, const PodView& pod) {
  { p.on_pending_gone(c, pod) } -> std::same_as<void>;
};
template <class P>
concept HasBind = requires(P& p, std::string_view pod_json, std::string_view node_name) {
  { p.bind(pod_json, node_name) } -> std::same_as<Status>;
};
// SDK 1.0/1.1's JSON filter, which 1.2 replaced: caught to say so.
template <class P>
concept HasJsonFilter = requires(P& p, std::string_view pod, std::string_view node) {
  p.filter(pod, node);
};
// A member named `hook` exists (whatever its signature): an optional hook
// whose signature is wrong must not be silently ignored.
#define DYNOP_SDK_HAS_MEMBER(P, hook) \
  requires { &P::hook; }

// autoscaler
template <class P>
concept HasAutoscalerSpec = requires(P& p) {
  { p.autoscaler_spec() } -> std::same_as<AutoscalerSpec>;
};
template <class P>
concept HasEvaluate = requires(P& p) {
  { p.evaluate() } -> std::same_as<std::vector<ScaleDecision>>;
};

template <class P>
constexpr bool has_capability(Capabilities c) {
  return (P::kCapabilities & c) != 0;
}

template <class P>
constexpr bool check_plugin_class() {
  static_assert(std::is_base_of_v<Plugin, P>,
                "DYNOP_PLUGIN: the plugin class must derive publicly from dynop::sdk::Plugin");
  static_assert(HasName<P>, "DYNOP_PLUGIN: missing `static constexpr const char* kName`");
  static_assert(HasVersion<P>, "DYNOP_PLUGIN: missing `static constexpr const char* kVersion`");
  static_assert(HasCapabilities<P>,
                "DYNOP_PLUGIN: missing `static constexpr dynop::sdk::Capabilities kCapabilities`");
  static_assert(std::is_constructible_v<P, Host&, std::string_view>,
                "DYNOP_PLUGIN: the plugin class needs a constructor "
                "`(dynop::sdk::Host& host, std::string_view config_yaml)`");
  if constexpr (HasCapabilities<P>) {
    static_assert((P::kCapabilities & ~Capabilities{DYNOP_CAP_ALL}) == 0,
                  "DYNOP_PLUGIN: kCapabilities has bits this SDK does not know");
    static_assert(P::kCapabilities != 0, "DYNOP_PLUGIN: kCapabilities declares no capability");
    if constexpr (has_capability<P>(kReconciler)) {
      static_assert(
          HasReconcilerSpec<P>,
          "capability kReconciler requires `dynop::sdk::ReconcilerSpec reconciler_spec()`");
      static_assert(HasReconcile<P>,
                    "capability kReconciler requires "
                    "`dynop::sdk::ReconcileResult reconcile(const dynop::sdk::Key&)`");
    }
    if constexpr (has_capability<P>(kAdmission)) {
      static_assert(HasAdmissionSpec<P>,
                    "capability kAdmission requires `dynop::sdk::AdmissionSpec admission_spec()`");
      static_assert(HasReview<P>,
                    "capability kAdmission requires "
                    "`dynop::sdk::AdmissionResponse review(std::string_view request_json)`");
    }
    if constexpr (has_capability<P>(kPlacement)) {
      static_assert(HasPlacementSpec<P>,
                    "capability kPlacement requires `dynop::sdk::PlacementSpec placement_spec()`");
      static_assert(!HasJsonFilter<P>,
                    "capability kPlacement: SDK 1.2 replaced filter(pod_json, node_json) with the "
                    "typed batch hook `dynop::sdk::Status filter(const ClusterView&, const "
                    "PodView&, std::span<const NodeIndex>, FilterResults&)` (see placement.hpp)");
      static_assert(HasFilter<P>,
                    "capability kPlacement requires `dynop::sdk::Status filter(const "
                    "dynop::sdk::ClusterView&, const dynop::sdk::PodView&, "
                    "std::span<const dynop::sdk::NodeIndex>, dynop::sdk::FilterResults&)`");
      static_assert(HasScore<P>,
                    "capability kPlacement requires `dynop::sdk::Status score(const "
                    "dynop::sdk::ClusterView&, const dynop::sdk::PodView&, "
                    "std::span<const dynop::sdk::NodeIndex>, std::span<int64_t>)`");
      if constexpr (DYNOP_SDK_HAS_MEMBER(P, pre_filter)) {
        static_assert(HasPreFilter<P>,
                      "placement hook pre_filter must be `dynop::sdk::PreFilterResult "
                      "pre_filter(const dynop::sdk::ClusterView&, const dynop::sdk::PodView&)`");
      }
      if constexpr (DYNOP_SDK_HAS_MEMBER(P, reserve)) {
        static_assert(HasReserve<P>,
                      "placement hook reserve must be `dynop::sdk::Status reserve(const "
                      "dynop::sdk::ClusterView&, const dynop::sdk::PodView&, "
                      "dynop::sdk::NodeIndex)`");
      }
      if constexpr (DYNOP_SDK_HAS_MEMBER(P, unreserve)) {
        static_assert(HasUnreserve<P>,
                      "placement hook unreserve must be `dynop::sdk::Status unreserve(const "
                      "dynop::sdk::ClusterView&, const dynop::sdk::PodView&, "
                      "dynop::sdk::NodeIndex)`");
      }
      static_assert(HasReserve<P> == HasUnreserve<P>,
                    "capability kPlacement: reserve() and unreserve() go together (unreserve "
                    "undoes reserve and must be idempotent)");
      if constexpr (DYNOP_SDK_HAS_MEMBER(P, pod_group)) {
        static_assert(HasPodGroup<P>,
                      "placement hook pod_group must be `dynop::sdk::PodGroup pod_group(const "
                      "dynop::sdk::PodView&)`");
      }
      if constexpr (DYNOP_SDK_HAS_MEMBER(P, on_node)) {
        static_assert(HasOnNode<P>,
                      "placement hook on_node must be `void on_node(const "
                      "dynop::sdk::ClusterView&, dynop::sdk::NodeIndex, dynop::sdk::NodeEvent)`");
      }
      if constexpr (DYNOP_SDK_HAS_MEMBER(P, on_pod)) {
        static_assert(HasOnPod<P>,
                      "placement hook on_pod must be `void on_pod(const dynop::sdk::ClusterView&, "
                      "const dynop::sdk::PodView&, dynop::sdk::NodeIndex, dynop::sdk::PodEvent)`");
      }
      if constexpr (DYNOP_SDK_HAS_MEMBER(P, on_pending_gone)) {
        static_assert(HasOnPendingGone<P>,
                      "placement hook on_pending_gone must be `void on_pending_gone(const "
                      "dynop::sdk::ClusterView&, const dynop::sdk::PodView&)`");
      }
      if constexpr (DYNOP_SDK_HAS_MEMBER(P, bind)) {
        static_assert(HasBind<P>,
                      "placement hook bind must be `dynop::sdk::Status bind(std::string_view "
                      "pod_json, std::string_view node_name)`");
      }
    }
    if constexpr (has_capability<P>(kAutoscaler)) {
      static_assert(
          HasAutoscalerSpec<P>,
          "capability kAutoscaler requires `dynop::sdk::AutoscalerSpec autoscaler_spec()`");
      static_assert(HasEvaluate<P>,
                    "capability kAutoscaler requires "
                    "`std::vector<dynop::sdk::ScaleDecision> evaluate()`");
    }
  }
  return true;
}

}  // namespace dynop::sdk::detail
