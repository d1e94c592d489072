#pragma once
// A plugin's hooks as this host reads them: copied out of the plugin's
// descriptor and hook tables by the ABI version the plugin declares
// (plugin_abi.hpp), so a hook the plugin's older tables lack is NULL here and
// the rest of the host never reads plugin memory by this host's layout.

#include <cstdint>

#include "dynop/abi.h"

namespace dynop::host {

struct PluginHooks {
  uint16_t abi_minor = 0;     // the minor the plugin declares
  uint64_t capabilities = 0;  // DYNOP_CAP_* bits
  dynop_lifecycle_hooks lifecycle{};
  // All NULL for a capability the plugin does not declare.
  dynop_reconciler_hooks reconciler{};
  dynop_admission_hooks admission{};
  dynop_placement_hooks placement{};
  dynop_autoscaler_hooks autoscaler{};
};

}  // namespace dynop::host
