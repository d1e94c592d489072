// The dynop-sim binary's command line: mistakes are refused at start with
// the file, line and what is wrong, and exit status 2.

#include <gtest/gtest.h>

#include "tests/support/paths.hpp"
#include "tests/support/process.hpp"
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

}  // namespace
}  // namespace dynop::sim
