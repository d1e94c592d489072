#include "host/plugins/plugin_manager.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "lib/metrics/registry.hpp"
#include "tests/support/temp_dir.hpp"

namespace dynop::host {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

const fs::path kFixtures = DYNOP_TEST_PLUGIN_DIR;

// A plugin folder holding links to the chosen fixture plugins, and the log
// lines written while the test runs.
class PluginManagerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // A fresh folder every time (mkdtemp): the crash test's child dies without
    // its TearDown, and a folder named after a pid was met again by a later
    // process with the same pid, still holding the crashing plugin.
    dir_ = std::make_unique<test::TempDir>("dynop-plugins");
    folder_ = dir_->path();
    sink_ = std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(512);
    sink_->set_pattern("%l %v");
    previous_ = spdlog::default_logger();
    auto logger = std::make_shared<spdlog::logger>("test", sink_);
    logger->set_level(spdlog::level::debug);
    spdlog::set_default_logger(logger);
  }
  void TearDown() override {
    spdlog::set_default_logger(previous_);
    dir_.reset();
  }

  // Links every *.so of fixture case `name` into the plugin folder.
  void add_case(const std::string& name) {
    for (const auto& entry : fs::directory_iterator(kFixtures / name)) {
      fs::create_symlink(entry.path(), folder_ / entry.path().filename());
    }
  }

  PluginLoadOptions options() const {
    PluginLoadOptions o;
    o.folder = folder_;
    return o;
  }

  std::vector<std::string> logs() const { return sink_->last_formatted(); }
  std::vector<std::string> logs_containing(const std::string& text) const {
    std::vector<std::string> out;
    for (const auto& line : logs()) {
      if (line.find(text) != std::string::npos) out.push_back(line);
    }
    return out;
  }

  static const PluginStatus* find(const std::vector<PluginStatus>& statuses,
                                  const std::string& name) {
    for (const auto& s : statuses) {
      if (s.name == name) return &s;
    }
    return nullptr;
  }

  std::unique_ptr<test::TempDir> dir_;
  fs::path folder_;
  std::shared_ptr<spdlog::sinks::ringbuffer_sink_mt> sink_;
  std::shared_ptr<spdlog::logger> previous_;
  metrics::Registry registry_;
};

TEST_F(PluginManagerTest, GoodPluginGetsItsConfigAndRunsThroughItsLifecycle) {
  add_case("good");
  PluginManager manager(registry_);
  PluginLoadOptions o = options();
  o.config_sections["good"] = "answer: 42";
  std::string error;
  ASSERT_TRUE(manager.load_all(o, error)) << error;

  auto statuses = manager.statuses();
  ASSERT_EQ(statuses.size(), 1u);
  EXPECT_EQ(statuses[0].name, "good");
  EXPECT_EQ(statuses[0].version, "1.2.3");
  EXPECT_EQ(statuses[0].file, folder_ / "fixture_good.so");
  EXPECT_EQ(statuses[0].state, PluginState::kLoaded);
  EXPECT_EQ(statuses[0].reason, "");
  EXPECT_EQ(logs_containing("plugin good: initialized with config [answer: 42]").size(), 1u);
  EXPECT_THAT(registry_.serialize(),
              HasSubstr("dynop_plugin_status{plugin=\"good\",state=\"loaded\"} 1"));
  // The plugin's own metric, registered through the host callbacks.
  EXPECT_THAT(registry_.serialize(), HasSubstr("fixture_reconciles_total{plugin=\"good\"} 0"));

  ASSERT_EQ(manager.active_plugins().size(), 1u);
  const ActivePlugin active = manager.active_plugins()[0];
  EXPECT_EQ(active.name, "good");
  EXPECT_TRUE(active.hooks.capabilities & DYNOP_CAP_AUTOSCALER);
  // What its describe hooks declared, read at load.
  ASSERT_TRUE(active.specs.reconciler);
  EXPECT_EQ(active.specs.reconciler->primary.kind, "ConfigMap");
  EXPECT_EQ(active.specs.reconciler->workers, 2u);
  ASSERT_EQ(active.specs.reconciler->watches.size(), 1u);
  EXPECT_EQ(active.specs.reconciler->watches[0].kind.kind, "Secret");
  ASSERT_TRUE(active.specs.autoscaler);
  EXPECT_EQ(active.specs.autoscaler->interval_ms, 15000u);
  EXPECT_FALSE(active.specs.admission);

  manager.start_all();
  EXPECT_EQ(manager.statuses()[0].state, PluginState::kStarted);
  EXPECT_EQ(logs_containing("plugin good: starting").size(), 1u);
  const std::string exposition = registry_.serialize();
  EXPECT_THAT(exposition, HasSubstr("dynop_plugin_status{plugin=\"good\",state=\"started\"} 1"));
  EXPECT_THAT(exposition, HasSubstr("dynop_plugin_status{plugin=\"good\",state=\"loaded\"} 0"));

  manager.stop_all();
  EXPECT_EQ(manager.statuses()[0].state, PluginState::kStopped);
  EXPECT_EQ(logs_containing("plugin good: stopping").size(), 1u);
  manager.unload_all();
  EXPECT_TRUE(manager.active_plugins().empty());
  EXPECT_EQ(manager.statuses()[0].state, PluginState::kStopped);
}

