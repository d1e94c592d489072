#include "host/plugins/plugin_validation.hpp"

#include <fmt/format.h>

#include <cstddef>
#include <cstdio>
#include <vector>

#include "host/plugins/plugin_abi.hpp"

namespace dynop::host {
namespace {

bool valid_name(const std::string& name) {
  if (name.empty() || name.size() > 63) return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

// Hooks the declared capabilities require but the plugin lacks, as
// "capability.hook".
std::vector<std::string> missing_hooks(const PluginHooks& h, const dynop_plugin_descriptor& d) {
  std::vector<std::string> missing;
  if (h.lifecycle.init == nullptr) missing.push_back("lifecycle.init");
  if (h.lifecycle.destroy == nullptr) missing.push_back("lifecycle.destroy");
  if (h.capabilities & DYNOP_CAP_RECONCILER) {
    if (d.reconciler == nullptr) {
      missing.push_back("reconciler (no hook table)");
    } else {
      if (h.reconciler.describe == nullptr) missing.push_back("reconciler.describe");
      if (h.reconciler.reconcile == nullptr) missing.push_back("reconciler.reconcile");
    }
  }
  if (h.capabilities & DYNOP_CAP_ADMISSION) {
    if (d.admission == nullptr) {
      missing.push_back("admission (no hook table)");
    } else {
      if (h.admission.describe == nullptr) missing.push_back("admission.describe");
      if (h.admission.review == nullptr) missing.push_back("admission.review");
    }
  }
  if (h.capabilities & DYNOP_CAP_PLACEMENT) {
    if (d.placement == nullptr) {
      missing.push_back("placement (no hook table)");
    } else {
      if (h.placement.describe == nullptr) missing.push_back("placement.describe");
      // 1.2's typed batch hooks, or 1.0's per-node JSON ones.
      const bool typed = h.placement.filter_nodes != nullptr || h.placement.score_nodes != nullptr;
      if (typed) {
        if (h.placement.filter_nodes == nullptr) missing.push_back("placement.filter_nodes");
        if (h.placement.score_nodes == nullptr) missing.push_back("placement.score_nodes");
      } else {
        if (h.placement.filter == nullptr) {
          missing.push_back("placement.filter (or filter_nodes)");
        }
        if (h.placement.score == nullptr) missing.push_back("placement.score (or score_nodes)");
      }
      if (h.placement.reserve != nullptr && h.placement.unreserve == nullptr) {
        missing.push_back("placement.unreserve (required with reserve)");
      }
      if (h.placement.reserve_node != nullptr && h.placement.unreserve_node == nullptr) {
        missing.push_back("placement.unreserve_node (required with reserve_node)");
      }
    }
  }
  if (h.capabilities & DYNOP_CAP_AUTOSCALER) {
    if (d.autoscaler == nullptr) {
      missing.push_back("autoscaler (no hook table)");
    } else {
      if (h.autoscaler.describe == nullptr) missing.push_back("autoscaler.describe");
      if (h.autoscaler.evaluate == nullptr) missing.push_back("autoscaler.evaluate");
    }
  }
  return missing;
}

// Copies the hook tables of the capabilities `d` declares, each read by the
// plugin's ABI minor. "" or why a table cannot be read.
std::string read_hook_tables(const dynop_plugin_descriptor& d, PluginHooks& h) {
  std::string error;
  const uint16_t minor = d.abi_minor;
  if ((d.capabilities & DYNOP_CAP_RECONCILER) &&
      !read_plugin_struct(minor, d.reconciler, "its reconciler hook table", h.reconciler, error)) {
    return error;
  }
  if ((d.capabilities & DYNOP_CAP_ADMISSION) &&
      !read_plugin_struct(minor, d.admission, "its admission hook table", h.admission, error)) {
    return error;
  }
  if ((d.capabilities & DYNOP_CAP_PLACEMENT) &&
      !read_plugin_struct(minor, d.placement, "its placement hook table", h.placement, error)) {
    return error;
  }
  if ((d.capabilities & DYNOP_CAP_AUTOSCALER) &&
      !read_plugin_struct(minor, d.autoscaler, "its autoscaler hook table", h.autoscaler, error)) {
    return error;
  }
  return {};
}

}  // namespace

DescriptorCheck check_descriptor(const dynop_plugin_descriptor* plugin_descriptor,
                                 uint16_t host_major, uint16_t host_minor) {
  DescriptorCheck check;
  if (plugin_descriptor == nullptr) {
    check.error = "its entry function returned no descriptor";
    return check;
  }
  // The version fields lead the struct in every ABI version, so they are
  // safe to read before anything else.
  const dynop_plugin_descriptor& p = *plugin_descriptor;
  const std::string host_version = std::to_string(host_major) + "." + std::to_string(host_minor);
  const std::string plugin_version =
      std::to_string(p.abi_major) + "." + std::to_string(p.abi_minor);
  if (p.abi_major != host_major) {
    check.error = "it was built for plugin ABI " + plugin_version + " but this host speaks ABI " +
                  host_version +
                  " (the major version must match); rebuild it against the SDK "
                  "of this host";
    return check;
  }
  // Same major: the fields of ABI 1.0 are where this host expects them.
  if (p.name != nullptr && valid_name(p.name)) check.name = p.name;
  if (p.abi_minor > host_minor) {
    check.error = "it needs plugin ABI " + plugin_version + " but this host only provides " +
                  host_version + "; upgrade the host or rebuild the plugin against an older SDK";
    return check;
  }
  if (p.struct_size < DYNOP_DESCRIPTOR_SIZE_V1_0) {
    check.error = "its descriptor is " + std::to_string(p.struct_size) +
                  " bytes, smaller than ABI 1.0's (" + std::to_string(DYNOP_DESCRIPTOR_SIZE_V1_0) +
                  ")";
    return check;
  }
  // Fields the plugin's descriptor lacks (a host of a newer minor appended
  // them) read as 0/NULL.
  const auto d = copy_prefix<dynop_plugin_descriptor>(plugin_descriptor, p.struct_size);
  if (d.name == nullptr || !valid_name(d.name)) {
    check.error = "its descriptor name is missing or invalid (want 1-63 of [a-z0-9_-])";
    return check;
  }
  if (d.version == nullptr) {
    check.error = "its descriptor has no version";
    return check;
  }
  if (d.capabilities == 0) {
    check.error = "it declares no capability";
    return check;
  }
  if (const uint64_t unknown = d.capabilities & ~uint64_t{DYNOP_CAP_ALL}; unknown != 0) {
    char hex[32];
    std::snprintf(hex, sizeof(hex), "0x%llx", static_cast<unsigned long long>(unknown));
    check.error = std::string("it declares capability bits unknown to ABI ") + host_version + " (" +
                  hex + ")";
    return check;
  }
  PluginHooks hooks;
  hooks.abi_minor = d.abi_minor;
  hooks.capabilities = d.capabilities;
  hooks.lifecycle = d.lifecycle;
  if (std::string error = read_hook_tables(d, hooks); !error.empty()) {
    check.error = error;
    return check;
  }
  if (std::vector<std::string> missing = missing_hooks(hooks, d); !missing.empty()) {
    check.error = "missing required hook" + std::string(missing.size() > 1 ? "s" : "") +
                  " for its capabilities (" + capability_names(d.capabilities) +
                  "): " + fmt::format("{}", fmt::join(missing, ", "));
    return check;
  }
  check.version = d.version;
  check.hooks = hooks;
  return check;
}

std::string capability_names(uint64_t capabilities) {
  std::vector<std::string> names;
  if (capabilities & DYNOP_CAP_RECONCILER) names.push_back("reconciler");
  if (capabilities & DYNOP_CAP_ADMISSION) names.push_back("admission");
  if (capabilities & DYNOP_CAP_PLACEMENT) names.push_back("placement");
  if (capabilities & DYNOP_CAP_AUTOSCALER) names.push_back("autoscaler");
  return names.empty() ? "none" : fmt::format("{}", fmt::join(names, ", "));
}

}  // namespace dynop::host
