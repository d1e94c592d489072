// dynop-localcluster: a single-process Kubernetes-compatible API server.
//
//   dynop-localcluster [--data-dir DIR] [--port N] [--in-memory] [--token T]
//                      [--log-level LEVEL] [--watch-history N] [--fault-* ...]
//
// Prints the kubeconfig path once it serves; SIGTERM/SIGINT stop it cleanly
// (exit 0). Everything except --in-memory state survives a restart, including
// a restart in place asked for with POST /admin/restart (localcluster/faults).

#include <openssl/rand.h>
#include <signal.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>

#include "lib/log/log.hpp"
#include "localcluster/admission/webhook_dispatcher.hpp"
#include "localcluster/builtin/builtin_resource_types.hpp"
#include "localcluster/controllers/crd_controller.hpp"
#include "localcluster/controllers/garbage_collector.hpp"
#include "localcluster/controllers/namespace_controller.hpp"
#include "localcluster/faults/admin_endpoint.hpp"
#include "localcluster/faults/fault_config.hpp"
#include "localcluster/faults/fault_injector.hpp"
#include "localcluster/faults/lifecycle.hpp"
#include "localcluster/pki/certificates.hpp"
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
  faults::FaultConfig faults;
};

constexpr const char* kUsage =
    "usage: dynop-localcluster [--data-dir DIR] [--port N] [--in-memory] [--token TOKEN]\n"
    "                          [--log-level trace|debug|info|warn|error|off] [--watch-history N]\n"
    "                          [--fault-... (below)]\n"
    "  --data-dir DIR   state, certificates and kubeconfig (default ./.localcluster)\n"
    "  --port N         HTTPS port on 127.0.0.1; 0 picks a free one (default 0)\n"
    "  --in-memory      keep objects in memory only (nothing survives a restart)\n"
    "  --token TOKEN    bearer token clients must send (default: generated, kept in DIR/token)\n"
    "  --watch-history N  events kept for watches from an older resourceVersion (default 20000)\n"
    "fault injection (tests):\n";

bool parse_flags(int argc, char** argv, Flags& flags, std::string& error) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    std::string value;
    bool has_inline = false;
    if (auto eq = arg.find('='); arg.starts_with("--") && eq != std::string::npos) {
      value = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
      has_inline = true;
    }
    auto next = [&](std::string& out) {
      if (has_inline) {
        out = value;
        return true;
      }
      if (i + 1 >= argc) {
        error = "flag " + arg + " needs a value";
        return false;
      }
      out = argv[++i];
      return true;
    };
    if (arg == "--help" || arg == "-h") {
      std::cout << kUsage << faults::flags_usage();
      std::exit(0);
    } else if (arg == "--data-dir") {
      if (!next(flags.data_dir)) return false;
    } else if (arg == "--port") {
      std::string text;
      if (!next(text)) return false;
      try {
        std::size_t used = 0;
        flags.port = std::stoi(text, &used);
        if (used != text.size() || flags.port < 0 || flags.port > 65535) throw std::out_of_range("");
      } catch (...) {
        error = "--port: invalid value \"" + text + "\" (expected 0-65535)";
        return false;
      }
    } else if (arg == "--in-memory") {
      flags.in_memory = true;
    } else if (arg == "--token") {
      if (!next(flags.token)) return false;
    } else if (arg == "--watch-history") {
      std::string text;
      if (!next(text)) return false;
      try {
        flags.watch_history = std::stoul(text);
        if (flags.watch_history == 0) throw std::out_of_range("");
      } catch (...) {
        error = "--watch-history: invalid value \"" + text + "\" (expected a positive count)";
        return false;
      }
    } else if (arg == "--log-level") {
      if (!next(flags.log_level)) return false;
    } else if (faults::is_fault_flag(arg)) {
      std::string text;
      if (!next(text)) return false;
      if (auto applied = faults::apply_flag(flags.faults, arg, text); !applied) {
        error = applied.error();
        return false;
      }
    } else {
      error = "unknown flag " + arg;
      return false;
    }
  }
  return true;
}

std::string load_or_create_token(const fs::path& path) {
  std::ifstream in(path);
  std::string token;
  if (in && std::getline(in, token) && !token.empty()) return token;
  unsigned char bytes[24];
  RAND_bytes(bytes, sizeof bytes);
  static constexpr char kHex[] = "0123456789abcdef";
  for (unsigned char b : bytes) {
    token += kHex[b >> 4];
    token += kHex[b & 15];
  }
  std::ofstream out(path, std::ios::trunc);
  out << token << "\n";
  out.close();
  fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::replace);
  return token;
}

// Serves until SIGTERM/SIGINT. Each pass of the loop is one life of the
// server: storage opened from the data folder, controllers, the API server
// on the same port with the same certificates and token. POST /admin/restart
// ends a life the way a process restart would and starts the next one.
int run(const Flags& flags) {
  fs::path data_dir = fs::absolute(flags.data_dir);
  fs::create_directories(data_dir);
  auto certificates = pki::ensure_serving_certificates((data_dir / "pki").string());
  std::string token = flags.token.empty() ? load_or_create_token(data_dir / "token") : flags.token;

  faults::FaultInjector injector(flags.faults);
  if (flags.faults != faults::FaultConfig{}) spdlog::info("faults: {}", faults::describe(flags.faults));
  faults::Lifecycle lifecycle;
  std::thread([&lifecycle] {
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    int received = 0;
    sigwait(&signals, &received);
    spdlog::info("received {}, shutting down", received == SIGTERM ? "SIGTERM" : "SIGINT");
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
    controllers::GarbageCollector garbage_collector(store, registry);
    crds.start();
    namespaces.start();
    garbage_collector.start();

    server::ApiServerOptions options;
    options.port = port;
    options.token = token;
    options.cert_file = certificates.cert_path;
    options.key_file = certificates.key_path;
    server::ServerHooks hooks;
    server::ApiServer* api = nullptr;
    server::DocumentsEndpoint documents(
        [&api] { return "127.0.0.1:" + std::to_string(api ? api->port() : 0); });
    documents.install(hooks);
    hooks.render_table = tables::make_table_renderer();
    admission::WebhookDispatcher webhooks(store);
    hooks.admission = webhooks.hook();
    faults::AdminEndpoint admin(
        injector, {[&api] { return api->close_watches(); }, [&store] { return store.compact(); },
                   [&lifecycle] { lifecycle.request_restart(); }});
    admin.install(hooks);
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
    server.stop();
    garbage_collector.stop();
    namespaces.stop();
    crds.stop();
    if (event == faults::Lifecycle::Event::kStop) return 0;
  }
}

}  // namespace

int main(int argc, char** argv) {
  // Block the stop signals before any thread starts, so only sigwait sees them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  Flags flags;
  std::string error;
  if (!parse_flags(argc, argv, flags, error)) {
    std::fprintf(stderr, "dynop-localcluster: %s\n%s%s", error.c_str(), kUsage,
                 std::string(faults::flags_usage()).c_str());
    return 2;
  }
  auto level = dynop::log::parse_level(flags.log_level, error);
  if (!level) {
    std::fprintf(stderr, "dynop-localcluster: --log-level: %s\n", error.c_str());
    return 2;
  }
  dynop::log::init(*level, dynop::log::Format::kText);
  try {
    return run(flags);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "dynop-localcluster: %s\n", e.what());
    return 1;
  }
}
