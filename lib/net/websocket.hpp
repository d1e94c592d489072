#pragma once
// A WebSocket (RFC 6455, through Boost.Beast) taken over from an HTTP/1.1
// request, plain or TLS, by the server's Responder:
//
//   if (!net::is_websocket_upgrade(req)) return res.respond(Response::text(400, "..."));
//   auto ws = res.websocket("SPDY/3.1+portforward.k8s.io",
//                           {.on_message = [](std::string_view data, bool binary) { ... },
//                            .on_close = [] { ... }});
//   ws->send("bytes");   // from any thread; binary messages, in order
//   ws->close();
//
// The handshake answers 101 with the given subprotocol; on_message runs on
// the connection's thread for each whole message, in order, and on_close
// once when the WebSocket ends for any reason (peer close, error, close(),
// server stop). Connections stay open without timeouts while upgraded.

#include <functional>
#include <string>
#include <string_view>

namespace dynop::net {

class Request;

struct WebSocketHandlers {
  std::function<void(std::string_view data, bool binary)> on_message;
  std::function<void()> on_close;
};

class WebSocket {
 public:
  virtual ~WebSocket() = default;
  // Queues one binary message; false once the WebSocket is closed.
  virtual bool send(std::string data) = 0;
  // A close frame (normal closure), then the connection ends. Idempotent.
  virtual void close() = 0;
  virtual bool closed() const = 0;
};

// An HTTP/1.1 GET asking to upgrade to a WebSocket (Upgrade: websocket,
// Connection: upgrade, Sec-WebSocket-Key, version 13).
bool is_websocket_upgrade(const Request& request);

// The subprotocols a request offers (Sec-WebSocket-Protocol, comma-separated).
bool offers_subprotocol(const Request& request, std::string_view protocol);

}  // namespace dynop::net
