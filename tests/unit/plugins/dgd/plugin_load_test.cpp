// dgd.so and dgdsa.so as the host sees them: loaded by the host's plugin
// manager, initialised from their configuration sections, describing the
// kinds they reconcile.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "host/plugins/plugin_abi.hpp"
#include "host/plugins/plugin_manager.hpp"
#include "lib/metrics/registry.hpp"

namespace dynop::plugins {
namespace {

std::string kind_of(dynop_gvk gvk) { return std::string(gvk.kind.data, gvk.kind.size); }

const host::PluginStatus* find(const std::vector<host::PluginStatus>& statuses,
                               const std::string& name) {
  for (const auto& s : statuses) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

TEST(PluginLoad, DgdAndDgdsaLoadAndDescribeTheirReconcilers) {
  metrics::Registry registry;
  host::PluginManager manager(registry);
  host::PluginLoadOptions options;
  options.folder = DYNOP_PLUGIN_DIR;
  options.enabled = {"dgd", "dgdsa"};
  options.config_sections["dgd"] = "scheduler_name: dynop-gpu\nworkers: 3\n";
  std::string error;
  ASSERT_TRUE(manager.load_all(options, error)) << error;

  auto statuses = manager.statuses();
  for (const char* name : {"dgd", "dgdsa"}) {
    const host::PluginStatus* s = find(statuses, name);
    ASSERT_NE(s, nullptr) << name;
    EXPECT_EQ(s->state, host::PluginState::kLoaded) << name << ": " << s->reason;
  }
  for (const host::ActivePlugin& p : manager.active_plugins()) {
    ASSERT_NE(p.hooks.reconciler.describe, nullptr) << p.name;
    auto spec = host::out_struct<dynop_reconciler_spec>();
    dynop_status st = p.hooks.reconciler.describe(p.instance, &spec);
    ASSERT_EQ(st.code, DYNOP_OK) << p.name;
    if (p.name == "dgd") {
      EXPECT_EQ(kind_of(spec.primary), "DynamoGraphDeployment");
      EXPECT_EQ(spec.workers, 3u);
    } else {
      EXPECT_EQ(kind_of(spec.primary), "DynamoGraphDeploymentScalingAdapter");
      EXPECT_NE(p.hooks.reconciler.map_to_primary, nullptr);
    }
  }
  manager.unload_all();
}

TEST(PluginLoad, BadConfigurationIsAnInitFailureNamingTheKey) {
  metrics::Registry registry;
  host::PluginManager manager(registry);
  host::PluginLoadOptions options;
  options.folder = DYNOP_PLUGIN_DIR;
  options.enabled = {"dgd"};
  options.config_sections["dgd"] = "schedulerName: oops\n";
  std::string error;
  ASSERT_TRUE(manager.load_all(options, error)) << error;
  const std::vector<host::PluginStatus> statuses = manager.statuses();
  const host::PluginStatus* s = find(statuses, "dgd");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->state, host::PluginState::kInitFailed);
  EXPECT_NE(s->reason.find("unknown configuration key \"schedulerName\""), std::string::npos)
      << s->reason;
  manager.unload_all();
}

}  // namespace
}  // namespace dynop::plugins
