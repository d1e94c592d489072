#pragma once
// dynop-sim's admin endpoint: faults on demand and what the sim is doing,
// over HTTP on a loopback address, for requests with the admin bearer token
// (as dynop-localcluster's /admin/; anything else gets 401).
//
//   GET    /admin/status                           nodes, pods, heartbeats (JSON)
//   POST   /admin/pods/<namespace>/<name>/crash    the pod's containers crash once
//   POST   /admin/nodes/<name>/not-ready           the node reports Ready=False;
//                                                  its pods become not Ready
//   POST   /admin/nodes/<name>/ready               ... and back
//   POST   /admin/nodes/<name>/fail-gpus?count=N   N more GPUs fail (default 1):
//                                                  allocatable nvidia.com/gpu drops
//   POST   /admin/nodes/<name>/repair-gpus         every GPU works again
//   DELETE /admin/nodes/<name>                     the Node is deleted and no longer played
//
// Answers are JSON: {"node":"h100-0","ready":false}, and for a mistake a
// status 400/404/405 with {"error":"node \"x\" is not a node of this sim"}.

#include <boost/json/object.hpp>
#include <functional>
#include <string>

#include "lib/net/handler.hpp"
#include "sim/kubelet/kubelet.hpp"
#include "sim/nodes/node_agent.hpp"

namespace dynop::sim {

class AdminEndpoint {
 public:
  // `status` builds the body of GET /admin/status.
  AdminEndpoint(std::string token, NodeAgent& nodes, Kubelet& kubelet,
                std::function<boost::json::object()> status);

  void handle(const net::Request& request, net::Responder responder);
  net::Handler handler() {
    return [this](const net::Request& req, net::Responder res) { handle(req, std::move(res)); };
  }

 private:
  net::Response route(const net::Request& request);

  std::string token_;
  NodeAgent& nodes_;
  Kubelet& kubelet_;
  std::function<boost::json::object()> status_;
};

}  // namespace dynop::sim
