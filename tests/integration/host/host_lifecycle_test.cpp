// Starts the real dynop binary: flags, config file, endpoints, shutdown.
#include <gtest/gtest.h>
#include <signal.h>

#include "lib/net/http_client.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/process.hpp"
#include "tests/support/running_host.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/text_lines.hpp"

namespace dynop {
namespace {

using namespace std::chrono_literals;

std::string dynop_binary() { return test::binary_path("bin/dynop"); }

using test::lines_of;

using test::RunningHost;

TEST(HostCommandLine, VersionPrintsOneLineAndExitsZero) {
  auto r = test::run(dynop_binary(), {"--version"}, 30s);
  ASSERT_EQ(r.spawn_error, "");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "dynop " DYNOP_EXPECTED_VERSION "\n");
  EXPECT_EQ(r.err, "");
}

TEST(HostCommandLine, HelpListsTheFlags) {
  auto r = test::run(dynop_binary(), {"--help"}, 30s);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_TRUE(r.out.starts_with("Usage: dynop")) << r.out;
  for (const char* flag : {"--config", "--log-level", "--log-format", "--plugin-dir", "--plugins",
                           "--metrics-address", "--kubeconfig", "--version"}) {
    EXPECT_NE(r.out.find(flag), std::string::npos) << flag;
  }
}

TEST(HostCommandLine, UnknownFlagIsOneLineAndUsageExitCode) {
  auto r = test::run(dynop_binary(), {"--frobnicate"}, 30s);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "dynop: unknown flag --frobnicate (see --help)\n");
  EXPECT_EQ(r.out, "");
}

TEST(HostCommandLine, BadConfigFileIsOneLineWithPosition) {
  test::TempDir dir;
  std::string file = dir.write("config.yaml", "logLevel: info\nlogLvl: debug\n");
  auto r = test::run(dynop_binary(), {"--config", file}, 30s);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err,
            "dynop: " + file +
                ":2:1: unknown key \"logLvl\" (known keys: logLevel, logFormat, pluginDir, "
                "plugins, pluginConfig, metricsAddress, kubeconfig, admissionAddress, "
                "admissionCertFile, admissionKeyFile, leaderElection, prometheus, autoscaling)\n");

  std::string broken = dir.write("broken.yaml", "plugins: [a, b\n");
  r = test::run(dynop_binary(), {"--config", broken}, 30s);
  EXPECT_EQ(r.exit_code, 1);
  ASSERT_EQ(lines_of(r.err).size(), 1u) << r.err;
  EXPECT_TRUE(r.err.starts_with("dynop: " + broken + ":")) << r.err;

  r = test::run(dynop_binary(), {"--config", (dir.path() / "missing.yaml").string()}, 30s);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "dynop: cannot read config file " + (dir.path() / "missing.yaml").string() +
                       ": No such file or directory\n");
}

TEST(HostCommandLine, UnreadablePluginFolderIsOneClearErrorLine) {
  test::TempDir dir;
  std::string missing = (dir.path() / "no-such-folder").string();
  auto r =
      test::run(dynop_binary(), {"--plugin-dir", missing, "--metrics-address", "127.0.0.1:0"}, 30s);
  EXPECT_EQ(r.exit_code, 1);
  std::vector<std::string> errors;
  for (const auto& line : lines_of(r.err)) {
    if (line.find(" error ") != std::string::npos) errors.push_back(line);
  }
  ASSERT_EQ(errors.size(), 1u) << r.err;
  EXPECT_NE(errors[0].find("plugin folder " + missing + " is not a readable directory"),
            std::string::npos)
      << errors[0];
  EXPECT_EQ(r.err.find("terminate"), std::string::npos) << r.err;
}

