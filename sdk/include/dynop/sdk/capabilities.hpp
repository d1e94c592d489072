#pragma once
// Compile-time checks: the hooks each declared capability requires, with the
// exact signatures. DYNOP_PLUGIN(P) static_asserts these, so a plugin missing
// a hook fails to compile with a message naming the hook.

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <type_traits>
#include <vector>

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

// placement
template <class P>
concept HasPlacementSpec = requires(P& p) {
  { p.placement_spec() } -> std::same_as<PlacementSpec>;
};
template <class P>
concept HasFilter = requires(P& p, std::string_view pod, std::string_view node) {
  { p.filter(pod, node) } -> std::same_as<Status>;
};
template <class P>
concept HasScore = requires(P& p, std::string_view pod, std::string_view node) {
  { p.score(pod, node) } -> std::same_as<int64_t>;
};
template <class P>
concept HasReserve = requires(P& p, std::string_view pod, std::string_view node_name) {
  { p.reserve(pod, node_name) } -> std::same_as<Status>;
};
template <class P>
concept HasUnreserve = requires(P& p, std::string_view pod, std::string_view node_name) {
  { p.unreserve(pod, node_name) } -> std::same_as<Status>;
};
template <class P>
concept HasBind = requires(P& p, std::string_view pod, std::string_view node_name) {
  { p.bind(pod, node_name) } -> std::same_as<Status>;
};

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
      static_assert(HasFilter<P>,
                    "capability kPlacement requires "
                    "`dynop::sdk::Status filter(std::string_view pod, std::string_view node)`");
      static_assert(HasScore<P>,
                    "capability kPlacement requires "
                    "`int64_t score(std::string_view pod, std::string_view node)`");
      static_assert(!HasReserve<P> || HasUnreserve<P>,
                    "capability kPlacement: a plugin with reserve() also needs "
                    "`dynop::sdk::Status unreserve(std::string_view pod, std::string_view node)`");
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
