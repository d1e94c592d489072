#pragma once
// The dgdsa plugin's reconcile loop over the SDK client: for one adapter,
// reads its DGD and the service's pods, asks plan_adapter_sync what to do,
// patches the DGD, records the events and writes the adapter status.

#include <dynop/sdk/host.hpp>
#include <dynop/sdk/types.hpp>
#include <string_view>
#include <vector>

#include "plugins/common/clock.hpp"

namespace dynop::plugins::dgdsa {

struct DgdsaPluginConfig {
  std::uint32_t workers = 2;
};

// Throws std::invalid_argument naming the bad key (startup only).
DgdsaPluginConfig parse_dgdsa_plugin_config(std::string_view yaml);

// Primary adapters. A DGD change wakes the adapters of its services (watch 0)
// and a pod change wakes the adapter of its service (watch 1), both through
// map_adapters_of().
sdk::ReconcilerSpec dgdsa_reconciler_spec(const DgdsaPluginConfig& config);

// map_to_primary: the adapter keys a changed DGD (watch 0) or pod (watch 1) concerns.
std::vector<sdk::Key> map_adapters_of(std::size_t watch_index, std::string_view object_json);

class DgdsaReconciler {
 public:
  explicit DgdsaReconciler(const sdk::Client& client, common::Clock clock = common::rfc3339_now);

  sdk::ReconcileResult reconcile(const sdk::Key& key);

 private:
  const sdk::Client& client_;
  common::Clock clock_;
};

}  // namespace dynop::plugins::dgdsa
