// The port-forward session, driven as kubectl drives it (SPDY frames as
// bytes), against a TCP server standing in for a pod's port.
#include "localcluster/portforward/port_forward_session.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>

#include "lib/net/server.hpp"

namespace dynop::localcluster::portforward {
namespace {

using namespace std::chrono_literals;

// Collects what the session sends and reads it back as frames.
class Client {
 public:
  void on_bytes(std::string bytes) {
    std::lock_guard lock(mutex_);
    reader_.append(bytes);
    cv_.notify_all();
  }
  // The next frame, waiting up to 10 s.
  std::optional<SpdyFrame> next() {
    std::unique_lock lock(mutex_);
    std::optional<SpdyFrame> frame;
    cv_.wait_for(lock, 10s, [&] {
      std::string error;
      frame = reader_.next(error);
      return frame.has_value() || !error.empty();
    });
    return frame;
  }
  SpdyWriter writer;

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  SpdyReader reader_;
};

std::string open_streams(Client& c, int port) {
  const std::string p = std::to_string(port);
  // One after the other: the second header block continues the first's zlib stream.
  std::string bytes =
      c.writer.syn_stream(1, {{"streamtype", "error"}, {"port", p}, {"requestid", "0"}});
  bytes += c.writer.syn_stream(3, {{"streamtype", "data"}, {"port", p}, {"requestid", "0"}});
  return bytes;
}

TEST(PortForwardSession, CopiesARequestToThePodAndItsAnswerBack) {
  net::ServerOptions options;
  options.host = "127.0.0.1";
  net::Server pod(options, [](const net::Request& r, net::Responder out) {
    out.respond(net::Response::text(200, "dynamo_frontend_queued_requests 2\n"));
  });
  std::string error;
  ASSERT_TRUE(pod.start(error)) << error;

  Client client;
  PortForwardSession session(
      "default/p", "uid-1", "127.0.0.1",
      [&](std::string bytes) { client.on_bytes(std::move(bytes)); }, [] {});
  session.receive(open_streams(client, pod.port()));
  for (std::uint32_t id : {1u, 3u}) {
    auto reply = client.next();
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->type, SpdyFrameType::kSynReply);
    EXPECT_EQ(reply->stream_id, id);
  }
  session.receive(
      SpdyWriter::data(3, "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", true));
  std::string answer;
  bool data_fin = false, error_fin = false;
  while (!(data_fin && error_fin)) {
    auto f = client.next();
    ASSERT_TRUE(f) << "got so far: " << answer;
    ASSERT_EQ(f->type, SpdyFrameType::kData);
    if (f->stream_id == 3) {
      answer += f->data;
      data_fin = data_fin || f->fin();
    } else {
      EXPECT_TRUE(f->data.empty());
      error_fin = error_fin || f->fin();
    }
  }
  EXPECT_NE(answer.find("HTTP/1.1 200 OK"), std::string::npos) << answer;
  EXPECT_NE(answer.find("dynamo_frontend_queued_requests 2"), std::string::npos) << answer;
  session.stop();
  pod.stop();
}

TEST(PortForwardSession, ANoOneListeningIsReportedOnTheErrorStream) {
  Client client;
  PortForwardSession session(
      "default/p", "uid-1", "127.0.0.1",
      [&](std::string bytes) { client.on_bytes(std::move(bytes)); }, [] {});
  session.receive(open_streams(client, 1));  // nothing listens on port 1
  client.next();
  client.next();
  auto message = client.next();
  ASSERT_TRUE(message);
  EXPECT_EQ(message->stream_id, 1u);
  EXPECT_EQ(message->data,
            "error forwarding port 1 to pod default/p, uid uid-1: failed to connect to "
            "127.0.0.1:1: Connection refused");
  EXPECT_TRUE(message->fin());
}

TEST(PortForwardSession, PingsAreAnsweredAndGarbageEndsTheSession) {
  Client client;
  bool closed = false;
  PortForwardSession session(
      "default/p", "uid-1", "127.0.0.1",
      [&](std::string bytes) { client.on_bytes(std::move(bytes)); }, [&] { closed = true; });
  session.receive(SpdyWriter::ping(5));
  auto pong = client.next();
  ASSERT_TRUE(pong);
  EXPECT_EQ(pong->type, SpdyFrameType::kPing);
  EXPECT_EQ(pong->value, 5u);
  session.receive(std::string("\x80\x09\x00\x01\x00\x00\x00\x00", 8));
  auto away = client.next();
  ASSERT_TRUE(away);
  EXPECT_EQ(away->type, SpdyFrameType::kGoAway);
  EXPECT_TRUE(closed);
}

}  // namespace
}  // namespace dynop::localcluster::portforward
