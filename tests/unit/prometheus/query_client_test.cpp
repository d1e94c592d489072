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
      if (path == "/api/v1/query_range") {
        return out.respond(net::Response::json(
            200, R"({"status":"success","warnings":["PromQL info: metric might not be a counter"],
          "data":{"resultType":"matrix","result":[
          {"metric":{"le":"0.5"},"values":[[1767225600,"1"],[1767225615,"2.5"],[1767225630,"+Inf"]]},
          {"metric":{"le":"1"},"values":[]}]}})"));
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

TEST(QueryClient, RangeQueryReturnsAMatrixAndWarnings) {
  FakePrometheus prom;
  auto client = QueryClient::create({prom.url()});
  ASSERT_TRUE(client.ok()) << client.error();
  unsigned status = 0;
  auto result = (*client)->query_range("rate(x[5m])", 1767225600, 1767225630, 15, &status);
  ASSERT_TRUE(result.ok()) << result.error();
  EXPECT_EQ(status, 200u);
  EXPECT_EQ(result->result_type, "matrix");
  ASSERT_EQ(result->matrix.size(), 2u);
  EXPECT_EQ(result->matrix[0].metric.at("le"), "0.5");
  ASSERT_EQ(result->matrix[0].points.size(), 3u);
  EXPECT_DOUBLE_EQ(result->matrix[0].points[1].first, 1767225615);
  EXPECT_DOUBLE_EQ(result->matrix[0].points[1].second, 2.5);
  EXPECT_TRUE(std::isinf(result->matrix[0].points[2].second));
  EXPECT_TRUE(result->matrix[1].points.empty());
  ASSERT_EQ(result->warnings.size(), 1u);
  EXPECT_EQ(result->warnings[0], "PromQL info: metric might not be a counter");
  EXPECT_EQ(prom.targets().back(),
            "/api/v1/query_range?query=rate%28x%5B5m%5D%29&start=1767225600.000&end=1767225630.000"
            "&step=15.000");
}

TEST(QueryClient, DecodesScalarAndStringResults) {
  auto scalar = decode_query_response(
      R"({"status":"success","data":{"resultType":"scalar","result":[1767225600.5,"42"]}})");
  ASSERT_TRUE(scalar.ok()) << scalar.error();
  ASSERT_EQ(scalar->samples.size(), 1u);
  EXPECT_DOUBLE_EQ(scalar->samples[0].value, 42);
  EXPECT_TRUE(scalar->samples[0].metric.empty());
  auto text = decode_query_response(
      R"({"status":"success","data":{"resultType":"string","result":[1767225600,"hello"]}})");
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(text->string_value, "hello");
  EXPECT_EQ(decode_query_response("<html>").error(), "response is not JSON: <html>");
  EXPECT_EQ(
      decode_query_response(R"({"status":"error","errorType":"execution","error":"boom"})").error(),
      "execution: boom");
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
