// WebSockets taken over from HTTP requests (lib/net/websocket.hpp), driven by
// Beast's WebSocket client: the 101 with the subprotocol, binary messages
// both ways in order, sends from another thread, and both ways of closing.
#include "lib/net/websocket.hpp"

#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

#include "lib/net/server.hpp"

namespace dynop::net {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

constexpr const char* kProtocol = "SPDY/3.1+portforward.k8s.io";

class Echo {
 public:
  Echo() {
    ServerOptions options;
    server_ = std::make_unique<Server>(options, [this](const Request& r, Responder out) {
      if (!is_websocket_upgrade(r) || !offers_subprotocol(r, kProtocol)) {
        return out.respond(Response::text(400, "Upgrade request required"));
      }
      auto holder = std::make_shared<std::shared_ptr<WebSocket>>();
      auto ws = out.websocket(kProtocol,
                              {[this, holder](std::string_view data, bool binary) {
                                 std::lock_guard lock(mutex_);
                                 received_.emplace_back(data);
                                 if (data == "close") {
                                   (*holder)->close();
                                 } else {
                                   // Reply from another thread, as a session's copying threads do.
                                   std::thread([ws = *holder, reply = "echo:" + std::string(data)] {
                                     ws->send(reply);
                                   }).detach();
                                 }
                               },
                               [this] {
                                 std::lock_guard lock(mutex_);
                                 closed_ = true;
                                 cv_.notify_all();
                               }});
      *holder = ws;
    });
    std::string error;
    EXPECT_TRUE(server_->start(error)) << error;
  }
  ~Echo() { server_->stop(2s); }
  std::uint16_t port() const { return server_->port(); }
  bool wait_closed() {
    std::unique_lock lock(mutex_);
    return cv_.wait_for(lock, 10s, [&] { return closed_; });
  }

 private:
  std::unique_ptr<Server> server_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<std::string> received_;
  bool closed_ = false;
};

struct Client {
  asio::io_context io;
  websocket::stream<tcp::socket> ws{io};
  std::string protocol;
  void connect(std::uint16_t port, const std::string& offered) {
    tcp::resolver resolver(io);
    asio::connect(ws.next_layer(), resolver.resolve("127.0.0.1", std::to_string(port)));
    ws.set_option(websocket::stream_base::decorator([offered](websocket::request_type& req) {
      req.set(beast::http::field::sec_websocket_protocol, offered);
    }));
    websocket::response_type res;
    ws.handshake(res, "127.0.0.1", "/api/v1/namespaces/default/pods/p/portforward");
    protocol = std::string(res[beast::http::field::sec_websocket_protocol]);
    ws.binary(true);
  }
  std::string read() {
    beast::flat_buffer buffer;
    ws.read(buffer);
    return beast::buffers_to_string(buffer.data());
  }
};

TEST(WebSocket, UpgradesWithTheSubprotocolAndCarriesBinaryMessagesBothWays) {
  Echo echo;
  Client client;
  client.connect(echo.port(), std::string("v5.channel.k8s.io, ") + kProtocol);
  EXPECT_EQ(client.protocol, kProtocol);
  for (const std::string& m : std::vector<std::string>{"one", std::string(100000, 'x'), "three"}) {
    client.ws.write(asio::buffer(m));
    EXPECT_EQ(client.read(), "echo:" + m);
  }
  // The server closes when asked: the client sees a normal close.
  client.ws.write(asio::buffer(std::string("close")));
  beast::flat_buffer buffer;
  boost::system::error_code ec;
  client.ws.read(buffer, ec);
  EXPECT_EQ(ec, websocket::error::closed);
  EXPECT_TRUE(echo.wait_closed());
}

TEST(WebSocket, TheClientClosingEndsItOnTheServer) {
  Echo echo;
  Client client;
  client.connect(echo.port(), kProtocol);
  client.ws.close(websocket::close_code::normal);
  EXPECT_TRUE(echo.wait_closed());
}

TEST(WebSocket, APlainRequestIsNotAnUpgrade) {
  Echo echo;
  Client client;
  EXPECT_THROW(client.connect(echo.port(), "v4.channel.k8s.io"), boost::system::system_error);
}

// A WebSocket taken over after the server stopped never opens: it is closed
// at once, its close handler runs and its handlers are released (they hold
// the socket and the Responder: LeakSanitizer under the asan-ubsan preset
// reports the connection otherwise).
TEST(WebSocket, OneBegunAfterStopIsClosedAtOnce) {
  std::mutex mutex;
  std::condition_variable cv;
  std::optional<Responder> held;
  Server server({}, [&](const Request&, Responder out) {
    std::lock_guard lock(mutex);
    held.emplace(out);
    cv.notify_all();
  });
  std::string error;
  ASSERT_TRUE(server.start(error)) << error;
  Client client;
  std::thread connecting(
      [&] { EXPECT_THROW(client.connect(server.port(), kProtocol), boost::system::system_error); });
  {
    std::unique_lock lock(mutex);
    ASSERT_TRUE(cv.wait_for(lock, 10s, [&] { return held.has_value(); }));
  }
  server.stop(0ms);
  connecting.join();

  auto holder = std::make_shared<std::shared_ptr<WebSocket>>();
  bool closed = false;
  auto ws = held->websocket(kProtocol, {[holder, out = *held](std::string_view, bool) {},
                                        [&closed, holder] { closed = true; }});
  *holder = ws;
  EXPECT_TRUE(ws->closed());
  EXPECT_TRUE(closed);
  EXPECT_FALSE(ws->send("too late"));
  held.reset();
}

}  // namespace
}  // namespace dynop::net
