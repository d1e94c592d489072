#include "lib/net/server.hpp"

#include <spdlog/spdlog.h>

#include <array>
#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <condition_variable>
#include <deque>
#include <future>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "lib/net/event_loop_impl.hpp"
#include "lib/net/message_impl.hpp"
#include "lib/net/websocket.hpp"

namespace dynop::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

namespace detail {

class SessionBase;

// Shared by the server and every connection, so that a connection kept alive
// by an embedder (a Responder or a stream held past stop()) never outlives
// the io_context its socket belongs to.
struct ServerCore {
  explicit ServerCore(ServerOptions o, Handler h) : options(std::move(o)), handler(std::move(h)) {
    if (options.loop != nullptr) {
      for (auto& context : options.loop->impl().contexts) contexts.push_back(context.get());
      return;
    }
    const int threads = options.threads < 1 ? 1 : options.threads;
    const int loops = options.pin_connections ? threads : 1;
    for (int i = 0; i < loops; ++i) {
      // A loop run by one thread tells Asio so: no wakeups of other threads.
      owned_contexts.push_back(std::make_unique<asio::io_context>(loops == threads ? 1 : threads));
      contexts.push_back(owned_contexts.back().get());
    }
  }
  // Each connection runs on one of these: one event loop shared by every
  // thread, one per thread with pin_connections (server.hpp), or a shared
  // EventLoop's (each single-threaded, like pinned ones).
  std::vector<asio::io_context*> contexts;
  std::vector<std::unique_ptr<asio::io_context>> owned_contexts;
  bool shared_loop() const { return options.loop != nullptr; }
  const ServerOptions options;
  const Handler handler;
  mutable std::mutex mutex;
  std::condition_variable cv;
  std::unordered_map<SessionBase*, std::weak_ptr<SessionBase>> sessions;
  bool stopping = false;
  int running_threads = 0;

  // Queues work on a connection's loop through `post` (which calls
  // asio::post or dispatch), unless the server's own loops have run for the
  // last time (stop() returned): work queued on a loop nobody runs again
  // holds its session, which holds this core, which owns the loop, a cycle
  // that frees neither. Then `post` is not called and the answer is dropped
  // (server.hpp). A shared EventLoop keeps running after stop(), so work
  // queued there still runs.
  template <class Post>
  bool queue(Post&& post) {
    queuing.fetch_add(1);
    const bool open = !loops_finished.load();
    if (open) post();
    queuing.fetch_sub(1);
    return open;
  }
  // stop()'s side: after this, queue() refuses, and everything it queued
  // before is on the loops, for their last run.
  void finish_loops() {
    loops_finished.store(true);
    while (queuing.load() != 0) std::this_thread::yield();
  }
  std::atomic<int> queuing{0};
  std::atomic<bool> loops_finished{false};
};

class StreamImpl;

class SessionBase : public std::enable_shared_from_this<SessionBase> {
 public:
  explicit SessionBase(std::shared_ptr<ServerCore> core) : core_(std::move(core)) {}
  virtual ~SessionBase() { untrack(); }

  // The server waits for open connections, not for session objects: an
  // embedder may hold a Responder or stream (and so the session) long after
  // its connection closed.
  void untrack() {
    std::lock_guard lock(core_->mutex);
    if (core_->sessions.erase(this) > 0) core_->cv.notify_all();
  }
  // All of these may be called from any thread.
  virtual void deliver(Response response) = 0;
  virtual void begin_stream(Response head, std::shared_ptr<StreamImpl> stream) = 0;
  virtual void pump() = 0;
  virtual void shutdown(bool force) = 0;
  virtual void begin_websocket(std::string protocol, http::request<http::string_body> request,
                               std::shared_ptr<class WebSocketImpl> socket) = 0;
  virtual void websocket_write() = 0;
  virtual void websocket_close() = 0;

 protected:
  std::shared_ptr<ServerCore> core_;
};

class StreamImpl final : public ResponseStream {
 public:
  StreamImpl(std::weak_ptr<SessionBase> session, std::size_t limit)
      : session_(std::move(session)), limit_(limit) {}

  bool send_chunk(std::string data) override {
    if (data.empty()) return !closed();  // an empty chunk would end the response
    bool kick = false;
    bool overflow = false;
    {
      std::lock_guard lock(mutex_);
      if (ended_ || close_requested_) return false;
      if (queued_bytes_ + data.size() > limit_) {
        overflow = true;
      } else {
        queued_bytes_ += data.size();
        queue_.push_back(std::move(data));
        kick = !kick_pending_;
        kick_pending_ = true;
      }
    }
    if (overflow) {
      spdlog::warn("dropping a streaming response: the client is not reading ({} bytes queued)",
                   limit_);
      if (auto session = session_.lock()) session->shutdown(true);
      return false;
    }
    if (kick) {
      if (auto session = session_.lock()) session->pump();
    }
    return true;
  }

