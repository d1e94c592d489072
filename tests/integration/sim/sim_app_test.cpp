// dynop-sim's node and kubelet side against the real dynop-localcluster: what
// an API client sees of the simulated nodes and pods, the pods' endpoints at
// their addresses, the admin endpoint's faults, and the sim riding out
// dropped watches and an API server restart.

#include "sim/app/sim_app.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <fstream>

#include "lib/net/http_client.hpp"
#include "tests/integration/localcluster/local_cluster.hpp"
#include "tests/support/sim_addresses.hpp"
#include "tests/support/temp_dir.hpp"

namespace dynop::sim {
namespace {

namespace json = boost::json;
using test::field_text;
using namespace std::chrono_literals;

// Two GPU nodes with short kubelet times: at speed-up 10, a pod runs 0.1 s
// after it is bound and is Ready 0.2 s later; a lease lives 4 s.
const char kProfile[] = R"(instance: sim-app-test
kubelet:
  lease_duration: 4s
  startup:
    default: {create: {delay: 1s}, ready: {delay: 2s}, delete: {delay: 2s}}
pools:
- name: gpu
  count: 2
  gpus: 8
  gpu_product: NVIDIA-H100-80GB-HBM3
  gpu_memory: 81559
  cpu: "64"
  memory: 512Gi
  nodes_per_clique: 2
)";

class SimAppTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(block_.ok()) << block_.error();
    start_cluster(true);
  }

  void start_cluster(bool in_memory) {
    cluster_ = std::make_unique<test::LocalCluster>(test::LocalCluster::Options{in_memory, {}});
    ASSERT_TRUE(cluster_->ok()) << cluster_->error();
    // Pods need the namespace's default service account (ServiceAccount admission).
    ASSERT_TRUE(test::eventually([&] {
      return cluster_->get("/api/v1/namespaces/default/serviceaccounts/default").status == 200u;
    }));
  }

  void start_sim() {
    SimOptions options;
    options.kubeconfig = cluster_->kubeconfig();
    options.profile_path = dir_.write("profile.yaml", kProfile);
    options.speedup = 10;
    options.node_cidr = block_.node_cidr();
    options.pod_cidr = block_.pod_cidr();
    options.admin_token_file = (dir_.path() / "admin-token").string();
    options.kubelet_ca_file = (dir_.path() / "kubelet-ca.crt").string();
    sim_ = std::make_unique<SimApp>(options);
    auto started = sim_->start();
    ASSERT_TRUE(started.ok()) << started.error();
    ASSERT_TRUE(sim_->wait_ready(30s));
    std::string error;
    net::ClientOptions client;
    client.request_timeout = 10s;
    http_ = net::HttpClient::create(client, error);
    ASSERT_TRUE(http_) << error;
    std::ifstream token(dir_.path() / "admin-token");
    std::getline(token, token_);
  }

  void TearDown() override {
    if (sim_) sim_->stop();
  }

  // A pod of the guide's example as the dgd plugin makes it, bound to `node`.
  void create_bound_pod(const std::string& name, const std::string& type, std::uint16_t port,
                        const std::string& node, json::object annotations = {}) {
    json::object pod{
        {"apiVersion", "v1"},
        {"kind", "Pod"},
        {"metadata",
         json::object{
             {"name", name},
             {"annotations", std::move(annotations)},
             {"labels", json::object{{"nvidia.com/dynamo-graph-deployment-name", "sglang-agg"},
                                     {"nvidia.com/dynamo-component",
                                      type == "frontend" ? "Frontend" : "decode"},
                                     {"nvidia.com/dynamo-component-type", type}}}}},
        {"spec", json::object{{"schedulerName", "dynop-gpu-scheduler"},
                              {"containers",
                               json::array{json::object{
                                   {"name", "main"},
                                   {"image", "nvcr.io/nvidia/ai-dynamo/sglang-runtime:0.8.0"},
                                   {"ports", json::array{json::object{
                                                 {"name", type == "frontend" ? "http" : "system"},
                                                 {"containerPort", port}}}}}}}}}};
    ASSERT_EQ(cluster_->post("/api/v1/namespaces/default/pods", pod).status, 201u);
    json::object binding{
        {"apiVersion", "v1"},
        {"kind", "Binding"},
        {"metadata", json::object{{"name", name}}},
        {"target", json::object{{"apiVersion", "v1"}, {"kind", "Node"}, {"name", node}}}};
    auto bound = cluster_->post("/api/v1/namespaces/default/pods/" + name + "/binding", binding);
    ASSERT_EQ(bound.status, 201u) << bound.body;
  }

  json::value pod(const std::string& name) {
    return cluster_->get("/api/v1/namespaces/default/pods/" + name).json();
  }

  std::string condition(const json::value& object, const std::string& type) {
    const json::value* status =
        object.is_object() ? object.as_object().if_contains("status") : nullptr;
    if (!status || !status->is_object()) return "<no status>";
    const json::value* conditions = status->as_object().if_contains("conditions");
    if (!conditions || !conditions->is_array()) return "<no conditions>";
    for (const json::value& c : conditions->as_array()) {
      if (field_text(c, {"type"}) == type) return field_text(c, {"status"});
    }
    return "<missing>";
  }

  bool pod_ready(const std::string& name) { return condition(pod(name), "Ready") == "True"; }

  // POST /admin/restart, then wait until the restarted server answers (the
  // old one ends its watches first).
  void restart_cluster() {
    auto watch = cluster_->watch("/api/v1/namespaces?watch=true");
    ASSERT_TRUE(watch.ok()) << watch.error;
    ASSERT_EQ(cluster_->request("POST", "/admin/restart", "{}").status, 202u);
    EXPECT_TRUE(test::read_to_end(*watch.stream));
    cluster_->close_idle_connections();  // the next answer is the restarted server's
    ASSERT_TRUE(test::eventually(
        [&] { return cluster_->get("/api/v1/namespaces/default").status == 200u; }, 30));
  }

  net::ClientResult admin(const std::string& method, const std::string& path,
                          const std::string& token) {
    net::ClientRequest req;
    req.method = method;
    req.url = sim_->admin_url() + path;
    if (!token.empty()) req.headers.emplace_back("Authorization", "Bearer " + token);
    return http_->request(req);
  }

  net::ClientResult get(const std::string& url) {
    net::ClientRequest req;
    req.url = url;
    return http_->request(req);
  }

  test::SimAddressBlock block_;
  test::TempDir dir_{"sim-app-test"};
  std::unique_ptr<test::LocalCluster> cluster_;
  std::unique_ptr<SimApp> sim_;
  std::unique_ptr<net::HttpClient> http_;
  std::string token_;
};

