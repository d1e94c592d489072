#pragma once
// How a request reaches the embedder and how it answers.
//
//   server handler:  [](const Request& req, Responder res) {
//     if (req.path() == "/healthz") return res.respond(Response::text(200, "ok"));
//     auto stream = res.stream(Response::json(200, ""));   // watch
//     hub.add(stream);  // feed with stream->send_chunk(...) from any thread
//   }
//
// The handler runs on a server thread. It answers exactly once, either
// before returning or later from any thread, by respond() or stream(). A
// Responder is a cheap copyable handle; if every copy is dropped without an
// answer, the client gets a 500. The Request stays valid as long as a copy
// of its Responder exists.

#include <functional>
#include <memory>

#include "lib/net/message.hpp"
#include "lib/net/response_stream.hpp"
#include "lib/net/websocket.hpp"

namespace dynop::net {

namespace detail {
struct Exchange;
}

class Responder {
 public:
  explicit Responder(std::shared_ptr<detail::Exchange> exchange);

  // A complete response. Later answers to the same request are ignored.
  void respond(Response response) const;

  // Starts a chunked response with `head`'s status and headers (its body is
  // ignored). The connection closes when the stream ends. Returns an
  // already-closed stream if the request was already answered or the client
  // is gone.
  std::shared_ptr<ResponseStream> stream(Response head) const;

  // Answers 101 and takes the connection over as a WebSocket with
  // `subprotocol` (see websocket.hpp). The request must be a WebSocket
  // upgrade (is_websocket_upgrade); returns an already-closed WebSocket if
  // the request was already answered or the client is gone.
  std::shared_ptr<WebSocket> websocket(std::string subprotocol, WebSocketHandlers handlers) const;

  bool answered() const;
  const Request& request() const;

  // Middleware's view of the answer (request metrics, access logs, as
  // kube-apiserver's ResponseWriterDelegator): `observer` runs once, on the
  // answering thread, with the response as respond() hands it over, or with
  // stream()'s head and the stream (whose on_close tells when it ends), or
  // with the 500 sent when every copy is dropped unanswered. Set it before
  // handing the Responder on; observers run in the order they were added.
  using Observer =
      std::function<void(const Response& response, const std::shared_ptr<ResponseStream>& stream)>;
  void observe(Observer observer) const;

 private:
  std::shared_ptr<detail::Exchange> exchange_;
};

using Handler = std::function<void(const Request&, Responder)>;

}  // namespace dynop::net
