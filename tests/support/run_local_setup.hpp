#pragma once
// `make run`'s own setup for an end-to-end test: packaging/run-local.sh started
// against the test's build tree, with its cluster data and logs in a fresh
// temporary folder. The script starts dynop-localcluster, applies crds/, starts
// the dynop host with the built plugins and applies the guide's sglang-agg
// example; the test then drives the real kubectl against it, as a user would
// after `make run`.
//
//   test::RunLocalSetup setup;
//   ASSERT_TRUE(setup.ready()) << setup.log();
//   auto r = setup.kubectl({"get", "dgdsa", "-n", "default"});
//   EXPECT_EQ(r.exit_code, 0) << r.err;
//   EXPECT_EQ(setup.stop(), 0) << setup.log();  // or let the destructor do it
//
// The script also starts dynop-sim (GPU nodes, kubelets, load); each setup
// gives it an address block of its own (tests run in parallel) and may name
// its load file and more flags (--speedup), and the host more flags (--config).
//
// The build tree must hold bin/dynop, bin/dynop-localcluster, bin/dynop-sim
// and plugins/*.so: make the test depend on those targets (tests/e2e/CMakeLists.txt does).

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/kubectl.hpp"
#include "tests/support/process.hpp"
#include "tests/support/sim_addresses.hpp"
#include "tests/support/temp_dir.hpp"

namespace dynop::test {

class RunLocalSetup {
 public:
  struct Options {
    // A cluster data folder a previous setup left (`make run` run again
    // reuses .localcluster/); "" means a fresh folder of its own.
    std::filesystem::path data_dir;
    // dynop-sim's load file (DYNOP_RUN_SIM_LOAD); "" keeps make run's.
    std::filesystem::path sim_load;
    // More dynop-sim flags, after the address block's.
    std::vector<std::string> sim_flags;
    // More dynop-localcluster flags (DYNOP_RUN_LOCALCLUSTER_FLAGS), e.g.
    // --audit-log-path FILE; words without spaces.
    std::vector<std::string> localcluster_flags;
    // More dynop flags (DYNOP_RUN_HOST_FLAGS), e.g. {"--config", file}.
    std::vector<std::string> host_flags;
    // The cluster's prometheus-adapter values file
    // (DYNOP_RUN_PROMETHEUS_ADAPTER_CONFIG); "" keeps the guide's.
    std::filesystem::path prometheus_adapter_config;
  };

  // Starts the script and waits (bounded) for its "kubeconfig:" line. A
  // failure to start is a test failure (EXPECT) and leaves ready() false.
  RunLocalSetup();
  explicit RunLocalSetup(const std::filesystem::path& data_dir);
  explicit RunLocalSetup(Options options);
  // Stops the script (SIGTERM) if stop() was not called; a non-zero exit is a
  // test failure.
  ~RunLocalSetup();
  RunLocalSetup(const RunLocalSetup&) = delete;
  RunLocalSetup& operator=(const RunLocalSetup&) = delete;

  // Why a test cannot run here (no kubectl, binaries not built); empty when it can.
  static std::string missing_prerequisite();

  bool ready() const { return !kubeconfig_.empty(); }
  const std::string& kubeconfig() const { return kubeconfig_; }
  const std::filesystem::path& dir() const { return dir_.path(); }
  // The cluster's data folder (DYNOP_RUN_DATA_DIR).
  const std::filesystem::path& data_dir() const { return data_dir_; }
  // dynop-sim's admin endpoint (http://127.0.0.1:PORT) as the script printed
  // it, and its bearer token.
  const std::string& sim_admin_url() const { return sim_admin_url_; }
  std::string sim_admin_token() const;

  // /usr/bin/kubectl --kubeconfig K <args>, with its own discovery cache and
  // KUBECONFIG unset, so what it sees is this cluster only.
  RunResult kubectl(const std::vector<std::string>& args, const std::string& stdin_text = "") const;
  // kubectl that must exit 0 (a test failure otherwise); returns stdout.
  std::string kubectl_ok(const std::vector<std::string>& args,
                         const std::string& stdin_text = "") const;

  // SIGTERM to the script (Ctrl-C's path) and its exit code; nullopt when it
  // did not exit in time. Idempotent.
  std::optional<int> stop();

  // What the script printed, then the cluster's and the host's logs: for
  // failure messages.
  std::string log() const;
  // What the script has printed so far (its stdout): the message a user reads.
  std::string printed() const;
  // The host's log (dynop.log) as it is now.
  std::string host_log() const;
  // The host's ops address as it logged it ("serving metrics and health on
  // http://A"): A, "" before that line.
  std::string ops_address() const;

 private:
  TempDir dir_{"dynop-run-local"};
  SimAddressBlock sim_addresses_;
  std::filesystem::path data_dir_;
  std::unique_ptr<Process> script_;
  std::string kubeconfig_;
  std::string sim_admin_url_;
  std::optional<int> exit_code_;
  bool stopped_ = false;
};

// A fixture whose tests each run against their own `make run` setup: skipped
// when a prerequisite is missing, failed when the setup does not come up,
// and checked to stop cleanly afterwards.
class RunLocalTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  std::unique_ptr<RunLocalSetup> setup_;
};

// kubectl's table output (`kubectl get`) as rows of whitespace-separated
// cells, the header first; blank lines are skipped.
std::vector<std::vector<std::string>> table_rows(const std::string& text);

}  // namespace dynop::test
