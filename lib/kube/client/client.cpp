#include "lib/kube/client/client.hpp"

#include <boost/json.hpp>
#include <boost/url.hpp>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>

#include "lib/net/http_client.hpp"

namespace dynop::kube {
namespace json = boost::json;

const char* content_type(PatchType type) {
  switch (type) {
    case PatchType::kMerge:
      return "application/merge-patch+json";
    case PatchType::kJson:
      return "application/json-patch+json";
    case PatchType::kStrategicMerge:
      return "application/strategic-merge-patch+json";
  }
  return "application/merge-patch+json";
}

std::string encode_list_query(const ListOptions& options, bool watch) {
  std::string query;
  // Everything but unreserved characters is escaped, so '=' and '+' inside
  // selectors and continue tokens survive any query parser.
  auto add = [&](std::string_view key, std::string_view value) {
    query += query.empty() ? '?' : '&';
    query += key;
    query += '=';
    query += boost::urls::encode(value, boost::urls::unreserved_chars);
  };
  if (watch) add("watch", "1");
  if (!options.label_selector.empty()) add("labelSelector", options.label_selector);
  if (!options.field_selector.empty()) add("fieldSelector", options.field_selector);
  if (!options.resource_version.empty()) add("resourceVersion", options.resource_version);
  if (!options.resource_version_match.empty())
    add("resourceVersionMatch", options.resource_version_match);
  if (options.limit > 0) add("limit", std::to_string(options.limit));
  if (!options.continue_token.empty()) add("continue", options.continue_token);
  if (options.timeout_seconds > 0) add("timeoutSeconds", std::to_string(options.timeout_seconds));
  if (watch && options.allow_watch_bookmarks) add("allowWatchBookmarks", "true");
  return query;
}

std::vector<std::pair<std::string, std::string>> impersonation_headers(const Impersonation& who) {
  std::vector<std::pair<std::string, std::string>> headers;
  if (who.user.empty()) return headers;
  headers.emplace_back("Impersonate-User", who.user);
  if (!who.uid.empty()) headers.emplace_back("Impersonate-Uid", who.uid);
  for (const std::string& group : who.groups) headers.emplace_back("Impersonate-Group", group);
  // A header name is an RFC 7230 token; everything else, and '%' itself, is
  // percent-encoded, as client-go's headerKeyEscape does.
  static constexpr boost::urls::grammar::lut_chars kTokenChars =
      boost::urls::grammar::lut_chars(boost::urls::grammar::alnum_chars) +
      boost::urls::grammar::lut_chars("!#$&'*+-.^_`|~");
  for (const auto& [key, values] : who.extra) {
    const std::string name = "Impersonate-Extra-" + boost::urls::encode(key, kTokenChars);
    for (const std::string& value : values) headers.emplace_back(name, value);
  }
  return headers;
}

namespace {

class LineEventStream final : public EventStream {
 public:
  explicit LineEventStream(std::unique_ptr<net::LineStream> stream) : stream_(std::move(stream)) {}
  bool next_line(std::string& line) override { return stream_->next_line(line); }
  std::string error() const override { return stream_->error(); }
  void cancel() override { stream_->cancel(); }

 private:
  std::unique_ptr<net::LineStream> stream_;
};

}  // namespace

struct Client::Impl {
  RestConfig config;
  ClientOptions options;
  std::unique_ptr<net::HttpClient> http;
  std::unique_ptr<Discovery> discovery;
  std::vector<std::pair<std::string, std::string>> impersonation;  // from config, computed once

  std::mutex token_mutex;
  std::string file_token;
  std::chrono::steady_clock::time_point token_read{};

  // Projected service account tokens rotate: re-read the file at most once a
  // minute, as client-go does.
  std::string token() {
    if (config.token_file.empty()) return config.bearer_token;
    std::lock_guard guard(token_mutex);
    const auto now = std::chrono::steady_clock::now();
    if (file_token.empty() || now - token_read > std::chrono::minutes(1)) {
      std::ifstream in(config.token_file);
      std::ostringstream text;
      text << in.rdbuf();
      std::string value = text.str();
      while (!value.empty() &&
             (value.back() == '\n' || value.back() == '\r' || value.back() == ' '))
        value.pop_back();
      if (!value.empty()) file_token = std::move(value);
      token_read = now;
    }
    return file_token.empty() ? config.bearer_token : file_token;
  }