TEST_F(PluginManagerTest, StartsInLoadOrderAndStopsInReverse) {
  add_case("good");
  add_case("good2");
  PluginManager manager(registry_);
  std::string error;
  ASSERT_TRUE(manager.load_all(options(), error)) << error;
  manager.start_all();
  manager.stop_all();

  std::vector<std::string> order;
  for (const auto& line : logs()) {
    for (const char* text : {"plugin good: starting", "plugin second: starting",
                             "plugin good: stopping", "plugin second: stopping"}) {
      if (line.find(text) != std::string::npos) order.push_back(text);
    }
  }
  EXPECT_THAT(order, ::testing::ElementsAre("plugin good: starting", "plugin second: starting",
                                            "plugin second: stopping", "plugin good: stopping"));
}

struct BadCase {
  const char* fixture;  // folder under test-plugins
  const char* file;     // the .so in it
  const char* name;     // name in the status (file stem when refused before the name is known)
  PluginState state;
  std::string reason;  // substring of the status reason and of the log line
};

class BadPluginTest : public PluginManagerTest, public ::testing::WithParamInterface<BadCase> {};

TEST_P(BadPluginTest, IsReportedOnceWithFileAndReasonAndOthersStillLoad) {
  const BadCase& c = GetParam();
  add_case(c.fixture);
  add_case("good");
  PluginManager manager(registry_);
  std::string error;
  ASSERT_TRUE(manager.load_all(options(), error)) << error;

  auto statuses = manager.statuses();
  const PluginStatus* bad = find(statuses, c.name);
  ASSERT_NE(bad, nullptr) << "no status named " << c.name;
  EXPECT_EQ(bad->state, c.state) << to_string(bad->state);
  EXPECT_THAT(bad->reason, HasSubstr(c.reason));
  EXPECT_EQ(bad->file, folder_ / c.file);

  // One log line names the file and gives the reason.
  const auto lines = logs_containing((folder_ / c.file).string());
  std::vector<std::string> errors;
  for (const auto& line : lines) {
    if (line.rfind("error ", 0) == 0) errors.push_back(line);
  }
  ASSERT_EQ(errors.size(), 1u) << ::testing::PrintToString(logs());
  EXPECT_THAT(errors[0], HasSubstr(c.reason));

  EXPECT_THAT(registry_.serialize(),
              HasSubstr("dynop_plugin_status{plugin=\"" + std::string(c.name) + "\",state=\"" +
                        to_string(c.state) + "\"} 1"));

  // The good plugin is unaffected.
  const PluginStatus* good = find(statuses, "good");
  ASSERT_NE(good, nullptr);
  EXPECT_EQ(good->state, PluginState::kLoaded);
  manager.start_all();
  EXPECT_EQ(find(manager.statuses(), "good")->state, PluginState::kStarted);
  EXPECT_EQ(find(manager.statuses(), c.name)->state, c.state);
}

