// pod-cache: a reconciler of Pods that does nothing but make the host cache
// them, for host_cache_memory: the same host, plugin and pods with either
// whole pods cached or the fields the dgd and dgdsa plugins ask for
// (plugins/common observed_pod_fields), so the two figures compare like for
// like.
//
//   pluginConfig:
//     pod-cache:
//       cache: full          # or dgd-fields

#include <yaml-cpp/yaml.h>

#include <dynop/sdk/export.hpp>
#include <dynop/sdk/plugin.hpp>
#include <stdexcept>
#include <string>

#include "plugins/common/pod_groups.hpp"

namespace {

class PodCachePlugin : public dynop::sdk::Plugin {
 public:
  static constexpr const char* kName = "pod-cache";
  static constexpr const char* kVersion = "0.1.0";
  static constexpr dynop::sdk::Capabilities kCapabilities = dynop::sdk::kReconciler;

  PodCachePlugin(dynop::sdk::Host& host, std::string_view config)
      : Plugin(host), cache_(parse(config)) {}

  dynop::sdk::ReconcilerSpec reconciler_spec() { return {{"", "v1", "Pod"}, {}, 1, cache_}; }
  dynop::sdk::ReconcileResult reconcile(const dynop::sdk::Key&) {
    return dynop::sdk::ReconcileResult::done();
  }

 private:
  static dynop::sdk::CacheSpec parse(std::string_view config) {
    const YAML::Node root = YAML::Load(std::string(config));
    const std::string cache = root && root["cache"] ? root["cache"].as<std::string>() : "full";
    if (cache == "full") return dynop::sdk::CacheSpec::full();
    if (cache == "dgd-fields")
      return dynop::sdk::CacheSpec::fields(dynop::plugins::common::observed_pod_fields());
    throw std::invalid_argument("pod-cache: cache must be full or dgd-fields, not " + cache);
  }

  dynop::sdk::CacheSpec cache_;
};

}  // namespace

DYNOP_PLUGIN(PodCachePlugin)
