#pragma once
// kubectl port-forward, served by dynop-localcluster the way kubelet's
// streaming server serves it (protocol portforward.k8s.io): a SPDY/3.1
// session in which, for each connection kubectl accepts locally, it opens an
// "error" stream and a "data" stream (headers streamtype, port, requestid).
// The session answers each SYN_STREAM, connects to <pod address>:<port>
// once both streams of a request are there (dynop-sim serves every simulated
// pod's ports on its own loopback address), and copies bytes both ways.
// A failed connection is reported on the error stream, in kubelet's words,
// which kubectl prints; the pod's end closing ends the data stream (FIN).
//
// Transport-agnostic: the localcluster feeds it the bytes of WebSocket
// binary messages (subprotocol SPDY/3.1+portforward.k8s.io) and it answers
// through `send`. receive() is called from one thread at a time; `send` may
// be called from the session's copying threads too, always under one lock,
// so frames (and the shared header compression context) stay in order.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "localcluster/portforward/spdy_framer.hpp"

namespace dynop::localcluster::portforward {

class PortForwardSession {
 public:
  using Send = std::function<void(std::string bytes)>;
  using Close = std::function<void()>;

  // `pod` ("default/x") and `uid` are for error messages; `address` is the
  // pod's IP.
  PortForwardSession(std::string pod, std::string uid, std::string address, Send send, Close close);
  ~PortForwardSession();  // stop()
  PortForwardSession(const PortForwardSession&) = delete;
  PortForwardSession& operator=(const PortForwardSession&) = delete;

  void receive(std::string_view bytes);
  // The transport ended: close every forwarded connection and join the
  // copying threads. Idempotent.
  void stop();

 private:
  struct Forward;
  void on_frame(SpdyFrame& frame);
  void start_forward(Forward& f);
  void copy_from_pod(std::shared_ptr<Forward> f);
  void write(std::string bytes);  // under send_mutex_
  void fail(const std::string& why);

  const std::string pod_;
  const std::string uid_;
  const std::string address_;
  Send send_;
  Close close_;
  SpdyReader reader_;

  std::mutex send_mutex_;  // orders frames and guards writer_
  SpdyWriter writer_;

  std::mutex mutex_;  // forwards_, stopped_
  bool stopped_ = false;
  std::map<std::string, std::shared_ptr<Forward>> forwards_;  // by requestid
  std::map<std::uint32_t, std::shared_ptr<Forward>> by_stream_;
  std::vector<std::thread> threads_;
};

}  // namespace dynop::localcluster::portforward
