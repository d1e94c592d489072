// dynop-localcluster: a single-process Kubernetes-compatible API server.
//
//   dynop-localcluster [--data-dir DIR] [--port N] [--in-memory] [--token T]
//                      [--log-level LEVEL] [--watch-history N] [--audit-log-path PATH]
//                      [--fault-* ...]
//                      [--horizontal-pod-autoscaler-*, --prometheus-adapter-config, ...]
//
// Prints the kubeconfig path once it serves; SIGTERM/SIGINT stop it cleanly
// (exit 0). Everything except --in-memory state survives a restart, including
// a restart in place asked for with POST /admin/restart (localcluster/faults).

#include <spdlog/spdlog.h>

#include <charconv>
#include <cstdio>
#include <filesystem>
#include <sstream>
#include <string>
#include <thread>

#include "lib/cli/command_line.hpp"
#include "lib/cli/stop_signals.hpp"
#include "lib/log/log.hpp"
#include "lib/net/bearer_token.hpp"
#include "localcluster/admission/namespace_lifecycle.hpp"
#include "localcluster/admission/service_account_admission.hpp"
#include "localcluster/admission/webhook_dispatcher.hpp"
#include "localcluster/audit/audit_log.hpp"
#include "localcluster/autoscaling/autoscaling_flags.hpp"
#include "localcluster/autoscaling/autoscaling_stack.hpp"
#include "localcluster/builtin/builtin_resource_types.hpp"
#include "localcluster/controllers/crd_controller.hpp"
#include "localcluster/controllers/endpoints_controller.hpp"
#include "localcluster/controllers/garbage_collector.hpp"
#include "localcluster/controllers/namespace_controller.hpp"
#include "localcluster/controllers/service_account_controller.hpp"
#include "localcluster/faults/admin_endpoint.hpp"
#include "localcluster/faults/fault_config.hpp"
#include "localcluster/faults/fault_injector.hpp"
#include "localcluster/faults/lifecycle.hpp"
#include "localcluster/pki/certificates.hpp"
#include "localcluster/prometheus_sd/pod_sd_endpoint.hpp"
#include "localcluster/registry/resource_registry.hpp"
#include "localcluster/server/api_server.hpp"
#include "localcluster/server/documents_endpoint.hpp"
#include "localcluster/server/kubeconfig.hpp"
#include "localcluster/storage/object_store.hpp"
#include "localcluster/tables/server_table_renderer.hpp"

namespace {

namespace fs = std::filesystem;
using namespace dynop::localcluster;

struct Flags {
  std::string data_dir = "./.localcluster";
  int port = 0;
  bool in_memory = false;
  std::string token;
  std::string log_level = "info";
  std::size_t watch_history = 20000;
  std::string audit_log_path;
  faults::FaultConfig faults;
  autoscaling::AutoscalingFlags autoscaling;
};

namespace po = boost::program_options;

// Every flag, bound to `flags` (--help lists exactly these).
po::options_description describe_flags(Flags& flags) {
  po::options_description out("Flags", 100, 50);
  out.add_options()("data-dir", po::value(&flags.data_dir)->value_name("DIR"),
                    "state, certificates and kubeconfig (default ./.localcluster)")(
      "port",
      po::value<std::string>()->value_name("N")->notifier([&flags](const std::string& text) {
        int port = -1;
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), port);
        if (ec != std::errc() || end != text.data() + text.size() || port < 0 || port > 65535) {
          throw std::invalid_argument("--port: invalid value \"" + text + "\" (expected 0-65535)");
        }
        flags.port = port;
      }),
      "HTTPS port on 127.0.0.1; 0 picks a free one (default 0)")(
      "in-memory", po::bool_switch(&flags.in_memory),
      "keep objects in memory only (nothing survives a restart)")(
      "token", po::value(&flags.token)->value_name("TOKEN"),
      "bearer token clients must send (default: generated, kept in DIR/token)")(
      "log-level", po::value(&flags.log_level)->value_name("LEVEL"),
      "trace, debug, info, warn, error or off (default info)")(
      "watch-history",
      po::value<std::string>()->value_name("N")->notifier([&flags](const std::string& text) {
        std::size_t count = 0;
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), count);
        if (ec != std::errc() || end != text.data() + text.size() || count == 0) {
          throw std::invalid_argument("--watch-history: invalid value \"" + text +
                                      "\" (expected a positive count)");
        }
        flags.watch_history = count;
      }),
      "events kept for watches from an older resourceVersion (default 20000)")(
      "audit-log-path", po::value(&flags.audit_log_path)->value_name("PATH"),
      "append an audit.k8s.io/v1 Event (level Metadata) per request to PATH, one JSON line "
      "each, as kube-apiserver's --audit-log-path does (default: no audit log)");
  out.add(faults::fault_flags(flags.faults));
  out.add(autoscaling::autoscaling_flags(flags.autoscaling));
  return out;
}