  void close() override {
    {
      std::lock_guard lock(mutex_);
      if (ended_ || close_requested_) return;
      close_requested_ = true;
      kick_pending_ = true;
    }
    if (auto session = session_.lock()) session->pump();
  }

  bool closed() const override { return ended_flag_.load(std::memory_order_acquire); }

  void on_close(std::function<void()> callback) override {
    {
      std::lock_guard lock(mutex_);
      if (!ended_) {
        callbacks_.push_back(std::move(callback));
        return;
      }
    }
    callback();
  }

  // Session side (its strand). Moves queued data into `out`; true when the
  // embedder asked to close and everything queued has been taken.
  bool take(std::string& out) {
    std::lock_guard lock(mutex_);
    out.clear();
    for (auto& chunk : queue_) out += chunk;
    queue_.clear();
    queued_bytes_ = 0;
    kick_pending_ = false;
    return close_requested_;
  }

  void request_close() {
    std::lock_guard lock(mutex_);
    close_requested_ = true;
  }

  void finish() {
    std::vector<std::function<void()>> callbacks;
    {
      std::lock_guard lock(mutex_);
      if (ended_) return;
      ended_ = true;
      ended_flag_.store(true, std::memory_order_release);
      queue_.clear();
      callbacks.swap(callbacks_);
    }
    for (auto& cb : callbacks) {
      try {
        cb();
      } catch (const std::exception& e) {
        spdlog::error("stream close callback threw: {}", e.what());
      }
    }
  }

 private:
  // Weak: the session owns the stream while the connection is open; an
  // embedder holding a stream must not keep a closed connection alive.
  std::weak_ptr<SessionBase> session_;
  const std::size_t limit_;
  mutable std::mutex mutex_;
  std::deque<std::string> queue_;
  std::size_t queued_bytes_ = 0;
  bool kick_pending_ = false;
  bool close_requested_ = false;
  bool ended_ = false;
  std::atomic<bool> ended_flag_{false};
  std::vector<std::function<void()>> callbacks_;
};

// The embedder's side of an upgraded connection: a queue of messages the
// session writes in order, and the handlers it calls.
class WebSocketImpl final : public WebSocket {
 public:
  WebSocketImpl(std::weak_ptr<SessionBase> session, WebSocketHandlers handlers)
      : session_(std::move(session)), handlers_(std::move(handlers)) {}

  bool send(std::string data) override {
    bool kick = false;
    {
      std::lock_guard lock(mutex_);
      if (ended_ || close_requested_) return false;
      queue_.push_back(std::move(data));
      kick = !kick_pending_;
      kick_pending_ = true;
    }
    if (kick) {
      if (auto session = session_.lock()) session->websocket_write();
    }
    return true;
  }
  void close() override {
    {
      std::lock_guard lock(mutex_);
      if (ended_ || close_requested_) return;
      close_requested_ = true;
    }
    if (auto session = session_.lock()) session->websocket_close();
  }
  bool closed() const override { return ended_flag_.load(std::memory_order_acquire); }

  // Session side (its thread).
  bool take(std::string& out) {
    std::lock_guard lock(mutex_);
    kick_pending_ = false;
    if (queue_.empty()) return false;
    out = std::move(queue_.front());
    queue_.pop_front();
    kick_pending_ = !queue_.empty();
    return true;
  }
  void message(std::string_view data, bool binary) {
    if (handlers_.on_message) handlers_.on_message(data, binary);
  }
  void finish() {
    {
      std::lock_guard lock(mutex_);
      if (ended_) return;
      ended_ = true;
      ended_flag_.store(true, std::memory_order_release);
      queue_.clear();
    }
    // The handlers go with the connection: they often hold the socket or the
    // request's Responder (and so the session), a cycle that would keep the
    // session alive after it ended.
    WebSocketHandlers handlers = std::move(handlers_);
    handlers_ = {};
    if (handlers.on_close) {
      try {
        handlers.on_close();
      } catch (const std::exception& e) {
        spdlog::error("WebSocket close callback threw: {}", e.what());
      }
    }
  }

 private:
  std::weak_ptr<SessionBase> session_;
  WebSocketHandlers handlers_;
  mutable std::mutex mutex_;
  std::deque<std::string> queue_;
  bool kick_pending_ = false;
  bool close_requested_ = false;
  bool ended_ = false;
  std::atomic<bool> ended_flag_{false};
};

struct Exchange {
  Exchange(std::shared_ptr<SessionBase> s, Request r, std::size_t limit)
      : session(std::move(s)), request(std::move(r)), stream_limit(limit) {}
  ~Exchange() {
    if (!answered.exchange(true)) {
      auto response = Response::text(500, "the handler did not answer this request\n");
      if (observer) observer(response, nullptr);
      session->deliver(std::move(response));
    }
  }
  std::shared_ptr<SessionBase> session;
  Request request;
  std::size_t stream_limit;
  std::atomic<bool> answered{false};
  Responder::Observer observer;  // set before the handler answers
};

template <class Stream>
class Session final : public SessionBase {
  static constexpr bool kTls = !std::is_same_v<Stream, tcp::socket>;
  using Clock = std::chrono::steady_clock;

