#pragma once
// The rules a plugin descriptor must pass before the host calls into it:
// ABI version (same major, host minor >= required minor), struct sizes that
// fit that version, a sane name, known capabilities, and every hook its
// capabilities require. Pure functions, so they are tested without loading
// anything.

#include <cstdint>
#include <string>

#include "dynop/abi.h"
#include "host/plugins/plugin_hooks.hpp"

namespace dynop::host {

struct DescriptorCheck {
  std::string name;     // descriptor name when readable, else ""
  std::string version;  // plugin version when it passes
  std::string error;    // why the plugin is refused; "" when it passes
  PluginHooks hooks;    // what the host calls, when it passes
  bool ok() const { return error.empty(); }
};

// `host_major`/`host_minor` default to the ABI this host was built with.
DescriptorCheck check_descriptor(const dynop_plugin_descriptor* descriptor,
                                 uint16_t host_major = DYNOP_ABI_VERSION_MAJOR,
                                 uint16_t host_minor = DYNOP_ABI_VERSION_MINOR);

// "reconciler, autoscaler" (or "none").
std::string capability_names(uint64_t capabilities);

}  // namespace dynop::host
