// What Prometheus scrapes from the host after `make run` (packaging/run-local.sh):
// /metrics fetched over HTTP from the running dynop, read by Prometheus' own
// parser (promtool check metrics, from Debian's prometheus package) and by
// lib/prometheus' reader, and checked to carry every metric family the host
// exports, with its type. The names are the contract dashboards and alerts
// use: a family renamed or dropped fails here.

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <regex>
#include <string>

#include "lib/net/http_client.hpp"
#include "lib/prometheus/text_format.hpp"
#include "tests/integration/localcluster/local_cluster.hpp"
#include "tests/support/process.hpp"
#include "tests/support/run_local_setup.hpp"

namespace dynop::e2e {
namespace {

// Every family the host exports once its controllers and admission server
// have run (series are created on first use; these all have one by then).
const std::map<std::string, std::string> kFamilies = {
    {"dynop_build_info", "gauge"},
    {"dynop_plugin_status", "gauge"},
    {"dynop_leader_election_is_leader", "gauge"},
    {"dynop_informer_lists_total", "counter"},
    {"dynop_informer_relists_total", "counter"},
    {"dynop_informer_watches_total", "counter"},
    {"dynop_informer_watch_ends_total", "counter"},
    {"dynop_informer_events_total", "counter"},
    {"dynop_informer_objects", "gauge"},
    {"workqueue_depth", "gauge"},
    {"workqueue_adds_total", "counter"},
    {"workqueue_retries_total", "counter"},
    {"workqueue_queue_duration_seconds", "histogram"},
    {"workqueue_work_duration_seconds", "histogram"},
    {"dynop_reconcile_total", "counter"},
    {"dynop_reconcile_duration_seconds", "histogram"},
    {"dynop_admission_requests_total", "counter"},
    {"dynop_admission_denials_total", "counter"},
    {"dynop_admission_review_duration_seconds", "histogram"},
    // make run loads planner.so, an autoscaler plugin: the host evaluates it.
    {"dynop_autoscaler_evaluations_total", "counter"},
    {"dynop_autoscaler_evaluation_duration_seconds", "histogram"},
    // The replica counts the timeline page charts (host/autoscaling/replica_gauges.hpp).
    {"dynop_scale_target_replicas", "gauge"},
    {"dynop_graph_service_ready_replicas", "gauge"},
    // client_golang's process collector, as controller-runtime registers it.
    {"process_cpu_seconds_total", "counter"},
    {"process_resident_memory_bytes", "gauge"},
    {"process_virtual_memory_bytes", "gauge"},
    {"process_virtual_memory_max_bytes", "gauge"},
    {"process_open_fds", "gauge"},
    {"process_max_fds", "gauge"},
    {"process_start_time_seconds", "gauge"},
};

class HostMetrics : public test::RunLocalTest {
 protected:
  std::string ops_address() { return setup_->ops_address(); }

  std::string scrape() {
    std::string error;
    auto client = net::HttpClient::create({}, error);
    EXPECT_TRUE(client) << error;
    if (!client) return "";
    net::ClientRequest request;
    request.url = "http://" + ops_address() + "/metrics";
    auto r = client->request(request);
    EXPECT_TRUE(r.ok()) << r.error;
    if (!r.ok()) return "";
    EXPECT_EQ(r.response->status, 200);
    EXPECT_EQ(r.response->header("Content-Type"), "text/plain; version=0.0.4; charset=utf-8");
    return r.response->body;
  }
};

TEST_F(HostMetrics, PrometheusReadsEveryFamilyTheHostExports) {
  // A scale through the adapter (reconciles, pods) and a refused direct edit
  // (an admission denial), as in the guide.
  setup_->kubectl_ok({"scale", "dgdsa", "sglang-agg-decode", "--replicas=2"});
  auto refused = setup_->kubectl({"patch", "dgd", "sglang-agg", "--type=merge", "-p",
                                  R"({"spec":{"services":{"decode":{"replicas":5}}}})"});
  EXPECT_EQ(refused.exit_code, 1) << refused.out << refused.err;

  std::string body;
  prometheus::TextExposition exposition;
  EXPECT_TRUE(test::eventually(
      [&] {
        body = scrape();
        auto parsed = prometheus::parse_text_format(body);
        if (!parsed.ok()) return false;
        exposition = *parsed;
        const auto* denials = exposition.find("dynop_admission_denials_total");
        const auto* reconciles = exposition.find("dynop_reconcile_total", {{"result", "success"}});
        return denials != nullptr && denials->value >= 1 && reconciles != nullptr &&
               reconciles->value >= 1;
      },
      60))
      << body;

  // Prometheus' own parser and linter accept it as it is.
  test::SpawnOptions stdin_body;
  stdin_body.stdin_text = body;
  auto promtool =
      test::run("/usr/bin/promtool", {"check", "metrics"}, std::chrono::seconds(30), stdin_body);
  EXPECT_EQ(promtool.exit_code, 0) << promtool.out << promtool.err;

  std::map<std::string, std::string> families;
  for (const auto& [name, type] : exposition.types) families[name] = type;
  EXPECT_EQ(families, kFamilies) << body;
  for (const auto& [name, type] : kFamilies) {
    EXPECT_FALSE(exposition.help[name].empty()) << name;
  }
  // Labels as dashboards query them.
  EXPECT_NE(exposition.find("dynop_plugin_status", {{"plugin", "dgd"}, {"state", "started"}}),
            nullptr)
      << body;
  EXPECT_NE(exposition.find("workqueue_depth", {{"name", "dgdsa"}}), nullptr) << body;
  EXPECT_NE(exposition.find("dynop_informer_objects", {{"resource", "pods"}}), nullptr) << body;
}

// make run gives the host the Prometheus it starts (for autoscaler plugins),
// and the decision log it prints a curl for lists the guide's kubectl scale
// as another writer's /scale change.
TEST_F(HostMetrics, DecisionLogShowsTheGuidesKubectlScale) {
  setup_->kubectl_ok({"scale", "dgdsa", "sglang-agg-decode", "--replicas=3"});
  if (std::filesystem::exists("/usr/bin/prometheus")) {
    EXPECT_TRUE(std::regex_search(
        setup_->host_log(), std::regex(R"(plugins query Prometheus at http://127\.0\.0\.1:)")))
        << setup_->host_log();
  }
  std::string error;
  auto client = net::HttpClient::create({}, error);
  ASSERT_TRUE(client) << error;
  std::string body;
  EXPECT_TRUE(test::eventually(
      [&] {
        net::ClientRequest request;
        request.url = "http://" + ops_address() +
                      "/autoscaling/decisions?namespace=default&name=sglang-agg-decode";
        auto r = client->request(request);
        if (!r.ok() || r.response->status != 200) return false;
        body = r.response->body;
        return std::regex_search(
            body, std::regex(R"("writer":"kubectl[^"]*",.*"to":3,.*"outcome":"observed")"));
      },
      30))
      << body;
}

}  // namespace
}  // namespace dynop::e2e
