#pragma once
// dynop-sim as a whole: the cluster profile's nodes and their kubelets, the
// load model and its per-pod endpoints, the kubelet ports and the admin
// endpoint, wired to one API server (any: dynop-localcluster or a real one,
// through a kubeconfig). main() fills the options from flags.
//
//   SimApp app(options);
//   if (auto ok = app.start(); !ok) ...   // bad profile or load file, no kubeconfig
//   app.wait_ready(...);                  // nodes registered, pods listed
//   ... app.stop();
//
// Everything after start() tolerates a missing API server: discovery, node
// registration, heartbeats, pod status writes and the pod watch are retried
// with backoff, and resume when it is back.

#include <boost/json/object.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "lib/apimachinery/result.hpp"

namespace dynop::sim {

struct SimOptions {
  std::string kubeconfig;  // "" = $KUBECONFIG, in-cluster, ~/.kube/config
  std::string context;
  std::string profile_path;
  std::string load_path;          // "" = no load (pods join graphs without load)
  std::optional<double> speedup;  // overrides the load file's
  std::string node_cidr;          // override the profile's network
  std::string pod_cidr;
  std::string admin_address = "127.0.0.1:0";  // "" = no admin endpoint
  std::string admin_token_file;               // read it, or write a new token there
  std::string kubelet_ca_file;                // where to write the kubelet CA ("" = nowhere)
  bool serve_kubelet_ports = true;
  int node_workers = 4;
  int pod_workers = 4;
};

class SimApp {
 public:
  explicit SimApp(SimOptions options);
  ~SimApp();  // stop()

  // Reads the profile and load file and starts everything; an error is a
  // mistake in the options or files (file:line) or an unusable kubeconfig.
  apimachinery::Result<void> start();
  // True once every node is registered and the pod watch has listed.
  bool wait_ready(std::chrono::milliseconds timeout);
  void stop();

  std::string admin_url() const;  // "http://127.0.0.1:PORT"
  std::size_t node_count() const;
  boost::json::object status() const;

 private:
  struct Parts;
  // Waits for the API server's discovery, then starts the pod watch and the kubelet.
  void bootstrap_pods();
  SimOptions options_;
  std::unique_ptr<Parts> parts_;
};

}  // namespace dynop::sim
