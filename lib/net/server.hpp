#pragma once
// HTTP/1.1 server over Beast, plain or TLS: used for /metrics and /healthz,
// the admission webhook and dynop-localcluster's API server (with watches).
//
//   dynop::net::ServerOptions options;
//   options.host = "127.0.0.1";
//   options.port = 0;                       // any free port; port() tells which
//   dynop::net::Server server(options, handler);
//   std::string error;
//   if (!server.start(error)) { ...error is one line, e.g. "cannot listen on ...: Address already
//   in use" }
//   ...
//   server.stop(std::chrono::seconds(5));   // graceful: see stop()
//
// Connections are kept alive between requests. Malformed requests get 400,
// oversized headers 431, bodies over body_limit 413 with the embedder's
// body_too_large response; each of these closes that connection only, the
// server keeps serving.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "lib/net/event_loop.hpp"
#include "lib/net/handler.hpp"
#include "lib/net/message.hpp"
#include "lib/net/tls.hpp"

namespace dynop::net {

struct ServerOptions {
  std::string host = "127.0.0.1";  // address or name; "0.0.0.0" / "::" for all
  std::uint16_t port = 0;
  int threads = 2;  // worker threads
  // Run on this shared EventLoop instead of threads of the server's own
  // (threads and pin_connections are then ignored). See event_loop.hpp: the
  // loop must outlive the server.
  EventLoop* loop = nullptr;
  // false: the threads share one event loop, so a handler that blocks holds
  // up only its own thread. true: each thread runs its own loop and a
  // connection stays on one thread for its life: no lock, strand or
  // cross-thread wakeup per request (what short, non-blocking handlers such
  // as admission reviews want), but a handler that blocks delays the other
  // connections of its thread. Connections are spread round-robin.
  bool pin_connections = false;
  // Plain HTTP when empty. Otherwise asked once per accepted connection.
  TlsContextProvider tls;

  std::size_t body_limit = 3 * 1024 * 1024;  // kube-apiserver's default request limit
  std::size_t header_limit = 64 * 1024;
  // Sent with status 413 (the server sets the status) when a body exceeds
  // body_limit. localcluster puts a Kubernetes Status here.
  Response body_too_large = Response::text(413, "request body too large\n");

  std::chrono::milliseconds idle_timeout{
      std::chrono::seconds(120)};  // keep-alive wait, TLS handshake
  std::chrono::milliseconds read_timeout{std::chrono::seconds(60)};  // header seen -> body complete
  std::chrono::milliseconds write_timeout{std::chrono::seconds(60)};  // per response or chunk write
  // Bytes a ResponseStream may queue for a slow client before it is dropped.
  std::size_t stream_buffer_limit = 16 * 1024 * 1024;
};

class Server {
 public:
  Server(ServerOptions options, Handler handler);
  ~Server();  // stop(0) if still running
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds, listens and starts the worker threads. false and a one-line
  // `error` when the address cannot be used.
  bool start(std::string& error);

  std::uint16_t port() const;   // the bound port (useful with port 0)
  std::string address() const;  // "127.0.0.1:8443", "[::1]:8443"

  // Graceful stop: stops accepting, closes idle keep-alive connections, lets
  // requests in flight finish (their responses say Connection: close), ends
  // streams cleanly; whatever is still open at `deadline` is closed hard.
  // Then joins the worker threads. Idempotent. Answers given after stop() are dropped (respond()
  // sends nothing; stream() and websocket() return ones that close, running their on_close).
  void stop(std::chrono::milliseconds deadline = std::chrono::seconds(10));

  // Connections currently open (for tests and metrics).
  std::size_t connection_count() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace dynop::net
