// Fault injection as a client of dynop-localcluster sees it: failed writes
// (409/429/500) that change nothing, the resource filter, latency settings,
// dropped watches, compaction (410 on resume), restart in place, and the
// admin endpoint's refusals (403 impersonated, 400 bad settings).

#include <gtest/gtest.h>

#include "tests/integration/localcluster/local_cluster.hpp"
#include "tests/support/paths.hpp"

namespace dynop::test {
namespace {

namespace json = boost::json;

const std::string kConfigMaps = "/api/v1/namespaces/default/configmaps";

json::object config_map(const std::string& name, const std::string& value = "v") {
  return json::object{{"apiVersion", "v1"},
                      {"kind", "ConfigMap"},
                      {"metadata", json::object{{"name", name}}},
                      {"data", json::object{{"k", value}}}};
}

ApiResponse set_faults(LocalCluster& c, const json::object& settings) {
  return c.put("/admin/faults", settings);
}

TEST(FaultInjection, FlagsFailWritesToTheListedResourcesWithoutStoringThem) {
  LocalCluster c(
      LocalCluster::Options{true,
                            {"--fault-write-error-rate", "1", "--fault-write-error-code", "409",
                             "--fault-resources", "configmaps", "--fault-latency", "5"}});
  ASSERT_TRUE(c.ok()) << c.error();

  auto faults = c.get("/admin/faults");
  EXPECT_EQ(faults.status, 200u);
  EXPECT_EQ(faults.json(), json::parse(R"({"writeErrorRate":1,"writeErrorCode":409,
      "retryAfterSeconds":1,"latencyMs":5,"resources":["configmaps"],"names":[],"injectedFailures":0})"));

  auto refused = c.post(kConfigMaps, config_map("copy"));
  EXPECT_EQ(refused.status, 409u);
  EXPECT_EQ(refused.json(), json::parse(R"({"kind":"Status","apiVersion":"v1","metadata":{},
      "status":"Failure","message":"Operation cannot be fulfilled on configmaps \"copy\": the object has been modified; please apply your changes to the latest version and try again",
      "reason":"Conflict","details":{"name":"copy","kind":"configmaps"},"code":409})"));
  EXPECT_EQ(c.get(kConfigMaps + "/copy").status, 404u);

  // Other resources are untouched (a host's Lease, here a Secret).
  auto secret = c.post(
      "/api/v1/namespaces/default/secrets",
      json::object{
          {"apiVersion", "v1"}, {"kind", "Secret"}, {"metadata", json::object{{"name", "kept"}}}});
  EXPECT_EQ(secret.status, 201u) << secret.body;
  EXPECT_EQ(c.get(kConfigMaps).status, 200u);  // reads are never failed
  EXPECT_EQ(field_text(c.get("/admin/faults").json(), {"injectedFailures"}), "1");
}

TEST(FaultInjection, FailedUpdatesPatchesAndDeletesLeaveTheObjectAsItWas) {
  LocalCluster c;
  ASSERT_TRUE(c.ok()) << c.error();
  auto created = c.post(kConfigMaps, config_map("settled", "before"));
  ASSERT_EQ(created.status, 201u);
  std::string rv = field_text(created.json(), {"metadata", "resourceVersion"});

  auto on = set_faults(c, {{"writeErrorRate", 1}, {"writeErrorCode", 500}});
  ASSERT_EQ(on.status, 200u) << on.body;
  auto patched = c.patch(kConfigMaps + "/settled", R"({"data":{"k":"after"}})");
  EXPECT_EQ(patched.status, 500u);
  EXPECT_EQ(field_text(patched.json(), {"reason"}), "InternalError");
  EXPECT_EQ(field_text(patched.json(), {"message"}).rfind("Internal error occurred: ", 0), 0u);
  auto updated = c.put(kConfigMaps + "/settled", config_map("settled", "after"));
  EXPECT_EQ(updated.status, 500u);
  EXPECT_EQ(c.del(kConfigMaps + "/settled").status, 500u);
  EXPECT_EQ(c.del(kConfigMaps).status, 500u);  // deletecollection

  auto unchanged = c.get(kConfigMaps + "/settled");
  ASSERT_EQ(unchanged.status, 200u);
  EXPECT_EQ(field_text(unchanged.json(), {"data", "k"}), "before");
  EXPECT_EQ(field_text(unchanged.json(), {"metadata", "resourceVersion"}), rv);

  ASSERT_EQ(set_faults(c, {{"writeErrorRate", 0}}).status, 200u);
  EXPECT_EQ(c.patch(kConfigMaps + "/settled", R"({"data":{"k":"after"}})").status, 200u);
  EXPECT_EQ(field_text(c.get("/admin/faults").json(), {"injectedFailures"}), "4");
}

TEST(FaultInjection, TooManyRequestsCarriesRetryAfter) {
  LocalCluster c;
  ASSERT_TRUE(c.ok()) << c.error();
  ASSERT_EQ(
      set_faults(c, {{"writeErrorRate", 1}, {"writeErrorCode", 429}, {"retryAfterSeconds", 2}})
          .status,
      200u);
  auto refused = c.post(kConfigMaps, config_map("later"));
  EXPECT_EQ(refused.status, 429u);
  EXPECT_EQ(refused.header("Retry-After"), "2");
  EXPECT_EQ(refused.json(), json::parse(R"({"kind":"Status","apiVersion":"v1","metadata":{},
      "status":"Failure","message":"Too many requests, please try again later.",
      "reason":"TooManyRequests","details":{"retryAfterSeconds":2},"code":429})"));
  EXPECT_EQ(c.get(kConfigMaps + "/later").status, 404u);
}

TEST(FaultInjection, SubresourceWritesAreFaultedToo) {
  LocalCluster c;
  ASSERT_TRUE(c.ok()) << c.error();
  json::object pod{
      {"apiVersion", "v1"},
      {"kind", "Pod"},
      {"metadata", json::object{{"name", "unbound"}}},
      {"spec", json::object{{"containers", json::array{json::object{{"name", "main"},
                                                                    {"image", "busybox:1"}}}}}}};
  ASSERT_EQ(c.post("/api/v1/namespaces/default/pods", pod).status, 201u);
  ASSERT_EQ(set_faults(c, {{"writeErrorRate", 1}, {"resources", json::array{"pods"}}}).status,
            200u);
  auto bound = c.post("/api/v1/namespaces/default/pods/unbound/binding",
                      json::object{{"apiVersion", "v1"},
                                   {"kind", "Binding"},
                                   {"metadata", json::object{{"name", "unbound"}}},
                                   {"target", json::object{{"kind", "Node"}, {"name", "n1"}}}});
  EXPECT_EQ(bound.status, 500u);
  EXPECT_EQ(
      field_text(c.get("/api/v1/namespaces/default/pods/unbound").json(), {"spec", "nodeName"}),
      "<missing>");
}

TEST(FaultInjection, LatencyIsReportedAndRequestsStillSucceed) {
  LocalCluster c;
  ASSERT_TRUE(c.ok()) << c.error();
  auto set = set_faults(c, {{"latencyMs", 30}});
  ASSERT_EQ(set.status, 200u);
  EXPECT_EQ(field_text(set.json(), {"latencyMs"}), "30");
  EXPECT_EQ(c.post(kConfigMaps, config_map("slow")).status, 201u);
  EXPECT_EQ(c.get(kConfigMaps + "/slow").status, 200u);
  EXPECT_EQ(field_text(c.get("/admin/faults").json(), {"latencyMs"}), "30");
}

TEST(FaultInjection, DropWatchesEndsEveryOpenWatch) {
  LocalCluster c;
  ASSERT_TRUE(c.ok()) << c.error();
  auto first = c.watch(kConfigMaps + "?watch=true");
  auto second = c.watch("/api/v1/namespaces?watch=true&allowWatchBookmarks=true");
  ASSERT_TRUE(first.ok() && second.ok());
  ASSERT_EQ(c.post(kConfigMaps, config_map("seen")).status, 201u);
  ASSERT_EQ(read_events(*first.stream, 1).size(), 1u);  // both watches are live
  ASSERT_GE(read_events(*second.stream, 1).size(), 1u);

  auto dropped = c.post("/admin/faults/drop-watches", json::object{});
  EXPECT_EQ(dropped.status, 200u);
  // Ours, and the cluster's own controllers' as a restarted kube-apiserver
  // drops them too: the HPA controller watches HPAs and pods, KEDA
  // ScaledObjects and HPAs (their informers are synced before it serves).
  EXPECT_EQ(dropped.json(), json::parse(R"({"dropped":6})"));
  EXPECT_TRUE(read_to_end(*first.stream));  // the server ended the stream cleanly
  EXPECT_TRUE(read_to_end(*second.stream));
  // Watching again works.
  auto again = c.watch(kConfigMaps + "?watch=true");
  ASSERT_TRUE(again.ok());
  auto events = read_events(*again.stream, 1);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(field_text(events[0], {"object", "metadata", "name"}), "seen");
  again.stream->cancel();
}

TEST(FaultInjection, CompactionMakesAResumedWatchGet410) {
  LocalCluster c;
  ASSERT_TRUE(c.ok()) << c.error();
  std::string listed = field_text(c.get(kConfigMaps).json(), {"metadata", "resourceVersion"});
  auto w = c.watch(kConfigMaps + "?watch=true&resourceVersion=" + listed);
  ASSERT_TRUE(w.ok());
  auto created = c.post(kConfigMaps, config_map("after-list"));
  ASSERT_EQ(created.status, 201u);
  std::string current = field_text(created.json(), {"metadata", "resourceVersion"});
  ASSERT_EQ(read_events(*w.stream, 1).size(), 1u);

  auto compacted = c.post("/admin/faults/compact", json::object{});
  EXPECT_EQ(compacted.status, 200u);
  EXPECT_EQ(field_text(compacted.json(), {"compactedTo"}), current);
  EXPECT_TRUE(read_to_end(*w.stream));  // dropped, so the client must resume

  auto resumed =
      c.watch(kConfigMaps + "?watch=true&allowWatchBookmarks=true&resourceVersion=" + listed);
  ASSERT_TRUE(resumed.ok());
  EXPECT_EQ(resumed.head.status, 200u);
  auto events = read_events(*resumed.stream, 2);
  ASSERT_EQ(events.size(), 1u);  // one ERROR, then the stream ends
  EXPECT_EQ(field_text(events[0], {"type"}), "ERROR");
  EXPECT_EQ(field_text(events[0], {"object", "kind"}), "Status");
  EXPECT_EQ(field_text(events[0], {"object", "code"}), "410");
  EXPECT_EQ(field_text(events[0], {"object", "reason"}), "Expired");
  EXPECT_EQ(field_text(events[0], {"object", "message"}),
            "too old resource version: " + listed + " (" +
                std::to_string(std::stoull(current) + 1) + ")");

  // A client that relists gets the current resourceVersion and can watch from it.
  std::string relisted = field_text(c.get(kConfigMaps).json(), {"metadata", "resourceVersion"});
  EXPECT_EQ(relisted, current);
  auto fresh = c.watch(kConfigMaps + "?watch=true&resourceVersion=" + relisted);
  ASSERT_TRUE(fresh.ok());
  ASSERT_EQ(c.post(kConfigMaps, config_map("after-compaction")).status, 201u);
  auto more = read_events(*fresh.stream, 1);
  ASSERT_EQ(more.size(), 1u);
  EXPECT_EQ(field_text(more[0], {"type"}), "ADDED");
  fresh.stream->cancel();
}

TEST(FaultInjection, RestartKeepsObjectsResourceVersionsAndThePort) {
  LocalCluster c(LocalCluster::Options{false, {}});  // SQLite in the data folder
  ASSERT_TRUE(c.ok()) << c.error();
  auto created = c.post(kConfigMaps, config_map("durable"));
  ASSERT_EQ(created.status, 201u);
  auto before = c.get(kConfigMaps + "/durable").json();
  std::string listed = field_text(c.get(kConfigMaps).json(), {"metadata", "resourceVersion"});
  auto w = c.watch(kConfigMaps + "?watch=true&resourceVersion=" + listed);
  ASSERT_TRUE(w.ok());
  ASSERT_EQ(set_faults(c, {{"latencyMs", 1}}).status, 200u);

  auto restart = c.post("/admin/restart", json::object{});
  EXPECT_EQ(restart.status, 202u);
  EXPECT_TRUE(read_to_end(*w.stream));  // the watch ends with the restart
  c.close_idle_connections();           // so the first answer below is the new server's

  // Same URL (same port, certificates and token) serves again.
  ApiResponse after;
  ASSERT_TRUE(eventually(
      [&] {
        after = c.get(kConfigMaps + "/durable");
        return after.status == 200u;
      },
      20))
      << after.body;
  EXPECT_EQ(field_text(after.json(), {"metadata", "uid"}), field_text(before, {"metadata", "uid"}));
  EXPECT_EQ(field_text(after.json(), {"metadata", "resourceVersion"}),
            field_text(before, {"metadata", "resourceVersion"}));
  EXPECT_EQ(field_text(c.get(kConfigMaps).json(), {"metadata", "resourceVersion"}), listed);
  auto next = c.post(kConfigMaps, config_map("after-restart"));
  ASSERT_EQ(next.status, 201u);
  EXPECT_GT(std::stoull(field_text(next.json(), {"metadata", "resourceVersion"})),
            std::stoull(listed));
  // Fault settings outlive the restart; the process never exited.
  EXPECT_EQ(field_text(c.get("/admin/faults").json(), {"latencyMs"}), "1");
  EXPECT_TRUE(c.process().running());
  EXPECT_EQ(c.stop(), 0);
}

TEST(FaultInjection, RestartInMemoryKeepsNothing) {
  LocalCluster c;
  ASSERT_TRUE(c.ok()) << c.error();
  ASSERT_EQ(c.post(kConfigMaps, config_map("gone")).status, 201u);
  EXPECT_EQ(c.post("/admin/restart", json::object{}).status, 202u);
  ASSERT_TRUE(eventually([&] { return c.get(kConfigMaps + "/gone").status == 404u; }, 20));
  EXPECT_EQ(c.get("/api/v1/namespaces/default").status, 200u);  // bootstrapped again
}

TEST(FaultInjection, AdminEndpointRefusesImpersonationAndBadSettings) {
  LocalCluster c;
  ASSERT_TRUE(c.ok()) << c.error();
  auto impersonated = c.request("PUT", "/admin/faults", R"({"writeErrorRate":1})",
                                "application/json", {{"Impersonate-User", "bob"}});
  EXPECT_EQ(impersonated.status, 403u);
  EXPECT_EQ(field_text(impersonated.json(), {"reason"}), "Forbidden");
  EXPECT_EQ(field_text(impersonated.json(), {"message"}),
            R"(forbidden: User "bob" cannot update path "/admin/faults")");
  EXPECT_EQ(c.request("GET", "/admin/faults", "", "application/json", {}, false).status, 401u);

  auto bad = c.request("PUT", "/admin/faults", R"({"writeErrorRate":"half"})");
  EXPECT_EQ(bad.status, 400u);
  EXPECT_EQ(field_text(bad.json(), {"kind"}), "Status");
  EXPECT_EQ(field_text(bad.json(), {"reason"}), "BadRequest");
  EXPECT_EQ(field_text(bad.json(), {"message"}),
            R"(writeErrorRate: Invalid value: "half": must be a number)");
  auto code = c.request("PUT", "/admin/faults", R"({"writeErrorCode":503})");
  EXPECT_EQ(code.status, 400u);
  EXPECT_NE(field_text(code.json(), {"message"}).find("writeErrorCode"), std::string::npos);
  auto unknown = c.request("PUT", "/admin/faults", R"({"dropWatches":true})");
  EXPECT_EQ(unknown.status, 400u);
  EXPECT_EQ(field_text(unknown.json(), {"message"}), R"(unknown field "dropWatches")");
  EXPECT_EQ(field_text(c.get("/admin/faults").json(), {"writeErrorRate"}), "0");
  // Discovery does not list it.
  EXPECT_EQ(c.get("/api").body.find("admin"), std::string::npos);
}

TEST(FaultInjection, BadFlagStopsStartupNamingTheFlag) {
  std::string error;
  TempDir dir("localcluster-fault-flags");
  auto process = Process::spawn(
      binary_path("bin/dynop-localcluster"),
      {"--data-dir", dir.path().string(), "--in-memory", "--fault-write-error-rate", "1.5"}, error);
  ASSERT_TRUE(process) << error;
  EXPECT_EQ(process->wait(std::chrono::seconds(20)), 2);
  EXPECT_NE(process->stderr_text().find(
                R"(--fault-write-error-rate: invalid value "1.5": must be between 0 and 1)"),
            std::string::npos)
      << process->stderr_text();
}

}  // namespace
}  // namespace dynop::test