 public:
  Session(std::shared_ptr<ServerCore> core, tcp::socket socket, TlsContextPtr tls)
      : SessionBase(std::move(core)),
        tls_(std::move(tls)),
        stream_(make_stream(std::move(socket))),
        timer_(lowest().get_executor()) {
    boost::system::error_code ec;
    auto ep = lowest().remote_endpoint(ec);
    if (!ec) {
      remote_ =
          ep.address().is_v6() ? "[" + ep.address().to_string() + "]" : ep.address().to_string();
      remote_ += ":" + std::to_string(ep.port());
    }
    // Beast reads into whatever room the buffer has (at least 512 bytes). A
    // small buffer makes a request that came in one 16 KiB TLS record cost a
    // read per 512 bytes, each a trip through the event loop.
    buffer_.reserve(kReadBufferSize);
  }

  void start() {
    asio::dispatch(lowest().get_executor(), [self = self()] { self->do_start(); });
  }

  void deliver(Response response) override {
    // Inline when the handler answers on the connection's own thread (the
    // common case): no second trip through the event loop.
    core_->queue([&] {
      asio::dispatch(lowest().get_executor(), [self = self(), r = std::move(response)]() mutable {
        self->write_response(std::move(r));
      });
    });
  }

  // A stream or WebSocket begun after stop() ends at once, as one begun on a
  // closed connection does (do_begin_stream, do_begin_websocket).
  void begin_stream(Response head, std::shared_ptr<StreamImpl> stream) override {
    if (!post([self = self(), h = std::move(head), s = stream]() mutable {
          self->do_begin_stream(std::move(h), std::move(s));
        })) {
      stream->finish();
    }
  }

  void pump() override {
    post([self = self()] { self->do_pump(); });
  }

  void shutdown(bool force) override {
    post([self = self(), force] { self->do_shutdown(force); });
  }

  void begin_websocket(std::string protocol, http::request<http::string_body> request,
                       std::shared_ptr<WebSocketImpl> socket) override {
    if (!post(
            [self = self(), p = std::move(protocol), r = std::move(request), s = socket]() mutable {
              self->do_begin_websocket(std::move(p), std::move(r), std::move(s));
            })) {
      socket->finish();
    }
  }
  void websocket_write() override {
    post([self = self()] { self->do_websocket_write(); });
  }
  void websocket_close() override {
    post([self = self()] { self->do_websocket_close(); });
  }

 private:
  enum class State {
    kStarting,
    kIdle,
    kReading,
    kHandling,
    kWriting,
    kStreaming,
    kUpgraded,
    kClosing,
    kClosed
  };

  std::shared_ptr<Session> self() { return std::static_pointer_cast<Session>(shared_from_this()); }

  // From any thread, onto the connection's loop (see ServerCore::queue).
  template <class F>
  bool post(F&& f) {
    return core_->queue([&] { asio::post(lowest().get_executor(), std::forward<F>(f)); });
  }

  Stream make_stream(tcp::socket socket) {
    if constexpr (kTls) {
      return Stream(std::move(socket), *tls_);
    } else {
      return Stream(std::move(socket));
    }
  }

  tcp::socket& lowest() { return beast::get_lowest_layer(stream_); }
  const ServerOptions& options() const { return core_->options; }

  // Timeouts. Whatever I/O is pending when the deadline passes is ended by
  // closing the socket. One lazy timer per connection: moving the deadline
  // is a store, and the timer is only re-armed when it fires before the
  // current deadline or must fire sooner, so a keep-alive request costs no
  // timer operation (Beast's tcp_stream arms and cancels one per read and
  // write, each a timer-queue update and often a timerfd syscall).
  void expires_after(Clock::duration timeout) {
    deadline_ = Clock::now() + timeout;
    if (!timer_waiting_ || timer_.expiry() > deadline_) wait_for_deadline();
  }
  // No deadline until the next expires_after (handler running, stream idle).
  void expires_never() { deadline_ = Clock::time_point::max(); }

  void wait_for_deadline() {
    timer_.expires_at(deadline_);  // cancels a pending wait, which then returns early
    timer_waiting_ = true;
    timer_.async_wait([self = self()](boost::system::error_code ec) {
      if (ec == asio::error::operation_aborted) return;  // re-armed or closed
      self->timer_waiting_ = false;
      if (self->state_ == State::kClosed || self->deadline_ == Clock::time_point::max()) return;
      if (Clock::now() < self->deadline_) return self->wait_for_deadline();
      self->close_socket();
    });
  }

