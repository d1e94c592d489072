#include "sim/app/sim_app.hpp"

#include <spdlog/spdlog.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "lib/kube/cache/informer.hpp"
#include "lib/kube/cache/projection.hpp"
#include "lib/kube/client/client.hpp"
#include "lib/net/bearer_token.hpp"
#include "lib/net/server.hpp"
#include "lib/record/event_recorder.hpp"
#include "lib/record/kube_event_sink.hpp"
#include "sim/admin/admin_endpoint.hpp"
#include "sim/kubelet/kubelet.hpp"
#include "sim/kubelet/kubelet_server.hpp"
#include "sim/load/load_simulator.hpp"
#include "sim/load/pod_endpoints.hpp"
#include "sim/nodes/node_agent.hpp"

namespace dynop::sim {

namespace json = boost::json;
using apimachinery::Error;
using apimachinery::Result;

namespace {

// What the kubelet reads from a pod; the rest is not kept.
const kube::Projection& kubelet_pod_projection() {
  static const kube::Projection projection(
      {"metadata.labels", "metadata.annotations", "metadata.deletionTimestamp",
       "metadata.deletionGracePeriodSeconds", "spec.nodeName", "spec.containers.name",
       "spec.containers.image", "spec.containers.ports", "spec.initContainers.name",
       "spec.initContainers.image", "spec.terminationGracePeriodSeconds", "status"});
  return projection;
}

// The admin endpoint's bearer token: kept in `path`, or for this run only.
Result<std::string> admin_token(const std::string& path) {
  if (path.empty()) return net::random_bearer_token();
  std::string error;
  auto token = net::load_or_create_bearer_token(path, error);
  if (!token) return Error{error};
  return *token;
}

Result<std::pair<std::string, std::uint16_t>> split_address(const std::string& address) {
  auto colon = address.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    return Error{"--admin-address \"" + address + "\" is not host:port (e.g. 127.0.0.1:0)"};
  }
  int port = -1;
  try {
    std::size_t used = 0;
    port = std::stoi(address.substr(colon + 1), &used);
    if (used != address.size() - colon - 1) port = -1;
  } catch (const std::exception&) {
    port = -1;
  }
  if (port < 0 || port > 65535) {
    return Error{"--admin-address \"" + address + "\" has no valid port"};
  }
  return std::pair{address.substr(0, colon), static_cast<std::uint16_t>(port)};
}

}  // namespace

struct SimApp::Parts {
  NodeProfile profile;
  std::unique_ptr<kube::Client> client;
  std::unique_ptr<ScaledClock> clock;
  std::unique_ptr<LoadSimulator> load;
  std::unique_ptr<PodEndpoints> endpoints;
  std::unique_ptr<record::EventSink> event_sink;
  std::unique_ptr<record::EventRecorder> recorder;
  std::unique_ptr<NodeAgent> nodes;
  std::unique_ptr<kube::Informer> pods;
  std::unique_ptr<Kubelet> kubelet;
  std::unique_ptr<KubeletServers> kubelet_servers;
  std::unique_ptr<AdminEndpoint> admin;
  std::unique_ptr<net::Server> admin_server;

  // The pod watch needs discovery, which waits for the API server.
  std::thread bootstrap;
  std::mutex mutex;
  std::condition_variable cv;
  bool stopping = false;
  std::atomic<bool> pods_started{false};
};

SimApp::SimApp(SimOptions options) : options_(std::move(options)) {}

SimApp::~SimApp() { stop(); }

