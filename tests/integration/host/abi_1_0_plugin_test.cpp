// The version rule of the plugin ABI, through the real path: the real dynop
// host against the real dynop-localcluster loads a plugin built against the
// frozen ABI 1.0 headers (tests/fixtures/abi-1.0, legacy-copier) and it works:
// its reconciler reads the cache and writes through the host, its admission
// hook answers the cluster's webhook calls. A 1.0 placement plugin
// (legacy-scheduler) still places the pods of its scheduler through 1.0's
// per-node JSON filter and score hooks, beside ABI 1.2's typed batch ones. In the same folder, a
// plugin that needs a newer minor than this host is refused with the documented message. This test
// stays forever: every later ABI change is checked against a real old plugin.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <filesystem>
#include <memory>
#include <regex>
#include <string>

#include "dynop/abi.h"
#include "lib/apimachinery/base64.hpp"
#include "lib/net/certificates.hpp"
#include "tests/integration/localcluster/local_cluster.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/running_host.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/text_lines.hpp"

namespace dynop {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using test::eventually;
using test::field_text;
using ::testing::HasSubstr;

constexpr int kWaitSeconds = 30;
constexpr const char* kConfigMaps = "/api/v1/namespaces/default/configmaps";
constexpr const char* kWebhook = "legacy-copier.abi10.dynop.dev";

json::object configmap(const std::string& name, const std::string& role, json::object data) {
  return {{"apiVersion", "v1"},
          {"kind", "ConfigMap"},
          {"metadata", {{"name", name}, {"labels", {{"abi10.dynop.dev/role", role}}}}},
          {"data", std::move(data)}};
}

class Abi10Plugin : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(cluster_.ok()) << cluster_.error();
    // The frozen 1.0 plugin and one that needs the next minor, side by side.
    fs::create_directories(plugins());
    for (const char* c : {"abi-1.0", "newer-minor"}) {
      for (const auto& e : fs::directory_iterator(test::binary_path("test-plugins") + "/" + c)) {
        fs::create_symlink(e.path(), plugins() / e.path().filename());
      }
    }
    std::string error;
    net::CertificateRequest ca_request;
    ca_request.common_name = "abi10-test-ca";
    ca_request.valid_days = 1;
    ca_request.is_ca = true;
    ca_request.server_auth = false;
    auto ca = net::issue_certificate(ca_request, nullptr, error);
    ASSERT_TRUE(ca) << error;
    net::CertificateRequest serving;
    serving.common_name = "dynop-webhook";
    serving.ip_addresses = {"127.0.0.1"};
    serving.valid_days = 1;
    auto cert = net::issue_certificate(serving, &*ca, error);
    ASSERT_TRUE(cert) << error;
    ca_pem_ = ca->cert_pem;

    host_ = std::make_unique<test::RunningHost>(std::vector<std::string>{
        "--kubeconfig", cluster_.kubeconfig(), "--plugin-dir", plugins().string(),
        "--metrics-address", "127.0.0.1:0", "--leader-elect=false", "--admission-address",
        "127.0.0.1:0", "--admission-cert-file", dir_.write("tls.crt", cert->cert_pem),
        "--admission-key-file", dir_.write("tls.key", cert->key_pem)});
    ASSERT_TRUE(host_->ready()) << host_->log();
    std::smatch match;
    const std::string log = host_->log();
    ASSERT_TRUE(std::regex_search(
        log, match, std::regex(R"(serving admission webhooks on https://([0-9.]+:[0-9]+))")))
        << log;
    register_webhook(match[1].str());
  }

  void TearDown() override {
    if (host_ && host_->started()) {
      EXPECT_EQ(host_->stop(), 0) << host_->log();
    }
  }

  fs::path plugins() const { return dir_.path() / "plugins"; }

  // The cluster calls the host's admission server for ConfigMap writes, as
  // `make run` registers the DGD webhooks (packaging/run-local.sh).
  void register_webhook(const std::string& address) {
    json::object webhook{
        {"name", kWebhook},
        {"clientConfig",
         {{"url", "https://" + address + "/validate--v1-configmap"},
          {"caBundle", apimachinery::base64_encode(ca_pem_)}}},
        {"rules", json::array{json::object{{"operations", json::array{"CREATE", "UPDATE"}},
                                           {"apiGroups", json::array{""}},
                                           {"apiVersions", json::array{"v1"}},
                                           {"resources", json::array{"configmaps"}},
                                           {"scope", "Namespaced"}}}},
        {"failurePolicy", "Fail"},
        {"sideEffects", "None"},
        {"timeoutSeconds", 10},
        {"admissionReviewVersions", json::array{"v1"}}};
    auto r = cluster_.post("/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations",
                           json::object{{"apiVersion", "admissionregistration.k8s.io/v1"},
                                        {"kind", "ValidatingWebhookConfiguration"},
                                        {"metadata", {{"name", "legacy-copier"}}},
                                        {"webhooks", json::array{webhook}}});
    ASSERT_EQ(r.status, 201u) << r.body;
  }

  test::ApiResponse get(const std::string& name) {
    return cluster_.get(std::string(kConfigMaps) + "/" + name);
  }

  // The messages of the Events with `reason` on ConfigMap `name`.
  std::vector<std::string> events(const std::string& name, const std::string& reason) {
    std::vector<std::string> out;
    for (const json::value& e : test::items(cluster_.get("/api/v1/namespaces/default/events"))) {
      if (field_text(e, {"involvedObject", "name"}) == name &&
          field_text(e, {"reason"}) == reason) {
        out.push_back(field_text(e, {"message"}));
      }
    }
    return out;
  }

  bool has_event(const std::string& name, const std::string& reason, const std::string& message) {
    return eventually(
        [&] {
          auto all = events(name, reason);
          return std::find(all.begin(), all.end(), message) != all.end();
        },
        kWaitSeconds);
  }

  std::string context() { return "--- host log ---\n" + host_->log(); }

  test::TempDir dir_{"abi-1-0-plugin"};
  test::LocalCluster cluster_;
  std::string ca_pem_;
  std::unique_ptr<test::RunningHost> host_;
};