  void do_start() {
    if constexpr (kTls) {
      expires_after(options().idle_timeout);
      stream_.async_handshake(
          asio::ssl::stream_base::server, [self = self()](boost::system::error_code ec) {
            if (ec) {
              spdlog::debug("TLS handshake with {} failed: {}", self->remote_, ec.message());
              return self->close_socket();
            }
            self->peer_ = peer_certificate(self->stream_.native_handle());
            self->do_read();
          });
    } else {
      do_read();
    }
  }

  void do_read() {
    if (stopping_) return close_socket();
    state_ = State::kIdle;
    parser_.emplace();
    parser_->body_limit(options().body_limit);
    parser_->header_limit(static_cast<std::uint32_t>(options().header_limit));
    expires_after(options().idle_timeout);
    http::async_read_header(
        stream_, buffer_, *parser_,
        [self = self()](boost::system::error_code ec, std::size_t) { self->on_header(ec); });
  }

  void on_header(boost::system::error_code ec) {
    if (ec) return on_read_error(ec);
    if (state_ == State::kClosed) return;
    state_ = State::kReading;
    if (parser_->is_done()) return dispatch_request();
    // The body usually arrived with the header (one TLS record, one read):
    // parse what is buffered now instead of through another asynchronous read
    // that would complete at once, but only after a trip through the event loop.
    parser_->eager(true);
    while (!parser_->is_done() && buffer_.size() > 0) {
      boost::system::error_code put_ec;
      const std::size_t used = parser_->put(buffer_.data(), put_ec);
      buffer_.consume(used);
      if (put_ec == http::error::need_more) break;
      if (put_ec) return on_read_error(put_ec);
      if (used == 0) break;
    }
    if (parser_->is_done()) return dispatch_request();
    expires_after(options().read_timeout);
    // A client that sent "Expect: 100-continue" waits for this before the body.
    if (beast::iequals(parser_->get()[http::field::expect], "100-continue")) {
      continue_ = std::make_unique<http::response<http::empty_body>>(http::status::continue_, 11);
      http::async_write(stream_, *continue_,
                        [self = self()](boost::system::error_code e, std::size_t) {
                          self->continue_.reset();
                          if (e) return self->close_socket();
                          self->read_body();
                        });
      return;
    }
    read_body();
  }

  void read_body() {
    http::async_read(stream_, buffer_, *parser_,
                     [self = self()](boost::system::error_code e, std::size_t) {
                       if (e) return self->on_read_error(e);
                       self->dispatch_request();
                     });
  }

  void on_read_error(boost::system::error_code ec) {
    if (state_ == State::kClosed) return;
    if (ec == http::error::body_limit) {
      Response r = options().body_too_large;
      r.status = 413;
      return reply_and_close(std::move(r));
    }
    if (ec == http::error::header_limit) {
      return reply_and_close(Response::text(431, "request header fields too large\n"));
    }
    static const auto& http_category = http::make_error_code(http::error::bad_method).category();
    if (ec.category() == http_category && ec != http::error::end_of_stream &&
        ec != http::error::partial_message) {
      return reply_and_close(Response::text(400, "malformed HTTP request: " + ec.message() + "\n"));
    }
    close_socket();  // peer closed, reset, timed out or we stopped
  }

  // The request was not read to its end: after the reply, drain what the
  // client is still sending, or closing with unread data would reset the
  // connection and the client might never see the reply.
  void reply_and_close(Response r) {
    keep_alive_ = false;
    head_request_ = false;
    linger_ = true;
    version_ = 11;
    write_response(std::move(r));
  }

  void dispatch_request() {
    state_ = State::kHandling;
    expires_never();  // the handler may take its time; the write sets the next deadline
    auto impl = std::make_unique<Request::Impl>();
    impl->msg = parser_->release();
    impl->remote = remote_;
    impl->peer = peer_;
    keep_alive_ = impl->msg.keep_alive();
    head_request_ = impl->msg.method() == http::verb::head;
    version_ = impl->msg.version();
    auto exchange = std::make_shared<Exchange>(shared_from_this(), Request(std::move(impl)),
                                               options().stream_buffer_limit);
    Responder responder(exchange);
    try {
      core_->handler(exchange->request, responder);
    } catch (const std::exception& e) {
      spdlog::error("HTTP handler for {} {} threw: {}", exchange->request.method(),
                    exchange->request.path(), e.what());
      responder.respond(Response::text(500, "internal error\n"));
    } catch (...) {
      responder.respond(Response::text(500, "internal error\n"));
    }
  }

