#include "sim/load/pod_endpoints.hpp"

#include <chrono>

#include "lib/metrics/exposition.hpp"

namespace dynop::sim {

std::string serialize_registry(prometheus::Registry& registry) {
  return metrics::text_exposition(registry);
}

PodEndpoints::PodEndpoints(const LoadSimulator& load, int threads) : load_(load), loop_(threads) {}

PodEndpoints::~PodEndpoints() {
  std::map<std::string, std::vector<std::unique_ptr<net::Server>>> servers;
  {
    std::lock_guard lock(mutex_);
    servers.swap(servers_);
  }
  for (auto& [key, list] : servers) {
    for (auto& s : list) s->stop(std::chrono::seconds(1));
  }
}

net::Handler PodEndpoints::handler(const std::string& ns, const std::string& name) const {
  return [this, ns, name](const net::Request& req, net::Responder res) {
    if (req.method() != "GET" && req.method() != "HEAD") {
      return res.respond(net::Response::text(405, "method not allowed\n"));
    }
    if (req.path() == "/metrics") {
      auto registry = load_.registry(ns, name);
      if (!registry) return res.respond(net::Response::text(404, "pod is gone\n"));
      net::Response r = net::Response::text(200, serialize_registry(*registry));
      r.headers.clear();
      r.set_header("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
      return res.respond(std::move(r));
    }
    if (req.path() == "/health") {
      if (load_.ready(ns, name)) {
        return res.respond(net::Response::json(200, R"({"status":"healthy"})"));
      }
      return res.respond(net::Response::json(503, R"({"status":"notready"})"));
    }
    res.respond(net::Response::text(404, "not found\n"));
  };
}

apimachinery::Result<void> PodEndpoints::start(const std::string& ns, const std::string& name,
                                               const std::string& address,
                                               const std::vector<ContainerPort>& ports) {
  stop(ns, name);
  std::vector<std::unique_ptr<net::Server>> started;
  for (const auto& port : ports) {
    net::ServerOptions options;
    options.host = address;
    options.port = port.port;
    options.loop = &loop_;
    options.idle_timeout = std::chrono::seconds(30);
    auto server = std::make_unique<net::Server>(options, handler(ns, name));
    std::string error;
    if (!server->start(error)) {
      for (auto& s : started) s->stop(std::chrono::seconds(1));
      return apimachinery::Error{"pod " + ns + "/" + name + " port " + port.name + ": " + error};
    }
    started.push_back(std::move(server));
  }
  std::lock_guard lock(mutex_);
  servers_[ns + "/" + name] = std::move(started);
  return {};
}

void PodEndpoints::stop(const std::string& ns, const std::string& name) {
  std::vector<std::unique_ptr<net::Server>> servers;
  {
    std::lock_guard lock(mutex_);
    auto it = servers_.find(ns + "/" + name);
    if (it == servers_.end()) return;
    servers = std::move(it->second);
    servers_.erase(it);
  }
  for (auto& s : servers) s->stop(std::chrono::seconds(1));
}

std::size_t PodEndpoints::pods() const {
  std::lock_guard lock(mutex_);
  return servers_.size();
}

}  // namespace dynop::sim
