// Server and client over loopback, plain HTTP.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "lib/net/http_client.hpp"
#include "lib/net/server.hpp"

namespace dynop::net {
namespace {

using namespace std::chrono_literals;

// Polls `pred` for up to 10 s: tests assert outcomes, never timings.
template <class Pred>
bool eventually(Pred pred) {
  for (int i = 0; i < 1000; ++i) {
    if (pred()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return pred();
}

ClientRequest req(const std::string& url, const std::string& method = "GET",
                  const std::string& body = "") {
  ClientRequest r;
  r.method = method;
  r.url = url;
  r.body = body;
  return r;
}

// How a server runs its connections: threads sharing one loop, a loop per
// thread (ServerOptions::pin_connections), or an EventLoop shared with other
// servers (ServerOptions::loop).
enum class Threading { kOneLoop, kPinnedConnections, kSharedEventLoop };

// Every server test runs in each threading mode.
class ServerTest : public ::testing::TestWithParam<Threading> {
 protected:
  void start(Handler handler, ServerOptions options = {}) {
    options.host = "127.0.0.1";
    options.port = 0;
    options.pin_connections = GetParam() == Threading::kPinnedConnections;
    if (GetParam() == Threading::kSharedEventLoop) {
      loop_ = std::make_unique<EventLoop>(2);
      options.loop = loop_.get();
    }
    server_ = std::make_unique<Server>(options, std::move(handler));
    std::string error;
    ASSERT_TRUE(server_->start(error)) << error;
    ASSERT_NE(server_->port(), 0);
    client_ = HttpClient::create({}, error);
    ASSERT_TRUE(client_) << error;
  }
  std::string url(const std::string& path) {
    return "http://127.0.0.1:" + std::to_string(server_->port()) + path;
  }
  // Sends raw bytes and returns everything the server answers until it closes.
  std::string raw_exchange(const std::string& bytes) {
    boost::asio::io_context ioc;
    boost::asio::ip::tcp::socket socket(ioc);
    socket.connect({boost::asio::ip::make_address("127.0.0.1"), server_->port()});
    boost::asio::write(socket, boost::asio::buffer(bytes));
    std::string out;
    boost::system::error_code ec;
    boost::asio::read(socket, boost::asio::dynamic_buffer(out), ec);
    return out;
  }
  void TearDown() override {
    client_.reset();
    if (server_) server_->stop(5s);
  }

  std::unique_ptr<EventLoop> loop_;  // before server_: outlives it
  std::unique_ptr<Server> server_;
  std::unique_ptr<HttpClient> client_;
};

TEST_P(ServerTest, CompleteResponseWithRequestDetails) {
  start([](const Request& req, Responder res) {
    Response r = Response::text(201, std::string(req.method()) + " " + std::string(req.path()) +
                                         " q=" + std::string(req.query()) + " x=" +
                                         std::string(req.header("x-test")) + " body=" + req.body());
    r.set_header("X-Reply", "yes");
    res.respond(std::move(r));
  });
  ClientRequest post = req(url("/a/b?c=d"), "POST", "payload");
  post.headers.emplace_back("X-Test", "hello");
  auto r = client_->request(post);
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.response->status, 201);
  EXPECT_EQ(r.response->body, "POST /a/b q=c=d x=hello body=payload");
  EXPECT_EQ(r.response->header("x-reply"), "yes");
  EXPECT_EQ(r.response->header("content-type"), "text/plain; charset=utf-8");
}

TEST_P(ServerTest, KeepAliveReusesTheConnection) {
  start([](const Request& req, Responder res) {
    res.respond(Response::text(200, req.remote_address()));
  });
  auto a = client_->request(req(url("/")));
  auto b = client_->request(req(url("/")));
  ASSERT_TRUE(a.ok() && b.ok()) << a.error << b.error;
  EXPECT_FALSE(a.response->body.empty());
  EXPECT_EQ(a.response->body, b.response->body) << "same client port: one connection";
}

TEST_P(ServerTest, PooledConnectionClosedByServerIsReplaced) {
  ServerOptions options;
  options.idle_timeout = 200ms;
  start([](const Request&, Responder res) { res.respond(Response::text(200, "ok")); }, options);
  ASSERT_TRUE(client_->request(req(url("/"))).ok());
  ASSERT_TRUE(eventually([&] { return server_->connection_count() == 0; }));
  auto r = client_->request(req(url("/"), "POST"));
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.response->body, "ok");
}

TEST_P(ServerTest, BodyOverLimitGets413WithEmbedderBodyAndServerKeepsServing) {
  ServerOptions options;
  options.body_limit = 1024;
  options.body_too_large = Response::json(0, R"({"kind":"Status","code":413})");
  start([](const Request& req,
           Responder res) { res.respond(Response::text(200, std::to_string(req.body().size()))); },
        options);
  ClientRequest big = req(url("/big"), "POST");
  big.body.assign(100 * 1024, 'x');
  auto r = client_->request(big);
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.response->status, 413);
  EXPECT_EQ(r.response->body, R"({"kind":"Status","code":413})");
  EXPECT_EQ(r.response->header("Content-Type"), "application/json");

