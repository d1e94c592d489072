#pragma once
// The real dynop-sim started for a test: it plays the nodes of a profile
// (registration, Ready status, Leases) and the kubelets of the pods bound to
// them for the cluster of a kubeconfig, on an address block of its own
// (tests/support/sim_addresses.hpp), with its admin endpoint on a loopback
// port. Failures to start are test failures (EXPECT), so a test can
// ASSERT_TRUE(sim.ready()) and print sim.log().
//
//   test::RunningSim sim({.profile = test::source_path("tests/e2e/profiles/x.yaml"),
//                         .kubeconfig = cluster.kubeconfig(),
//                         .admin_token_file = dir.path() / "sim-admin-token"});
//   ASSERT_TRUE(sim.ready()) << sim.log();            // "dynop-sim is ready: N nodes"
//   auto r = sim.admin("DELETE", "/admin/nodes/h100-0");  // sim/README.md's faults
//   EXPECT_EQ(sim.stop(), 0);

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lib/net/http_client.hpp"
#include "tests/support/process.hpp"
#include "tests/support/sim_addresses.hpp"

namespace dynop::test {

class RunningSim {
 public:
  struct Options {
    std::string profile;  // --nodes
    std::string kubeconfig;
    std::filesystem::path admin_token_file;
    std::vector<std::string> extra_args;  // after the others
  };
  explicit RunningSim(Options options);
  ~RunningSim();
  RunningSim(const RunningSim&) = delete;
  RunningSim& operator=(const RunningSim&) = delete;

  // "dynop-sim is ready" was printed: every node is registered.
  bool ready() const { return ready_; }
  // The admin endpoint, "http://127.0.0.1:PORT".
  const std::string& admin_url() const { return admin_url_; }
  // A request to the admin endpoint with the admin token, e.g.
  // admin("POST", "/admin/nodes/h100-0/not-ready").
  net::ClientResult admin(const std::string& method, const std::string& path);

  // SIGTERM, then the exit code.
  std::optional<int> stop();
  std::string log() const;
  Process& process() { return *process_; }

 private:
  SimAddressBlock addresses_;
  std::filesystem::path token_file_;
  std::unique_ptr<Process> process_;
  std::unique_ptr<net::HttpClient> client_;
  std::string admin_url_;
  bool ready_ = false;
};

}  // namespace dynop::test