TEST_F(Abi10Plugin, LoadsBesideARefusedNewerMinor) {
  const std::string log = host_->log();
  EXPECT_THAT(log, HasSubstr("plugin legacy-copier: built against plugin ABI 1.0"));
  EXPECT_THAT(log, HasSubstr("plugin legacy-copier 1.0.0 loaded from"));
  const std::string host_abi =
      std::to_string(DYNOP_ABI_VERSION_MAJOR) + "." + std::to_string(DYNOP_ABI_VERSION_MINOR);
  const std::string newer_abi =
      std::to_string(DYNOP_ABI_VERSION_MAJOR) + "." + std::to_string(DYNOP_ABI_VERSION_MINOR + 1);
  const auto refusals = test::lines_with(log, "fixture_newer_minor.so: refused");
  ASSERT_EQ(refusals.size(), 1u) << log;
  EXPECT_THAT(refusals[0], HasSubstr("it needs plugin ABI " + newer_abi +
                                     " but this host only provides " + host_abi +
                                     "; upgrade the host or rebuild the plugin against an "
                                     "older SDK"));
  const std::string metrics = host_->get("/metrics").body;
  EXPECT_THAT(metrics,
              HasSubstr(R"(dynop_plugin_status{plugin="legacy-copier",state="started"} 1)"));
  EXPECT_THAT(metrics, HasSubstr(R"(dynop_plugin_status{plugin="newer-minor",state="refused"} 1)"));
}

// Cached get and list, create, update, merge patch, delete, Events, a metric
// and a function-mapped watch, all through the 1.0 plugin's host table.
TEST_F(Abi10Plugin, ReconcilesThroughTheHostCallbacks) {
  auto created = cluster_.post(kConfigMaps, configmap("src", "source", {{"a", "1"}}));
  ASSERT_EQ(created.status, 201u) << created.body;
  const std::string source_uid = field_text(created.json(), {"metadata", "uid"});

  ASSERT_TRUE(eventually(
      [&] {
        return field_text(get("src-copy").json(), {"data", "a"}) == "1";
      },
      kWaitSeconds))
      << context();
  const json::value copy = get("src-copy").json();
  EXPECT_EQ(field_text(copy, {"metadata", "labels", "abi10.dynop.dev/copy-of"}), "src");
  const json::value& owner = copy.at("metadata").at("ownerReferences").at(0);
  EXPECT_EQ(field_text(owner, {"uid"}), source_uid);
  EXPECT_EQ(field_text(owner, {"controller"}), "true");
  EXPECT_TRUE(eventually(
      [&] {
        return field_text(get("src").json(),
                          {"metadata", "annotations", "abi10.dynop.dev/copied-by"}) ==
               "legacy-copier 1.0.0";
      },
      kWaitSeconds))
      << context();
  EXPECT_TRUE(has_event("src", "Copied", "created src-copy")) << context();

  // update_object
  auto patched = cluster_.patch(std::string(kConfigMaps) + "/src", R"({"data":{"a":"2"}})");
  ASSERT_EQ(patched.status, 200u) << patched.body;
  EXPECT_TRUE(eventually(
      [&] {
        return field_text(get("src-copy").json(), {"data", "a"}) == "2";
      },
      kWaitSeconds))
      << context();
  EXPECT_TRUE(has_event("src", "Copied", "updated src-copy")) << context();

  // A deleted copy wakes its source through map_to_primary and comes back.
  const std::string copy_uid = field_text(get("src-copy").json(), {"metadata", "uid"});
  ASSERT_EQ(cluster_.del(std::string(kConfigMaps) + "/src-copy").status, 200u);
  EXPECT_TRUE(eventually(
      [&] {
        const json::value again = get("src-copy").json();
        return field_text(again, {"data", "a"}) == "2" &&
               field_text(again, {"metadata", "uid"}) != copy_uid;
      },
      kWaitSeconds))
      << context();

  // delete_object
  patched = cluster_.patch(std::string(kConfigMaps) + "/src", R"({"data":{"drop-copy":"yes"}})");
  ASSERT_EQ(patched.status, 200u) << patched.body;
  EXPECT_TRUE(eventually([&] { return get("src-copy").status == 404; }, kWaitSeconds)) << context();
  EXPECT_TRUE(has_event("src", "Dropped", "deleted src-copy")) << context();

  EXPECT_GE(
      host_->metric("legacy_copier_reconciles_total", {R"(configmap="default/src")"}).value_or(0),
      4);
}

