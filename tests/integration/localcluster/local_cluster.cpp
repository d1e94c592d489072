#include "tests/integration/localcluster/local_cluster.hpp"

#include <signal.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include "tests/support/paths.hpp"

namespace dynop::test {

boost::json::value ApiResponse::json() const {
  boost::system::error_code ec;
  auto v = boost::json::parse(body, ec);
  return ec ? boost::json::value() : v;
}

std::string ApiResponse::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key.size() == name.size() &&
        std::equal(key.begin(), key.end(), name.begin(), [](char a, char b) {
          return std::tolower(static_cast<unsigned char>(a)) ==
                 std::tolower(static_cast<unsigned char>(b));
        })) {
      return value;
    }
  }
  return "";
}

LocalCluster::LocalCluster() : LocalCluster(Options{}) {}

LocalCluster::LocalCluster(Options options) {
  temp_ = std::make_unique<TempDir>("localcluster-test");
  data_dir_ = temp_->path().string();
  start(std::move(options));
}

LocalCluster::LocalCluster(Options options, const std::string& data_dir) : data_dir_(data_dir) {
  start(std::move(options));
}

LocalCluster::~LocalCluster() {
  if (process_ && process_->running()) {
    process_->signal(SIGTERM);
    if (!process_->wait(std::chrono::seconds(10))) process_->signal(SIGKILL);
    process_->wait(std::chrono::seconds(5));
  }
}

void LocalCluster::start(Options options) {
  std::vector<std::string> args = {"--data-dir", data_dir_, "--port", "0", "--log-level", "warn"};
  if (options.in_memory) args.push_back("--in-memory");
  for (auto& a : options.extra_args) args.push_back(a);
  process_ = Process::spawn(binary_path("bin/dynop-localcluster"), args, error_);
  if (!process_) return;
  auto address = process_->wait_for_match(std::regex("listening: (https://127\\.0\\.0\\.1:[0-9]+)"),
                                          std::chrono::seconds(30), Stream::kStdout);
  if (!address) {
    error_ = "dynop-localcluster did not start: " + process_->stderr_text();
    return;
  }
  std::ifstream token_file(data_dir_ + "/token");
  std::getline(token_file, token_);
  net::ClientOptions client_options;
  client_options.tls.ca_file = data_dir_ + "/pki/ca.crt";
  client_options.request_timeout = std::chrono::seconds(30);
  client_ = net::HttpClient::create(client_options, error_);
  if (!client_) return;
  url_ = *address;
}

ApiResponse LocalCluster::request(const std::string& method, const std::string& path,
                                  const std::string& body, const std::string& content_type,
                                  const net::Headers& extra, bool authenticate) {
  net::ClientRequest req;
  req.method = method;
  req.url = url_ + path;
  req.body = body;
  if (authenticate) req.headers.emplace_back("Authorization", "Bearer " + token_);
  if (!body.empty()) req.headers.emplace_back("Content-Type", content_type);
  req.headers.emplace_back("Accept", "application/json");
  for (const auto& h : extra) req.headers.push_back(h);
  auto result = client_->request(req);
  ApiResponse out;
  if (!result.ok()) {
    out.body = result.error;
    return out;
  }
  out.status = result.response->status;
  out.body = result.response->body;
  out.headers = result.response->headers;
  out.content_type = std::string(result.response->header("Content-Type"));
  return out;
}

net::StreamResult LocalCluster::watch(const std::string& path) {
  net::ClientRequest req;
  req.url = url_ + path;
  req.headers.emplace_back("Authorization", "Bearer " + token_);
  req.timeout = std::chrono::seconds(60);
  return client_->stream(req);
}

std::optional<int> LocalCluster::stop() {
  process_->signal(SIGTERM);
  return process_->wait(std::chrono::seconds(15));
}

void LocalCluster::kill() {
  process_->signal(SIGKILL);
  process_->wait(std::chrono::seconds(5));
}

boost::json::array items(const ApiResponse& list) {
  auto doc = list.json();
  if (!doc.is_object() || !doc.as_object().contains("items") || !doc.at("items").is_array()) return {};
  return doc.at("items").as_array();
}

std::string field_text(const boost::json::value& v, std::initializer_list<const char*> path) {
  const boost::json::value* cur = &v;
  for (const char* key : path) {
    if (!cur->is_object() || !cur->as_object().contains(key)) return "<missing>";
    cur = &cur->as_object().at(key);
  }
  return cur->is_string() ? std::string(cur->as_string()) : boost::json::serialize(*cur);
}

std::vector<boost::json::value> read_events(net::LineStream& stream, std::size_t count) {
  std::vector<boost::json::value> out;
  std::string line;
  while (out.size() < count && stream.next_line(line)) {
    if (!line.empty()) out.push_back(boost::json::parse(line));
  }
  return out;
}

bool read_to_end(net::LineStream& stream) {
  std::string line;
  while (stream.next_line(line)) {
  }
  return stream.error().empty();
}

bool eventually(const std::function<bool()>& condition, int seconds,
                std::chrono::milliseconds every) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(every);
  }
  return condition();
}

}  // namespace dynop::test
