#include "localcluster/portforward/port_forward_session.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

namespace dynop::localcluster::portforward {
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {
constexpr std::uint32_t kRstProtocolError = 1;
constexpr std::uint32_t kRstInvalidStream = 2;
}  // namespace

struct PortForwardSession::Forward {
  std::string request_id;
  int port = 0;
  std::uint32_t error_stream = 0;
  std::uint32_t data_stream = 0;
  asio::io_context io;
  tcp::socket socket{io};
  bool connected = false;
  std::mutex socket_mutex;  // writes from receive(), close from stop()
};

PortForwardSession::PortForwardSession(std::string pod, std::string uid, std::string address,
                                       Send send, Close close)
    : pod_(std::move(pod)),
      uid_(std::move(uid)),
      address_(std::move(address)),
      send_(std::move(send)),
      close_(std::move(close)) {}

PortForwardSession::~PortForwardSession() { stop(); }

void PortForwardSession::write(std::string bytes) {
  // Callers hold send_mutex_ when the bytes came from writer_ (shared
  // compression state); DATA frames need only the ordering.
  send_(std::move(bytes));
}

void PortForwardSession::fail(const std::string& why) {
  spdlog::debug("port-forward to pod {}: {}", pod_, why);
  {
    std::lock_guard lock(send_mutex_);
    write(SpdyWriter::go_away(0, kRstProtocolError));
  }
  if (close_) close_();
}

void PortForwardSession::receive(std::string_view bytes) {
  reader_.append(bytes);
  for (;;) {
    std::string error;
    auto frame = reader_.next(error);
    if (!error.empty()) return fail(error);
    if (!frame) return;
    on_frame(*frame);
  }
}

void PortForwardSession::on_frame(SpdyFrame& frame) {
  switch (frame.type) {
    case SpdyFrameType::kSynStream: {
      const std::string type = frame.headers["streamtype"];
      const std::string id = frame.headers["requestid"];
      int port = 0;
      try {
        port = std::stoi(frame.headers["port"]);
      } catch (...) {
        port = 0;
      }
      {
        std::lock_guard lock(send_mutex_);
        write(writer_.syn_reply(frame.stream_id, {}));
      }
      if ((type != "error" && type != "data") || port <= 0 || port > 65535) {
        std::lock_guard lock(send_mutex_);
        write(SpdyWriter::rst_stream(frame.stream_id, kRstInvalidStream));
        return;
      }
      std::shared_ptr<Forward> f;
      {
        std::lock_guard lock(mutex_);
        if (stopped_) return;
        auto& slot = forwards_[id];
        if (!slot) {
          slot = std::make_shared<Forward>();
          slot->request_id = id;
          slot->port = port;
        }
        f = slot;
        (type == "error" ? f->error_stream : f->data_stream) = frame.stream_id;
        by_stream_[frame.stream_id] = f;
      }
      if (f->error_stream != 0 && f->data_stream != 0) start_forward(*f);
      return;
    }
    case SpdyFrameType::kData: {
      std::shared_ptr<Forward> f;
      {
        std::lock_guard lock(mutex_);
        auto it = by_stream_.find(frame.stream_id);
        if (it != by_stream_.end()) f = it->second;
      }
      if (!f || frame.stream_id != f->data_stream) return;  // error stream input is ignored
      std::lock_guard lock(f->socket_mutex);
      if (!f->connected) return;
      boost::system::error_code ec;
      if (!frame.data.empty()) asio::write(f->socket, asio::buffer(frame.data), ec);
      if (frame.fin()) f->socket.shutdown(tcp::socket::shutdown_send, ec);
      return;
    }
    case SpdyFrameType::kRstStream: {
      std::lock_guard lock(mutex_);
      auto it = by_stream_.find(frame.stream_id);
      if (it != by_stream_.end()) {
        std::lock_guard socket_lock(it->second->socket_mutex);
        boost::system::error_code ec;
        it->second->socket.shutdown(tcp::socket::shutdown_both, ec);
      }
      return;
    }
    case SpdyFrameType::kPing: {
      std::lock_guard lock(send_mutex_);
      write(SpdyWriter::ping(frame.value));
      return;
    }
    case SpdyFrameType::kGoAway:
      if (close_) close_();
      return;
    default:
      return;  // SETTINGS, WINDOW_UPDATE, SYN_REPLY, HEADERS: nothing to do
  }
}

void PortForwardSession::start_forward(Forward& f) {
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(address_, ec);
  if (!ec) {
    std::lock_guard lock(f.socket_mutex);
    f.socket.connect(tcp::endpoint(address, static_cast<unsigned short>(f.port)), ec);
    f.connected = !ec;
  }
  if (ec) {
    // kubelet's words; kubectl prints what the error stream carries.
    const std::string message = "error forwarding port " + std::to_string(f.port) + " to pod " +
                                pod_ + ", uid " + uid_ + ": failed to connect to " + address_ +
                                ":" + std::to_string(f.port) + ": " + ec.message();
    std::lock_guard lock(send_mutex_);
    write(SpdyWriter::data(f.error_stream, message, true));
    write(SpdyWriter::data(f.data_stream, {}, true));
    return;
  }
  std::shared_ptr<Forward> shared;
  {
    std::lock_guard lock(mutex_);
    shared = forwards_[f.request_id];
    if (stopped_ || !shared) return;
    threads_.emplace_back([this, shared] { copy_from_pod(shared); });
  }
}

void PortForwardSession::copy_from_pod(std::shared_ptr<Forward> f) {
  char buffer[32 * 1024];
  for (;;) {
    boost::system::error_code ec;
    const std::size_t n = f->socket.read_some(asio::buffer(buffer), ec);
    if (n > 0) {
      std::lock_guard lock(send_mutex_);
      write(SpdyWriter::data(f->data_stream, std::string_view(buffer, n), false));
    }
    if (ec) break;
  }
  // The pod's end closed: end both streams; kubectl closes its local
  // connection when the data stream ends.
  std::lock_guard lock(send_mutex_);
  write(SpdyWriter::data(f->data_stream, {}, true));
  write(SpdyWriter::data(f->error_stream, {}, true));
}

void PortForwardSession::stop() {
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(mutex_);
    if (stopped_) return;
    stopped_ = true;
    // shutdown() wakes a copying thread blocked in read_some; the sockets
    // are closed only once no thread uses them.
    for (auto& [id, f] : forwards_) {
      std::lock_guard socket_lock(f->socket_mutex);
      boost::system::error_code ec;
      f->socket.shutdown(tcp::socket::shutdown_both, ec);
    }
    threads.swap(threads_);
  }
  for (auto& t : threads) t.join();
  std::lock_guard lock(mutex_);
  for (auto& [id, f] : forwards_) {
    boost::system::error_code ec;
    f->socket.close(ec);
  }
}

}  // namespace dynop::localcluster::portforward