  ClientRequest small = req(url("/small"), "POST", std::string(1024, 'y'));
  auto ok = client_->request(small);
  ASSERT_TRUE(ok.ok()) << ok.error;
  EXPECT_EQ(ok.response->status, 200);
  EXPECT_EQ(ok.response->body, "1024");
}

TEST_P(ServerTest, MalformedRequestGets400) {
  start([](const Request&, Responder res) { res.respond(Response::text(200, "ok")); });
  std::string reply = raw_exchange("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n");
  EXPECT_TRUE(reply.starts_with("HTTP/1.1 400")) << reply;
  auto r = client_->request(req(url("/")));
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.response->status, 200);
}

TEST_P(ServerTest, HeadGetsHeadersWithoutBody) {
  start([](const Request&, Responder res) { res.respond(Response::text(200, "twelve bytes")); });
  auto r = client_->request(req(url("/"), "HEAD"));
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.response->status, 200);
  EXPECT_EQ(r.response->header("Content-Length"), "12");
  EXPECT_EQ(r.response->body, "");
  auto after = client_->request(req(url("/")));  // the connection is still in step
  ASSERT_TRUE(after.ok()) << after.error;
  EXPECT_EQ(after.response->body, "twelve bytes");
}

TEST_P(ServerTest, ExpectContinueGetsInterimResponse) {
  start([](const Request& req, Responder res) { res.respond(Response::text(200, req.body())); });
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::socket socket(ioc);
  socket.connect({boost::asio::ip::make_address("127.0.0.1"), server_->port()});
  boost::asio::write(socket, boost::asio::buffer(
                                 std::string("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
                                             "Expect: 100-continue\r\nConnection: close\r\n\r\n")));
  std::string interim;
  boost::asio::read_until(socket, boost::asio::dynamic_buffer(interim), "\r\n\r\n");
  EXPECT_TRUE(interim.starts_with("HTTP/1.1 100 Continue\r\n")) << interim;
  boost::asio::write(socket, boost::asio::buffer(std::string("hello")));
  std::string rest;
  boost::system::error_code ec;
  boost::asio::read(socket, boost::asio::dynamic_buffer(rest), ec);
  EXPECT_TRUE(rest.starts_with("HTTP/1.1 200 OK")) << rest;
  EXPECT_TRUE(rest.ends_with("\r\n\r\nhello")) << rest;
}

TEST_P(ServerTest, HandlerThatThrowsOrNeverAnswersGives500) {
  start([](const Request& req, Responder res) {
    if (req.path() == "/throw") throw std::runtime_error("boom");
    // "/drop": the Responder goes out of scope unanswered.
  });
  auto a = client_->request(req(url("/throw")));
  ASSERT_TRUE(a.ok()) << a.error;
  EXPECT_EQ(a.response->status, 500);
  auto b = client_->request(req(url("/drop")));
  ASSERT_TRUE(b.ok()) << b.error;
  EXPECT_EQ(b.response->status, 500);
}