INSTANTIATE_TEST_SUITE_P(
    Fixtures, BadPluginTest,
    ::testing::Values(
        BadCase{"newer-minor", "fixture_newer_minor.so", "newer-minor", PluginState::kRefused,
                "it needs plugin ABI " + std::to_string(DYNOP_ABI_VERSION_MAJOR) + "." +
                    std::to_string(DYNOP_ABI_VERSION_MINOR + 1) + " but this host only provides " +
                    std::to_string(DYNOP_ABI_VERSION_MAJOR) + "." +
                    std::to_string(DYNOP_ABI_VERSION_MINOR)},
        BadCase{"other-major", "fixture_other_major.so", "fixture_other_major",
                PluginState::kRefused,
                "it was built for plugin ABI " + std::to_string(DYNOP_ABI_VERSION_MAJOR + 1) + "." +
                    std::to_string(DYNOP_ABI_VERSION_MINOR) + " but this host speaks ABI " +
                    std::to_string(DYNOP_ABI_VERSION_MAJOR) + "." +
                    std::to_string(DYNOP_ABI_VERSION_MINOR)},
        BadCase{"missing-hook", "fixture_missing_hook.so", "missing-hook", PluginState::kRefused,
                "missing required hook for its capabilities (reconciler): reconciler.reconcile"},
        BadCase{"init-throws", "fixture_init_throws.so", "init-throws", PluginState::kInitFailed,
                "init threw: setting `target` is required"},
        BadCase{"init-error", "fixture_init_error.so", "init-error", PluginState::kInitFailed,
                "setting `endpoint` is required"},
        BadCase{
            "not-a-plugin", "fixture_not_a_plugin.so", "fixture_not_a_plugin",
            PluginState::kRefused,
            "not a dynop plugin: it exports neither the dynop_plugin_get_descriptor function nor "
            "ABI 1.0's dynop_plugin_entry symbol"},
        BadCase{"not-elf", "garbage.so", "garbage", PluginState::kRefused,
                "cannot load the shared library"}),
    [](const ::testing::TestParamInfo<BadCase>& param_info) {
      std::string name = param_info.param.fixture;
      for (char& ch : name) {
        if (ch == '-') ch = '_';
      }
      return name;
    });

TEST_F(PluginManagerTest, AllFixturesTogetherLoadOnlyTheGoodOnes) {
  for (const char* c : {"good", "good2", "raw", "newer-minor", "other-major", "missing-hook",
                        "init-throws", "init-error", "not-a-plugin", "not-elf"}) {
    add_case(c);
  }
  PluginManager manager(registry_);
  std::string error;
  ASSERT_TRUE(manager.load_all(options(), error)) << error;
  manager.start_all();
  std::vector<std::string> started;
  for (const auto& s : manager.statuses()) {
    if (s.state == PluginState::kStarted) started.push_back(s.name);
  }
  EXPECT_THAT(started, ::testing::UnorderedElementsAre("good", "second", "raw"));
  EXPECT_EQ(manager.statuses().size(), 10u);
  // The raw C plugin logged through the host callback.
  EXPECT_EQ(logs_containing("plugin raw: raw plugin initialized").size(), 1u);
}

TEST_F(PluginManagerTest, OnlyEnabledPluginsLoadAndMissingOnesAreReported) {
  add_case("good");
  add_case("good2");
  PluginManager manager(registry_);
  PluginLoadOptions o = options();
  o.enabled = {"second", "planner"};
  std::string error;
  ASSERT_TRUE(manager.load_all(o, error)) << error;
  auto statuses = manager.statuses();
  EXPECT_EQ(find(statuses, "good"), nullptr);
  ASSERT_NE(find(statuses, "second"), nullptr);
  EXPECT_EQ(find(statuses, "second")->state, PluginState::kLoaded);
  const PluginStatus* planner = find(statuses, "planner");
  ASSERT_NE(planner, nullptr);
  EXPECT_EQ(planner->state, PluginState::kRefused);
  EXPECT_THAT(planner->reason,
              HasSubstr("enabled in the configuration but no plugin of that name"));
}

TEST_F(PluginManagerTest, SameNameTwiceRefusesTheSecond) {
  add_case("good");
  fs::create_symlink(kFixtures / "good" / "fixture_good.so", folder_ / "zz_copy_of_good.so");
  PluginManager manager(registry_);
  std::string error;
  ASSERT_TRUE(manager.load_all(options(), error)) << error;
  auto statuses = manager.statuses();
  ASSERT_EQ(statuses.size(), 2u);
  EXPECT_EQ(statuses[0].state, PluginState::kLoaded);
  EXPECT_EQ(statuses[1].state, PluginState::kRefused);
  EXPECT_EQ(statuses[1].name, "zz_copy_of_good");
  EXPECT_THAT(statuses[1].reason, HasSubstr("another plugin named good is already loaded from " +
                                            (folder_ / "fixture_good.so").string()));
  // The first plugin's status series is untouched.
  EXPECT_THAT(registry_.serialize(),
              HasSubstr("dynop_plugin_status{plugin=\"good\",state=\"loaded\"} 1"));
}