  void write_response(Response r) {
    if (state_ == State::kClosed || state_ == State::kClosing) return;
    state_ = State::kWriting;
    res_ = std::make_unique<http::response<http::string_body>>();
    res_->result(r.status);
    res_->version(version_ == 10 ? 10 : 11);
    for (auto& [name, value] : r.headers) res_->insert(name, value);
    res_->body() = std::move(r.body);
    bool keep_alive = keep_alive_ && !stopping_;
    res_->keep_alive(keep_alive);
    res_->prepare_payload();
    if (head_request_) res_->body().clear();  // Content-Length stays: the size a GET would get
    expires_after(options().write_timeout);
    http::async_write(stream_, *res_,
                      [self = self(), keep_alive](boost::system::error_code ec, std::size_t) {
                        self->res_.reset();
                        if (ec) return self->close_socket();
                        if (keep_alive) return self->do_read();
                        if (self->linger_) return self->linger_close();
                        self->graceful_close();
                      });
  }

  void do_begin_stream(Response head, std::shared_ptr<StreamImpl> stream) {
    if (state_ != State::kHandling) {
      stream->finish();
      return;
    }
    state_ = State::kStreaming;
    out_ = std::move(stream);
    stream_head_.result(head.status);
    stream_head_.version(11);
    for (auto& [name, value] : head.headers) stream_head_.insert(name, value);
    stream_head_.keep_alive(false);
    stream_head_.chunked(true);
    stream_sr_.emplace(stream_head_);
    expires_after(options().write_timeout);
    stream_writing_ = true;
    http::async_write_header(stream_, *stream_sr_,
                             [self = self()](boost::system::error_code ec, std::size_t) {
                               self->stream_writing_ = false;
                               if (ec) return self->close_socket();
                               self->expires_never();
                               self->probe();
                               self->do_pump();
                             });
  }

  // A read that only completes when the client closes the connection (or
  // sends something, which a streaming client should not): how we learn a
  // watcher has gone away while we have nothing to write.
  void probe() {
    stream_.async_read_some(asio::buffer(probe_),
                            [self = self()](boost::system::error_code ec, std::size_t) {
                              if (ec) return self->close_socket();
                              if (self->state_ == State::kStreaming) self->probe();
                            });
  }

  void do_pump() {
    if (state_ != State::kStreaming || stream_writing_ || !out_) return;
    bool finish = out_->take(batch_);
    if (!batch_.empty()) {
      stream_writing_ = true;
      expires_after(options().write_timeout);
      asio::async_write(stream_, http::make_chunk(asio::buffer(batch_)),
                        [self = self()](boost::system::error_code ec, std::size_t) {
                          self->stream_writing_ = false;
                          if (ec) return self->close_socket();
                          self->expires_never();
                          self->do_pump();
                        });
      return;
    }
    if (finish) {
      stream_writing_ = true;
      expires_after(options().write_timeout);
      asio::async_write(stream_, http::make_chunk_last(),
                        [self = self()](boost::system::error_code, std::size_t) {
                          self->stream_writing_ = false;
                          self->close_socket();
                        });
    }
  }

  void do_shutdown(bool force) {
    stopping_ = true;
    if (force) return close_socket();
    switch (state_) {
      case State::kStarting:
      case State::kIdle:
        close_socket();
        break;
      case State::kStreaming:
        if (out_) out_->request_close();
        do_pump();
        break;
      case State::kUpgraded:
        do_websocket_close();
        break;
      default:
        break;  // in flight: the response says Connection: close
    }
  }

  // ---- WebSocket (after a 101) ----
  void do_begin_websocket(std::string protocol, http::request<http::string_body> request,
                          std::shared_ptr<WebSocketImpl> socket) {
    if (state_ != State::kHandling) {
      socket->finish();
      return;
    }
    state_ = State::kUpgraded;
    ws_out_ = std::move(socket);
    ws_.emplace(stream_);
    ws_->binary(true);
    websocket::stream_base::timeout timeouts{};
    timeouts.handshake_timeout = std::chrono::seconds(30);
    timeouts.idle_timeout = websocket::stream_base::none();
    timeouts.keep_alive_pings = false;
    ws_->set_option(timeouts);
    ws_->set_option(websocket::stream_base::decorator([protocol](websocket::response_type& res) {
      if (!protocol.empty()) res.set(http::field::sec_websocket_protocol, protocol);
    }));
    expires_never();
    ws_request_ = std::move(request);
    ws_->async_accept(ws_request_, [self = self()](boost::system::error_code ec) {
      if (ec) {
        spdlog::debug("WebSocket handshake with {} failed: {}", self->remote_, ec.message());
        return self->close_socket();
      }
      self->ws_open_ = true;
      self->do_websocket_read();
      self->do_websocket_write();
    });
  }

