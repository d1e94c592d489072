#pragma once
// A real dynop-localcluster plus a real dynop host running the mirror plugin
// (tests/fixtures/plugins/mirror_plugin.cpp), with the steps the runtime's
// convergence tests are written in: create sources, switch a fault on, keep
// updating, switch it off, and expect every copy to hold its source's last
// data. Each step reports failures through GoogleTest (EXPECT/ADD_FAILURE).
//
//   class MyTest : public test::MirrorScenario {};
//   TEST_F(MyTest, Converges) {
//     start_with_mirrored_sources(20, "workers: 2");
//     if (HasFatalFailure()) return;
//     set_faults({{"writeErrorRate", 0.5}, {"writeErrorCode", 409}});
//     update_sources(3);
//     set_faults({{"writeErrorRate", 0}});
//     expect_copies_converge();
//     expect_host_healthy();
//   }

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "tests/integration/localcluster/local_cluster.hpp"
#include "tests/support/running_host.hpp"
#include "tests/support/temp_dir.hpp"

namespace dynop::test {

class MirrorScenario : public ::testing::Test {
 protected:
  static constexpr int kWaitSeconds = 60;

  MirrorScenario();
  ~MirrorScenario() override;
  // Every scenario ends with the host stopping cleanly (SIGTERM, exit 0;
  // under ASan, also no error report at exit).
  void TearDown() override;

  // dynop-localcluster on a free port, SQLite in this test's folder (so a
  // restart keeps the objects); `extra_args` are added to its command line.
  void start_cluster(const std::vector<std::string>& extra_args = {});
  // SIGTERM the cluster process, then start a new one on the same port and
  // data folder (what an upgrade or a crash-restart of the API server does).
  void restart_cluster_process();
  // The dynop host with only the mirror plugin, leader election off;
  // `mirror_config` is the plugin's YAML section.
  void start_host(const std::string& mirror_config = "");

  // start_cluster() and start_host(mirror_config), then `count` sources
  // mirrored before the scenario goes on.
  void start_with_mirrored_sources(int count, const std::string& mirror_config = "");

  // Sources named src-0 .. src-<n-1>, each with data {value: "v0"}.
  void create_sources(int count);
  // `expect_copy` false: a source the test expects never to be mirrored
  // (not updated by update_sources, not checked by expect_copies_converge).
  void create_source(const std::string& name, bool expect_copy = true);
  // Each round writes a new value to every source (retrying the writes the
  // cluster refuses, as any client would); `between` runs after each round.
  void update_sources(int rounds, const std::function<void()>& between = {});

  // PUT /admin/faults with these fields; the answer (current fault state).
  boost::json::object set_faults(const boost::json::object& fields);
  // POST /admin/faults/<action> (drop-watches, compact): the answer.
  boost::json::object admin_post(const std::string& path);
  // POST /admin/restart, then waits until the cluster has restarted in
  // place and serves again.
  void restart_in_place();

  // Every source's copy exists, is labelled and owned, and holds the
  // source's last data (bounded wait).
  void expect_copies_converge();
  // The host process still runs and /healthz answers 200.
  void expect_host_healthy();

  // dynop_reconcile_total{controller="mirror",result=...}.
  double reconciles(const std::string& result);
  // A series of the host's ConfigMap informer, dynop_informer_<name> with
  // resource="configmaps" and `label` (e.g. R"(reason="gone")"); 0 if absent.
  double configmap_informer(const std::string& name, const std::string& label = "");

  LocalCluster& cluster() { return *cluster_; }
  RunningHost& host() { return *host_; }
  std::string context() const;  // host log and cluster stderr, for failure messages

 private:
  // Writes a source's data until the cluster accepts it (bounded).
  void write_source(const std::string& name, const std::string& value, bool create);
  std::map<std::string, std::string> copy_values();
  void wait_for_cluster_api();
  std::size_t restarts_logged();

  TempDir dir_{"mirror-scenario"};
  std::string data_dir_;
  std::vector<std::string> cluster_args_;
  std::vector<std::unique_ptr<LocalCluster>> clusters_;  // earlier processes kept for their logs
  LocalCluster* cluster_ = nullptr;
  std::unique_ptr<RunningHost> host_;
  std::map<std::string, std::string> last_value_;  // source name -> last value written
  int round_ = 0;
};

}  // namespace dynop::test
