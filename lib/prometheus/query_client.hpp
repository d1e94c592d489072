#pragma once
// A client for Prometheus's HTTP API (https://prometheus.io/docs/prometheus/latest/querying/api/):
// instant queries (/api/v1/query) and series discovery (/api/v1/series), the
// two calls prometheus-adapter and KEDA's prometheus scaler make, and range
// queries (/api/v1/query_range) for the host's plugin callback. Results
// come back typed; failures as one message naming the request and the
// cause, with Prometheus's own errorType/error when it answered with one:
//   GET http://127.0.0.1:9090/api/v1/query: bad_data: 1:5: parse error: unexpected "}"
//
// Thread-safe: each call uses the shared lib/net HTTP client's pool.

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lib/apimachinery/result.hpp"

namespace dynop::net {
class HttpClient;
}

namespace dynop::prometheus {

using Labels = std::map<std::string, std::string>;

// One sample of an instant vector (or the scalar's single value, with no
// labels). `value` keeps Prometheus's NaN and +-Inf.
struct Sample {
  Labels metric;
  double value = 0;
  double timestamp = 0;  // seconds since the epoch, as Prometheus returns it
};

// One series of a matrix (range query): its points, oldest first.
struct Series {
  Labels metric;
  std::vector<std::pair<double, double>> points;  // (timestamp, value)
};

struct QueryResult {
  std::string result_type;            // vector | scalar | matrix | string
  std::vector<Sample> samples;        // vector and scalar results
  std::vector<Series> matrix;         // matrix results
  std::string string_value;           // string results
  std::vector<std::string> warnings;  // Prometheus's warnings (the result is still valid)
};

struct QueryClientOptions {
  std::string base_url;  // "http://127.0.0.1:9090" (a trailing '/' is fine)
  std::chrono::milliseconds timeout{std::chrono::seconds(30)};
  bool insecure_skip_verify = false;  // https only
};

class QueryClient {
 public:
  static apimachinery::Result<std::unique_ptr<QueryClient>> create(QueryClientOptions options);
  ~QueryClient();

  const std::string& base_url() const { return base_url_; }

  // An instant query; `time` (seconds since the epoch) when given, else
  // Prometheus's "now". `extra_params` are added as they are (KEDA's
  // queryParameters, namespace).
  // On an HTTP error status, `http_status` (when given) receives it.
  apimachinery::Result<QueryResult> query(
      const std::string& expr, std::optional<double> time = std::nullopt,
      const std::map<std::string, std::string>& extra_params = {},
      const std::map<std::string, std::string>& headers = {}, unsigned* http_status = nullptr);
  // A range query from start to end (seconds since the epoch) every `step`
  // seconds; `http_status` as for query().
  apimachinery::Result<QueryResult> query_range(const std::string& expr, double start, double end,
                                                double step, unsigned* http_status = nullptr);
  // The label sets of series matching `match` seen between start and end.
  apimachinery::Result<std::vector<Labels>> series(const std::string& match, double start,
                                                   double end);

 private:
  QueryClient(std::string base_url, std::unique_ptr<net::HttpClient> http,
              std::chrono::milliseconds timeout);
  apimachinery::Result<std::string> get(const std::string& path_and_query,
                                        const std::map<std::string, std::string>& headers,
                                        unsigned* http_status = nullptr);
  // get() and decode_query_response(), errors naming the endpoint.
  apimachinery::Result<QueryResult> get_result(const std::string& path_and_query,
                                               const std::map<std::string, std::string>& headers,
                                               unsigned* http_status);

  std::string base_url_;
  std::unique_ptr<net::HttpClient> http_;
  std::chrono::milliseconds timeout_;
};

// Parses Prometheus's sample value strings: numbers, "NaN", "+Inf", "-Inf".
std::optional<double> parse_sample_value(const std::string& text);

// Decodes an /api/v1/query or /api/v1/query_range response body (simdjson;
// exposed for tests). An error response gives "<errorType>: <error>".
apimachinery::Result<QueryResult> decode_query_response(const std::string& body);

}  // namespace dynop::prometheus