TEST(HostCommandLine, FlagsBeatTheConfigFile) {
  test::TempDir dir;
  dir.write("plugins/.keep", "");
  // The file asks for JSON logs at error level on an address that cannot be
  // bound; the flags override level and address, the format stays the file's.
  std::string file = dir.write("config.yaml",
                               "logFormat: json\n"
                               "logLevel: error\n"
                               "pluginDir: plugins\n"
                               "metricsAddress: 192.0.2.1:1\n");
  RunningHost host({"--config", file, "--log-level", "info", "--metrics-address", "127.0.0.1:0"});
  ASSERT_TRUE(host.started()) << host.process().stderr_text();
  bool saw_ready = false;
  for (const auto& line : lines_of(host.process().stderr_text())) {
    EXPECT_TRUE(line.starts_with("{\"ts\":")) << line;
    if (line.find("\"msg\":\"dynop is ready\"") != std::string::npos) saw_ready = true;
  }
  EXPECT_TRUE(saw_ready) << host.process().stderr_text();
  host.process().signal(SIGTERM);
  EXPECT_EQ(host.process().wait(30s), 0);
}

TEST(HostLifecycle, EndpointsAnswerAndSigtermShutsDownCleanly) {
  test::TempDir dir;
  std::filesystem::create_directories(dir.path() / "plugins");
  RunningHost host(
      {"--plugin-dir", (dir.path() / "plugins").string(), "--metrics-address", "127.0.0.1:0"});
  ASSERT_TRUE(host.started()) << host.process().stderr_text();

  auto healthz = host.get("/healthz");
  EXPECT_EQ(healthz.status, 200);
  EXPECT_EQ(healthz.body, "ok");
  auto readyz = host.get("/readyz");
  EXPECT_EQ(readyz.status, 200);
  auto metrics = host.get("/metrics");
  EXPECT_EQ(metrics.status, 200);
  EXPECT_NE(metrics.body.find("dynop_build_info{version=\"" DYNOP_EXPECTED_VERSION "\"} 1\n"),
            std::string::npos)
      << metrics.body;
  // No plugin, no plugin status series.
  EXPECT_EQ(metrics.body.find("dynop_plugin_status"), std::string::npos) << metrics.body;

  std::string log = host.process().stderr_text();
  EXPECT_NE(log.find("info dynop " DYNOP_EXPECTED_VERSION " starting"), std::string::npos) << log;
  EXPECT_NE(log.find("info loaded 0 plugin(s)"), std::string::npos) << log;

  ASSERT_TRUE(host.process().signal(SIGTERM));
  EXPECT_EQ(host.process().wait(30s), 0);
  log = host.process().stderr_text();
  auto received = log.find("info received SIGTERM, shutting down");
  auto complete = log.find("info shutdown complete");
  EXPECT_NE(received, std::string::npos) << log;
  EXPECT_NE(complete, std::string::npos) << log;
  EXPECT_LT(received, complete) << log;
  EXPECT_EQ(log.find(" error "), std::string::npos) << log;
}

TEST(HostLifecycle, SigintAlsoExitsZero) {
  test::TempDir dir;
  RunningHost host({"--plugin-dir", dir.path().string(), "--metrics-address", "127.0.0.1:0"});
  ASSERT_TRUE(host.started()) << host.process().stderr_text();
  ASSERT_TRUE(host.process().signal(SIGINT));
  EXPECT_EQ(host.process().wait(30s), 0);
  EXPECT_NE(host.process().stderr_text().find("received SIGINT, shutting down"), std::string::npos);
}

TEST(HostLifecycle, BusyMetricsAddressIsOneClearError) {
  test::TempDir dir;
  RunningHost first({"--plugin-dir", dir.path().string(), "--metrics-address", "127.0.0.1:0"});
  ASSERT_TRUE(first.started());
  auto address = first.process().wait_for_match(
      std::regex(R"(serving metrics and health on http://([0-9.]+:[0-9]+))"), 5s);
  ASSERT_TRUE(address);
  auto r = test::run(dynop_binary(),
                     {"--plugin-dir", dir.path().string(), "--metrics-address", *address}, 30s);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("error metrics and health endpoints: cannot listen on " + *address +
                       ": Address already in use"),
            std::string::npos)
      << r.err;
  first.process().signal(SIGTERM);
  EXPECT_EQ(first.process().wait(30s), 0);
}

}  // namespace
}  // namespace dynop
