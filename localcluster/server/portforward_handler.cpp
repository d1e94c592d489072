// pods/portforward: `kubectl port-forward` as kube-apiserver and kubelet
// serve it together. kubectl 1.32 asks for a WebSocket with subprotocol
// "SPDY/3.1+portforward.k8s.io" (KEP-4006: SPDY/3.1 frames inside binary
// messages); the SPDY session (portforward/port_forward_session.hpp) opens
// TCP connections to the pod's status.podIP, where dynop-sim serves each
// simulated pod's ports. `svc/NAME` is resolved to a pod by kubectl itself.

#include <mutex>

#include "localcluster/portforward/port_forward_session.hpp"
#include "localcluster/server/object_meta.hpp"
#include "localcluster/server/rest_context.hpp"

namespace dynop::localcluster::server {

namespace json = boost::json;
using rest::parse_object;

namespace {

constexpr std::string_view kTunnelProtocol = "SPDY/3.1+portforward.k8s.io";

std::string string_at(const json::object& object, std::string_view a, std::string_view b) {
  const auto* outer = object.if_contains(a);
  if (!outer || !outer->is_object()) return {};
  const auto* v = outer->get_object().if_contains(b);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

// The session's way out: the WebSocket exists only once the upgrade is
// answered, and the session may speak first (a SYN_REPLY) from another
// loop thread. Weak, so the WebSocket (which owns the session through its
// handlers) is not kept alive by it.
struct Link {
  std::mutex mutex;
  std::weak_ptr<net::WebSocket> socket;
  bool attached = false;
  std::vector<std::string> early;
  void send(std::string bytes) {
    std::lock_guard lock(mutex);
    if (!attached) return early.push_back(std::move(bytes));
    if (auto s = socket.lock()) s->send(std::move(bytes));
  }
  void attach(const std::shared_ptr<net::WebSocket>& s) {
    std::lock_guard lock(mutex);
    socket = s;
    attached = true;
    for (auto& bytes : early) s->send(std::move(bytes));
    early.clear();
  }
  void close() {
    std::shared_ptr<net::WebSocket> s;
    {
      std::lock_guard lock(mutex);
      s = socket.lock();
    }
    if (s) s->close();
  }
};

}  // namespace

void RestHandler::port_forward(Context& ctx, net::Responder responder) {
  const std::string& name = ctx.info.name;
  auto found = store_.get(ctx.resource, ctx.info.namespace_name, name);
  if (!found.ok()) return responder.respond(error_response(ctx, not_found(ctx.subject(name))));
  if (!net::is_websocket_upgrade(ctx.request)) {
    // kube-apiserver's answer to a port-forward that is not an upgrade; a
    // SPDY upgrade (kubectl's fallback) is not served.
    return responder.respond(error_response(ctx, bad_request("Upgrade request required")));
  }
  if (!net::offers_subprotocol(ctx.request, kTunnelProtocol)) {
    return responder.respond(error_response(
        ctx, bad_request("port-forward needs the WebSocket subprotocol " +
                         std::string(kTunnelProtocol) + " (kubectl 1.30 or later)")));
  }
  const json::object pod = parse_object(*found.value().json);
  const std::string ip = string_at(pod, "status", "podIP");
  if (ip.empty()) {
    return responder.respond(error_response(
        ctx, bad_request("pod " + name + " has no IP address yet (status.podIP is empty)")));
  }
  auto link = std::make_shared<Link>();
  auto session = std::make_shared<portforward::PortForwardSession>(
      ctx.info.namespace_name + "/" + name, string_at(pod, "metadata", "uid"), ip,
      [link](std::string bytes) { link->send(std::move(bytes)); }, [link] { link->close(); });
  auto socket =
      responder.websocket(std::string(kTunnelProtocol),
                          {[session](std::string_view data, bool) { session->receive(data); },
                           [session] { session->stop(); }});
  link->attach(socket);
}

}  // namespace dynop::localcluster::server
