#include "lib/kube/client/client.hpp"

#include <gtest/gtest.h>

#include <mutex>

#include "lib/net/server.hpp"

namespace dynop::kube {
namespace {

TEST(Client, EncodesListAndWatchQueries) {
  ListOptions options;
  options.label_selector = "app in (web,db),!canary";
  options.field_selector = "spec.nodeName=";
  options.limit = 500;
  options.continue_token = "eyJ2IjoibWV0YS5rOHMuaW8vdjEifQ==";
  EXPECT_EQ(encode_list_query(options, false),
            "?labelSelector=app%20in%20%28web%2Cdb%29%2C%21canary&fieldSelector=spec.nodeName%3D&"
            "limit=500&"
            "continue=eyJ2IjoibWV0YS5rOHMuaW8vdjEifQ%3D%3D");
  ListOptions watch;
  watch.resource_version = "1234";
  watch.allow_watch_bookmarks = true;
  watch.timeout_seconds = 300;
  EXPECT_EQ(encode_list_query(watch, true),
            "?watch=1&resourceVersion=1234&timeoutSeconds=300&allowWatchBookmarks=true");
  EXPECT_EQ(encode_list_query(ListOptions{}, false), "");
}

TEST(Client, PatchContentTypes) {
  EXPECT_STREQ(content_type(PatchType::kMerge), "application/merge-patch+json");
  EXPECT_STREQ(content_type(PatchType::kJson), "application/json-patch+json");
  EXPECT_STREQ(content_type(PatchType::kStrategicMerge), "application/strategic-merge-patch+json");
}

using HeaderList = std::vector<std::pair<std::string, std::string>>;

TEST(Client, ImpersonationHeadersAsClientGoSendsThem) {
  Impersonation who;
  who.user = "system:serviceaccount:dynop-system:dynop";
  who.uid = "6f1c";
  who.groups = {"system:serviceaccounts", "system:serviceaccounts:dynop-system"};
  who.extra = {{"acme.com/project", {"inference", "batch"}}, {"100%", {"x"}}};
  EXPECT_EQ(impersonation_headers(who),
            (HeaderList{{"Impersonate-User", "system:serviceaccount:dynop-system:dynop"},
                        {"Impersonate-Uid", "6f1c"},
                        {"Impersonate-Group", "system:serviceaccounts"},
                        {"Impersonate-Group", "system:serviceaccounts:dynop-system"},
                        {"Impersonate-Extra-100%25", "x"},
                        {"Impersonate-Extra-acme.com%2Fproject", "inference"},
                        {"Impersonate-Extra-acme.com%2Fproject", "batch"}}));
  EXPECT_TRUE(impersonation_headers(Impersonation{}).empty());
}

// The headers as a server receives them, for requests and for watches.
class RecordingServer {
 public:
  RecordingServer()
      : server_(net::ServerOptions{}, [this](const net::Request& request, net::Responder res) {
          HeaderList impersonation;
          request.for_each_header([&](std::string_view name, std::string_view value) {
            if (name.starts_with("Impersonate-")) impersonation.emplace_back(name, value);
          });
          {
            std::lock_guard guard(mutex_);
            seen_.emplace_back(std::string(request.target()), std::move(impersonation));
          }
          if (request.query().find("watch=1") != std::string_view::npos) {
            auto stream = res.stream(net::Response::json(200, ""));
            stream->send_chunk(R"({"type":"BOOKMARK","object":{}})"
                               "\n");
            stream->close();
            return;
          }
          res.respond(net::Response::json(200, R"({"kind":"ConfigMapList","items":[]})"));
        }) {}
  bool start(std::string& error) { return server_.start(error); }
  std::string url() const { return "http://" + server_.address(); }
  std::vector<std::pair<std::string, HeaderList>> seen() {
    std::lock_guard guard(mutex_);
    return seen_;
  }

 private:
  std::mutex mutex_;
  std::vector<std::pair<std::string, HeaderList>> seen_;
  net::Server server_;
};

TEST(Client, EveryRequestCarriesTheImpersonatedIdentity) {
  RecordingServer server;
  std::string error;
  ASSERT_TRUE(server.start(error)) << error;
  RestConfig config;
  config.server = server.url();
  config.bearer_token = "admin";
  config.impersonate.user = "system:serviceaccount:dynop-system:dynop";
  config.impersonate.groups = {"system:serviceaccounts"};
  auto client = Client::create(config);
  ASSERT_TRUE(client) << client.error().describe();
  ResourceInfo configmaps;
  configmaps.version = "v1";
  configmaps.kind = "ConfigMap";
  configmaps.resource = "configmaps";
  configmaps.namespaced = true;
  ASSERT_TRUE((*client)->list(configmaps, "default")) << "list";
  ListOptions options;
  options.resource_version = "1";
  auto watch = (*client)->watch(configmaps, "default", options);
  ASSERT_TRUE(watch) << watch.error().describe();
  std::string line;
  EXPECT_TRUE((*watch)->next_line(line));
  const HeaderList expected{{"Impersonate-User", "system:serviceaccount:dynop-system:dynop"},
                            {"Impersonate-Group", "system:serviceaccounts"}};
  const auto seen = server.seen();
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].first, "/api/v1/namespaces/default/configmaps");
  EXPECT_EQ(seen[0].second, expected);
  EXPECT_EQ(seen[1].first, "/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=1");
  EXPECT_EQ(seen[1].second, expected);
}

}  // namespace
}  // namespace dynop::kube