// Serves until SIGTERM/SIGINT. Each pass of the loop is one life of the
// server: storage opened from the data folder, controllers, the API server
// on the same port with the same certificates and token. POST /admin/restart
// ends a life the way a process restart would and starts the next one.
int run(const Flags& flags, const sigset_t& stop_signals) {
  fs::path data_dir = fs::absolute(flags.data_dir);
  fs::create_directories(data_dir);
  auto certificates = pki::ensure_serving_certificates((data_dir / "pki").string());
  std::string token = flags.token;
  if (token.empty()) {
    std::string error;
    auto stored = dynop::net::load_or_create_bearer_token((data_dir / "token").string(), error);
    if (!stored) throw std::runtime_error(error);
    token = *stored;
  }
  // One file for every life of the server: a restart in place appends.
  std::unique_ptr<audit::AuditLog> audit_log;
  if (!flags.audit_log_path.empty()) {
    std::string error;
    audit_log = audit::AuditLog::open(flags.audit_log_path, error);
    if (!audit_log) throw std::runtime_error(error);
  }

  faults::FaultInjector injector(flags.faults);
  if (flags.faults != faults::FaultConfig{})
    spdlog::info("faults: {}", faults::describe(flags.faults));
  faults::Lifecycle lifecycle;
  std::thread([&lifecycle, signals = stop_signals] {
    const int received = dynop::cli::wait_for_signal(signals);
    spdlog::info("received {}, shutting down", dynop::cli::signal_name(received));
    lifecycle.request_stop();
  }).detach();

  auto port = static_cast<std::uint16_t>(flags.port);
  for (bool first = true;; first = false) {
    storage::StoreOptions store_options;
    store_options.history_limit = flags.watch_history;
    if (!flags.in_memory) store_options.sqlite_path = (data_dir / "state.db").string();
    storage::ObjectStore store(store_options);

    ResourceRegistry registry;
    for (auto& type : builtin::builtin_resource_types()) registry.add(std::move(type));
    controllers::bootstrap_namespaces(store);
    controllers::CrdController crds(store, registry);
    controllers::NamespaceController namespaces(store, registry);
    controllers::ServiceAccountController service_accounts(store);
    controllers::GarbageCollector garbage_collector(store, registry);
    controllers::EndpointsController endpoints(store);
    crds.start();
    namespaces.start();
    service_accounts.start();
    garbage_collector.start();
    endpoints.start();

    server::ApiServerOptions options;
    options.port = port;
    options.token = token;
    options.cert_file = certificates.cert_path;
    options.key_file = certificates.key_path;
    options.audit_log = audit_log.get();
    server::ServerHooks hooks;
    server::ApiServer* api = nullptr;
    server::DocumentsEndpoint documents(
        [&api] { return "127.0.0.1:" + std::to_string(api ? api->port() : 0); });
    documents.install(hooks);
    hooks.render_table = tables::make_table_renderer();
    // kube-apiserver's built-in admission plugins we need, in its order.
    admission::NamespaceLifecycle namespace_lifecycle(store);
    admission::ServiceAccountAdmission service_account_admission(store);
    hooks.mutating_admission = {namespace_lifecycle.hook(), service_account_admission.hook()};
    admission::WebhookDispatcher webhooks(store);
    hooks.admission = webhooks.hook();
    faults::AdminEndpoint admin(
        injector, {[&api] { return api->close_watches(); }, [&store] { return store.compact(); },
                   [&lifecycle] { lifecycle.request_restart(); }});
    admin.install(hooks);
    hooks.non_resource.push_back(
        [&store](const dynop::net::Request& request, const ResourceRegistry&) {
          return prometheus_sd::serve_pod_targets(request, store);
        });
    autoscaling::AutoscalingStack autoscaling(flags.autoscaling, store, registry);
    autoscaling.install(hooks);
    server::ApiServer server(options, store, registry, std::move(hooks));
    api = &server;
    std::string error;
    bool started = server.start(error);
    // The old listening socket is closed, but give the port a moment should
    // the kernel still hold it; never another port, clients know this one.
    for (int attempt = 0; !started && !first && attempt < 50; ++attempt) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      started = server.start(error);
    }
    if (!started) {
      std::fprintf(stderr, "dynop-localcluster: %s\n", error.c_str());
      return 1;
    }
    port = server.port();
    std::string address = "https://127.0.0.1:" + std::to_string(port);
    // Controllers are clients of the server, so they start once it serves
    // and before clients are told it does (KEDA's CRD is then established).
    if (auto started_autoscaling = autoscaling.start({address, certificates.ca_cert_pem, token});
        !started_autoscaling) {
      std::fprintf(stderr, "dynop-localcluster: %s\n", started_autoscaling.error().c_str());
      return 1;
    }
    if (first) {
      std::string kubeconfig = (data_dir / "kubeconfig").string();
      error = server::write_kubeconfig(kubeconfig, {address, certificates.ca_cert_pem, token});
      if (!error.empty()) {
        std::fprintf(stderr, "dynop-localcluster: %s\n", error.c_str());
        return 1;
      }
      spdlog::info("serving on {} (data in {}{})", address, data_dir.string(),
                   flags.in_memory ? ", objects in memory" : "");
      std::printf("kubeconfig: %s\n", kubeconfig.c_str());
      std::printf("listening: %s\n", address.c_str());
      std::fflush(stdout);
    } else {
      spdlog::info("restarted: serving again on {} at resourceVersion {}{}", address,
                   store.current_resource_version(),
                   flags.in_memory ? " (in memory: objects did not survive)" : "");
    }

    auto event = lifecycle.wait();
    if (event == faults::Lifecycle::Event::kRestart) {
      spdlog::info("restart in place requested: closing every connection and watch");
    }
    autoscaling.stop();
    server.stop();
    endpoints.stop();
    garbage_collector.stop();
    service_accounts.stop();
    namespaces.stop();
    crds.stop();
    if (event == faults::Lifecycle::Event::kStop) return 0;
  }
}

}  // namespace

int main(int argc, char** argv) {
  // Before any thread starts, so only run()'s signal thread sees them.
  const sigset_t signals = dynop::cli::block_stop_signals();

  Flags flags;
  std::string error;
  po::variables_map values;
  if (auto exit_code = dynop::cli::parse_main(argc, argv, describe_flags(flags),
                                              "dynop-localcluster", "[flags]", values)) {
    return *exit_code;
  }
  auto level = dynop::log::parse_level(flags.log_level, error);
  if (!level) {
    std::fprintf(stderr, "dynop-localcluster: --log-level: %s\n", error.c_str());
    return 2;
  }
  dynop::log::init(*level, dynop::log::Format::kText);
  try {
    return run(flags, signals);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "dynop-localcluster: %s\n", e.what());
    return 1;
  }
}