TEST_F(SimAppTest, NodesRegisterWithGpuLabelsAllocatableAndRenewedLeases) {
  start_sim();
  auto nodes = test::items(cluster_->get("/api/v1/nodes"));
  ASSERT_EQ(nodes.size(), 2u);
  const json::value& n = nodes[0];
  EXPECT_EQ(field_text(n, {"metadata", "name"}), "gpu-0");
  const json::value& labels = n.at("metadata").at("labels");
  EXPECT_EQ(field_text(labels, {"nvidia.com/gpu.product"}), "NVIDIA-H100-80GB-HBM3");
  EXPECT_EQ(field_text(labels, {"nvidia.com/gpu.count"}), "8");
  EXPECT_EQ(field_text(labels, {"nvidia.com/gpu.memory"}), "81559");
  EXPECT_EQ(field_text(labels, {"nvidia.com/gpu.clique"}),
            field_text(nodes[1].at("metadata").at("labels"), {"nvidia.com/gpu.clique"}));
  EXPECT_EQ(field_text(n, {"status", "allocatable", "nvidia.com/gpu"}), "8");
  EXPECT_EQ(condition(n, "Ready"), "True");
  EXPECT_EQ(field_text(n, {"status", "addresses"}).find(block_.node_cidr().substr(0, 9)) !=
                std::string::npos,
            true);

  auto lease =
      cluster_->get("/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/gpu-0");
  ASSERT_EQ(lease.status, 200u) << lease.body;
  EXPECT_EQ(field_text(lease.json(), {"spec", "holderIdentity"}), "gpu-0");
  EXPECT_EQ(field_text(lease.json(), {"spec", "leaseDurationSeconds"}), "4");
  EXPECT_EQ(field_text(lease.json().at("metadata").at("ownerReferences").as_array()[0], {"uid"}),
            field_text(n, {"metadata", "uid"}));
  // Renewed every quarter of its duration (1 s here).
  const std::string first = field_text(lease.json(), {"spec", "renewTime"});
  EXPECT_TRUE(test::eventually([&] {
    auto again =
        cluster_->get("/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/gpu-0");
    return field_text(again.json(), {"spec", "renewTime"}) != first;
  }));
}

