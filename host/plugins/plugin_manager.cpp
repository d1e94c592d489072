#include "host/plugins/plugin_manager.hpp"

#include <dlfcn.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/dll/shared_library.hpp>
#include <exception>
#include <mutex>
#include <set>
#include <system_error>
#include <utility>

#include "host/plugins/crash_reporter.hpp"
#include "host/plugins/plugin_host_api.hpp"
#include "host/plugins/plugin_specs.hpp"
#include "host/plugins/plugin_validation.hpp"
#include "lib/metrics/registry.hpp"

namespace dynop::host {

const char* to_string(PluginState state) {
  switch (state) {
    case PluginState::kRefused:
      return "refused";
    case PluginState::kInitFailed:
      return "init_failed";
    case PluginState::kLoaded:
      return "loaded";
    case PluginState::kStarted:
      return "started";
    case PluginState::kStopped:
      return "stopped";
    case PluginState::kStartFailed:
      return "start_failed";
  }
  return "unknown";
}

namespace {

constexpr PluginState kAllStates[] = {PluginState::kRefused, PluginState::kInitFailed,
                                      PluginState::kLoaded,  PluginState::kStarted,
                                      PluginState::kStopped, PluginState::kStartFailed};

std::string message_of(const dynop_status& s) {
  std::string m = s.message.size ? std::string(s.message.data, s.message.size) : std::string();
  if (m.empty()) m = "status code " + std::to_string(s.code) + " without a message";
  return m;
}

}  // namespace

struct PluginManager::Impl {
  // One loaded shared library and what the host made for it. Destruction
  // order matters: the instance is destroyed explicitly, then the library is
  // unloaded, then the callback table (which plugin code may point at until
  // destroy returns) goes.
  struct Loaded {
    size_t status_index = 0;
    std::filesystem::path file;
    std::unique_ptr<PluginHostApi> api;
    boost::dll::shared_library library;
    PluginHooks hooks;
    dynop_plugin* instance = nullptr;
    PluginSpecs specs;
  };

  explicit Impl(metrics::Registry& registry)
      : status_family(registry.gauge("dynop_plugin_status",
                                     "Plugin load state: 1 for the state the plugin is in.")),
        registry(registry) {}

  void set_state(size_t index, PluginState state, std::string reason = {}) {
    std::lock_guard lock(mutex);
    PluginStatus& s = statuses[index];
    s.state = state;
    s.reason = std::move(reason);
    for (PluginState candidate : kAllStates) {
      status_family.with({{"plugin", s.name}, {"state", to_string(candidate)}})
          .Set(candidate == state ? 1 : 0);
    }
  }

  size_t add_status(std::string name, std::filesystem::path file) {
    size_t index;
    {
      std::lock_guard lock(mutex);
      statuses.push_back(
          PluginStatus{std::move(name), std::move(file), "", PluginState::kRefused, ""});
      index = statuses.size() - 1;
    }
    return index;
  }

  void refuse(const std::filesystem::path& file, std::string name, const std::string& reason) {
    spdlog::error("plugin file {}: refused: {}", file.string(), reason);
    set_state(add_status(std::move(name), file), PluginState::kRefused, reason);
  }

  void load_one(const std::filesystem::path& file, const PluginLoadOptions& options,
                std::set<std::string>& found_names);

