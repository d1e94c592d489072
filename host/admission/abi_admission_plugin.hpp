#pragma once
// An admission plugin loaded through the C ABI (dynop/abi.h), as the
// admission server sees it: the rules its describe hook declared (copied by
// the plugin loader) and its review hook.

#include <memory>
#include <string>
#include <vector>

#include "dynop/abi.h"
#include "host/admission/admission_plugin.hpp"
#include "host/plugins/plugin_manager.hpp"

namespace dynop::host::admission {

class AbiAdmissionPlugin final : public AdmissionPlugin {
 public:
  // `hooks` is copied; `instance` (and the library behind the hooks) must
  // stay valid while the server may call review: stop the admission server
  // before the plugins stop.
  AbiAdmissionPlugin(std::string name, const dynop_admission_hooks& hooks, dynop_plugin* instance,
                     std::vector<AdmissionRule> rules);

  const std::string& name() const override { return name_; }
  const std::vector<AdmissionRule>& rules() const override { return rules_; }
  // Copies the plugin's answer ([plugin-out]) before returning. A non-OK
  // status, a missing hook or an exception is a failed review (ok = false).
  PluginVerdict review(std::string_view request_json) override;

 private:
  std::string name_;
  const dynop_admission_hooks hooks_;  // a copy, read by the plugin's ABI version
  dynop_plugin* instance_;
  std::vector<AdmissionRule> rules_;
};

// The admission plugins among the loaded ones (those that declared the
// admission capability and whose describe hook the loader accepted), in load
// order.
std::vector<std::shared_ptr<AdmissionPlugin>> admission_plugins_of(
    const std::vector<ActivePlugin>& plugins);

}  // namespace dynop::host::admission
