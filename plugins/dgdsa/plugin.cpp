// Exports the dgdsa plugin: a DynamoGraphDeploymentScalingAdapter's replicas
// -> its DGD service, and the adapter's status (see reconciler.hpp).

#include <dynop/sdk/export.hpp>
#include <dynop/sdk/plugin.hpp>

#include "plugins/dgdsa/reconciler.hpp"

namespace dynop::plugins::dgdsa {
namespace {

class DgdsaPlugin : public sdk::Plugin {
 public:
  static constexpr const char* kName = "dgdsa";
  static constexpr const char* kVersion = "0.1.0";
  static constexpr const char* kDescription =
      "copies scaling adapter replicas into DynamoGraphDeployment services";
  static constexpr sdk::Capabilities kCapabilities = sdk::kReconciler;

  DgdsaPlugin(sdk::Host& host, std::string_view config_yaml)
      : Plugin(host), config_(parse_dgdsa_plugin_config(config_yaml)), reconciler_(client()) {}

  sdk::ReconcilerSpec reconciler_spec() { return dgdsa_reconciler_spec(config_); }
  sdk::ReconcileResult reconcile(const sdk::Key& key) { return reconciler_.reconcile(key); }
  std::vector<sdk::Key> map_to_primary(std::size_t watch_index, std::string_view object_json) {
    return map_adapters_of(watch_index, object_json);
  }

 private:
  DgdsaPluginConfig config_;
  DgdsaReconciler reconciler_;
};

}  // namespace
}  // namespace dynop::plugins::dgdsa

DYNOP_PLUGIN(dynop::plugins::dgdsa::DgdsaPlugin)
