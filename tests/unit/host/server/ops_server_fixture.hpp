#pragma once
// A started OpsServer on 127.0.0.1 and a client for it. Endpoints are added
// in add_endpoints(), which runs before the server starts.

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "host/server/ops_server.hpp"
#include "lib/metrics/registry.hpp"
#include "lib/net/http_client.hpp"

namespace dynop::host {

class OpsServerFixture : public ::testing::Test {
 protected:
  virtual void add_endpoints() {}

  void SetUp() override {
    add_endpoints();
    std::string error;
    ASSERT_TRUE(server_.start("127.0.0.1:0", error)) << error;
    client_ = net::HttpClient::create({}, error);
    ASSERT_TRUE(client_) << error;
  }
  net::ClientResponse get(const std::string& path, const std::string& method = "GET") {
    net::ClientRequest req;
    req.method = method;
    req.url = "http://" + server_.address() + path;
    auto r = client_->request(req);
    EXPECT_TRUE(r.ok()) << r.error;
    return r.response.value_or(net::ClientResponse{});
  }

  metrics::Registry registry_;
  OpsServer server_{registry_};
  std::unique_ptr<net::HttpClient> client_;
};

}  // namespace dynop::host
