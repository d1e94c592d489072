// dynop: the host process. Reads configuration, starts the ops endpoints,
// loads and starts plugins, and on SIGTERM/SIGINT stops and unloads them.
//
// Log lines tests and operators rely on (info level):
//   "dynop <version> starting"
//   "serving metrics and health on http://<host:port>"
//   "scaling timeline on http://<host:port>/ui/"
//   "plugins query Prometheus at <url>"  (with prometheus.url / --prometheus-url)
//   "loaded <n> plugin(s): <names>"
//   "serving admission webhooks on https://<host:port> for <n> plugin(s): <paths>"
//   "dynop is ready"  (when /readyz turns ready: caches synced, reconcilers wired)
//   with Kubernetes: the lines of host/app/kube_runtime.hpp
//   "received <SIGTERM|SIGINT>, shutting down"
//   "shutdown complete"

#include <pthread.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <memory>
#include <string>
#include <vector>

#include "host/admission/abi_admission_plugin.hpp"
#include "host/admission/admission_server.hpp"
#include "host/app/kube_runtime.hpp"
#include "host/autoscaling/decision_log.hpp"
#include "host/config/config.hpp"
#include "host/plugins/plugin_manager.hpp"
#include "host/prometheus/prometheus_service.hpp"
#include "host/server/ops_server.hpp"
#include "host/ui/ui_endpoints.hpp"
#include "lib/cli/stop_signals.hpp"
#include "lib/log/log.hpp"
#include "lib/metrics/registry.hpp"

namespace {

// SIGUSR1 is the host telling itself to stop: leadership was lost.
sigset_t stop_signals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGUSR1);
  return signals;
}

// Sleeps up to `delay`; the signal that arrived (0 when none).
int wait_for_signal_for(std::chrono::milliseconds delay) {
  sigset_t signals = stop_signals();
  timespec timeout{};
  timeout.tv_sec = static_cast<time_t>(delay.count() / 1000);
  timeout.tv_nsec = static_cast<long>((delay.count() % 1000) * 1000000);
  for (;;) {
    int signal = sigtimedwait(&signals, nullptr, &timeout);
    if (signal > 0) return signal;
    if (errno == EAGAIN) return 0;
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
      .Set(1);

  // Prometheus for plugins' queries and the timeline page, when configured.
  std::unique_ptr<dynop::host::PrometheusService> prometheus;
  if (!config.prometheus_url.empty()) {
    auto created = dynop::host::PrometheusService::create(
        {config.prometheus_url, config.prometheus_timeout}, registry);
    if (!created) {
      spdlog::error("prometheus.url: {}", created.error());
      return 1;
    }
    prometheus = std::move(*created);
    spdlog::info("plugins query Prometheus at {}", prometheus->url());
  }

  dynop::host::OpsServer ops(registry);
  // Autoscaler plugins' decisions and the /scale writes of others, for the
  // planner and the timeline UI.
  dynop::host::autoscaling::DecisionLog decisions(config.decision_log_size);
  ops.add_endpoint("/autoscaling/decisions", [&decisions](const dynop::net::Request& req) {
    std::string error;
    auto query = dynop::host::autoscaling::parse_decision_query(req.query(), error);
    if (!query) return dynop::net::Response::text(400, error + "\n");
    return dynop::net::Response::json(
        200, dynop::host::autoscaling::to_json(decisions.list(*query), decisions.capacity()));
  });
  // The timeline page: its charts from Prometheus, its decisions from the log above.
  dynop::host::ui::add_ui_endpoints(ops, prometheus.get());
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
  spdlog::info("scaling timeline on http://{}/ui/", ops.address());

  // Kubernetes: only when asked for (--kubeconfig, $KUBECONFIG, in a pod).
  std::unique_ptr<dynop::host::app::KubeRuntime> kube;
  if (dynop::host::app::kube_requested(config)) {
    int early_signal = 0;
    kube = dynop::host::app::KubeRuntime::connect(
        config, registry,
        [&](auto delay) {
          early_signal = wait_for_signal_for(delay);
          return early_signal == 0;
        },
        &decisions);
    if (!kube) {
      spdlog::info("received {}, shutting down", dynop::cli::signal_name(early_signal));
      ops.stop();
      spdlog::info("shutdown complete");
      return 0;
    }
    ops.readiness().add("informers", [&] { return kube->not_ready_reason(); });
  }

  dynop::host::PluginManager plugins(registry);
  if (kube) plugins.set_services(&kube->services());
  if (prometheus) plugins.set_prometheus(prometheus.get());
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
  if (kube) {
    kube->start(plugins.active_plugins(), [] { kill(getpid(), SIGUSR1); });
  }

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
      if (kube) kube->stop();
      plugins.stop_all();
      if (kube) kube->stop_informers();
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

  // "dynop is ready" means what /readyz says: informer caches synced and
  // every reconciler wired (a plugin may wait for its CRDs to be applied).
  int signal = 0;
  while (signal == 0 && !ops.readiness().run("readyz", false).ok) {
    signal = wait_for_signal_for(std::chrono::milliseconds(50));
  }
  if (signal == 0) {
    spdlog::info("dynop is ready");
    signal = dynop::cli::wait_for_signal(stop_signals());
  }
  const bool lost_leadership = signal == SIGUSR1;
  if (!lost_leadership) spdlog::info("received {}, shutting down", dynop::cli::signal_name(signal));

  plugins_started = false;  // readyz fails while we drain
  if (admission) admission->stop();
  if (kube) kube->stop();
  plugins.stop_all();
  if (kube) kube->stop_informers();
  plugins.unload_all();
  kube.reset();
  ops.stop();
  spdlog::info("shutdown complete");
  return lost_leadership ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  // Block the stop signals before any thread starts, so that every thread
  // inherits the mask and only sigwait() in main receives them.
  sigset_t signals = stop_signals();
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
