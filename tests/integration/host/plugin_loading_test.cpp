// Starts the real dynop binary with folders of fixture plugins
// (tests/fixtures/plugins) and checks what an operator sees: one log line per
// refused or failing plugin naming the file and the reason, the others
// running, per-plugin status on /metrics, reverse-order shutdown, exit 0.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <cstdlib>
#include <filesystem>

#include "dynop/abi.h"
#include "lib/net/http_client.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/process.hpp"
#include "tests/support/running_host.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/text_lines.hpp"

namespace dynop {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using ::testing::HasSubstr;

using test::lines_with;

// A plugin folder assembled from fixture cases (test-plugins/<case>/*.so).
class PluginFolder {
 public:
  explicit PluginFolder(std::initializer_list<const char*> cases) {
    fs::create_directories(path());
    for (const char* c : cases) {
      for (const auto& entry :
           fs::directory_iterator(test::binary_path("test-plugins") + "/" + c)) {
        fs::create_symlink(entry.path(), path() / entry.path().filename());
      }
    }
  }
  fs::path path() const { return dir_.path() / "plugins"; }
  std::string file(const std::string& name) const { return (path() / name).string(); }
  const test::TempDir& dir() const { return dir_; }

 private:
  test::TempDir dir_{"dynop-plugin-loading"};
};

using test::RunningHost;

struct Refusal {
  const char* plugin;  // label in dynop_plugin_status (file stem if refused before the name)
  const char* file;
  const char* state;
  std::string reason;
};

// This host's ABI version and the fixtures' (tests/fixtures/plugins): one
// minor newer, one major newer.
const std::string kHostAbi =
    std::to_string(DYNOP_ABI_VERSION_MAJOR) + "." + std::to_string(DYNOP_ABI_VERSION_MINOR);
const std::string kNewerMinorAbi =
    std::to_string(DYNOP_ABI_VERSION_MAJOR) + "." + std::to_string(DYNOP_ABI_VERSION_MINOR + 1);
const std::string kOtherMajorAbi =
    std::to_string(DYNOP_ABI_VERSION_MAJOR + 1) + "." + std::to_string(DYNOP_ABI_VERSION_MINOR);

const Refusal kRefusals[] = {
    {"newer-minor", "fixture_newer_minor.so", "refused",
     "it needs plugin ABI " + kNewerMinorAbi + " but this host only provides " + kHostAbi +
         "; upgrade the host or rebuild the plugin against an older SDK"},
    {"fixture_other_major", "fixture_other_major.so", "refused",
     "it was built for plugin ABI " + kOtherMajorAbi + " but this host speaks ABI " + kHostAbi},
    {"missing-hook", "fixture_missing_hook.so", "refused",
     "missing required hook for its capabilities (reconciler): reconciler.reconcile"},
    {"init-throws", "fixture_init_throws.so", "init_failed",
     "init failed: init threw: setting `target` is required"},
    {"init-error", "fixture_init_error.so", "init_failed",
     "init failed: setting `endpoint` is required"},
    {"writes-projected", "fixture_writes_projected.so", "init_failed",
     "init failed: describe (reconciler): it writes ConfigMap objects back (writes is set) but "
     "asks the host to cache only the fields data: an update would drop every field the cache "
     "leaves out; cache ConfigMap whole (DYNOP_CACHE_FULL) or do not write it back"},
    {"fixture_not_a_plugin", "fixture_not_a_plugin.so", "refused",
     "not a dynop plugin: it exports neither the dynop_plugin_get_descriptor function nor ABI "
     "1.0's dynop_plugin_entry symbol"},
    {"garbage", "garbage.so", "refused", "cannot load the shared library"},
};

TEST(PluginLoading, BadPluginsAreReportedAndTheGoodOnesRun) {
  PluginFolder folder({"good", "good2", "newer-minor", "other-major", "missing-hook", "init-throws",
                       "init-error", "not-a-plugin", "not-elf", "writes-projected"});
  const std::string config = folder.dir().write(
      "dynop.yaml", "pluginDir: " + folder.path().string() +
                        "\npluginConfig:\n  good:\n    answer: 42\nmetricsAddress: 127.0.0.1:0\n");
  RunningHost host({"--config", config});
  ASSERT_TRUE(host.ready());

  std::string log = host.log();
  for (const Refusal& r : kRefusals) {
    // Exactly one error line names the file, and it carries the reason.
    std::vector<std::string> errors;
    for (const auto& line : lines_with(log, folder.file(r.file))) {
      if (line.find(" error ") != std::string::npos) errors.push_back(line);
    }
    ASSERT_EQ(errors.size(), 1u) << r.file << "\n" << log;
    EXPECT_THAT(errors[0], HasSubstr(r.reason));
  }
  EXPECT_THAT(log, HasSubstr("plugin good: initialized with config [answer: 42]"));
  EXPECT_THAT(log, HasSubstr("loaded 2 plugin(s)"));
  EXPECT_THAT(log, HasSubstr("8 plugin(s) not running; see the errors above"));

  auto metrics = host.get("/metrics");
  EXPECT_EQ(metrics.status, 200u);
  EXPECT_THAT(metrics.body, HasSubstr("dynop_plugin_status{plugin=\"good\",state=\"started\"} 1"));
  EXPECT_THAT(metrics.body,
              HasSubstr("dynop_plugin_status{plugin=\"second\",state=\"started\"} 1"));
  for (const Refusal& r : kRefusals) {
    EXPECT_THAT(metrics.body, HasSubstr("dynop_plugin_status{plugin=\"" + std::string(r.plugin) +
                                        "\",state=\"" + r.state + "\"} 1"));
  }
  // A plugin's own metric, registered through the host callbacks.
  EXPECT_THAT(metrics.body, HasSubstr("fixture_reconciles_total{plugin=\"good\"} 0"));
  EXPECT_EQ(host.get("/readyz").status, 200u);

  EXPECT_EQ(host.stop(), 0) << host.log();
  log = host.log();
  const auto second_stops = log.find("plugin second: stopping");
  const auto good_stops = log.find("plugin good: stopping");
  ASSERT_NE(second_stops, std::string::npos) << log;
  ASSERT_NE(good_stops, std::string::npos) << log;
  EXPECT_LT(second_stops, good_stops) << "plugins stop in reverse load order";
  EXPECT_LT(good_stops, log.find("shutdown complete"));
}

TEST(PluginLoading, OnlyTheEnabledPluginsLoad) {
  PluginFolder folder({"good", "good2"});
  RunningHost host({"--plugin-dir", folder.path().string(), "--plugins", "second",
                    "--metrics-address", "127.0.0.1:0"});
  ASSERT_TRUE(host.ready());
  auto metrics = host.get("/metrics");
  EXPECT_THAT(metrics.body,
              HasSubstr("dynop_plugin_status{plugin=\"second\",state=\"started\"} 1"));
  EXPECT_EQ(metrics.body.find("plugin=\"good\""), std::string::npos) << metrics.body;
  EXPECT_THAT(host.log(), HasSubstr("plugin good (" + folder.file("fixture_good.so") +
                                    ") is not enabled in the configuration; not loading it"));
  EXPECT_EQ(host.stop(), 0) << host.log();
}

TEST(PluginLoading, EnabledPluginThatIsNotThereIsReported) {
  PluginFolder folder({"good"});
  RunningHost host({"--plugin-dir", folder.path().string(), "--plugins", "good,planner",
                    "--metrics-address", "127.0.0.1:0"});
  ASSERT_TRUE(host.ready());
  EXPECT_THAT(host.log(), HasSubstr("plugin planner is enabled in the configuration but no "
                                    "plugin of that name is in the folder"));
  EXPECT_THAT(host.get("/metrics").body,
              HasSubstr("dynop_plugin_status{plugin=\"planner\",state=\"refused\"} 1"));
  EXPECT_EQ(host.stop(), 0) << host.log();
}

TEST(PluginLoading, APluginThatCrashesTheHostIsNamed) {
  PluginFolder folder({"good", "crash-in-init"});
  auto r =
      test::run(test::binary_path("bin/dynop"),
                {"--plugin-dir", folder.path().string(), "--metrics-address", "127.0.0.1:0"}, 60s);
  ASSERT_EQ(r.spawn_error, "");
  EXPECT_EQ(r.exit_code, 128 + SIGSEGV) << r.err;
  EXPECT_THAT(r.err, HasSubstr("plugin file " + folder.file("fixture_crash_in_init.so") +
                               " crashed the host with signal 11 (SIGSEGV) during init"));
}

// Run by ctest's host_plugin_loading_out_of_tree only, after
// sdk/examples/file-scaler was built against the installed SDK (by the
// package tests or sdk_out_of_tree_build), in DYNOP_HOST_BINARY when set (the
// installed /usr/bin/dynop) or else the build tree's dynop.
TEST(OutOfTreePluginInHost, LoadsAndRuns) {
  const char* dir = std::getenv("DYNOP_OUT_OF_TREE_PLUGIN_DIR");
  if (dir == nullptr) GTEST_SKIP() << "DYNOP_OUT_OF_TREE_PLUGIN_DIR is not set";
  const char* binary = std::getenv("DYNOP_HOST_BINARY");
  test::TempDir tmp("dynop-out-of-tree");
  fs::create_directories(tmp.path() / "plugins");
  fs::create_symlink(fs::path(dir) / "file_scaler.so", tmp.path() / "plugins" / "file_scaler.so");
  const std::string config = tmp.write(
      "dynop.yaml", "pluginDir: " + (tmp.path() / "plugins").string() +
                        "\npluginConfig:\n  file-scaler:\n    file: /nonexistent\n"
                        "    target: {name: my-graph-decode}\nmetricsAddress: 127.0.0.1:0\n");
  RunningHost host({"--config", config},
                   binary != nullptr ? binary : test::binary_path("bin/dynop"));
  ASSERT_TRUE(host.ready());
  EXPECT_THAT(host.log(), HasSubstr("plugin file-scaler: scaling default/my-graph-decode"));
  EXPECT_THAT(host.get("/metrics").body,
              HasSubstr("dynop_plugin_status{plugin=\"file-scaler\",state=\"started\"} 1"));
  EXPECT_EQ(host.stop(), 0) << host.log();
}

}  // namespace
}  // namespace dynop