  void do_websocket_read() {
    ws_->async_read(ws_buffer_, [self = self()](boost::system::error_code ec, std::size_t) {
      if (ec) return self->close_socket();
      const auto data = self->ws_buffer_.cdata();
      if (self->ws_out_) {
        self->ws_out_->message(std::string_view(static_cast<const char*>(data.data()), data.size()),
                               self->ws_->got_binary());
      }
      self->ws_buffer_.consume(self->ws_buffer_.size());
      if (self->state_ == State::kUpgraded) self->do_websocket_read();
    });
  }

  void do_websocket_write() {
    if (state_ != State::kUpgraded || !ws_open_ || ws_writing_ || !ws_out_) return;
    if (!ws_out_->take(ws_message_)) return;
    ws_writing_ = true;
    ws_->async_write(asio::buffer(ws_message_),
                     [self = self()](boost::system::error_code ec, std::size_t) {
                       self->ws_writing_ = false;
                       if (ec) return self->close_socket();
                       self->do_websocket_write();
                     });
  }

  void do_websocket_close() {
    if (state_ != State::kUpgraded) return;
    if (!ws_open_) return close_socket();
    state_ = State::kClosing;
    ws_->async_close(websocket::close_code::normal,
                     [self = self()](boost::system::error_code) { self->close_socket(); });
  }

  void linger_close() {
    state_ = State::kClosing;
    if constexpr (!kTls) {
      boost::system::error_code ec;
      lowest().shutdown(tcp::socket::shutdown_send, ec);
    }
    expires_after(std::chrono::seconds(2));
    drain();
  }

  void drain() {
    stream_.async_read_some(asio::buffer(probe_),
                            [self = self()](boost::system::error_code ec, std::size_t n) {
                              self->drained_ += n;
                              if (ec || self->drained_ > kMaxDrain) return self->close_socket();
                              self->drain();
                            });
  }

  void graceful_close() {
    state_ = State::kClosing;
    if constexpr (kTls) {
      expires_after(std::chrono::seconds(1));
      stream_.async_shutdown([self = self()](boost::system::error_code) { self->close_socket(); });
    } else {
      boost::system::error_code ec;
      lowest().shutdown(tcp::socket::shutdown_send, ec);
      close_socket();
    }
  }

  void close_socket() {
    if (state_ == State::kClosed) return;
    state_ = State::kClosed;
    if constexpr (!kTls) {
      boost::system::error_code ec;
      lowest().shutdown(tcp::socket::shutdown_send, ec);
    }
    boost::system::error_code ignored;
    lowest().close(ignored);
    timer_.cancel();
    timer_waiting_ = false;
    if (out_) {
      out_->finish();
      out_.reset();
    }
    if (ws_out_) {
      ws_out_->finish();
      ws_out_.reset();
    }
    untrack();
  }

  TlsContextPtr tls_;  // before stream_: the SSL object must go first
  Stream stream_;
  asio::steady_timer timer_;
  Clock::time_point deadline_ = Clock::time_point::max();
  bool timer_waiting_ = false;
  std::string remote_;
  std::optional<PeerCertificate> peer_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::unique_ptr<http::response<http::string_body>> res_;
  std::unique_ptr<http::response<http::empty_body>> continue_;
  bool head_request_ = false;
  State state_ = State::kStarting;
  bool keep_alive_ = false;
  unsigned version_ = 11;
  bool stopping_ = false;
  std::shared_ptr<StreamImpl> out_;
  http::response<http::empty_body> stream_head_;
  std::optional<http::response_serializer<http::empty_body>> stream_sr_;
  std::string batch_;
  bool stream_writing_ = false;
  std::array<char, 4096> probe_{};
  bool linger_ = false;
  std::size_t drained_ = 0;
  // Upgraded to a WebSocket: Beast's stream over ours.
  std::optional<websocket::stream<Stream&>> ws_;
  http::request<http::string_body> ws_request_;
  std::shared_ptr<WebSocketImpl> ws_out_;
  beast::flat_buffer ws_buffer_;
  std::string ws_message_;
  bool ws_open_ = false;
  bool ws_writing_ = false;
  static constexpr std::size_t kMaxDrain = 8 * 1024 * 1024;
  static constexpr std::size_t kReadBufferSize = 16 * 1024;  // a TLS record's largest plaintext
};

}  // namespace detail

Responder::Responder(std::shared_ptr<detail::Exchange> exchange) : exchange_(std::move(exchange)) {}

void Responder::respond(Response response) const {
  if (exchange_->answered.exchange(true)) return;
  if (exchange_->observer) exchange_->observer(response, nullptr);
  exchange_->session->deliver(std::move(response));
}

std::shared_ptr<ResponseStream> Responder::stream(Response head) const {
  auto stream = std::make_shared<detail::StreamImpl>(exchange_->session, exchange_->stream_limit);
  if (exchange_->answered.exchange(true)) {
    stream->finish();
    return stream;
  }
  if (exchange_->observer) exchange_->observer(head, stream);
  exchange_->session->begin_stream(std::move(head), stream);
  return stream;
}

