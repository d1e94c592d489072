#pragma once
// A pool of event-loop threads that many Servers share, so that a process
// serving thousands of small listeners (dynop-sim gives every simulated pod
// its own address and ports) does not run threads per listener.
//
//   dynop::net::EventLoop loop(1);              // one thread
//   dynop::net::ServerOptions options;
//   options.host = "127.0.0.7";
//   options.port = 8000;
//   options.loop = &loop;                       // no threads of its own
//   dynop::net::Server server(options, handler);
//
// Each thread runs its own loop; a server's connections are spread over them
// round-robin and stay on one thread (as with ServerOptions::pin_connections).
// The EventLoop must outlive every Server started on it, and Server::stop()
// must not be called from one of its threads (stop waits for connections
// that those threads close).

#include <memory>

namespace dynop::net {

class EventLoop {
 public:
  explicit EventLoop(int threads = 1);
  ~EventLoop();  // stops the threads; queued work is discarded
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  int threads() const;

  struct Impl;  // Asio stays out of this header (event_loop_impl.hpp)
  Impl& impl() { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace dynop::net