TEST_F(SimAppTest, BoundPodsGoRunningAndReadyAndServeTheirPortsAtTheirAddress) {
  start_sim();
  create_bound_pod("sglang-agg-frontend-0", "frontend", 8000, "gpu-0");
  ASSERT_TRUE(test::eventually([&] { return pod_ready("sglang-agg-frontend-0"); }))
      << json::serialize(pod("sglang-agg-frontend-0"));
  json::value p = pod("sglang-agg-frontend-0");
  EXPECT_EQ(field_text(p, {"status", "phase"}), "Running");
  const std::string ip = field_text(p, {"status", "podIP"});
  const std::string node_ip =
      field_text(test::items(cluster_->get("/api/v1/nodes"))[0], {"status", "addresses"});
  EXPECT_EQ(ip.rfind(block_.pod_cidr().substr(0, block_.pod_cidr().find(".16.") + 4), 0), 0u) << ip;
  EXPECT_NE(node_ip.find(field_text(p, {"status", "hostIP"})), std::string::npos);
  EXPECT_EQ(condition(p, "Initialized"), "True");
  EXPECT_EQ(condition(p, "ContainersReady"), "True");
  EXPECT_EQ(condition(p, "PodScheduled"), "True");
  const json::value& main = p.at("status").at("containerStatuses").as_array()[0];
  EXPECT_EQ(field_text(main, {"ready"}), "true");
  EXPECT_EQ(field_text(main, {"started"}), "true");
  EXPECT_EQ(field_text(main, {"restartCount"}), "0");
  EXPECT_NE(field_text(main, {"state", "running", "startedAt"}), "<missing>");

  // The frontend's port answers at the pod's own address, as in a cluster.
  auto metrics = get("http://" + ip + ":8000/metrics");
  ASSERT_TRUE(metrics.ok()) << metrics.error;
  EXPECT_EQ(metrics.response->status, 200u);
  EXPECT_NE(metrics.response->body.find(
                "dynamo_frontend_requests_total{dynamo_namespace=\"default-sglang-agg\""),
            std::string::npos);
  auto health = get("http://" + ip + ":8000/health");
  ASSERT_TRUE(health.ok()) << health.error;
  EXPECT_EQ(health.response->status, 200u);

  // The node's kubelet port reports the pod's CPU and memory, over HTTPS.
  std::string error;
  net::ClientOptions tls;
  tls.tls.ca_file = (dir_.path() / "kubelet-ca.crt").string();
  auto https = net::HttpClient::create(tls, error);
  ASSERT_TRUE(https) << error;
  net::ClientRequest req;
  req.url = "https://" + field_text(p, {"status", "hostIP"}) + ":10250/metrics/resource";
  auto resource = https->request(req);
  ASSERT_TRUE(resource.ok()) << resource.error;
  EXPECT_NE(resource.response->body.find(
                "pod_cpu_usage_seconds_total{namespace=\"default\",pod=\"sglang-agg-frontend-0\"}"),
            std::string::npos)
      << resource.response->body;
}

