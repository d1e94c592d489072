// Exports the dgd plugin: DynamoGraphDeployment -> its services' pods, their
// scaling adapters and the DGD status (see reconciler.hpp).

#include <dynop/sdk/export.hpp>
#include <dynop/sdk/plugin.hpp>

#include "plugins/dgd/reconciler.hpp"

namespace dynop::plugins::dgd {
namespace {

class DgdPlugin : public sdk::Plugin {
 public:
  static constexpr const char* kName = "dgd";
  static constexpr const char* kVersion = "0.1.0";
  static constexpr const char* kDescription =
      "runs the pods of DynamoGraphDeployment services and creates their scaling adapters";
  static constexpr sdk::Capabilities kCapabilities = sdk::kReconciler;

  DgdPlugin(sdk::Host& host, std::string_view config_yaml)
      : Plugin(host),
        config_(parse_dgd_plugin_config(config_yaml)),
        reconciler_(client(), logger(), config_) {}

  sdk::ReconcilerSpec reconciler_spec() { return dgd_reconciler_spec(config_); }
  sdk::ReconcileResult reconcile(const sdk::Key& key) { return reconciler_.reconcile(key); }
  std::vector<sdk::Key> map_to_primary(std::size_t watch_index, std::string_view object_json) {
    return map_dgds_of(watch_index, object_json);
  }

 private:
  DgdPluginConfig config_;
  DgdReconciler reconciler_;
};

}  // namespace
}  // namespace dynop::plugins::dgd

DYNOP_PLUGIN(dynop::plugins::dgd::DgdPlugin)
