#pragma once
// What a plugin declares about its capabilities (the describe hooks of
// dynop/abi.h), copied into host-owned values when it loads, checked, and
// kept for the parts of the host that wire capabilities to informers, work
// queues, the admission server, the scheduler and autoscaling timers.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "dynop/abi.h"
#include "host/plugins/plugin_hooks.hpp"

namespace dynop::host {

struct KindSpec {
  std::string group;  // "" for the core group
  std::string version;
  std::string kind;
};

// What the plugin needs cached of a kind (dynop_cache_spec), checked: kFields
// names at least one path, and `writes` comes only with DYNOP_CACHE_FULL.
struct CacheSpec {
  dynop_cache_mode mode = DYNOP_CACHE_FULL;
  std::vector<std::string> fields;  // DYNOP_CACHE_FIELDS only
  bool writes = false;
};

struct WatchSpec {
  KindSpec kind;
  dynop_watch_mapping mapping = DYNOP_MAP_CONTROLLER_OWNER;
  CacheSpec cache;
};

struct ReconcilerSpec {
  KindSpec primary;
  std::vector<WatchSpec> watches;
  uint32_t workers = 1;  // never 0
  CacheSpec primary_cache;
};

struct AdmissionRuleSpec {
  std::string group;
  std::string version;
  std::string resource;
  uint32_t operations = 0;  // DYNOP_OP_* bits, never 0
};

struct AdmissionSpec {
  std::vector<AdmissionRuleSpec> rules;  // never empty
};

struct PlacementSpec {
  std::string scheduler_name;   // never empty
  uint32_t nodes_to_score = 0;  // 0: every candidate
};

struct AutoscalerSpec {
  uint32_t interval_ms = 15000;  // never 0
};

// One member per capability the plugin declares.
struct PluginSpecs {
  std::optional<ReconcilerSpec> reconciler;
  std::optional<AdmissionSpec> admission;
  std::optional<PlacementSpec> placement;
  std::optional<AutoscalerSpec> autoscaler;
};

// Calls the describe hook of every capability `hooks` declares (read from a
// descriptor that passed check_descriptor), copies and checks the answers,
// reading them by the plugin's ABI version. Returns "" and fills `out`, or why
// the plugin cannot run ("describe (reconciler): ..."). Exceptions escaping a
// hook are caught and reported.
std::string describe_plugin(const PluginHooks& hooks, dynop_plugin* instance, PluginSpecs& out);

}  // namespace dynop::host