TEST_F(SimAppTest, GracefulDeletionEndsWithTheKubeletsDelete) {
  start_sim();
  create_bound_pod("sglang-agg-decode-0", "worker", 9090, "gpu-1");
  ASSERT_TRUE(test::eventually([&] { return pod_ready("sglang-agg-decode-0"); }));
  const std::string ip = field_text(pod("sglang-agg-decode-0"), {"status", "podIP"});
  auto watch = cluster_->watch(
      "/api/v1/namespaces/default/"
      "pods?watch=true&fieldSelector=metadata.name%3Dsglang-agg-decode-0&resourceVersion=" +
      field_text(pod("sglang-agg-decode-0"), {"metadata", "resourceVersion"}));
  ASSERT_TRUE(watch.ok()) << watch.error;
  auto deleted = cluster_->del("/api/v1/namespaces/default/pods/sglang-agg-decode-0");
  ASSERT_EQ(deleted.status, 200u) << deleted.body;
  EXPECT_EQ(field_text(deleted.json(), {"metadata", "deletionGracePeriodSeconds"}), "30");
  // The containers stop (2 simulated seconds), the terminated status is
  // written, and the kubelet deletes the pod long before the 30 s grace period.
  std::string last_state;
  bool gone = false;
  for (int i = 0; i < 10 && !gone; ++i) {
    auto events = test::read_events(*watch.stream, 1);
    if (events.empty()) break;
    const json::value& e = events.front();
    if (field_text(e, {"type"}) == "DELETED") {
      gone = true;
    } else if (field_text(e, {"type"}) == "MODIFIED") {
      const json::value& statuses = e.at("object").at("status").at("containerStatuses");
      last_state = json::serialize(statuses.as_array()[0].at("state"));
    }
  }
  EXPECT_TRUE(gone);
  EXPECT_NE(last_state.find("\"terminated\""), std::string::npos) << last_state;
  EXPECT_NE(last_state.find("\"exitCode\":0"), std::string::npos) << last_state;
  EXPECT_EQ(cluster_->get("/api/v1/namespaces/default/pods/sglang-agg-decode-0").status, 404u);
  // The pod's address no longer answers.
  EXPECT_TRUE(test::eventually([&] { return !get("http://" + ip + ":9090/health").ok(); }));
}

TEST_F(SimAppTest, TheAdminEndpointBreaksPodsAndNodesOnDemand) {
  start_sim();
  create_bound_pod("sglang-agg-decode-0", "worker", 9090, "gpu-0");
  ASSERT_TRUE(test::eventually([&] { return pod_ready("sglang-agg-decode-0"); }));

  auto denied = admin("POST", "/admin/pods/default/sglang-agg-decode-0/crash", "wrong");
  ASSERT_TRUE(denied.ok()) << denied.error;
  EXPECT_EQ(denied.response->status, 401u);

  auto crashed = admin("POST", "/admin/pods/default/sglang-agg-decode-0/crash", token_);
  ASSERT_TRUE(crashed.ok()) << crashed.error;
  EXPECT_EQ(crashed.response->status, 200u) << crashed.response->body;
  EXPECT_TRUE(test::eventually([&] {
    json::value p = pod("sglang-agg-decode-0");
    const json::value& main = p.at("status").at("containerStatuses").as_array()[0];
    return field_text(main, {"restartCount"}) == "1" &&
           field_text(main, {"lastState", "terminated", "reason"}) == "Error";
  }));
  // Not Ready for a while, then Ready again.
  EXPECT_TRUE(test::eventually([&] { return pod_ready("sglang-agg-decode-0"); }));

  auto not_ready = admin("POST", "/admin/nodes/gpu-0/not-ready", token_);
  ASSERT_TRUE(not_ready.ok());
  EXPECT_EQ(not_ready.response->body, "{\"node\":\"gpu-0\",\"ready\":false}\n");
  EXPECT_TRUE(test::eventually([&] {
    return condition(cluster_->get("/api/v1/nodes/gpu-0").json(), "Ready") == "False" &&
           condition(pod("sglang-agg-decode-0"), "Ready") == "False";
  }));
  ASSERT_TRUE(admin("POST", "/admin/nodes/gpu-0/ready", token_).ok());
  EXPECT_TRUE(test::eventually([&] {
    return condition(cluster_->get("/api/v1/nodes/gpu-0").json(), "Ready") == "True" &&
           pod_ready("sglang-agg-decode-0");
  }));

  auto failed = admin("POST", "/admin/nodes/gpu-1/fail-gpus?count=3", token_);
  ASSERT_TRUE(failed.ok());
  EXPECT_EQ(failed.response->body, "{\"node\":\"gpu-1\",\"allocatableGPUs\":5}\n");
  EXPECT_TRUE(test::eventually([&] {
    return field_text(cluster_->get("/api/v1/nodes/gpu-1").json(),
                      {"status", "allocatable", "nvidia.com/gpu"}) == "5";
  }));
  auto bad_count = admin("POST", "/admin/nodes/gpu-1/fail-gpus?count=x", token_);
  EXPECT_EQ(bad_count.response->status, 400u);

  auto unknown = admin("POST", "/admin/nodes/gpu-9/not-ready", token_);
  EXPECT_EQ(unknown.response->status, 404u);
  EXPECT_EQ(unknown.response->body,
            "{\"error\":\"node \\\"gpu-9\\\" is not a node of this sim\"}\n");

  auto removed = admin("DELETE", "/admin/nodes/gpu-1", token_);
  ASSERT_TRUE(removed.ok());
  EXPECT_EQ(removed.response->status, 200u);
  EXPECT_TRUE(test::eventually([&] { return cluster_->get("/api/v1/nodes/gpu-1").status == 404; }));
  // A lease owned by the node goes with it (garbage collection).
  EXPECT_TRUE(test::eventually([&] {
    return cluster_->get("/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/gpu-1")
               .status == 404;
  }));
}