std::shared_ptr<WebSocket> Responder::websocket(std::string subprotocol,
                                                WebSocketHandlers handlers) const {
  auto socket = std::make_shared<detail::WebSocketImpl>(exchange_->session, std::move(handlers));
  if (exchange_->answered.exchange(true)) {
    socket->finish();
    return socket;
  }
  exchange_->session->begin_websocket(std::move(subprotocol), exchange_->request.impl().msg,
                                      socket);
  return socket;
}

bool is_websocket_upgrade(const Request& request) {
  return request.method() == "GET" && beast::iequals(request.header("Upgrade"), "websocket") &&
         !request.header("Sec-WebSocket-Key").empty();
}

bool offers_subprotocol(const Request& request, std::string_view protocol) {
  std::string_view offered = request.header("Sec-WebSocket-Protocol");
  while (!offered.empty()) {
    const auto comma = offered.find(',');
    std::string_view item = offered.substr(0, comma);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (item == protocol) return true;
    if (comma == std::string_view::npos) break;
    offered.remove_prefix(comma + 1);
  }
  return false;
}

void Responder::observe(Observer observer) const {
  if (!exchange_->observer) {
    exchange_->observer = std::move(observer);
    return;
  }
  exchange_->observer = [first = std::move(exchange_->observer), second = std::move(observer)](
                            const Response& response,
                            const std::shared_ptr<ResponseStream>& stream) {
    first(response, stream);
    second(response, stream);
  };
}

bool Responder::answered() const { return exchange_->answered.load(); }
const Request& Responder::request() const { return exchange_->request; }

// The listening socket and what it does with each connection. Shared with
// its pending accept, so that on a shared EventLoop (whose threads outlive
// the Server) the aborted accept that stop() leaves behind finds it alive.
struct Listener : std::enable_shared_from_this<Listener> {
  Listener(std::shared_ptr<detail::ServerCore> c, asio::io_context& context)
      : core(std::move(c)), acceptor(asio::make_strand(context)) {}

  std::shared_ptr<detail::ServerCore> core;
  tcp::acceptor acceptor;
  std::size_t next_context = 0;  // accept side only
  std::string address;

  void accept() {
    acceptor.async_accept(
        connection_executor(),
        [self = shared_from_this()](boost::system::error_code ec, tcp::socket socket) {
          if (!self->acceptor.is_open()) return;
          if (ec) {
            // EMFILE and friends: keep accepting, the condition is usually
            // transient.
            spdlog::warn("accept on {} failed: {}", self->address, ec.message());
            return self->accept();
          }
          self->start_session(std::move(socket));
          self->accept();
        });
  }

  // Where the next connection runs: a strand of the shared loop, or the next
  // single-threaded loop in turn (a loop with one thread needs no strand).
  asio::any_io_executor connection_executor() {
    auto& contexts = core->contexts;
    if (contexts.size() == 1 && !core->options.pin_connections && !core->shared_loop()) {
      return asio::make_strand(*contexts.front());
    }
    return contexts[next_context++ % contexts.size()]->get_executor();
  }

  void start_session(tcp::socket socket) {
    boost::system::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    const ServerOptions& options = core->options;
    std::shared_ptr<detail::SessionBase> session;
    if (options.tls) {
      TlsContextPtr ctx;
      try {
        ctx = options.tls();
      } catch (const std::exception& e) {
        spdlog::error("TLS context provider threw: {}", e.what());
      }
      if (!ctx) return;  // refuses this connection; the socket closes here
      auto s = std::make_shared<detail::Session<beast::ssl_stream<tcp::socket>>>(
          core, std::move(socket), std::move(ctx));
      session = s;
      if (!track(session)) return;
      s->start();
    } else {
      auto s = std::make_shared<detail::Session<tcp::socket>>(core, std::move(socket), nullptr);
      session = s;
      if (!track(session)) return;
      s->start();
    }
  }

  bool track(const std::shared_ptr<detail::SessionBase>& session) {
    std::lock_guard lock(core->mutex);
    if (core->stopping) return false;
    core->sessions.emplace(session.get(), session);
    return true;
  }
};

struct Server::Impl {
  std::shared_ptr<detail::ServerCore> core;
  std::shared_ptr<Listener> listener;
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> work;
  std::vector<std::thread> threads;
  std::uint16_t port = 0;
  std::string address;
  bool running = false;

  std::vector<std::shared_ptr<detail::SessionBase>> live_sessions() {
    std::vector<std::shared_ptr<detail::SessionBase>> out;
    std::lock_guard lock(core->mutex);
    for (auto& [ptr, weak] : core->sessions) {
      if (auto s = weak.lock()) out.push_back(std::move(s));
    }
    return out;
  }
};

