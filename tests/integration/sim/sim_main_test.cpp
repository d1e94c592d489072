// The dynop-sim binary's command line: mistakes are refused at start with
// the file, line and what is wrong, and exit status 2.

#include <gtest/gtest.h>
#include <signal.h>

#include <regex>

#include "tests/integration/localcluster/local_cluster.hpp"
#include "tests/support/file_text.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/process.hpp"
#include "tests/support/sim_addresses.hpp"
#include "tests/support/temp_dir.hpp"

namespace dynop::sim {
namespace {

using namespace std::chrono_literals;

test::RunResult sim(const std::vector<std::string>& args) {
  return test::run(test::binary_path("bin/dynop-sim"), args, 30s);
}

TEST(SimMain, AMalformedProfileIsRefusedWithFileAndLine) {
  test::TempDir dir("sim-main");
  const std::string profile =
      dir.write("p.yaml", "pools:\n- name: h100\n  count: 4\n  gpus: eight\n");
  auto r = sim({"--nodes", profile});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "dynop-sim: " + profile +
                       ":4:9: pools[0].gpus must be a whole number, found \"eight\"\n");
}

TEST(SimMain, AMalformedLoadFileIsRefusedWithFileAndLine) {
  test::TempDir dir("sim-main");
  const std::string load = dir.write("load.yaml", "speedup: fast\n");
  auto r = sim({"--nodes", test::source_path("sim/profiles/default.yaml"), "--load", load});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "dynop-sim: " + load + ":1:10: speedup must be a number, found \"fast\"\n");
}

TEST(SimMain, FlagMistakes) {
  auto missing = sim({});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_EQ(missing.err,
            "dynop-sim: --nodes is required: a cluster profile such as sim/profiles/default.yaml "
            "(see --help)\n");
  auto cidr =
      sim({"--nodes", test::source_path("sim/profiles/default.yaml"), "--pod-cidr", "10.0.0.0/8"});
  EXPECT_EQ(cidr.exit_code, 2);
  EXPECT_EQ(cidr.err,
            "dynop-sim: --pod-cidr: \"10.0.0.0/8\" is outside 127.0.0.0/8: simulated addresses "
            "must be loopback addresses, which are all local\n");
  auto help = sim({"--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_NE(help.out.find("--admin-token-file"), std::string::npos);
}

// README: SIGTERM stops it with exit 0 (its nodes stay); the admin token is
// kept in its file.
TEST(SimMain, SigtermStopsItWithExitZero) {
  test::LocalCluster cluster;
  ASSERT_TRUE(cluster.ok()) << cluster.error();
  test::TempDir dir("sim-main");
  test::SimAddressBlock block;
  ASSERT_TRUE(block.ok()) << block.error();
  const std::string token_file = (dir.path() / "admin-token").string();
  std::vector<std::string> args = {"--nodes",
                                   test::source_path("sim/profiles/default.yaml"),
                                   "--kubeconfig",
                                   cluster.kubeconfig(),
                                   "--admin-token-file",
                                   token_file,
                                   "--serve-kubelet-ports",
                                   "false"};
  for (const std::string& flag : block.flags()) args.push_back(flag);
  std::string error;
  auto sim = test::Process::spawn(test::binary_path("bin/dynop-sim"), args, error);
  ASSERT_TRUE(sim) << error;
  ASSERT_TRUE(sim->wait_for_match(std::regex(R"(admin: (http://127\.0\.0\.1:\d+))"), 30s,
                                  test::Stream::kStdout))
      << sim->stderr_text();
  const std::string token = test::file_text(token_file);
  EXPECT_TRUE(std::regex_match(token, std::regex("[0-9a-f]{48}\n"))) << token;
  ASSERT_TRUE(sim->signal(SIGTERM));
  EXPECT_EQ(sim->wait(30s), 0) << sim->stderr_text();
  EXPECT_NE(sim->stderr_text().find("received SIGTERM, shutting down"), std::string::npos)
      << sim->stderr_text();
}

}  // namespace
}  // namespace dynop::sim