TEST_P(ServerTest, AnswerFromAnotherThread) {
  std::vector<std::thread> workers;
  std::mutex m;
  start([&](const Request&, Responder res) {
    std::lock_guard lock(m);
    workers.emplace_back([res] {
      std::this_thread::sleep_for(20ms);
      res.respond(Response::text(200, "later:" + std::string(res.request().path())));
    });
  });
  auto r = client_->request(req(url("/x")));
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.response->body, "later:/x");
  std::lock_guard lock(m);
  for (auto& t : workers) t.join();
}

TEST_P(ServerTest, StreamingResponseReadLineByLine) {
  std::thread feeder;
  start([&](const Request&, Responder res) {
    auto stream = res.stream(Response::json(200, ""));
    feeder = std::thread([stream] {
      stream->send_chunk("{\"type\":\"ADDED\"}\n");
      stream->send_chunk("{\"type\":");
      stream->send_chunk("\"MODIFIED\"}\n{\"type\":\"DELETED\"}\n");
      stream->close();
    });
  });
  auto w = client_->stream(req(url("/watch")));
  ASSERT_TRUE(w.ok()) << w.error;
  EXPECT_EQ(w.head.status, 200);
  EXPECT_EQ(w.head.header("Content-Type"), "application/json");
  ASSERT_TRUE(w.stream);
  std::vector<std::string> lines;
  std::string line;
  while (w.stream->next_line(line)) lines.push_back(line);
  EXPECT_EQ(w.stream->error(), "");
  EXPECT_EQ(lines, (std::vector<std::string>{R"({"type":"ADDED"})", R"({"type":"MODIFIED"})",
                                             R"({"type":"DELETED"})"}));
  feeder.join();
}

TEST_P(ServerTest, ClientDisconnectClosesTheStream) {
  std::shared_ptr<ResponseStream> stream;
  std::atomic<bool> callback_ran{false};
  std::mutex m;
  start([&](const Request&, Responder res) {
    auto s = res.stream(Response::json(200, ""));
    s->on_close([&] { callback_ran = true; });
    s->send_chunk("first\n");
    std::lock_guard lock(m);
    stream = s;
  });
  auto w = client_->stream(req(url("/watch")));
  ASSERT_TRUE(w.ok()) << w.error;
  std::string line;
  ASSERT_TRUE(w.stream->next_line(line));
  EXPECT_EQ(line, "first");
  w.stream.reset();  // kubectl hits Ctrl-C
  ASSERT_TRUE(eventually([&] { return callback_ran.load(); }));
  std::lock_guard lock(m);
  EXPECT_TRUE(stream->closed());
  EXPECT_FALSE(stream->send_chunk("late\n"));
  bool immediate = false;
  stream->on_close([&] { immediate = true; });
  EXPECT_TRUE(immediate) << "on_close after the end runs at once";
}

TEST_P(ServerTest, SlowReaderIsDroppedInsteadOfBufferingForever) {
  ServerOptions options;
  options.stream_buffer_limit = 64 * 1024;
  std::shared_ptr<ResponseStream> stream;
  std::mutex m;
  start(
      [&](const Request&, Responder res) {
        std::lock_guard lock(m);
        stream = res.stream(Response::json(200, ""));
      },
      options);
  auto w = client_->stream(req(url("/watch")));  // and never read
  ASSERT_TRUE(w.ok()) << w.error;
  ASSERT_TRUE(eventually([&] {
    std::lock_guard lock(m);
    return stream != nullptr;
  }));
  std::string chunk(1024, 'x');
  chunk.back() = '\n';
  bool refused = false;
  for (int i = 0; i < 1'000'000 && !refused; ++i) refused = !stream->send_chunk(chunk);
  EXPECT_TRUE(refused);
  EXPECT_TRUE(eventually([&] { return stream->closed(); }));
}

