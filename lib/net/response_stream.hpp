#pragma once
// A long-lived chunked response (a watch). The embedder feeds it from any
// thread; the server writes chunks in order on the connection's own thread.

#include <functional>
#include <string>

namespace dynop::net {

class ResponseStream {
 public:
  virtual ~ResponseStream() = default;

  // Queues `data` as the next chunk(s); consecutive chunks may be coalesced
  // on the wire (HTTP gives chunk boundaries no meaning; watch events are
  // newline-delimited). Returns false, dropping `data`, once the stream is
  // closed, and also when the client reads so slowly that the queue would
  // exceed the server's stream_buffer_limit: the stream is then closed, as
  // kube-apiserver drops a watcher that cannot keep up.
  virtual bool send_chunk(std::string data) = 0;

  // Ends the response after the queued chunks (terminating zero chunk), then
  // closes the connection. Idempotent; from any thread.
  virtual void close() = 0;

  // True once the stream has ended: close() completed, the client went away,
  // a write failed or timed out, the queue overflowed or the server stopped.
  virtual bool closed() const = 0;

  // `callback` runs once when the stream ends for any reason, on a server
  // thread (keep it short, never block); immediately on the calling thread
  // if it has already ended. Use it to drop the watcher.
  virtual void on_close(std::function<void()> callback) = 0;
};

}  // namespace dynop::net