Server::Server(ServerOptions options, Handler handler) : impl_(std::make_unique<Impl>()) {
  impl_->core = std::make_shared<detail::ServerCore>(std::move(options), std::move(handler));
}

Server::~Server() { stop(std::chrono::milliseconds(0)); }

bool Server::start(std::string& error) {
  if (impl_->running) return true;
  auto& core = *impl_->core;
  const ServerOptions& options = core.options;
  std::string host = options.host.empty() ? "0.0.0.0" : options.host;
  std::string where = (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" +
                      std::to_string(options.port);
  boost::system::error_code ec;
  asio::io_context& first = *core.contexts.front();
  tcp::resolver resolver(first);
  auto results = resolver.resolve(host, std::to_string(options.port),
                                  tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (ec || results.empty()) {
    error = "cannot listen on " + where + ": " + (ec ? ec.message() : "no address");
    return false;
  }
  tcp::endpoint endpoint = results.begin()->endpoint();
  asio::io_context& accept_context =
      core.shared_loop() ? options.loop->impl().next_context() : first;
  impl_->listener = std::make_shared<Listener>(impl_->core, accept_context);
  auto& acceptor = impl_->listener->acceptor;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    error = "cannot listen on " + where + ": " + ec.message();
    impl_->listener.reset();
    return false;
  }
  tcp::endpoint bound = acceptor.local_endpoint(ec);
  impl_->port = bound.port();
  impl_->address = (bound.address().is_v6() ? "[" + bound.address().to_string() + "]"
                                            : bound.address().to_string()) +
                   ":" + std::to_string(impl_->port);
  impl_->listener->address = impl_->address;
  impl_->listener->accept();
  if (core.shared_loop()) {  // the loop's threads run it
    impl_->running = true;
    return true;
  }
  impl_->work.clear();
  for (auto* context : core.contexts) impl_->work.emplace_back(context->get_executor());
  int threads = options.threads < 1 ? 1 : options.threads;
  for (int i = 0; i < threads; ++i) {
    {
      std::lock_guard lock(core.mutex);
      ++core.running_threads;
    }
    asio::io_context* context = core.contexts[static_cast<std::size_t>(i) % core.contexts.size()];
    impl_->threads.emplace_back([core = impl_->core, context] {
      for (;;) {
        try {
          context->run();
          break;
        } catch (const std::exception& e) {
          // A throwing completion handler must not take the process down.
          spdlog::error("HTTP server thread: {}", e.what());
        }
      }
      std::lock_guard lock(core->mutex);
      --core->running_threads;
      core->cv.notify_all();
    });
  }
  impl_->running = true;
  return true;
}

std::uint16_t Server::port() const { return impl_->port; }
std::string Server::address() const { return impl_->address; }

std::size_t Server::connection_count() const {
  std::lock_guard lock(impl_->core->mutex);
  return impl_->core->sessions.size();
}

void Server::stop(std::chrono::milliseconds deadline) {
  if (!impl_->running) return;
  impl_->running = false;
  auto& core = *impl_->core;
  std::promise<void> closed;
  asio::post(impl_->listener->acceptor.get_executor(), [listener = impl_->listener, &closed] {
    boost::system::error_code ignored;
    listener->acceptor.close(ignored);
    closed.set_value();
  });
  closed.get_future().wait();
  {
    std::lock_guard lock(core.mutex);
    core.stopping = true;
  }
  for (auto& s : impl_->live_sessions()) s->shutdown(false);
  auto wait_empty = [&](std::chrono::milliseconds d) {
    std::unique_lock lock(core.mutex);
    return core.cv.wait_for(lock, d, [&] { return core.sessions.empty(); });
  };
  if (!wait_empty(deadline)) {
    for (auto& s : impl_->live_sessions()) s->shutdown(true);
    wait_empty(std::chrono::seconds(2));
  }
  if (core.shared_loop()) {
    // The loop's threads run the completions still queued; the listener and
    // the closed sessions live until they have.
    impl_->listener.reset();
    return;
  }
  // Let the io threads finish what is queued (the completions of the
  // connections just closed, which hold their sessions) and return on their
  // own; stopping the io_context early would strand those handlers, and with
  // them the sessions and the io_context itself.
  impl_->work.clear();
  {
    std::unique_lock lock(core.mutex);
    if (!core.cv.wait_for(lock, std::chrono::seconds(2),
                          [&] { return core.running_threads == 0; })) {
      for (auto& context : core.contexts) context->stop();
    }
  }
  for (auto& t : impl_->threads) t.join();
  impl_->threads.clear();
  impl_->listener.reset();
  // Whatever is still queued runs here, once, so that nothing keeps a cycle;
  // nothing is queued after.
  core.finish_loops();
  for (auto* context : core.contexts) {
    context->restart();
    context->poll();
  }
}

}  // namespace dynop::net