TEST_P(ServerTest, StreamCancelUnblocksReader) {
  std::shared_ptr<ResponseStream> keep;
  std::mutex m;
  start([&](const Request&, Responder res) {
    std::lock_guard lock(m);
    keep = res.stream(Response::json(200, ""));
  });
  auto w = client_->stream(req(url("/watch")));
  ASSERT_TRUE(w.ok()) << w.error;
  std::thread canceller([&] {
    std::this_thread::sleep_for(50ms);
    w.stream->cancel();
  });
  std::string line;
  EXPECT_FALSE(w.stream->next_line(line));
  EXPECT_EQ(w.stream->error(), "cancelled");
  canceller.join();
}

TEST_P(ServerTest, StreamErrorStatusCarriesTheBody) {
  start([](const Request&, Responder res) {
    res.respond(Response::json(410, R"({"kind":"Status","reason":"Expired"})"));
  });
  auto w = client_->stream(req(url("/watch")));
  ASSERT_TRUE(w.ok()) << w.error;
  EXPECT_EQ(w.head.status, 410);
  EXPECT_EQ(w.head.body, R"({"kind":"Status","reason":"Expired"})");
  EXPECT_FALSE(w.stream);
}

TEST_P(ServerTest, GracefulStopFinishesInFlightRequestsAndEndsStreams) {
  std::thread slow;
  std::shared_ptr<ResponseStream> stream;
  std::atomic<bool> in_flight{false};
  std::mutex m;
  start([&](const Request& req, Responder res) {
    std::lock_guard lock(m);
    if (req.path() == "/watch") {
      stream = res.stream(Response::json(200, ""));
      return;
    }
    in_flight = true;
    slow = std::thread([res] {
      std::this_thread::sleep_for(300ms);
      res.respond(Response::text(200, "finished"));
    });
  });
  auto w = client_->stream(req(url("/watch")));
  ASSERT_TRUE(w.ok()) << w.error;
  ClientResult r;
  std::thread requester([&] { r = client_->request(req(url("/slow"))); });
  ASSERT_TRUE(eventually([&] { return in_flight.load(); }));
  server_->stop(10s);
  requester.join();
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.response->body, "finished");
  EXPECT_EQ(r.response->header("Connection"), "close");
  std::string line;
  EXPECT_FALSE(w.stream->next_line(line));
  EXPECT_EQ(w.stream->error(), "") << "the stream ended cleanly";
  EXPECT_TRUE(stream->closed());
  slow.join();
  // A new connection is refused.
  auto after = client_->request(req(url("/")));
  EXPECT_FALSE(after.ok());
}

// An answer given after stop() goes nowhere and leaves nothing behind: the
// server's own loops never run again, so work queued there would hold the
// connection (and through it the loop) forever, which LeakSanitizer reports
// under the asan-ubsan preset. A stream started then is already closed.
TEST_P(ServerTest, AnswersAfterStopAreDroppedAndReleaseTheConnection) {
  std::mutex m;
  std::vector<Responder> held;
  start([&](const Request&, Responder res) {
    std::lock_guard lock(m);
    held.push_back(res);
  });
  ClientResult results[2];
  std::vector<std::thread> requesters;
  for (auto& result : results) {
    requesters.emplace_back([&] { result = client_->request(req(url("/held"))); });
  }
  ASSERT_TRUE(eventually([&] {
    std::lock_guard lock(m);
    return held.size() == 2;
  }));
  server_->stop(0ms);
  for (auto& t : requesters) t.join();
  for (auto& result : results) EXPECT_FALSE(result.ok()) << "closed unanswered by stop()";

  std::lock_guard lock(m);
  EXPECT_FALSE(held[0].answered());
  held[0].respond(Response::text(200, "too late"));
  EXPECT_TRUE(held[0].answered());
  std::atomic<bool> on_close_ran{false};
  auto stream = held[1].stream(Response::json(200, ""));
  stream->on_close([&] { on_close_ran = true; });
  EXPECT_TRUE(eventually([&] { return stream->closed() && on_close_ran.load(); }));
  EXPECT_FALSE(stream->send_chunk("{}\n"));
  held.clear();
}