TEST_F(PluginManagerTest, UnreadableFolderIsTheOnlyFatalError) {
  PluginManager manager(registry_);
  PluginLoadOptions o;
  o.folder = folder_ / "does-not-exist";
  std::string error;
  EXPECT_FALSE(manager.load_all(o, error));
  EXPECT_THAT(error, HasSubstr("does-not-exist"));
  EXPECT_THAT(error, HasSubstr("is not a readable directory"));
}

TEST_F(PluginManagerTest, EmptyFolderLoadsNothing) {
  PluginManager manager(registry_);
  std::string error;
  EXPECT_TRUE(manager.load_all(options(), error)) << error;
  EXPECT_TRUE(manager.statuses().empty());
}

TEST_F(PluginManagerTest, DestructorStopsAndUnloads) {
  add_case("good");
  {
    PluginManager manager(registry_);
    std::string error;
    ASSERT_TRUE(manager.load_all(options(), error)) << error;
    manager.start_all();
  }
  EXPECT_EQ(logs_containing("plugin good: stopping").size(), 1u);
  EXPECT_THAT(registry_.serialize(),
              HasSubstr("dynop_plugin_status{plugin=\"good\",state=\"stopped\"} 1"));
}

// A plugin that crashes the host cannot be survived, but the host names it
// on the way down and the signal still ends the process.
TEST_F(PluginManagerTest, CrashInInitNamesThePluginFile) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  add_case("crash-in-init");
  // (The folder's name differs in the re-executed death-test child.)
  const std::string expected =
      "plugin file [^ ]*/fixture_crash_in_init.so crashed the host with signal 11 "
      "\\(SIGSEGV\\) during init";
  EXPECT_EXIT(
      {
        PluginManager manager(registry_);
        std::string error;
        manager.load_all(options(), error);
      },
      ::testing::KilledBySignal(SIGSEGV), expected);
}

// Skipped unless run by ctest's host_plugins_out_of_tree_load, after
// sdk_out_of_tree_build built sdk/examples/file-scaler against the installed SDK.
class OutOfTreePlugin : public PluginManagerTest {};

TEST_F(OutOfTreePlugin, BuiltAgainstTheInstalledSdkLoads) {
  const char* dir = std::getenv("DYNOP_OUT_OF_TREE_PLUGIN_DIR");
  if (dir == nullptr) GTEST_SKIP() << "DYNOP_OUT_OF_TREE_PLUGIN_DIR is not set";
  fs::create_symlink(fs::path(dir) / "file_scaler.so", folder_ / "file_scaler.so");

  PluginManager manager(registry_);
  PluginLoadOptions o = options();
  o.config_sections["file-scaler"] =
      "file: /nonexistent\ntarget: {name: my-graph-decode}\nmin_replicas: 1\nmax_replicas: 4\n";
  std::string error;
  ASSERT_TRUE(manager.load_all(o, error)) << error;
  auto statuses = manager.statuses();
  ASSERT_EQ(statuses.size(), 1u);
  EXPECT_EQ(statuses[0].name, "file-scaler");
  EXPECT_EQ(statuses[0].state, PluginState::kLoaded) << statuses[0].reason;
  EXPECT_EQ(logs_containing("plugin file-scaler: scaling default/my-graph-decode from /nonexistent")
                .size(),
            1u);
  manager.start_all();
  EXPECT_EQ(manager.statuses()[0].state, PluginState::kStarted);
}

TEST_F(OutOfTreePlugin, BadConfigurationIsAnInitFailureWithTheMessage) {
  const char* dir = std::getenv("DYNOP_OUT_OF_TREE_PLUGIN_DIR");
  if (dir == nullptr) GTEST_SKIP() << "DYNOP_OUT_OF_TREE_PLUGIN_DIR is not set";
  fs::create_symlink(fs::path(dir) / "file_scaler.so", folder_ / "file_scaler.so");
  PluginManager manager(registry_);
  std::string error;
  ASSERT_TRUE(manager.load_all(options(), error)) << error;
  ASSERT_EQ(manager.statuses().size(), 1u);
  EXPECT_EQ(manager.statuses()[0].state, PluginState::kInitFailed);
  EXPECT_THAT(manager.statuses()[0].reason,
              HasSubstr("file-scaler needs `file` and `target` in its configuration"));
}

}  // namespace
}  // namespace dynop::host