  net::ClientRequest make_request(std::string_view method, std::string_view path_and_query,
                                  std::string_view body, std::string_view type) {
    net::ClientRequest request;
    request.method = std::string(method);
    request.url = config.server + std::string(path_and_query);
    request.headers.emplace_back("Accept", "application/json");
    if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
      request.headers.emplace_back(
          "Content-Type", type.empty() ? std::string("application/json") : std::string(type));
      request.body = std::string(body);
    }
    const std::string bearer = token();
    if (!bearer.empty()) request.headers.emplace_back("Authorization", "Bearer " + bearer);
    // Watches and discovery too: the server must see one identity throughout.
    for (auto& header : impersonation) request.headers.push_back(header);
    return request;
  }

  Result<RawResponse> send(std::string_view method, std::string_view path_and_query,
                           std::string_view body, std::string_view type) {
    for (int attempt = 0;; ++attempt) {
      net::ClientResult result = http->request(make_request(method, path_and_query, body, type));
      if (!result.ok()) return transport_error(result.error);
      net::ClientResponse& response = *result.response;
      const int status = static_cast<int>(response.status);
      if (status >= 200 && status < 300) {
        return RawResponse{status, std::move(response.body),
                           std::string(response.header("Content-Type"))};
      }
      Error error = error_from_response(status, response.body, response.header("Retry-After"));
      const bool retry =
          (status == 429 || (status >= 500 && error.retry_after)) && attempt < options.max_retries;
      if (!retry) return error;
      const auto delay =
          std::min(error.retry_after.value_or(std::chrono::seconds(1)), options.max_retry_after);
      std::this_thread::sleep_for(delay);
    }
  }

  Result<std::string> body_of(Result<RawResponse> response) {
    if (!response) return std::move(response).error();
    return std::move(response->body);
  }
};

