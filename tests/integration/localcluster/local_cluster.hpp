#pragma once
// Starts the real dynop-localcluster binary for a test (port 0, its own data
// folder) and talks raw HTTP to it. Reusable by any test that needs a
// cluster: see localcluster/README.md.

#include <boost/json.hpp>

#include <chrono>
#include <functional>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lib/net/http_client.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

namespace dynop::test {

struct ApiResponse {
  unsigned status = 0;
  std::string body;
  net::Headers headers;
  std::string content_type;
  boost::json::value json() const;  // null when the body is not JSON
  // Case-insensitive; "" when absent ("Retry-After" of a 429).
  std::string header(std::string_view name) const;
};

class LocalCluster {
 public:
  struct Options {
    bool in_memory = true;
    std::vector<std::string> extra_args;
  };
  // Starts the binary; on failure, error() says why and url() is empty.
  LocalCluster();
  explicit LocalCluster(Options options);
  // An existing data folder (restart tests).
  LocalCluster(Options options, const std::string& data_dir);
  ~LocalCluster();

  bool ok() const { return !url_.empty(); }
  const std::string& error() const { return error_; }
  const std::string& url() const { return url_; }  // "https://127.0.0.1:PORT"
  const std::string& token() const { return token_; }
  std::string kubeconfig() const { return data_dir_ + "/kubeconfig"; }
  const std::string& data_dir() const { return data_dir_; }
  Process& process() { return *process_; }

  ApiResponse request(const std::string& method, const std::string& path,
                      const std::string& body = "",
                      const std::string& content_type = "application/json",
                      const net::Headers& extra = {}, bool authenticate = true);
  ApiResponse get(const std::string& path) { return request("GET", path); }
  ApiResponse post(const std::string& path, const boost::json::value& body) {
    return request("POST", path, boost::json::serialize(body));
  }
  ApiResponse put(const std::string& path, const boost::json::value& body) {
    return request("PUT", path, boost::json::serialize(body));
  }
  ApiResponse patch(const std::string& path, const std::string& body,
                    const std::string& type = "application/merge-patch+json") {
    return request("PATCH", path, body, type);
  }
  ApiResponse del(const std::string& path, const std::string& body = "") {
    return request("DELETE", path, body);
  }
  // Opens a watch; lines come from next_line().
  net::StreamResult watch(const std::string& path);
  // Drops the client's idle keep-alive connections. After POST /admin/restart,
  // once a watch has ended the old server accepts no new connection, but a
  // request on a connection it still holds open can be answered by it before
  // it closes that connection; with none pooled, the next answer comes from
  // the restarted server.
  void close_idle_connections() { client_->close_idle(); }

  // Stops with SIGTERM and returns the exit code.
  std::optional<int> stop();
  void kill();  // SIGKILL

 private:
  void start(Options options);

  std::unique_ptr<TempDir> temp_;
  std::string data_dir_;
  std::unique_ptr<Process> process_;
  std::unique_ptr<net::HttpClient> client_;
  std::string url_;
  std::string token_;
  std::string error_;
};

// The items of a list response (a copy: safe to iterate).
boost::json::array items(const ApiResponse& list);

// The value at a path of object keys, as a test compares it: a string as is,
// anything else serialized, "<missing>" when a key is absent.
//   field_text(obj, {"metadata", "name"}) == "web"
std::string field_text(const boost::json::value& v, std::initializer_list<const char*> path);

// Up to `count` watch events (one JSON object a line); fewer when the stream ends.
std::vector<boost::json::value> read_events(net::LineStream& stream, std::size_t count);
// Reads until the stream ends; true when the server ended it (no transport
// error), as after POST /admin/faults/drop-watches.
bool read_to_end(net::LineStream& stream);

// Polls `condition` every `every` (20 ms unless told; tests whose condition
// runs kubectl poll once a second) for up to `seconds`; true when it held.
bool eventually(const std::function<bool()>& condition, int seconds = 10,
                std::chrono::milliseconds every = std::chrono::milliseconds(20));

}  // namespace dynop::test
