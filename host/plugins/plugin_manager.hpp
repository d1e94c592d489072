#pragma once
// Loads, starts, stops and unloads plugins. The contract between host/main.cpp
// and the loader: the host outlives every plugin object (stop all, then unload
// all), and a refused or failing plugin is reported, never fatal.

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "dynop/abi.h"
#include "host/plugins/plugin_hooks.hpp"
#include "host/plugins/plugin_specs.hpp"

namespace dynop::metrics {
class Registry;
}

namespace dynop::host {

class PluginServices;
class PrometheusSource;

struct PluginLoadOptions {
  std::filesystem::path folder;
  // Plugin names to load; empty means every plugin found in `folder`.
  std::vector<std::string> enabled;
  // Per-plugin configuration section, by plugin name, as YAML text ("" if none).
  std::map<std::string, std::string> config_sections;
};

enum class PluginState {
  kRefused,     // not loadable: bad file, ABI mismatch, missing hook
  kInitFailed,  // init returned an error or threw
  kLoaded,      // init succeeded, not yet started
  kStarted,
  kStopped,
  kStartFailed,  // start returned an error or threw; never stopped, destroyed at unload
};

const char* to_string(PluginState state);

struct PluginStatus {
  std::string name;            // descriptor name, or the file stem when refused before that
  std::filesystem::path file;  // the shared library
  std::string version;         // plugin version, "" when unknown
  PluginState state = PluginState::kRefused;
  std::string reason;  // why refused or failed; "" otherwise
};

// A plugin that initialized, for the parts of the host that drive its
// capability hooks. Pointers stay valid until unload_all().
struct ActivePlugin {
  std::string name;
  PluginHooks hooks;  // read by the plugin's ABI version; NULL where it has none
  dynop_plugin* instance = nullptr;
  PluginSpecs specs;  // what its describe hooks declared, checked at load
};

class PluginManager {
 public:
  // `metrics` must outlive the manager; per-plugin load status is exported there
  // (dynop_plugin_status{plugin,state}) and plugins register their own metrics in it.
  explicit PluginManager(metrics::Registry& metrics);
  ~PluginManager();  // stops and unloads whatever is still loaded
  PluginManager(const PluginManager&) = delete;
  PluginManager& operator=(const PluginManager&) = delete;

  // Never throws for a bad plugin: each refusal is one log line naming the
  // file and the reason, and the others still load. Returns false only when
  // the folder itself cannot be read (the caller exits with a clear message).
  bool load_all(const PluginLoadOptions& options, std::string& error);
  // Optional, before load_all: where plugins' Kubernetes callbacks (reads,
  // writes, events, requeue) go; must outlive the manager. Without it they
  // answer DYNOP_NOT_IMPLEMENTED.
  void set_services(PluginServices* services);
  // Optional, before load_all: where plugins' Prometheus queries go; must
  // outlive the manager. Without it they answer DYNOP_NOT_IMPLEMENTED.
  void set_prometheus(PrometheusSource* prometheus);
  void start_all();
  void stop_all();    // reverse load order
  void unload_all();  // after stop_all; unloads the shared libraries
  std::vector<PluginStatus> statuses() const;
  // Plugins in state kLoaded or kStarted, in load order.
  std::vector<ActivePlugin> active_plugins() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace dynop::host