TEST_P(ServerTest, ListeningOnABusyPortIsOneClearError) {
  start([](const Request&, Responder res) { res.respond(Response::text(200, "")); });
  ServerOptions options;
  options.port = server_->port();
  Server second(options, [](const Request&, Responder) {});
  std::string error;
  EXPECT_FALSE(second.start(error));
  EXPECT_EQ(error, "cannot listen on 127.0.0.1:" + std::to_string(server_->port()) +
                       ": Address already in use");
}

TEST_P(ServerTest, ABodyThatNeverArrivesTimesOutAndClosesTheConnection) {
  ServerOptions options;
  options.read_timeout = 200ms;
  std::atomic<int> handled{0};
  start(
      [&](const Request&, Responder res) {
        ++handled;
        res.respond(Response::text(200, "ok"));
      },
      options);
  // The header promises 10 bytes; none follow. raw_exchange returns when the
  // server closes the connection.
  std::string answer = raw_exchange("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n");
  EXPECT_EQ(answer, "");
  EXPECT_EQ(handled.load(), 0);
  EXPECT_TRUE(eventually([&] { return server_->connection_count() == 0; }));
}

TEST_P(ServerTest, AHandlerSlowerThanTheIdleTimeoutStillAnswers) {
  // Timeouts cover waiting for the client, never the handler's own time.
  ServerOptions options;
  options.idle_timeout = 100ms;
  options.read_timeout = 100ms;
  std::vector<std::thread> answers;
  std::mutex m;
  start(
      [&](const Request&, Responder res) {
        std::lock_guard lock(m);
        answers.emplace_back([res] {
          std::this_thread::sleep_for(400ms);
          res.respond(Response::text(200, "late"));
        });
      },
      options);
  auto r = client_->request(req(url("/"), "POST", "body"));
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.response->body, "late");
  std::lock_guard lock(m);
  for (auto& t : answers) t.join();
}

TEST_P(ServerTest, ManyConnectionsAtOnceAreAllAnswered) {
  ServerOptions options;
  options.threads = 3;
  start([](const Request& req, Responder res) { res.respond(Response::text(200, req.body())); },
        options);
  std::vector<std::thread> clients;
  std::atomic<int> answered{0};
  for (int c = 0; c < 8; ++c) {
    clients.emplace_back([&, c] {
      std::string error;
      auto client = HttpClient::create({}, error);
      if (!client) return;
      for (int i = 0; i < 20; ++i) {
        std::string body = std::to_string(c) + "-" + std::to_string(i);
        auto r = client->request(req(url("/"), "POST", body));
        if (r.ok() && r.response->body == body) ++answered;
      }
    });
  }
  for (auto& t : clients) t.join();
  EXPECT_EQ(answered.load(), 160);
}

INSTANTIATE_TEST_SUITE_P(Threading, ServerTest,
                         ::testing::Values(Threading::kOneLoop, Threading::kPinnedConnections,
                                           Threading::kSharedEventLoop),
                         [](const ::testing::TestParamInfo<Threading>& param) {
                           switch (param.param) {
                             case Threading::kOneLoop:
                               return "SharedLoop";
                             case Threading::kPinnedConnections:
                               return "PinnedConnections";
                             case Threading::kSharedEventLoop:
                               return "SharedEventLoop";
                           }
                           return "";
                         });

