#include "lib/prometheus/query_client.hpp"

#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>

#include "lib/apimachinery/json_decode.hpp"
#include "lib/net/http_client.hpp"

namespace dynop::prometheus {
using apimachinery::Error;
using apimachinery::Result;

namespace {

std::string encode(const std::string& value) {
  return boost::urls::encode(value, boost::urls::unreserved_chars);
}

std::string format_seconds(double t) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.3f", t);
  return buf;
}

Labels labels_of(simdjson::dom::element v) {
  Labels out;
  simdjson::dom::object object;
  if (v.get(object) != simdjson::SUCCESS) return out;
  for (auto field : object) {
    std::string_view value;
    if (field.value.get(value) == simdjson::SUCCESS) out[std::string(field.key)] = value;
  }
  return out;
}

// [<unix time>, "<value>"]
std::optional<std::pair<double, double>> point_of(simdjson::dom::element pair) {
  simdjson::dom::array a;
  if (pair.get(a) != simdjson::SUCCESS || a.size() != 2) return std::nullopt;
  double ts = 0;
  std::string_view text;
  if (a.at(0).get(ts) != simdjson::SUCCESS || a.at(1).get(text) != simdjson::SUCCESS)
    return std::nullopt;
  auto value = parse_sample_value(std::string(text));
  if (!value) return std::nullopt;
  return std::make_pair(ts, *value);
}

std::string string_field(simdjson::dom::object o, std::string_view key) {
  std::string_view v;
  if (o[key].get(v) != simdjson::SUCCESS) return {};
  return std::string(v);
}

}  // namespace

std::optional<double> parse_sample_value(const std::string& text) {
  if (text == "NaN") return std::numeric_limits<double>::quiet_NaN();
  if (text == "+Inf" || text == "Inf") return std::numeric_limits<double>::infinity();
  if (text == "-Inf") return -std::numeric_limits<double>::infinity();
  double v = 0;
  const char* begin = text.data();
  const char* end = begin + text.size();
  if (begin != end && *begin == '+') ++begin;
  auto [ptr, ec] = std::from_chars(begin, end, v);
  if (ec != std::errc() || ptr != end) return std::nullopt;
  return v;
}

Result<QueryResult> decode_query_response(const std::string& body) {
  thread_local apimachinery::JsonDecoder decoder;
  auto doc = decoder.parse_view(body);
  simdjson::dom::object o;
  if (!doc || doc->get(o) != simdjson::SUCCESS)
    return Error{"response is not JSON: " + body.substr(0, 200)};
  if (string_field(o, "status") != "success") {
    const std::string type = string_field(o, "errorType");
    const std::string error = string_field(o, "error");
    return Error{type.empty() ? error : type + ": " + error};
  }
  QueryResult out;
  simdjson::dom::array warnings;
  if (o["warnings"].get(warnings) == simdjson::SUCCESS) {
    for (auto w : warnings) {
      std::string_view text;
      if (w.get(text) == simdjson::SUCCESS) out.warnings.emplace_back(text);
    }
  }
  simdjson::dom::object data;
  if (o["data"].get(data) != simdjson::SUCCESS) return Error{"response has no data"};
  out.result_type = string_field(data, "resultType");
  simdjson::dom::element result;
  if (data["result"].get(result) != simdjson::SUCCESS) return out;
  if (out.result_type == "vector" || out.result_type == "matrix") {
    simdjson::dom::array items;
    if (result.get(items) != simdjson::SUCCESS) return Error{"data.result is not an array"};
    for (auto item : items) {
      simdjson::dom::object series;
      if (item.get(series) != simdjson::SUCCESS) continue;
      simdjson::dom::element metric;
      Labels labels =
          series["metric"].get(metric) == simdjson::SUCCESS ? labels_of(metric) : Labels{};
      if (out.result_type == "vector") {
        simdjson::dom::element value;
        if (series["value"].get(value) != simdjson::SUCCESS) continue;
        if (auto p = point_of(value))
          out.samples.push_back(Sample{std::move(labels), p->second, p->first});
        continue;
      }
      Series s{std::move(labels), {}};
      simdjson::dom::array values;
      if (series["values"].get(values) == simdjson::SUCCESS) {
        for (auto v : values)
          if (auto p = point_of(v)) s.points.push_back(*p);
      }
      out.matrix.push_back(std::move(s));
    }
  } else if (out.result_type == "scalar") {
    if (auto p = point_of(result)) out.samples.push_back(Sample{{}, p->second, p->first});
  } else if (out.result_type == "string") {
    simdjson::dom::array a;
    std::string_view text;
    if (result.get(a) == simdjson::SUCCESS && a.size() == 2 &&
        a.at(1).get(text) == simdjson::SUCCESS)
      out.string_value = std::string(text);
  }
  return out;
}

