// dynop-sim: simulated GPU nodes, their kubelets and the inference load, as
// an API client of any Kubernetes API server (KWOK's model).
//
//   dynop-sim --nodes sim/profiles/default.yaml [--load LOAD.yaml] [--kubeconfig K]
//             [--admin-address 127.0.0.1:0] [--admin-token-file F] ...
//
// Prints on stdout, once each:
//   admin: http://127.0.0.1:PORT          (when the admin endpoint is on)
//   dynop-sim is ready: N nodes            (every node registered, pods listed)
// SIGTERM/SIGINT stop it (exit 0); the nodes stay in the API, their leases
// expire. A bad profile or load file is refused at start (exit 2) with the
// file, line and what is wrong.

#include <spdlog/spdlog.h>

#include <cstdio>
#include <iostream>
#include <thread>

#include "lib/cli/command_line.hpp"
#include "lib/cli/stop_signals.hpp"
#include "lib/log/log.hpp"
#include "sim/app/sim_app.hpp"

namespace {

namespace po = boost::program_options;

}  // namespace

int main(int argc, char** argv) {
  // Before any thread starts, so only the sigwait below sees them.
  const sigset_t signals = dynop::cli::block_stop_signals();

  dynop::sim::SimOptions options;
  std::string log_level = "info";
  std::string log_format = "text";
  double speedup = 0;
  po::options_description flags("Flags", 100, 50);
  flags.add_options()(
      "nodes", po::value(&options.profile_path)->value_name("FILE"),
      "the cluster profile: node pools, network, kubelet behaviour (sim/profiles/)")(
      "load", po::value(&options.load_path)->value_name("FILE"),
      "the load file: which DGDs get load and how (sim/README.md); none: no load")(
      "kubeconfig", po::value(&options.kubeconfig)->value_name("FILE"),
      "the API server to play nodes for (default $KUBECONFIG, in-cluster, ~/.kube/config)")(
      "context", po::value(&options.context)->value_name("NAME"), "kubeconfig context")(
      "speedup", po::value(&speedup)->value_name("X"),
      "simulated seconds per wall second, for load and start-up delays alike (overrides the "
      "load file's)")(
      "node-cidr", po::value(&options.node_cidr)->value_name("CIDR"),
      "node addresses, inside 127.0.0.0/8 (overrides the profile's network.node_cidr)")(
      "pod-cidr", po::value(&options.pod_cidr)->value_name("CIDR"),
      "pod addresses, inside 127.0.0.0/8 (overrides the profile's network.pod_cidr)")(
      "admin-address", po::value(&options.admin_address)->value_name("HOST:PORT"),
      "the admin endpoint (faults, status); empty turns it off (default 127.0.0.1:0)")(
      "admin-token-file", po::value(&options.admin_token_file)->value_name("FILE"),
      "the admin bearer token: read from FILE, or a new one written there")(
      "kubelet-ca-file", po::value(&options.kubelet_ca_file)->value_name("FILE"),
      "write the CA of the nodes' kubelet ports (HTTPS) to FILE")(
      "serve-kubelet-ports", po::value(&options.serve_kubelet_ports)->value_name("BOOL"),
      "serve each node's kubelet port (/metrics/resource) at its address (default true)")(
      "node-workers", po::value(&options.node_workers)->value_name("N"),
      "threads writing node heartbeats (default 4)")(
      "pod-workers", po::value(&options.pod_workers)->value_name("N"),
      "threads writing pod status (default 4)")(
      "log-level", po::value(&log_level)->value_name("LEVEL"),
      "trace, debug, info, warn, error or off (default info)")(
      "log-format", po::value(&log_format)->value_name("FORMAT"), "text or json (default text)");
  po::variables_map values;
  if (auto exit_code = dynop::cli::parse_main(argc, argv, flags, "dynop-sim",
                                              "--nodes PROFILE [flags]", values)) {
    return *exit_code;
  }
  if (options.profile_path.empty()) {
    std::fprintf(stderr,
                 "dynop-sim: --nodes is required: a cluster profile such as "
                 "sim/profiles/default.yaml (see --help)\n");
    return 2;
  }
  std::string error;
  auto level = dynop::log::parse_level(log_level, error);
  auto format = level ? dynop::log::parse_format(log_format, error) : std::nullopt;
  if (!level || !format) {
    std::fprintf(stderr, "dynop-sim: %s\n", error.c_str());
    return 2;
  }
  dynop::log::init(*level, *format);
  if (values.count("speedup")) {
    if (!(speedup > 0)) {
      std::fprintf(stderr, "dynop-sim: --speedup must be greater than 0\n");
      return 2;
    }
    options.speedup = speedup;
  }

  dynop::sim::SimApp app(options);
  if (auto ok = app.start(); !ok) {
    std::fprintf(stderr, "dynop-sim: %s\n", ok.error().c_str());
    return 2;
  }
  if (!options.admin_address.empty()) {
    std::printf("admin: %s\n", app.admin_url().c_str());
    std::fflush(stdout);
  }
  std::atomic<bool> stopping{false};
  std::thread ready([&] {
    while (!stopping && !app.wait_ready(std::chrono::seconds(1))) {
    }
    if (stopping) return;
    spdlog::info("dynop-sim is ready: {} nodes", app.node_count());
    std::printf("dynop-sim is ready: %zu nodes\n", app.node_count());
    std::fflush(stdout);
  });
  const int received = dynop::cli::wait_for_signal(signals);
  spdlog::info("received {}, shutting down", dynop::cli::signal_name(received));
  stopping = true;
  ready.join();
  app.stop();
  return 0;
}