Result<void> SimApp::start() {
  auto p = std::make_unique<Parts>();
  auto profile = load_node_profile(options_.profile_path);
  if (!profile) return Error{profile.error()};
  p->profile = std::move(*profile);
  for (auto [flag, value, into] :
       {std::tuple{"--node-cidr", &options_.node_cidr, &p->profile.network.node_cidr},
        std::tuple{"--pod-cidr", &options_.pod_cidr, &p->profile.network.pod_cidr}}) {
    if (value->empty()) continue;
    auto cidr = Cidr::parse(*value);
    if (!cidr) return Error{std::string(flag) + ": " + cidr.error()};
    *into = *cidr;
  }
  if (auto ok = check_network(p->profile); !ok) {
    return Error{options_.profile_path + ": " + ok.error()};
  }
  LoadConfig load_config;
  if (!options_.load_path.empty()) {
    auto loaded = load_load_config(options_.load_path);
    if (!loaded) return Error{loaded.error()};
    load_config = std::move(*loaded);
  }
  if (options_.speedup) load_config.speedup = *options_.speedup;

  auto rest = kube::load_default_config(options_.kubeconfig, options_.context);
  if (!rest) return Error{rest.error().describe()};
  kube::ClientOptions client_options;
  client_options.user_agent = "dynop-sim";
  auto client = kube::Client::create(*rest, client_options);
  if (!client) return Error{client.error().describe()};
  p->client = std::move(*client);

  p->clock = std::make_unique<ScaledClock>(load_config.speedup);
  p->load = std::make_unique<LoadSimulator>(*p->clock, std::move(load_config));
  p->endpoints = std::make_unique<PodEndpoints>(*p->load);
  auto sink = record::make_kube_event_sink(*p->client);
  if (!sink) return Error{sink.error().describe()};
  p->event_sink = std::move(*sink);
  record::EventRecorderOptions recorder_options;
  recorder_options.component = "kubelet";
  recorder_options.instance = p->profile.instance;
  recorder_options.max_pending = 100000;
  p->recorder = std::make_unique<record::EventRecorder>(recorder_options, *p->event_sink);

  p->nodes = std::make_unique<NodeAgent>(*p->client, p->profile,
                                         NodeAgent::Options{options_.node_workers, nullptr});
  std::string token;
  if (!options_.admin_address.empty()) {
    auto t = admin_token(options_.admin_token_file);
    if (!t) return Error{t.error()};
    token = *t;
  }

  parts_ = std::move(p);
  Parts& parts = *parts_;
  spdlog::info("dynop-sim: {} nodes in {} pools from {}; API server {}; simulated time x{}",
               parts.profile.node_count(), parts.profile.pools.size(), options_.profile_path,
               rest->server, parts.clock->speedup());
  parts.load->start();
  parts.nodes->start();

  // The pod side starts once the API server answers discovery.
  parts.bootstrap = std::thread([this] { bootstrap_pods(); });

  if (!options_.admin_address.empty()) {
    auto address = split_address(options_.admin_address);
    if (!address) return Error{address.error()};
    // The admin endpoint needs the kubelet: until the pod side is up (the API
    // server answered discovery) it answers 503.
    net::ServerOptions server_options;
    server_options.host = address->first;
    server_options.port = address->second;
    server_options.threads = 1;
    parts.admin_server = std::make_unique<net::Server>(
        server_options, [this, token](const net::Request& req, net::Responder res) {
          Parts& self = *parts_;
          if (!self.pods_started) {
            return res.respond(net::Response::json(
                503, "{\"error\":\"the sim is still waiting for the API server\"}\n"));
          }
          {
            std::lock_guard lock(self.mutex);
            if (!self.admin) {
              self.admin = std::make_unique<AdminEndpoint>(token, *self.nodes, *self.kubelet,
                                                           [this] { return status(); });
            }
          }
          self.admin->handle(req, std::move(res));
        });
    std::string error;
    if (!parts.admin_server->start(error)) return Error{"admin endpoint: " + error};
    spdlog::info("admin endpoint on {}", admin_url());
  }
  return {};
}

