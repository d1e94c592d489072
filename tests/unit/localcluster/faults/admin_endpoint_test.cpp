#include "localcluster/faults/admin_endpoint.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace dynop::localcluster::faults {
namespace {

namespace json = boost::json;

struct Calls {
  int drops = 0;
  int compactions = 0;
  int restarts = 0;
};

class AdminEndpointTest : public ::testing::Test {
 protected:
  AdminEndpointTest()
      : injector_({}, [] { return 0.0; }),
        endpoint_(injector_, {[this] {
                                ++calls_.drops;
                                return std::size_t{3};
                              },
                              [this] {
                                ++calls_.compactions;
                                return std::uint64_t{42};
                              },
                              [this] { ++calls_.restarts; }}) {}

  net::Response call(std::string_view method, std::string_view path, std::string body = "",
                     const net::Headers& headers = {}) {
    auto response = endpoint_.handle(net::Request::make(method, path, headers, std::move(body)));
    EXPECT_TRUE(response) << path;
    return response ? *response : net::Response{};
  }

  FaultInjector injector_;
  Calls calls_;
  AdminEndpoint endpoint_;
};

TEST_F(AdminEndpointTest, GetReportsSettingsAndCounters) {
  auto response = call("GET", "/admin/faults");
  EXPECT_EQ(response.status, 200u);
  EXPECT_EQ(json::parse(response.body),
            json::parse(R"({"writeErrorRate":0,"writeErrorCode":500,"retryAfterSeconds":1,
                            "latencyMs":0,"resources":[],"names":[],"injectedFailures":0})"));
}

TEST_F(AdminEndpointTest, PutChangesTheSettingsAndAnswersWithAllOfThem) {
  auto response = call("PUT", "/admin/faults", R"({"writeErrorRate":1,"resources":["pods"]})");
  EXPECT_EQ(response.status, 200u);
  auto body = json::parse(response.body);
  EXPECT_EQ(body.at("writeErrorRate").to_number<double>(), 1.0);
  EXPECT_EQ(body.at("writeErrorCode").as_int64(), 500);
  EXPECT_EQ(body.at("resources"), json::parse(R"(["pods"])"));
  EXPECT_TRUE(injector_.write_fault("pods"));
  EXPECT_EQ(json::parse(call("GET", "/admin/faults").body).at("injectedFailures").as_int64(), 1);
}

TEST_F(AdminEndpointTest, BadPutIs400NamingTheFieldAndChangesNothing) {
  auto response = call("PUT", "/admin/faults", R"({"writeErrorRate":0.5,"latencyMs":true})");
  EXPECT_EQ(response.status, 400u);
  auto body = json::parse(response.body);
  EXPECT_EQ(body.at("kind").as_string(), "Status");
  EXPECT_EQ(body.at("reason").as_string(), "BadRequest");
  EXPECT_EQ(body.at("message").as_string(), "latencyMs: Invalid value: true: must be an integer");
  EXPECT_EQ(injector_.config(), FaultConfig{});
}

TEST_F(AdminEndpointTest, ImpersonatedRequestsAreForbidden) {
  auto response =
      call("PUT", "/admin/faults", R"({"writeErrorRate":1})", {{"Impersonate-User", "bob"}});
  EXPECT_EQ(response.status, 403u);
  auto body = json::parse(response.body);
  EXPECT_EQ(body.at("reason").as_string(), "Forbidden");
  EXPECT_EQ(body.at("message").as_string(),
            R"(forbidden: User "bob" cannot update path "/admin/faults")");
  EXPECT_EQ(injector_.config(), FaultConfig{});
  EXPECT_EQ(call("POST", "/admin/restart", "", {{"impersonate-group", "g"}}).status, 403u);
  EXPECT_EQ(calls_.restarts, 0);
}

TEST_F(AdminEndpointTest, DropWatches) {
  auto response = call("POST", "/admin/faults/drop-watches");
  EXPECT_EQ(response.status, 200u);
  EXPECT_EQ(json::parse(response.body), json::parse(R"({"dropped":3})"));
  EXPECT_EQ(calls_.drops, 1);
}

TEST_F(AdminEndpointTest, CompactAlsoDropsWatches) {
  auto response = call("POST", "/admin/faults/compact");
  EXPECT_EQ(response.status, 200u);
  EXPECT_EQ(json::parse(response.body), json::parse(R"({"compactedTo":"42"})"));
  EXPECT_EQ(calls_.compactions, 1);
  EXPECT_EQ(calls_.drops, 1);
}

TEST_F(AdminEndpointTest, RestartAnswers202OncePerIncarnation) {
  EXPECT_EQ(call("POST", "/admin/restart").status, 202u);
  EXPECT_EQ(call("POST", "/admin/restart").status, 202u);
  EXPECT_EQ(calls_.restarts, 1);
}

TEST_F(AdminEndpointTest, WrongMethodUnknownPathAndOtherPaths) {
  auto wrong = call("GET", "/admin/restart");
  EXPECT_EQ(wrong.status, 405u);
  EXPECT_EQ(json::parse(wrong.body).at("reason").as_string(), "MethodNotAllowed");
  EXPECT_EQ(call("GET", "/admin/nothing").status, 404u);
  EXPECT_FALSE(endpoint_.handle(net::Request::make("GET", "/api/v1/pods")));
  EXPECT_FALSE(endpoint_.handle(net::Request::make("GET", "/administrator")));
}

TEST_F(AdminEndpointTest, InstallsLatencyAndWriteFailures) {
  server::ServerHooks hooks;
  endpoint_.install(hooks);
  ASSERT_EQ(hooks.admin.size(), 1u);
  ASSERT_TRUE(hooks.faults.latency && hooks.faults.write_failure);
  FaultConfig config;
  config.latency_ms = 7;
  config.write_error_rate = 1;
  config.write_error_code = 429;
  injector_.set_config(config);
  EXPECT_EQ(hooks.faults.latency().count(), 7);
  auto request = net::Request::make("DELETE", "/api/v1/namespaces/default/pods/web");
  auto info = server::parse_request_info(request.method(), request.target());
  ResourceType pods;
  pods.plural = "pods";
  auto failure = hooks.faults.write_failure(request, info, pods);
  ASSERT_TRUE(failure);
  EXPECT_EQ(failure->status, 429u);
  ResourceRegistry registry;
  EXPECT_TRUE(hooks.admin[0](net::Request::make("GET", "/admin/faults"), registry));
}

}  // namespace
}  // namespace dynop::localcluster::faults