// dynop-sim serves every simulated pod on its own loopback address: many
// servers, each on an address of 127.0.0.0/8 other than 127.0.0.1, all on
// one EventLoop thread, each answering on its own address and stopping alone.
TEST(EventLoop, ManyServersOnLoopbackAddressesShareOneThread) {
  EventLoop loop(1);
  std::vector<std::unique_ptr<Server>> servers;
  for (int i = 0; i < 20; ++i) {
    ServerOptions options;
    options.host = "127.0.3." + std::to_string(i + 1);
    options.port = 0;
    options.loop = &loop;
    auto server = std::make_unique<Server>(options, [i](const Request& r, Responder res) {
      res.respond(Response::text(200, "pod " + std::to_string(i) + " " + std::string(r.path())));
    });
    std::string error;
    ASSERT_TRUE(server->start(error)) << error;
    EXPECT_EQ(server->address(), options.host + ":" + std::to_string(server->port()));
    servers.push_back(std::move(server));
  }
  std::string error;
  auto client = HttpClient::create({}, error);
  ASSERT_TRUE(client) << error;
  for (int i = 0; i < 20; ++i) {
    auto res = client->request(req("http://" + servers[i]->address() + "/metrics"));
    ASSERT_TRUE(res.ok()) << res.error;
    EXPECT_EQ(res.response->body, "pod " + std::to_string(i) + " /metrics");
  }
  const std::string first = servers[0]->address();
  servers[0]->stop(1s);
  servers[0].reset();
  EXPECT_FALSE(client->request(req("http://" + first + "/metrics")).ok());
  auto still = client->request(req("http://" + servers[1]->address() + "/metrics"));
  ASSERT_TRUE(still.ok()) << still.error;
  EXPECT_EQ(still.response->body, "pod 1 /metrics");
  // The same address and port can be bound again once the server is gone.
  ServerOptions again;
  again.host = first.substr(0, first.find(':'));
  again.port = static_cast<std::uint16_t>(std::stoi(first.substr(first.find(':') + 1)));
  again.loop = &loop;
  Server rebound(again,
                 [](const Request&, Responder res) { res.respond(Response::text(200, "back")); });
  ASSERT_TRUE(rebound.start(error)) << error;
  auto back = client->request(req("http://" + first + "/"));
  ASSERT_TRUE(back.ok()) << back.error;
  EXPECT_EQ(back.response->body, "back");
  rebound.stop(1s);
  for (auto& s : servers) {
    if (s) s->stop(1s);
  }
}

TEST(HttpClient, TransportErrorsNameTheRequestAndCause) {
  std::string error;
  auto client = HttpClient::create({}, error);
  ASSERT_TRUE(client) << error;
  // A port nobody listens on: bind one and close it.
  Server probe(ServerOptions{}, [](const Request&, Responder) {});
  ASSERT_TRUE(probe.start(error)) << error;
  std::string u = "http://127.0.0.1:" + std::to_string(probe.port()) + "/x";
  probe.stop(0ms);
  auto r = client->request(req(u));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error, "GET " + u + ": connect: Connection refused");
  auto bad = client->request(req("ftp://host/x"));
  EXPECT_EQ(bad.error, "GET ftp://host/x: unsupported URL scheme \"ftp\" (expected http or https)");
}

// An IP literal connects without a name lookup (http_client.cpp), a name
// through the resolver: both reach the same server, and a literal of the
// other family is refused like any address nobody listens on.
TEST(HttpClient, AnAddressAndANameForItReachTheSameServer) {
  std::string error;
  ServerOptions options;
  options.host = "127.0.0.1";
  Server server(options, [](const Request&, Responder responder) {
    responder.respond(Response::text(200, "here"));
  });
  ASSERT_TRUE(server.start(error)) << error;
  auto client = HttpClient::create({}, error);
  ASSERT_TRUE(client) << error;
  const std::string port = std::to_string(server.port());
  for (const std::string host : {"127.0.0.1", "localhost"}) {
    auto r = client->request(req("http://" + host + ":" + port + "/x"));
    ASSERT_TRUE(r.ok()) << host << ": " << r.error;
    EXPECT_EQ(r.response->body, "here") << host;
  }
  const std::string v6 = "http://[::1]:" + port + "/x";
  auto refused = client->request(req(v6));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error, "GET " + v6 + ": connect: Connection refused");
}

TEST(Request, MakeForHandlerTests) {
  Request r = Request::make("GET", "/api/v1/pods?watch=1", {{"Accept", "application/json"}}, "");
  EXPECT_EQ(r.method(), "GET");
  EXPECT_EQ(r.path(), "/api/v1/pods");
  EXPECT_EQ(r.query(), "watch=1");
  EXPECT_EQ(r.header("accept"), "application/json");
  EXPECT_FALSE(r.has_header("Authorization"));
  EXPECT_FALSE(r.client_certificate().has_value());
}

}  // namespace
}  // namespace dynop::net
