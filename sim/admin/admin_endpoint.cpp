#include "sim/admin/admin_endpoint.hpp"

#include <openssl/crypto.h>
#include <spdlog/spdlog.h>

#include <boost/json/serialize.hpp>
#include <charconv>
#include <vector>

namespace dynop::sim {

namespace json = boost::json;

namespace {

net::Response answer(unsigned status, const json::object& body) {
  return net::Response::json(status, json::serialize(body) + "\n");
}

net::Response failure(unsigned status, const std::string& message) {
  return answer(status, json::object{{"error", message}});
}

std::vector<std::string> segments(std::string_view path) {
  std::vector<std::string> out;
  while (!path.empty()) {
    if (path.front() == '/') {
      path.remove_prefix(1);
      continue;
    }
    auto end = path.find('/');
    out.emplace_back(path.substr(0, end));
    if (end == std::string_view::npos) break;
    path.remove_prefix(end);
  }
  return out;
}

std::optional<std::string> query_param(std::string_view query, std::string_view name) {
  while (!query.empty()) {
    auto amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    auto eq = pair.find('=');
    if (pair.substr(0, eq) == name) {
      return std::string(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1));
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return std::nullopt;
}

}  // namespace

AdminEndpoint::AdminEndpoint(std::string token, NodeAgent& nodes, Kubelet& kubelet,
                             std::function<boost::json::object()> status)
    : token_(std::move(token)), nodes_(nodes), kubelet_(kubelet), status_(std::move(status)) {}

void AdminEndpoint::handle(const net::Request& request, net::Responder responder) {
  const std::string expected = "Bearer " + token_;
  std::string_view given = request.header("Authorization");
  if (given.size() != expected.size() ||
      CRYPTO_memcmp(given.data(), expected.data(), expected.size()) != 0) {
    net::Response r = failure(401, "missing or wrong bearer token (see --admin-token-file)");
    r.set_header("WWW-Authenticate", "Bearer");
    return responder.respond(std::move(r));
  }
  net::Response response = route(request);
  if (response.status < 300 && request.method() != "GET") {
    spdlog::info("admin: {} {} -> {}", request.method(), request.path(),
                 response.body.substr(0, response.body.size() - 1));
  }
  responder.respond(std::move(response));
}

net::Response AdminEndpoint::route(const net::Request& request) {
  const std::vector<std::string> parts = segments(request.path());
  const std::string_view method = request.method();
  if (parts.empty() || parts[0] != "admin") return failure(404, "not found");
  if (parts.size() == 2 && parts[1] == "status") {
    if (method != "GET") return failure(405, "use GET");
    return answer(200, status_());
  }
  if (parts.size() == 5 && parts[1] == "pods" && parts[4] == "crash") {
    if (method != "POST") return failure(405, "use POST");
    auto crashed = kubelet_.crash(parts[2], parts[3]);
    if (!crashed) return failure(404, crashed.error());
    return answer(200, json::object{{"pod", parts[2] + "/" + parts[3]}, {"crashed", true}});
  }
  if (parts.size() >= 3 && parts[1] == "nodes") {
    const std::string& node = parts[2];
    if (parts.size() == 3) {
      if (method != "DELETE") return failure(405, "use DELETE");
      auto removed = nodes_.remove(node);
      if (!removed) return failure(404, removed.error());
      return answer(200, json::object{{"node", node}, {"deleted", true}});
    }
    if (parts.size() != 4) return failure(404, "not found");
    if (method != "POST") return failure(405, "use POST");
    const std::string& action = parts[3];
    if (action == "not-ready" || action == "ready") {
      const bool ready = action == "ready";
      auto set = nodes_.set_ready(node, ready);
      if (!set) return failure(404, set.error());
      return answer(200, json::object{{"node", node}, {"ready", ready}});
    }
    if (action == "fail-gpus" || action == "repair-gpus") {
      std::int64_t count = 1;
      if (action == "repair-gpus") {
        count = -1000;
      } else if (auto text = query_param(request.query(), "count")) {
        auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), count);
        if (ec != std::errc() || end != text->data() + text->size() || count < 1) {
          return failure(400,
                         "count must be a whole number of at least 1, found \"" + *text + "\"");
        }
      }
      auto left = nodes_.fail_gpus(node, count);
      if (!left) return failure(404, left.error());
      return answer(200, json::object{{"node", node}, {"allocatableGPUs", *left}});
    }
    return failure(
        404, "unknown node action \"" + action + "\" (not-ready, ready, fail-gpus, repair-gpus)");
  }
  return failure(404, "not found");
}

}  // namespace dynop::sim