void SimApp::bootstrap_pods() {
  Parts& parts = *parts_;

  std::chrono::milliseconds backoff(500);
  for (;;) {
    auto resource = parts.client->resource_for("v1", "Pod");
    if (resource) {
      kube::InformerOptions options;
      options.api_version = "v1";
      options.kind = "Pod";
      options.field_selector = "spec.nodeName!=";
      options.projection = std::make_shared<const kube::Projection>(kubelet_pod_projection());
      options.indexers = {};
      options.resource = "pods";
      parts.pods =
          std::make_unique<kube::Informer>(options, parts.client->lister_watcher(*resource));
      parts.kubelet = std::make_unique<Kubelet>(
          *parts.client, *parts.pods, *parts.nodes, parts.profile, *parts.load, *parts.endpoints,
          parts.recorder.get(), Kubelet::Options{options_.pod_workers});
      if (options_.serve_kubelet_ports) {
        parts.kubelet_servers =
            std::make_unique<KubeletServers>(*parts.nodes, *parts.kubelet, parts.profile);
        if (auto ok = parts.kubelet_servers->start(options_.kubelet_ca_file); !ok) {
          spdlog::warn("kubelet ports: {}", ok.error());
        }
      }
      parts.nodes->set_on_change([&parts](const std::string& node) {
        if (parts.kubelet) parts.kubelet->node_changed(node);
        if (parts.kubelet_servers && !parts.nodes->serves(node)) {
          parts.kubelet_servers->stop_node(node);
        }
      });
      parts.kubelet->start();
      parts.pods->start();
      parts.pods_started = true;
      parts.cv.notify_all();
      return;
    }
    spdlog::warn("waiting for the API server: {}", resource.error().describe());
    std::unique_lock lock(parts.mutex);
    if (parts.cv.wait_for(lock, backoff, [&] { return parts.stopping; })) return;
    backoff = std::min(backoff * 2, std::chrono::milliseconds(10000));
  }
}

bool SimApp::wait_ready(std::chrono::milliseconds timeout) {
  if (!parts_) return false;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  {
    std::unique_lock lock(parts_->mutex);
    if (!parts_->cv.wait_until(lock, deadline,
                               [&] { return parts_->pods_started.load() || parts_->stopping; })) {
      return false;
    }
    if (parts_->stopping) return false;
  }
  const auto left = [&] {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::max(
        deadline - std::chrono::steady_clock::now(), std::chrono::steady_clock::duration(0)));
  };
  if (!parts_->nodes->wait_registered(left())) return false;
  return parts_->pods->wait_for_sync(left());
}

void SimApp::stop() {
  if (!parts_) return;
  Parts& p = *parts_;
  {
    std::lock_guard lock(p.mutex);
    p.stopping = true;
  }
  p.cv.notify_all();
  if (p.bootstrap.joinable()) p.bootstrap.join();
  if (p.admin_server) p.admin_server->stop(std::chrono::seconds(2));
  p.nodes->set_on_change({});
  if (p.pods) p.pods->stop();
  if (p.kubelet) p.kubelet->stop();
  p.nodes->stop();
  if (p.kubelet_servers) p.kubelet_servers->stop();
  p.load->stop();
  p.recorder->flush();
  parts_.reset();
}

std::string SimApp::admin_url() const {
  if (!parts_ || !parts_->admin_server) return {};
  return "http://" + parts_->admin_server->address();
}

std::size_t SimApp::node_count() const {
  return parts_ ? static_cast<std::size_t>(parts_->profile.node_count()) : 0;
}

json::object SimApp::status() const {
  if (!parts_) return {};
  const Parts& p = *parts_;
  const NodeAgentStats n = p.nodes->stats();
  json::object out{
      {"instance", p.profile.instance},
      {"speedup", p.clock->speedup()},
      {"nodes", json::object{{"profile", p.profile.node_count()}, {"registered", n.registered}}},
      {"heartbeats", json::object{{"registrations", n.registrations},
                                  {"leaseWrites", n.lease_writes},
                                  {"statusWrites", n.status_writes},
                                  {"apiErrors", n.api_errors}}}};
  if (p.kubelet) {
    const KubeletStats k = p.kubelet->stats();
    out["pods"] = json::object{{"played", k.pods},
                               {"running", k.running},
                               {"ready", k.ready},
                               {"serving", k.serving},
                               {"statusWrites", k.status_writes},
                               {"deletions", k.deletions},
                               {"apiErrors", k.api_errors}};
  }
  if (p.kubelet_servers) out["kubeletPorts"] = p.kubelet_servers->serving();
  return out;
}

}  // namespace dynop::sim
