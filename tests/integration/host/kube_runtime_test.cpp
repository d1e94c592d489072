// The real dynop binary against the real dynop-localcluster: connects with
// --kubeconfig, elects itself leader on a Lease, runs the dgd and dgdsa
// reconciler plugins, and releases the Lease on SIGTERM.
#include <gtest/gtest.h>
#include <signal.h>

#include <boost/json.hpp>
#include <fstream>

#include "lib/net/http_client.hpp"
#include "tests/integration/localcluster/local_cluster.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

namespace dynop {
namespace {

using namespace std::chrono_literals;

constexpr const char* kKubectl = "/usr/bin/kubectl";

test::RunResult kubectl(const test::LocalCluster& cluster, std::vector<std::string> args) {
  args.insert(args.begin(), {"--kubeconfig", cluster.kubeconfig()});
  return test::run(kKubectl, args, 60s);
}

std::vector<std::string> pod_names(test::LocalCluster& cluster, const std::string& prefix) {
  std::vector<std::string> out;
  for (const auto& pod : test::items(cluster.get("/api/v1/namespaces/default/pods"))) {
    const auto* name = pod.as_object().at("metadata").as_object().if_contains("name");
    if (name == nullptr || !name->is_string()) continue;
    std::string n(name->as_string());
    if (n.starts_with(prefix)) out.push_back(n);
  }
  return out;
}

std::string lease_holder(test::LocalCluster& cluster) {
  auto r = cluster.get("/apis/coordination.k8s.io/v1/namespaces/dynop-system/leases/dynop-leader");
  auto json = r.json();
  if (!json.is_object()) return "<no lease>";
  const auto* spec = json.as_object().if_contains("spec");
  if (spec == nullptr || !spec->is_object()) return "<no spec>";
  const auto* holder = spec->as_object().if_contains("holderIdentity");
  if (holder == nullptr || !holder->is_string()) return "";
  return std::string(holder->as_string());
}

// The dgd plugin made the sglang-agg example's two adapters.
bool sglang_adapters_exist(test::LocalCluster& cluster) {
  const std::string adapters =
      "/apis/nvidia.com/v1alpha1/namespaces/default/dynamographdeploymentscalingadapters/";
  return cluster.get(adapters + "sglang-agg-frontend").status == 200 &&
         cluster.get(adapters + "sglang-agg-decode").status == 200;
}

test::SpawnOptions host_spawn_options() {
  test::SpawnOptions options;
  options.unset_env = {"KUBECONFIG", "KUBERNETES_SERVICE_HOST"};
  return options;
}

std::string http_get(const std::string& url) {
  std::string error;
  auto client = net::HttpClient::create({}, error);
  if (!client) return "";
  net::ClientRequest req;
  req.url = url;
  auto r = client->request(req);
  if (!r.ok() || !r.response) return "";
  return std::to_string(r.response->status) + " " + r.response->body;
}

// The cluster with the CRDs, the Lease's namespace and the sglang example.
void prepare(test::LocalCluster& cluster) {
  ASSERT_TRUE(cluster.ok()) << cluster.error();
  auto crds = kubectl(cluster, {"apply", "-f", test::source_path("crds")});
  ASSERT_EQ(crds.exit_code, 0) << crds.err;
  auto ns = kubectl(cluster, {"create", "namespace", "dynop-system"});
  ASSERT_EQ(ns.exit_code, 0) << ns.err;
  auto dgd = kubectl(
      cluster, {"apply", "-f", test::source_path("examples/backends/sglang/deploy/agg.yaml")});
  ASSERT_EQ(dgd.exit_code, 0) << dgd.err;
}

std::unique_ptr<test::Process> start_host(const test::LocalCluster& cluster,
                                          std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {
      "--kubeconfig", cluster.kubeconfig(), "--plugin-dir",      test::binary_path("plugins"),
      "--plugins",    "dgd,dgdsa",          "--metrics-address", "127.0.0.1:0"};
  args.insert(args.end(), extra.begin(), extra.end());
  std::string error;
  auto host =
      test::Process::spawn(test::binary_path("bin/dynop"), args, error, host_spawn_options());
  EXPECT_TRUE(host) << error;
  return host;
}

TEST(HostWithKubernetes, ReconcilesTheSglangExampleWhileLeadingAndReleasesTheLease) {
  test::LocalCluster cluster;
  ASSERT_NO_FATAL_FAILURE(prepare(cluster));
  auto host = start_host(cluster);
  ASSERT_TRUE(host);
  auto address = host->wait_for_match(
      std::regex(R"(serving metrics and health on http://([0-9.]+:[0-9]+))"), 30s);
  ASSERT_TRUE(address) << host->stderr_text();
  ASSERT_TRUE(host->wait_for_output("became the leader", 60s)) << host->stderr_text();
  // The dgd and dgdsa plugins ask for the pod fields they read
  // (plugins/common observed_pod_fields); they write DGDs and adapters back,
  // which are cached whole.
  const std::string log = host->stderr_text();
  EXPECT_NE(log.find("caching v1 Pod projected to what its plugins read: apiVersion, kind, "
                     "metadata.creationTimestamp, metadata.deletionTimestamp, metadata.labels, "
                     "metadata.name, metadata.namespace, metadata.ownerReferences, "
                     "metadata.resourceVersion, metadata.uid, status.conditions.status, "
                     "status.conditions.type, status.phase"),
            std::string::npos)
      << log;
  EXPECT_EQ(log.find("DynamoGraphDeployment projected"), std::string::npos) << log;

  EXPECT_TRUE(test::eventually(
      [&] { return http_get("http://" + *address + "/readyz").starts_with("200"); }, 60))
      << http_get("http://" + *address + "/readyz") << "\n"
      << host->stderr_text();

  EXPECT_TRUE(test::eventually([&] { return sglang_adapters_exist(cluster); }, 60))
      << host->stderr_text();
  EXPECT_TRUE(
      test::eventually([&] { return pod_names(cluster, "sglang-agg-decode-").size() == 1; }, 60))
      << host->stderr_text();
  EXPECT_FALSE(lease_holder(cluster).empty());

  auto scale = kubectl(cluster, {"scale", "dgdsa", "sglang-agg-decode", "--replicas=3"});
  ASSERT_EQ(scale.exit_code, 0) << scale.err;
  EXPECT_TRUE(
      test::eventually([&] { return pod_names(cluster, "sglang-agg-decode-").size() == 3; }, 60))
      << pod_names(cluster, "sglang-agg-decode-").size() << " decode pod(s)\n"
      << host->stderr_text();

  ASSERT_TRUE(host->signal(SIGTERM));
  EXPECT_EQ(host->wait(60s), 0) << host->stderr_text();
  EXPECT_EQ(lease_holder(cluster), "");
}

// CRDs applied after the host started (as a user following the guide may
// do): the host waits for the kinds, reports not ready meanwhile, and wires
// the dgd and dgdsa reconcilers once the kinds are served.
TEST(HostWithKubernetes, WiresReconcilersWhenTheirCrdsAreAppliedAfterStart) {
  test::LocalCluster cluster;
  ASSERT_TRUE(cluster.ok()) << cluster.error();
  auto ns = kubectl(cluster, {"create", "namespace", "dynop-system"});
  ASSERT_EQ(ns.exit_code, 0) << ns.err;
  auto host = start_host(cluster);
  ASSERT_TRUE(host);
  auto address = host->wait_for_match(
      std::regex(R"(serving metrics and health on http://([0-9.]+:[0-9]+))"), 30s);
  ASSERT_TRUE(address) << host->stderr_text();
  ASSERT_TRUE(host->wait_for_output(
      "plugin dgd: waiting for nvidia.com/v1alpha1 DynamoGraphDeployment to be served; not ready "
      "until it is",
      60s))
      << host->stderr_text();
  EXPECT_TRUE(http_get("http://" + *address + "/readyz?verbose").starts_with("503"));
  EXPECT_NE(http_get("http://" + *address + "/readyz?verbose")
                .find("waiting for nvidia.com/v1alpha1 DynamoGraphDeployment"),
            std::string::npos);
  EXPECT_EQ(host->stderr_text().find("dynop is ready"), std::string::npos);

  auto crds = kubectl(cluster, {"apply", "-f", test::source_path("crds")});
  ASSERT_EQ(crds.exit_code, 0) << crds.err;
  auto dgd = kubectl(
      cluster, {"apply", "-f", test::source_path("examples/backends/sglang/deploy/agg.yaml")});
  ASSERT_EQ(dgd.exit_code, 0) << dgd.err;
  EXPECT_TRUE(test::eventually([&] { return sglang_adapters_exist(cluster); }, 60))
      << host->stderr_text();
  EXPECT_TRUE(host->wait_for_output("plugin dgd: its kinds are served; reconciler wired", 60s))
      << host->stderr_text();
  EXPECT_TRUE(host->wait_for_output("dynop is ready", 60s)) << host->stderr_text();
  EXPECT_TRUE(http_get("http://" + *address + "/readyz").starts_with("200"));
  ASSERT_TRUE(host->signal(SIGTERM));
  EXPECT_EQ(host->wait(60s), 0) << host->stderr_text();
}

TEST(HostWithKubernetes, WithoutLeaderElectionRunsControllersAndTakesNoLease) {
  test::LocalCluster cluster;
  prepare(cluster);
  if (HasFatalFailure()) return;
  auto host = start_host(cluster, {"--leader-elect=false"});
  ASSERT_TRUE(host);
  EXPECT_TRUE(
      test::eventually([&] { return pod_names(cluster, "sglang-agg-decode-").size() == 1; }, 60))
      << host->stderr_text();
  EXPECT_EQ(lease_holder(cluster), "<no spec>");
  ASSERT_TRUE(host->signal(SIGTERM));
  EXPECT_EQ(host->wait(60s), 0) << host->stderr_text();
}

TEST(HostWithKubernetes, LosingTheLeaseExitsWithOne) {
  test::LocalCluster cluster;
  prepare(cluster);
  if (HasFatalFailure()) return;
  auto host = start_host(cluster, {"--leader-election-id", "dynop-leader"});
  ASSERT_TRUE(host);
  ASSERT_TRUE(host->wait_for_output("became the leader", 60s)) << host->stderr_text();
  // Another replica takes the lease over (as after a partition): ours must
  // not keep reconciling.
  auto steal = kubectl(
      cluster, {"patch", "lease", "dynop-leader", "-n", "dynop-system", "--type=merge", "-p",
                R"({"spec":{"holderIdentity":"other-replica",)"
                R"("leaseDurationSeconds":3600}})"});
  ASSERT_EQ(steal.exit_code, 0) << steal.err;
  EXPECT_EQ(host->wait(90s), 1) << host->stderr_text();
  EXPECT_NE(host->stderr_text().find("lost leadership; exiting"), std::string::npos)
      << host->stderr_text();
  EXPECT_EQ(lease_holder(cluster), "other-replica");
}

TEST(HostCommandLine, LeaderElectMustBeTrueOrFalse) {
  auto r = test::run(test::binary_path("bin/dynop"), {"--leader-elect", "maybe"}, 30s);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "dynop: --leader-elect: \"maybe\" is not true or false\n");
}

TEST(HostWithKubernetes, UnreachableApiServerIsLoggedAndRetriedUntilStopped) {
  test::TempDir dir;
  const std::string kubeconfig = dir.path().string() + "/kubeconfig";
  {
    // Port 1 on loopback: nothing listens there, connections are refused.
    std::ofstream out(kubeconfig);
    out << "apiVersion: v1\nkind: Config\ncurrent-context: c\n"
           "clusters:\n- name: k\n  cluster:\n    server: https://127.0.0.1:1\n"
           "    insecure-skip-tls-verify: true\n"
           "users:\n- name: u\n  user:\n    token: t\n"
           "contexts:\n- name: c\n  context:\n    cluster: k\n    user: u\n";
  }
  std::string error;
  auto host = test::Process::spawn(
      test::binary_path("bin/dynop"),
      {"--kubeconfig", kubeconfig, "--plugin-dir", test::binary_path("plugins"), "--plugins",
       "dgd,dgdsa", "--metrics-address", "127.0.0.1:0"},
      error, host_spawn_options());
  ASSERT_TRUE(host) << error;
  ASSERT_TRUE(host->wait_for_match(
      std::regex(
          R"(cannot reach the Kubernetes API server at https://127\.0\.0\.1:1: [^\n]*retrying[^\n]*\n(.|\n)*cannot reach the Kubernetes API server)"),
      60s))
      << host->stderr_text();
  EXPECT_TRUE(host->running());
  ASSERT_TRUE(host->signal(SIGTERM));
  EXPECT_EQ(host->wait(60s), 0) << host->stderr_text();
}

}  // namespace
}  // namespace dynop