  metrics::Family<metrics::Gauge> status_family;
  metrics::Registry& registry;
  mutable std::mutex mutex;  // guards statuses (read by statuses() from any thread)
  std::vector<PluginStatus> statuses;
  std::vector<std::unique_ptr<Loaded>> loaded;  // load order
  bool stopped = false;
  PluginServices* services = nullptr;
  PrometheusSource* prometheus = nullptr;
};

void PluginManager::Impl::load_one(const std::filesystem::path& file,
                                   const PluginLoadOptions& options,
                                   std::set<std::string>& found_names) {
  const std::string stem = file.stem().string();
  spdlog::debug("loading plugin file {}", file.string());

  auto entry = std::make_unique<Loaded>();
  entry->file = file;
  std::error_code ec;
  // rtld_now: an unresolved symbol fails here, with the loader's message,
  // instead of crashing the first time the plugin calls it.
  {
    CrashReporter guard(file.string(), "load (static initializers)");
    entry->library.load(file, boost::dll::load_mode::rtld_now, ec);
  }
  if (ec || !entry->library.is_loaded()) {
    const char* why = dlerror();
    refuse(file, stem,
           std::string("cannot load the shared library: ") + (why ? why : ec.message()));
    return;
  }
  // The entry function, or the data symbol that ABI 1.0 exported instead
  // (a pointer to that function, Boost.DLL's alias layout): see abi.h.
  const bool has_function = entry->library.has(DYNOP_PLUGIN_ENTRY_FUNCTION);
  if (!has_function && !entry->library.has(DYNOP_PLUGIN_ENTRY_SYMBOL)) {
    refuse(file, stem,
           "not a dynop plugin: it exports neither the " DYNOP_PLUGIN_ENTRY_FUNCTION
           " function nor ABI 1.0's " DYNOP_PLUGIN_ENTRY_SYMBOL " symbol");
    return;
  }
  const dynop_plugin_descriptor* descriptor = nullptr;
  try {
    using EntryFunction = const dynop_plugin_descriptor*();
    EntryFunction& entry_fn =
        has_function ? entry->library.get<EntryFunction>(DYNOP_PLUGIN_ENTRY_FUNCTION)
                     : entry->library.get_alias<EntryFunction>(DYNOP_PLUGIN_ENTRY_SYMBOL);
    CrashReporter guard(file.string(), "reading its descriptor");
    descriptor = entry_fn();
  } catch (const std::exception& e) {
    refuse(file, stem, std::string("reading its descriptor failed: ") + e.what());
    return;
  } catch (...) {
    refuse(file, stem, "reading its descriptor failed with an unknown exception");
    return;
  }

  DescriptorCheck check = check_descriptor(descriptor);
  const std::string name = check.name.empty() ? stem : check.name;
  if (!check.ok()) {
    refuse(file, name, check.error);
    return;
  }
  if (!options.enabled.empty() &&
      std::find(options.enabled.begin(), options.enabled.end(), name) == options.enabled.end()) {
    spdlog::info("plugin {} ({}) is not enabled in the configuration; not loading it", name,
                 file.string());
    return;
  }
  if (!found_names.insert(name).second) {
    std::string first;
    for (const PluginStatus& s : statuses) {
      if (s.name == name && s.state != PluginState::kRefused) first = s.file.string();
    }
    // Reported under the file stem: the name's status (and its metric
    // series) belongs to the plugin that loaded first.
    refuse(file, stem,
           "another plugin named " + name + " is already loaded" +
               (first.empty() ? "" : " from " + first));
    return;
  }

  const size_t index = add_status(name, file);
  {
    std::lock_guard lock(mutex);
    statuses[index].version = check.version;
  }
  entry->status_index = index;
  entry->hooks = check.hooks;
  const PluginHooks& hooks = entry->hooks;
  entry->api = std::make_unique<PluginHostApi>(name, registry, services, prometheus);

  std::string config;
  if (auto it = options.config_sections.find(name); it != options.config_sections.end()) {
    config = it->second;
  }
  dynop_status error{DYNOP_OK, {nullptr, 0}};
  std::string failure;
  try {
    CrashReporter guard(file.string(), "init");
    entry->instance =
        hooks.lifecycle.init(entry->api->table(), config.data(), config.size(), &error);
    if (entry->instance == nullptr) failure = message_of(error);
  } catch (const std::exception& e) {
    // Only a plugin not using the SDK can get here; the SDK catches everything.
    failure = std::string("init threw across the plugin boundary: ") + e.what();
  } catch (...) {
    failure = "init threw across the plugin boundary";
  }
  if (failure.empty()) {
    // The ABI's order: init, then describe each capability, then start.
    CrashReporter guard(file.string(), "describe");
    failure = describe_plugin(hooks, entry->instance, entry->specs);
    if (!failure.empty()) {
      CrashReporter destroy_guard(file.string(), "destroy");
      try {
        hooks.lifecycle.destroy(entry->instance);
      } catch (...) {
        spdlog::warn("plugin {}: destroy threw across the plugin boundary", name);
      }
      entry->instance = nullptr;
    }
  }
  if (!failure.empty()) {
    spdlog::error("plugin {} ({}): init failed: {}", name, file.string(), failure);
    set_state(index, PluginState::kInitFailed, failure);
    return;  // `entry` goes out of scope: the library is unloaded
  }
  set_state(index, PluginState::kLoaded);
  spdlog::info("plugin {} {} loaded from {} (capabilities: {})", name, statuses[index].version,
               file.string(), capability_names(hooks.capabilities));
  loaded.push_back(std::move(entry));
}

PluginManager::PluginManager(metrics::Registry& metrics) : impl_(std::make_unique<Impl>(metrics)) {}

PluginManager::~PluginManager() {
  stop_all();
  unload_all();
}

void PluginManager::set_services(PluginServices* services) { impl_->services = services; }

void PluginManager::set_prometheus(PrometheusSource* prometheus) { impl_->prometheus = prometheus; }

bool PluginManager::load_all(const PluginLoadOptions& options, std::string& error) {
  std::error_code ec;
  if (!std::filesystem::is_directory(options.folder, ec)) {
    error = "plugin folder " + options.folder.string() + " is not a readable directory" +
            (ec ? ": " + ec.message() : "");
    return false;
  }
  std::vector<std::filesystem::path> files;
  for (std::filesystem::directory_iterator it(options.folder, ec), end; !ec && it != end;
       it.increment(ec)) {
    std::error_code type_ec;
    if (it->path().extension() == ".so" && it->is_regular_file(type_ec))
      files.push_back(it->path());
  }
  if (ec) {
    error = "cannot read plugin folder " + options.folder.string() + ": " + ec.message();
    return false;
  }
  // Deterministic load order (and so start order; stop is the reverse).
  std::sort(files.begin(), files.end());
  impl_->stopped = false;

  std::set<std::string> found_names;
  for (const auto& file : files) impl_->load_one(file, options, found_names);

  for (const std::string& wanted : options.enabled) {
    if (found_names.count(wanted) == 0) {
      bool refused = false;
      for (const PluginStatus& s : statuses()) refused = refused || s.name == wanted;
      if (!refused) {
        impl_->refuse(options.folder, wanted,
                      "plugin " + wanted +
                          " is enabled in the configuration but no plugin of "
                          "that name is in the folder");
      }
    }
  }
  return true;
}

void PluginManager::start_all() {
  for (auto& entry : impl_->loaded) {
    if (statuses()[entry->status_index].state != PluginState::kLoaded) continue;
    const std::string name = entry->api->plugin_name();
    std::string failure;
    if (entry->hooks.lifecycle.start != nullptr) {
      try {
        CrashReporter guard(entry->file.string(), "start");
        dynop_status s = entry->hooks.lifecycle.start(entry->instance);
        if (s.code != DYNOP_OK) failure = message_of(s);
      } catch (...) {
        failure = "start threw across the plugin boundary";
      }
    }
    if (!failure.empty()) {
      spdlog::error("plugin {}: start failed: {}", name, failure);
      impl_->set_state(entry->status_index, PluginState::kStartFailed, failure);
      continue;
    }
    impl_->set_state(entry->status_index, PluginState::kStarted);
    spdlog::info("plugin {} started", name);
  }
}

void PluginManager::stop_all() {
  for (auto it = impl_->loaded.rbegin(); it != impl_->loaded.rend(); ++it) {
    auto& entry = **it;
    const PluginState state = statuses()[entry.status_index].state;
    if (state != PluginState::kStarted && state != PluginState::kLoaded) continue;
    if (state == PluginState::kStarted && entry.hooks.lifecycle.stop != nullptr) {
      try {
        CrashReporter guard(entry.file.string(), "stop");
        dynop_status s = entry.hooks.lifecycle.stop(entry.instance);
        if (s.code != DYNOP_OK) {
          spdlog::warn("plugin {}: stop failed: {}", entry.api->plugin_name(), message_of(s));
        }
      } catch (...) {
        spdlog::warn("plugin {}: stop threw across the plugin boundary", entry.api->plugin_name());
      }
    }
    impl_->set_state(entry.status_index, PluginState::kStopped);
    spdlog::info("plugin {} stopped", entry.api->plugin_name());
  }
  impl_->stopped = true;
}

void PluginManager::unload_all() {
  if (!impl_->stopped) stop_all();
  while (!impl_->loaded.empty()) {
    std::unique_ptr<Impl::Loaded> entry = std::move(impl_->loaded.back());
    impl_->loaded.pop_back();
    const std::string file = entry->file.string();
    try {
      CrashReporter guard(file, "destroy");
      entry->hooks.lifecycle.destroy(entry->instance);
    } catch (...) {
      spdlog::warn("plugin {}: destroy threw across the plugin boundary",
                   entry->api->plugin_name());
    }
    entry->instance = nullptr;
    {
      CrashReporter guard(file, "unload (static destructors)");
      entry->library.unload();
    }
    spdlog::debug("plugin {} unloaded", entry->api->plugin_name());
  }
}

std::vector<PluginStatus> PluginManager::statuses() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->statuses;
}

std::vector<ActivePlugin> PluginManager::active_plugins() const {
  std::vector<ActivePlugin> out;
  std::vector<PluginStatus> current = statuses();
  for (const auto& entry : impl_->loaded) {
    const PluginState state = current[entry->status_index].state;
    if (state == PluginState::kLoaded || state == PluginState::kStarted) {
      out.push_back(
          ActivePlugin{entry->api->plugin_name(), entry->hooks, entry->instance, entry->specs});
    }
  }
  return out;
}

}  // namespace dynop::host