Result<std::unique_ptr<QueryClient>> QueryClient::create(QueryClientOptions options) {
  std::string base = options.base_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  if (!base.starts_with("http://") && !base.starts_with("https://")) {
    return Error{"Prometheus URL \"" + options.base_url + "\" must start with http:// or https://"};
  }
  net::ClientOptions http_options;
  http_options.request_timeout = options.timeout;
  http_options.connect_timeout = std::min(options.timeout, std::chrono::milliseconds(10000));
  http_options.tls.insecure_skip_verify = options.insecure_skip_verify;
  std::string error;
  auto http = net::HttpClient::create(http_options, error);
  if (!http) return Error{error};
  return std::unique_ptr<QueryClient>(new QueryClient(base, std::move(http), options.timeout));
}

QueryClient::QueryClient(std::string base_url, std::unique_ptr<net::HttpClient> http,
                         std::chrono::milliseconds timeout)
    : base_url_(std::move(base_url)), http_(std::move(http)), timeout_(timeout) {}

QueryClient::~QueryClient() = default;

Result<std::string> QueryClient::get(const std::string& path_and_query,
                                     const std::map<std::string, std::string>& headers,
                                     unsigned* http_status) {
  net::ClientRequest request;
  request.url = base_url_ + path_and_query;
  request.timeout = timeout_;
  for (const auto& [k, v] : headers) request.headers.emplace_back(k, v);
  const std::string what = "GET " + base_url_ + path_and_query.substr(0, path_and_query.find('?'));
  auto result = http_->request(request);
  if (!result.ok()) return Error{result.error};
  const auto& response = *result.response;
  if (http_status) *http_status = response.status;
  if (response.status >= 200 && response.status < 300) return response.body;
  // Prometheus explains 4xx/5xx in a JSON body.
  auto decoded = decode_query_response(response.body);
  const std::string cause =
      decoded ? std::string("status ") + std::to_string(response.status) : decoded.error();
  return Error{what + ": " + (cause.empty() ? "status " + std::to_string(response.status) : cause)};
}

Result<QueryResult> QueryClient::query(const std::string& expr, std::optional<double> time,
                                       const std::map<std::string, std::string>& extra_params,
                                       const std::map<std::string, std::string>& headers,
                                       unsigned* http_status) {
  std::string path = "/api/v1/query?query=" + encode(expr);
  if (time) path += "&time=" + format_seconds(*time);
  for (const auto& [k, v] : extra_params) path += "&" + encode(k) + "=" + encode(v);
  return get_result(path, headers, http_status);
}

Result<QueryResult> QueryClient::query_range(const std::string& expr, double start, double end,
                                             double step, unsigned* http_status) {
  const std::string path = "/api/v1/query_range?query=" + encode(expr) +
                           "&start=" + format_seconds(start) + "&end=" + format_seconds(end) +
                           "&step=" + format_seconds(step);
  return get_result(path, {}, http_status);
}

Result<QueryResult> QueryClient::get_result(const std::string& path_and_query,
                                            const std::map<std::string, std::string>& headers,
                                            unsigned* http_status) {
  auto body = get(path_and_query, headers, http_status);
  if (!body) return Error{body.error()};
  auto decoded = decode_query_response(*body);
  if (!decoded) {
    return Error{"GET " + base_url_ + path_and_query.substr(0, path_and_query.find('?')) + ": " +
                 decoded.error()};
  }
  return decoded;
}

Result<std::vector<Labels>> QueryClient::series(const std::string& match, double start,
                                                double end) {
  const std::string path = "/api/v1/series?match%5B%5D=" + encode(match) +
                           "&start=" + format_seconds(start) + "&end=" + format_seconds(end);
  auto body = get(path, {});
  if (!body) return Error{body.error()};
  thread_local apimachinery::JsonDecoder decoder;
  auto doc = decoder.parse_view(*body);
  simdjson::dom::object o;
  if (!doc || doc->get(o) != simdjson::SUCCESS) {
    return Error{"GET " + base_url_ + "/api/v1/series: not JSON"};
  }
  std::vector<Labels> out;
  simdjson::dom::array data;
  if (o["data"].get(data) == simdjson::SUCCESS) {
    for (auto s : data) out.push_back(labels_of(s));
  }
  return out;
}

}  // namespace dynop::prometheus
