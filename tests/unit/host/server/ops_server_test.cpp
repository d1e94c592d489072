#include "host/server/ops_server.hpp"

#include <gtest/gtest.h>

#include <atomic>

#include "lib/net/http_client.hpp"
#include "lib/prometheus/text_format.hpp"
#include "tests/unit/host/server/ops_server_fixture.hpp"

namespace dynop::host {
namespace {

using OpsServerTest = OpsServerFixture;

TEST_F(OpsServerTest, AddressHasTheRealPort) {
  EXPECT_TRUE(server_.address().starts_with("127.0.0.1:"));
  EXPECT_NE(server_.address(), "127.0.0.1:0");
}

TEST_F(OpsServerTest, HealthzIsOk) {
  auto r = get("/healthz");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "ok");
}

// Kubernetes' newer liveness endpoint (the Deployment in packaging/webhook
// probes it): the same liveness checks as /healthz, named livez.
TEST_F(OpsServerTest, LivezFollowsTheLivenessChecks) {
  auto r = get("/livez");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "ok");
  std::atomic<bool> stuck{true};
  server_.liveness().add("loop", [&] { return stuck ? std::string("stuck") : std::string(); });
  r = get("/livez");
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.body, "[-]loop failed: stuck\nlivez check failed\n");
  stuck = false;
  r = get("/livez?verbose");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "[+]loop ok\nlivez check passed\n");
}

TEST_F(OpsServerTest, ReadyzFollowsItsChecks) {
  std::atomic<bool> started{false};
  server_.readiness().add(
      "plugins", [&] { return started ? std::string() : std::string("plugins not started"); });
  auto r = get("/readyz");
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.body, "[-]plugins failed: plugins not started\nreadyz check failed\n");
  started = true;
  r = get("/readyz");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "ok");
  r = get("/readyz?verbose");
  EXPECT_EQ(r.body, "[+]plugins ok\nreadyz check passed\n");
}

TEST_F(OpsServerTest, MetricsServesTheRegistry) {
  registry_.gauge("dynop_build_info", "Build information.").with({{"version", "1.2.3"}}).Set(1);
  auto r = get("/metrics");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.header("Content-Type"), metrics::Registry::kContentType);
  EXPECT_NE(r.body.find("dynop_build_info{version=\"1.2.3\"} 1\n"), std::string::npos) << r.body;
}

TEST_F(OpsServerTest, MetricsCarriesTheProcessSeries) {
  auto parsed = prometheus::parse_text_format(get("/metrics").body);
  ASSERT_TRUE(parsed.ok()) << parsed.error();
  const auto* resident = parsed->find("process_resident_memory_bytes");
  ASSERT_NE(resident, nullptr);
  EXPECT_GT(resident->value, 1 << 20);
  const auto* open_fds = parsed->find("process_open_fds");
  ASSERT_NE(open_fds, nullptr);
  EXPECT_GE(open_fds->value, 4);  // stdio and the server's listening socket
  EXPECT_EQ(parsed->types["process_cpu_seconds_total"], "counter");
}

TEST_F(OpsServerTest, UnknownPathsAndMethods) {
  EXPECT_EQ(get("/nope").status, 404);
  auto r = get("/metrics", "POST");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.header("Allow"), "GET, HEAD");
}

TEST(OpsServer, BadAddressIsOneLine) {
  metrics::Registry registry;
  OpsServer server(registry);
  std::string error;
  EXPECT_FALSE(server.start("nonsense", error));
  EXPECT_EQ(error, "invalid address \"nonsense\" (expected host:port, e.g. 0.0.0.0:8080)");
}

}  // namespace
}  // namespace dynop::host
