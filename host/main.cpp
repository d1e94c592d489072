// dynop: the host process. Reads configuration, starts the ops endpoints,
// loads and starts plugins, and on SIGTERM/SIGINT stops and unloads them.
//
// Log lines tests and operators rely on (info level):
//   "dynop <version> starting"
//   "serving metrics and health on http://<host:port>"
//   "loaded <n> plugin(s): <names>"
//   "serving admission webhooks on https://<host:port> for <n> plugin(s): <paths>"
//   "dynop is ready"
//   "received <SIGTERM|SIGINT>, shutting down"
//   "shutdown complete"

#include <pthread.h>
#include <signal.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "host/admission/abi_admission_plugin.hpp"
#include "host/admission/admission_server.hpp"
#include "host/config/config.hpp"
#include "host/plugins/plugin_manager.hpp"
#include "host/server/ops_server.hpp"
#include "lib/log/log.hpp"
#include "lib/metrics/registry.hpp"

namespace {

int wait_for_signal(const sigset_t& signals) {
  for (;;) {
    int signal = 0;
    if (sigwait(&signals, &signal) == 0) return signal;
  }
}

std::string join_started(const std::vector<dynop::host::PluginStatus>& statuses, int& count) {
  std::string names;
  count = 0;
  for (const auto& s : statuses) {
    if (s.state != dynop::host::PluginState::kStarted &&
        s.state != dynop::host::PluginState::kLoaded) {
      continue;
    }
    ++count;
    if (!names.empty()) names += ", ";
    names += s.name;
    if (!s.version.empty()) names += " " + s.version;
  }
  return names;
}

int run(const dynop::host::Config& config) {
  using dynop::host::PluginState;
  spdlog::info("{} starting", dynop::host::version_line());

  dynop::metrics::Registry registry;
  registry.gauge("dynop_build_info", "Build information of the dynop host; always 1.")
      .with({{"version", dynop::host::version()}})
      .set(1);

  dynop::host::OpsServer ops(registry);
  std::atomic<bool> plugins_started{false};
  ops.readiness().add("plugins", [&] {
    return plugins_started ? std::string() : std::string("plugins not started");
  });
  std::string error;
  if (!ops.start(config.metrics_address, error)) {
    spdlog::error("metrics and health endpoints: {}", error);
    return 1;
  }
  spdlog::info("serving metrics and health on http://{}", ops.address());

  dynop::host::PluginManager plugins(registry);
  dynop::host::PluginLoadOptions load;
  load.folder = config.plugin_dir;
  load.enabled = config.plugins;
  load.config_sections = config.plugin_config;
  if (!plugins.load_all(load, error)) {
    spdlog::error("{}", error);
    return 1;
  }
  plugins.start_all();
  int started = 0;
  std::string names = join_started(plugins.statuses(), started);
  spdlog::info("loaded {} plugin(s){}{}", started, started > 0 ? ": " : "", names);
  int failed = 0;
  for (const auto& s : plugins.statuses()) {
    if (s.state != PluginState::kStarted) ++failed;
  }
  if (failed > 0) spdlog::warn("{} plugin(s) not running; see the errors above", failed);

  // Admission runs on every replica, leader or not, and only while the
  // plugins are started: it stops before they do.
  std::unique_ptr<dynop::host::admission::AdmissionServer> admission;
  if (!config.admission_address.empty()) {
    dynop::host::admission::AdmissionServerOptions options;
    options.address = config.admission_address;
    options.cert_file = config.admission_cert_file;
    options.key_file = config.admission_key_file;
    auto admission_plugins = dynop::host::admission::admission_plugins_of(plugins.active_plugins());
    const std::size_t count = admission_plugins.size();
    admission = std::make_unique<dynop::host::admission::AdmissionServer>(
        options, std::move(admission_plugins), registry);
    if (!admission->start(error)) {
      spdlog::error("{}", error);
      admission.reset();
      plugins.stop_all();
      plugins.unload_all();
      ops.stop();
      return 1;
    }
    std::string paths;
    for (const auto& path : admission->dispatcher().paths()) {
      paths += (paths.empty() ? "" : ", ") + path;
    }
    spdlog::info("serving admission webhooks on https://{} for {} plugin(s): {}",
                 admission->address(), count, paths);
    if (count == 0) {
      spdlog::warn("no admission plugin is loaded: every admission review will be denied");
    }
  }
  plugins_started = true;
  spdlog::info("dynop is ready");

  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  int signal = wait_for_signal(signals);
  spdlog::info("received {}, shutting down", signal == SIGTERM ? "SIGTERM" : "SIGINT");

  plugins_started = false;  // readyz fails while we drain
  if (admission) admission->stop();
  plugins.stop_all();
  plugins.unload_all();
  ops.stop();
  spdlog::info("shutdown complete");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  // Block the stop signals before any thread starts, so that every thread
  // inherits the mask and only sigwait() in main receives them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  // A client that goes away mid-write must not kill the process.
  ::signal(SIGPIPE, SIG_IGN);

  std::vector<std::string> args(argv + 1, argv + argc);
  dynop::host::Startup startup = dynop::host::load_startup(args);
  switch (startup.action) {
    case dynop::host::Startup::Action::kHelp:
      std::fputs(dynop::host::usage().c_str(), stdout);
      return 0;
    case dynop::host::Startup::Action::kVersion:
      std::printf("%s\n", dynop::host::version_line().c_str());
      return 0;
    case dynop::host::Startup::Action::kError:
      std::fprintf(stderr, "dynop: %s\n", startup.error.c_str());
      return startup.exit_code;
    case dynop::host::Startup::Action::kRun:
      break;
  }
  dynop::log::init(startup.config.log_level, startup.config.log_format);
  try {
    return run(startup.config);
  } catch (const std::exception& e) {
    spdlog::critical("fatal: {}", e.what());
    return 1;
  }
}