// requeue_after: a counter reaches its target only by requeueing itself.
TEST_F(Abi10Plugin, RequeuesThroughTheHost) {
  auto created = cluster_.post(kConfigMaps, configmap("counter", "counter", {{"target", "3"}}));
  ASSERT_EQ(created.status, 201u) << created.body;
  EXPECT_TRUE(eventually(
      [&] {
        return field_text(get("counter").json(), {"data", "reached"}) == "3";
      },
      kWaitSeconds))
      << context();
}

// The 1.0 admission hook answers the cluster's webhook calls: a denial with
// its message, and an allowed write with its warning.
TEST_F(Abi10Plugin, ReviewsTheClustersAdmissionRequests) {
  auto denied = cluster_.post(kConfigMaps, configmap("bad", "source", {{"forbidden", "x"}}));
  EXPECT_EQ(denied.status, 403u) << denied.body;
  EXPECT_EQ(field_text(denied.json(), {"message"}),
            std::string("admission webhook \"") + kWebhook +
                "\" denied the request: legacy-copier: a source ConfigMap may not hold the key "
                "\"forbidden\"");
  EXPECT_EQ(get("bad").status, 404u);

  auto warned = cluster_.post(kConfigMaps, configmap("old", "source", {{"deprecated", "x"}}));
  EXPECT_EQ(warned.status, 201u) << warned.body;
  EXPECT_THAT(warned.header("Warning"),
              HasSubstr("legacy-copier: the key \\\"deprecated\\\" is not copied specially"));
  EXPECT_TRUE(eventually([&] { return get("old-copy").status == 200; }, kWaitSeconds)) << context();
}

// legacy-scheduler (legacy_scheduler_plugin.cpp): pods of scheduler
// "legacy-scheduler" fit the nodes of their pool, the highest rank wins.
TEST_F(Abi10Plugin, PlacesThePodsOfItsSchedulerThroughThePerNodeJsonHooks) {
  auto node = [&](const std::string& name, const std::string& pool, const std::string& rank) {
    json::object status{
        {"allocatable", {{"cpu", "8"}, {"memory", "32Gi"}, {"pods", "110"}}},
        {"conditions", json::array{json::object{{"type", "Ready"}, {"status", "True"}}}}};
    auto r = cluster_.post(
        "/api/v1/nodes",
        json::object{
            {"apiVersion", "v1"},
            {"kind", "Node"},
            {"metadata",
             {{"name", name},
              {"labels", {{"legacy.dynop.dev/pool", pool}, {"legacy.dynop.dev/rank", rank}}}}},
            {"status", status}});
    ASSERT_EQ(r.status, 201u) << r.body;
  };
  node("a-low", "a", "10");
  node("a-high", "a", "90");
  node("b-top", "b", "100");
  auto pod = [&](const std::string& name, const std::string& pool) {
    auto r = cluster_.post(
        "/api/v1/namespaces/default/pods",
        json::object{
            {"apiVersion", "v1"},
            {"kind", "Pod"},
            {"metadata", {{"name", name}, {"labels", {{"legacy.dynop.dev/pool", pool}}}}},
            {"spec",
             {{"schedulerName", "legacy-scheduler"},
              {"containers", json::array{json::object{{"name", "main"}, {"image", "busybox"}}}}}}});
    ASSERT_EQ(r.status, 201u) << r.body;
  };
  auto node_of = [&](const std::string& name) {
    return field_text(cluster_.get("/api/v1/namespaces/default/pods/" + name).json(),
                      {"spec", "nodeName"});
  };
  // The pod no node fits first: its message counts the three nodes, so the
  // host's node cache holds them all before a pod that fits is placed (nodes
  // and pods come by separate watches, whose events may arrive in any order
  // between the two, as from kube-apiserver).
  pod("in-c", "c");
  EXPECT_TRUE(
      has_event("in-c", "FailedScheduling", "0/3 nodes are available: 3 node(s) not in pool c."))
      << context();
  pod("in-a", "a");
  ASSERT_TRUE(eventually([&] { return node_of("in-a") != "<missing>"; }, kWaitSeconds))
      << context();
  EXPECT_EQ(node_of("in-a"), "a-high");
  EXPECT_TRUE(has_event("in-a", "Scheduled", "Successfully assigned default/in-a to a-high"))
      << context();
  EXPECT_EQ(node_of("in-c"), "<missing>");
}

}  // namespace
}  // namespace dynop
