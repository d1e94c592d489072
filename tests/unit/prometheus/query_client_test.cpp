// The Prometheus HTTP API client against a small server speaking
// Prometheus's JSON: query parameters, typed results, error bodies.

#include "lib/prometheus/query_client.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <mutex>

#include "lib/net/server.hpp"

namespace dynop::prometheus {
namespace {

class FakePrometheus {
 public:
  FakePrometheus() {
    net::ServerOptions options;
    options.host = "127.0.0.1";
    options.port = 0;
    server_ = std::make_unique<net::Server>(options, [this](const net::Request& r,
                                                            net::Responder out) {
      {
        std::lock_guard lock(mutex_);
        targets_.push_back(std::string(r.target()));
      }
      std::string_view path = r.path();
      if (path == "/api/v1/query") {
        if (r.target().find("query=bad") != std::string_view::npos) {
          return out.respond(net::Response::json(
              400,
              R"({"status":"error","errorType":"bad_data","error":"1:4: parse error: unexpected end of input"})"));
        }
        return out.respond(
            net::Response::json(200, R"({"status":"success","data":{"resultType":"vector","result":[
          {"metric":{"dynamo_namespace":"default-sglang-agg"},"value":[1767225600.123,"0.73"]},
          {"metric":{},"value":[1767225600.123,"NaN"]}]}})"));
      }
      if (path == "/api/v1/series") {
        return out.respond(net::Response::json(200, R"({"status":"success","data":[
          {"__name__":"dynamo_frontend_queued_requests","namespace":"default"}]})"));
      }
      out.respond(net::Response::text(404, "404 page not found"));
    });
    std::string error;
    EXPECT_TRUE(server_->start(error)) << error;
  }
  ~FakePrometheus() { server_->stop(std::chrono::seconds(1)); }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(server_->port()); }
  std::vector<std::string> targets() {
    std::lock_guard lock(mutex_);
    return targets_;
  }

 private:
  std::unique_ptr<net::Server> server_;
  std::mutex mutex_;
  std::vector<std::string> targets_;
};

TEST(QueryClient, InstantQueryReturnsTypedSamples) {
  FakePrometheus prom;
  auto client = QueryClient::create({prom.url() + "/", std::chrono::seconds(5)});
  ASSERT_TRUE(client.ok()) << client.error();
  auto result = (*client)->query("sum(x{a=\"b c\"})", 1767225600.0, {{"namespace", "ns"}});
  ASSERT_TRUE(result.ok()) << result.error();
  EXPECT_EQ(result->result_type, "vector");
  ASSERT_EQ(result->samples.size(), 2u);
  EXPECT_EQ(result->samples[0].metric.at("dynamo_namespace"), "default-sglang-agg");
  EXPECT_DOUBLE_EQ(result->samples[0].value, 0.73);
  EXPECT_TRUE(std::isnan(result->samples[1].value));
  EXPECT_EQ(prom.targets().back(),
            "/api/v1/query?query=sum%28x%7Ba%3D%22b%20c%22%7D%29&time=1767225600.000&namespace=ns");
}

TEST(QueryClient, PrometheusErrorsCarryItsWordsAndTheStatus) {
  FakePrometheus prom;
  auto client = QueryClient::create({prom.url()});
  unsigned status = 0;
  auto result = (*client)->query("bad", std::nullopt, {}, {}, &status);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(
      result.error(),
      "GET " + prom.url() + "/api/v1/query: bad_data: 1:4: parse error: unexpected end of input");
  EXPECT_EQ(status, 400u);
}

TEST(QueryClient, SeriesAndUnreachableServer) {
  FakePrometheus prom;
  auto client = QueryClient::create({prom.url()});
  auto series = (*client)->series("dynamo_frontend_queued_requests{namespace!=\"\"}", 1, 2);
  ASSERT_TRUE(series.ok()) << series.error();
  ASSERT_EQ(series->size(), 1u);
  EXPECT_EQ(series->at(0).at("__name__"), "dynamo_frontend_queued_requests");
  auto gone = QueryClient::create({"http://127.0.0.1:1", std::chrono::seconds(2)});
  auto failed = (*gone)->query("up");
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.error().find("Connection refused"), std::string::npos) << failed.error();
  EXPECT_EQ(QueryClient::create({"prometheus:9090"}).error(),
            "Prometheus URL \"prometheus:9090\" must start with http:// or https://");
}

}  // namespace
}  // namespace dynop::prometheus