Client::Client(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Client::~Client() = default;

Result<std::unique_ptr<Client>> Client::create(const RestConfig& config,
                                               const ClientOptions& options) {
  auto impl = std::make_unique<Impl>();
  impl->config = config;
  impl->options = options;
  impl->impersonation = impersonation_headers(config.impersonate);
  net::ClientOptions http_options;
  http_options.tls.ca_pem = config.certificate_authority_pem;
  http_options.tls.cert_pem = config.client_certificate_pem;
  http_options.tls.key_pem = config.client_key_pem;
  http_options.tls.insecure_skip_verify = config.insecure_skip_tls_verify;
  http_options.tls.server_name = config.tls_server_name;
  http_options.connect_timeout = options.connect_timeout;
  http_options.request_timeout = options.request_timeout;
  http_options.user_agent = options.user_agent;
  std::string error;
  impl->http = net::HttpClient::create(http_options, error);
  if (!impl->http) return config_error("kube client for " + config.server + ": " + error);
  Impl* raw = impl.get();
  impl->discovery = std::make_unique<Discovery>(
      [raw](const std::string& path) { return raw->body_of(raw->send("GET", path, {}, {})); });
  return std::unique_ptr<Client>(new Client(std::move(impl)));
}

const RestConfig& Client::config() const { return impl_->config; }

Result<ResourceInfo> Client::resource_for(std::string_view api_version, std::string_view kind) {
  return impl_->discovery->resource_for(api_version, kind);
}

Discovery& Client::discovery() { return *impl_->discovery; }

Result<RawResponse> Client::request(std::string_view method, std::string_view path_and_query,
                                    std::string_view body, std::string_view type) {
  return impl_->send(method, path_and_query, body, type);
}

Result<std::string> Client::get(const ResourceInfo& resource, std::string_view ns,
                                std::string_view name, std::string_view subresource) {
  return impl_->body_of(impl_->send("GET", resource.path(ns, name, subresource), {}, {}));
}

Result<std::string> Client::list(const ResourceInfo& resource, std::string_view ns,
                                 const ListOptions& options) {
  return impl_->body_of(
      impl_->send("GET", resource.path(ns) + encode_list_query(options, false), {}, {}));
}

Result<std::string> Client::create(const ResourceInfo& resource, std::string_view ns,
                                   std::string_view body) {
  return impl_->body_of(impl_->send("POST", resource.path(ns), body, {}));
}

Result<std::string> Client::update(const ResourceInfo& resource, std::string_view ns,
                                   std::string_view name, std::string_view body,
                                   std::string_view subresource) {
  return impl_->body_of(impl_->send("PUT", resource.path(ns, name, subresource), body, {}));
}

Result<std::string> Client::patch(const ResourceInfo& resource, std::string_view ns,
                                  std::string_view name, PatchType type, std::string_view patch,
                                  std::string_view subresource) {
  return impl_->body_of(
      impl_->send("PATCH", resource.path(ns, name, subresource), patch, content_type(type)));
}

Result<std::string> Client::remove(const ResourceInfo& resource, std::string_view ns,
                                   std::string_view name, const DeleteOptions& options) {
  std::string body;
  if (!options.propagation_policy.empty() || options.grace_period_seconds ||
      !options.precondition_uid.empty() || !options.precondition_resource_version.empty()) {
    json::object delete_options{{"kind", "DeleteOptions"}, {"apiVersion", "v1"}};
    if (!options.propagation_policy.empty())
      delete_options["propagationPolicy"] = options.propagation_policy;
    if (options.grace_period_seconds)
      delete_options["gracePeriodSeconds"] = *options.grace_period_seconds;
    if (!options.precondition_uid.empty() || !options.precondition_resource_version.empty()) {
      json::object preconditions;
      if (!options.precondition_uid.empty()) preconditions["uid"] = options.precondition_uid;
      if (!options.precondition_resource_version.empty())
        preconditions["resourceVersion"] = options.precondition_resource_version;
      delete_options["preconditions"] = std::move(preconditions);
    }
    body = json::serialize(delete_options);
  }
  return impl_->body_of(impl_->send("DELETE", resource.path(ns, name), body, {}));
}

Result<std::string> Client::scale(const ResourceInfo& resource, std::string_view ns,
                                  std::string_view name, long long replicas) {
  const std::string patch_body =
      json::serialize(json::object{{"spec", json::object{{"replicas", replicas}}}});
  return patch(resource, ns, name, PatchType::kMerge, patch_body, "scale");
}

Status Client::bind(std::string_view ns, std::string_view pod, std::string_view node,
                    std::string_view uid) {
  json::object binding{{"apiVersion", "v1"}, {"kind", "Binding"}};
  binding["metadata"] = json::object{{"name", pod}, {"namespace", ns}};
  if (!uid.empty()) binding["metadata"].get_object()["uid"] = uid;
  binding["target"] = json::object{{"apiVersion", "v1"}, {"kind", "Node"}, {"name", node}};
  const std::string path =
      "/api/v1/namespaces/" + std::string(ns) + "/pods/" + std::string(pod) + "/binding";
  auto response = impl_->send("POST", path, json::serialize(binding), {});
  if (!response) return std::move(response).error();
  return Ok{};
}

Result<std::unique_ptr<EventStream>> Client::watch(const ResourceInfo& resource,
                                                   std::string_view ns,
                                                   const ListOptions& options) {
  net::ClientRequest request =
      impl_->make_request("GET", resource.path(ns) + encode_list_query(options, true), {}, {});
  net::StreamResult result = impl_->http->stream(request);
  if (!result.ok()) return transport_error(result.error);
  const int status = static_cast<int>(result.head.status);
  if (status < 200 || status >= 300)
    return error_from_response(status, result.head.body, result.head.header("Retry-After"));
  if (!result.stream) return transport_error("watch " + request.url + ": no response stream");
  return std::unique_ptr<EventStream>(std::make_unique<LineEventStream>(std::move(result.stream)));
}

namespace {

class ClientListerWatcher final : public ListerWatcher {
 public:
  ClientListerWatcher(Client& client, ResourceInfo resource, std::string ns)
      : client_(client), resource_(std::move(resource)), ns_(std::move(ns)) {}
  Result<std::string> list(const ListOptions& options) override {
    return client_.list(resource_, ns_, options);
  }
  Result<std::unique_ptr<EventStream>> watch(const ListOptions& options) override {
    return client_.watch(resource_, ns_, options);
  }

 private:
  Client& client_;
  ResourceInfo resource_;
  std::string ns_;
};

}  // namespace

std::unique_ptr<ListerWatcher> Client::lister_watcher(const ResourceInfo& resource,
                                                      std::string ns) {
  return std::make_unique<ClientListerWatcher>(*this, resource, std::move(ns));
}

}  // namespace dynop::kube
