// The guide's "Metrics Not Available" check with the real kubectl:
//   kubectl port-forward -n default svc/sglang-agg-frontend 8000:8000
//   curl http://localhost:8000/metrics | grep dynamo_frontend
// kubectl 1.32 speaks SPDY/3.1 inside a WebSocket to dynop-localcluster's
// pods/portforward, which connects to the pod's status.podIP. A small HTTP
// server on a loopback address plays the frontend pod, as dynop-sim's pods
// do; kubectl itself resolves svc/ to a pod and port through the Service.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>

#include "lib/net/server.hpp"
#include "tests/integration/localcluster/local_cluster.hpp"
#include "tests/support/kubectl.hpp"
#include "tests/support/process.hpp"
#include "tests/support/sim_addresses.hpp"
#include "tests/support/temp_dir.hpp"

namespace dynop::e2e {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

constexpr const char* kManifests = R"(apiVersion: v1
kind: Pod
metadata:
  name: sglang-agg-frontend-0
  namespace: default
  labels:
    nvidia.com/dynamo-component: Frontend
    nvidia.com/dynamo-graph-deployment-name: sglang-agg
spec:
  containers:
  - name: main
    image: frontend
    ports:
    - name: http
      containerPort: 8000
---
apiVersion: v1
kind: Service
metadata:
  name: sglang-agg-frontend
  namespace: default
spec:
  selector:
    nvidia.com/dynamo-component: Frontend
    nvidia.com/dynamo-graph-deployment-name: sglang-agg
  ports:
  - name: http
    port: 8000
    targetPort: http
)";

class PortForwardE2e : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(cluster_.ok()) << cluster_.error();
    ASSERT_TRUE(addresses_.ok()) << addresses_.error();
    net::ServerOptions options;
    options.host = pod_ip();
    options.port = 8000;
    frontend_ =
        std::make_unique<net::Server>(options, [this](const net::Request& r, net::Responder out) {
          ++requests_;
          if (r.path() != "/metrics") return out.respond(net::Response::text(404, "not found\n"));
          out.respond(
              net::Response::text(200,
                                  "dynamo_frontend_queued_requests{model=\"Qwen/Qwen3-0.6B\"} 2\n"
                                  "dynamo_frontend_inflight_requests{model=\"Qwen/Qwen3-0.6B\"} 5\n"
                                  "process_cpu_seconds_total 1.5\n"));
        });
    std::string error;
    ASSERT_TRUE(frontend_->start(error)) << error;
    kubectl_.ok({"apply", "-f", "-"}, kManifests);
    kubectl_.ok({"patch", "pod", "sglang-agg-frontend-0", "--subresource=status", "--type=merge",
                 "-p",
                 std::string(R"({"status":{"phase":"Running","podIP":")") + pod_ip() +
                     R"(","podIPs":[{"ip":")" + pod_ip() + R"("}]}})"});
  }
  void TearDown() override {
    if (frontend_) frontend_->stop(1s);
  }

  // Starts `kubectl port-forward <args>` and returns the local port it logs.
  std::optional<int> start_forward(std::vector<std::string> args) {
    args.insert(args.begin(), {"--kubeconfig", cluster_.kubeconfig(), "port-forward"});
    std::string error;
    forward_ = test::Process::spawn(test::kKubectlPath, args, error);
    EXPECT_TRUE(forward_) << error;
    if (!forward_) return std::nullopt;
    auto port = forward_->wait_for_match(
        std::regex(R"(Forwarding from 127\.0\.0\.1:([0-9]+) -> 8000)"), 30s, test::Stream::kStdout);
    EXPECT_TRUE(port) << forward_->stderr_text() << forward_->stdout_text();
    if (!port) return std::nullopt;
    return std::stoi(*port);
  }

  // Loopback addresses of this test alone: ctest runs this binary's tests in
  // parallel, and other checkouts may run it at the same time, all on port
  // 8000. The frontend's address, and one where nothing listens.
  std::string pod_ip() const { return addresses_.pod_address(2); }
  std::string nobody_listens() const { return addresses_.pod_address(3); }

  test::SimAddressBlock addresses_;
  test::LocalCluster cluster_;
  test::TempDir dir_{"dynop-port-forward"};
  test::Kubectl kubectl_{cluster_.kubeconfig(), dir_.path() / "kube-cache"};
  std::unique_ptr<net::Server> frontend_;
  std::unique_ptr<test::Process> forward_;
  std::atomic<int> requests_{0};
};

TEST_F(PortForwardE2e, ServiceForwardReachesTheFrontendPodsMetrics) {
  auto port = start_forward({"-n", "default", "svc/sglang-agg-frontend", ":8000"});
  ASSERT_TRUE(port);
  const std::string url = "http://localhost:" + std::to_string(*port) + "/metrics";
  // Two requests: each is its own forwarded connection (its own SPDY streams).
  for (int i = 0; i < 2; ++i) {
    auto curl = test::run("/usr/bin/curl", {"-sS", "--max-time", "20", url}, 30s);
    ASSERT_EQ(curl.exit_code, 0) << curl.err << "\n" << forward_->stderr_text();
    EXPECT_THAT(curl.out,
                HasSubstr("dynamo_frontend_queued_requests{model=\"Qwen/Qwen3-0.6B\"} 2"));
    EXPECT_THAT(curl.out,
                HasSubstr("dynamo_frontend_inflight_requests{model=\"Qwen/Qwen3-0.6B\"} 5"));
  }
  EXPECT_EQ(requests_.load(), 2);
  ASSERT_TRUE(forward_->signal(SIGINT));
  forward_->wait(20s);
}

TEST_F(PortForwardE2e, APodPortNobodyListensOnIsReportedByKubectl) {
  // The pod moves to an address where nothing listens.
  kubectl_.ok({"patch", "pod", "sglang-agg-frontend-0", "--subresource=status", "--type=merge",
               "-p",
               R"({"status":{"podIP":")" + nobody_listens() + R"(","podIPs":[{"ip":")" +
                   nobody_listens() + R"("}]}})"});
  auto port = start_forward({"pod/sglang-agg-frontend-0", ":8000"});
  ASSERT_TRUE(port);
  auto curl = test::run(
      "/usr/bin/curl",
      {"-sS", "--max-time", "10", "http://localhost:" + std::to_string(*port) + "/"}, 30s);
  EXPECT_NE(curl.exit_code, 0);
  EXPECT_TRUE(forward_->wait_for_output(
      "error forwarding port 8000 to pod default/sglang-agg-frontend-0", 20s))
      << forward_->stderr_text() << forward_->stdout_text() << curl.err;
  forward_->signal(SIGINT);
  forward_->wait(20s);
}

TEST_F(PortForwardE2e, APodWithoutAnAddressIsRefusedWithAMessage) {
  kubectl_.ok({"run", "pending", "--image=x", "--port=8000"});
  auto r = test::run(
      test::kKubectlPath,
      {"--kubeconfig", cluster_.kubeconfig(), "port-forward", "pod/pending", ":8000"}, 30s);
  EXPECT_NE(r.exit_code, 0);
  // kubectl refuses a pod that is not Running before it asks the server.
  EXPECT_THAT(r.err, HasSubstr("pod is not running"));
}

}  // namespace
}  // namespace dynop::e2e