TEST_F(SimAppTest, APortInUseIsAWarningEventOnThePod) {
  start_sim();
  // Take the first pod address of gpu-0 (its CIDR's .2) and the port before the pod.
  const std::string cidr = block_.pod_cidr();
  const std::string taken_ip = cidr.substr(0, cidr.find('/') - 1) + "2";
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  int on = 1;  // a connection of an earlier test may linger in TIME_WAIT
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(8000);
  ::inet_pton(AF_INET, taken_ip.c_str(), &addr.sin_addr);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0) << taken_ip;
  ASSERT_EQ(::listen(fd, 1), 0);
  create_bound_pod("sglang-agg-frontend-0", "frontend", 8000, "gpu-0");
  std::string message;
  EXPECT_TRUE(test::eventually([&] {
    for (const json::value& e : test::items(cluster_->get("/api/v1/namespaces/default/events"))) {
      if (field_text(e, {"reason"}) == "PortUnavailable") {
        message = field_text(e, {"message"});
        return field_text(e, {"type"}) == "Warning";
      }
    }
    return false;
  }));
  EXPECT_EQ(message,
            "dynop-sim cannot serve the pod's ports: pod default/sglang-agg-frontend-0 port "
            "http: cannot listen on " +
                taken_ip + ":8000: Address already in use");
  ::close(fd);
}

TEST_F(SimAppTest, SurvivesDroppedWatchesAndAnApiServerRestart) {
  cluster_.reset();
  start_cluster(false);  // objects survive the restart
  start_sim();
  ASSERT_EQ(cluster_->request("POST", "/admin/faults/drop-watches").status, 200u);
  create_bound_pod("sglang-agg-frontend-0", "frontend", 8000, "gpu-0");
  EXPECT_TRUE(test::eventually([&] { return pod_ready("sglang-agg-frontend-0"); }));

  restart_cluster();
  // The watch resumes: a pod bound after the restart runs too.
  create_bound_pod("sglang-agg-frontend-1", "frontend", 8000, "gpu-1");
  EXPECT_TRUE(test::eventually([&] { return pod_ready("sglang-agg-frontend-1"); }, 30));
  // The first pod kept its address and still serves.
  const std::string ip = field_text(pod("sglang-agg-frontend-0"), {"status", "podIP"});
  auto metrics = get("http://" + ip + ":8000/metrics");
  ASSERT_TRUE(metrics.ok()) << metrics.error;
  EXPECT_EQ(metrics.response->status, 200u);
  // Heartbeats go on.
  const std::string before = field_text(
      cluster_->get("/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/gpu-0").json(),
      {"spec", "renewTime"});
  EXPECT_TRUE(test::eventually([&] {
    return field_text(
               cluster_->get("/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/gpu-0")
                   .json(),
               {"spec", "renewTime"}) != before;
  }));
}

TEST_F(SimAppTest, AnInMemoryApiServerThatRestartsGetsTheNodesBack) {
  start_sim();
  restart_cluster();
  // Everything was lost; the next heartbeat finds its node gone and registers it again.
  EXPECT_TRUE(test::eventually(
      [&] { return test::items(cluster_->get("/api/v1/nodes")).size() == 2; }, 30));
}

}  // namespace
}  // namespace dynop::sim
