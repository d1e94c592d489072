#include "host/plugins/plugin_validation.hpp"

#include <cstddef>
#include <cstdio>
#include <vector>

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

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

// Hooks the declared capabilities require but the descriptor lacks, as
// "capability.hook".
std::vector<std::string> missing_hooks(const dynop_plugin_descriptor& d) {
  std::vector<std::string> missing;
  if (d.lifecycle.init == nullptr) missing.push_back("lifecycle.init");
  if (d.lifecycle.destroy == nullptr) missing.push_back("lifecycle.destroy");
  if (d.capabilities & DYNOP_CAP_RECONCILER) {
    const dynop_reconciler_hooks* h = d.reconciler;
    if (h == nullptr) {
      missing.push_back("reconciler (no hook table)");
    } else {
      if (h->describe == nullptr) missing.push_back("reconciler.describe");
      if (h->reconcile == nullptr) missing.push_back("reconciler.reconcile");
    }
  }
  if (d.capabilities & DYNOP_CAP_ADMISSION) {
    const dynop_admission_hooks* h = d.admission;
    if (h == nullptr) {
      missing.push_back("admission (no hook table)");
    } else {
      if (h->describe == nullptr) missing.push_back("admission.describe");
      if (h->review == nullptr) missing.push_back("admission.review");
    }
  }
  if (d.capabilities & DYNOP_CAP_PLACEMENT) {
    const dynop_placement_hooks* h = d.placement;
    if (h == nullptr) {
      missing.push_back("placement (no hook table)");
    } else {
      if (h->describe == nullptr) missing.push_back("placement.describe");
      if (h->filter == nullptr) missing.push_back("placement.filter");
      if (h->score == nullptr) missing.push_back("placement.score");
      if (h->reserve != nullptr && h->unreserve == nullptr) {
        missing.push_back("placement.unreserve (required with reserve)");
      }
    }
  }
  if (d.capabilities & DYNOP_CAP_AUTOSCALER) {
    const dynop_autoscaler_hooks* h = d.autoscaler;
    if (h == nullptr) {
      missing.push_back("autoscaler (no hook table)");
    } else {
      if (h->describe == nullptr) missing.push_back("autoscaler.describe");
      if (h->evaluate == nullptr) missing.push_back("autoscaler.evaluate");
    }
  }
  return missing;
}

}  // namespace

DescriptorCheck check_descriptor(const dynop_plugin_descriptor* d, uint16_t host_major,
                                 uint16_t host_minor) {
  DescriptorCheck check;
  if (d == nullptr) {
    check.error = "its entry function returned no descriptor";
    return check;
  }
  // The version fields lead the struct in every ABI version, so they are
  // safe to read before anything else.
  const std::string host_version = std::to_string(host_major) + "." + std::to_string(host_minor);
  const std::string plugin_version =
      std::to_string(d->abi_major) + "." + std::to_string(d->abi_minor);
  if (d->abi_major != host_major) {
    check.error = "it was built for plugin ABI " + plugin_version + " but this host speaks ABI " +
                  host_version +
                  " (the major version must match); rebuild it against the SDK "
                  "of this host";
    return check;
  }
  // Same major: the name field is where this host expects it.
  if (d->name != nullptr && valid_name(d->name)) check.name = d->name;
  if (d->abi_minor > host_minor) {
    check.error = "it needs plugin ABI " + plugin_version + " but this host only provides " +
                  host_version + "; upgrade the host or rebuild the plugin against an older SDK";
    return check;
  }
  if (d->struct_size < sizeof(dynop_plugin_descriptor)) {
    check.error = "its descriptor is " + std::to_string(d->struct_size) +
                  " bytes, smaller than ABI " + host_version + " allows (" +
                  std::to_string(sizeof(dynop_plugin_descriptor)) + ")";
    return check;
  }
  if (d->name == nullptr || !valid_name(d->name)) {
    check.error = "its descriptor name is missing or invalid (want 1-63 of [a-z0-9_-])";
    return check;
  }
  if (d->version == nullptr) {
    check.error = "its descriptor has no version";
    return check;
  }
  if (d->capabilities == 0) {
    check.error = "it declares no capability";
    return check;
  }
  if (const uint64_t unknown = d->capabilities & ~uint64_t{DYNOP_CAP_ALL_V1_0}; unknown != 0) {
    char hex[32];
    std::snprintf(hex, sizeof(hex), "0x%llx", static_cast<unsigned long long>(unknown));
    check.error = std::string("it declares capability bits unknown to ABI ") + host_version + " (" +
                  hex + ")";
    return check;
  }
  if (std::vector<std::string> missing = missing_hooks(*d); !missing.empty()) {
    check.error = "missing required hook" + std::string(missing.size() > 1 ? "s" : "") +
                  " for its capabilities (" + capability_names(d->capabilities) +
                  "): " + join(missing);
    return check;
  }
  return check;
}

std::string capability_names(uint64_t capabilities) {
  std::vector<std::string> names;
  if (capabilities & DYNOP_CAP_RECONCILER) names.push_back("reconciler");
  if (capabilities & DYNOP_CAP_ADMISSION) names.push_back("admission");
  if (capabilities & DYNOP_CAP_PLACEMENT) names.push_back("placement");
  if (capabilities & DYNOP_CAP_AUTOSCALER) names.push_back("autoscaler");
  return names.empty() ? "none" : join(names);
}

}  // namespace dynop::host
