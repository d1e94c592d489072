#include "host/plugins/plugin_specs.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <span>
#include <string_view>
#include <vector>

#include "dynop/sdk/export.hpp"
#include "dynop/sdk/plugin.hpp"
#include "dynop/sdk/testing/fake_host.hpp"
#include "host/plugins/plugin_validation.hpp"

namespace dynop::host {
namespace {

// Declarations are set per test through these globals (the class is
// instantiated through the C ABI, so it cannot take them as arguments).
sdk::ReconcilerSpec g_reconciler;
sdk::AdmissionSpec g_admission;
sdk::PlacementSpec g_placement;
sdk::AutoscalerSpec g_autoscaler;

class Declaring : public sdk::Plugin {
 public:
  static constexpr const char* kName = "declaring";
  static constexpr const char* kVersion = "1.0.0";
  static constexpr sdk::Capabilities kCapabilities =
      sdk::kReconciler | sdk::kAdmission | sdk::kPlacement | sdk::kAutoscaler;
  Declaring(sdk::Host& host, std::string_view) : Plugin(host) {}
  sdk::ReconcilerSpec reconciler_spec() { return g_reconciler; }
  sdk::ReconcileResult reconcile(const sdk::Key&) { return sdk::ReconcileResult::done(); }
  sdk::AdmissionSpec admission_spec() { return g_admission; }
  sdk::AdmissionResponse review(std::string_view) { return sdk::AdmissionResponse::allow(); }
  sdk::PlacementSpec placement_spec() { return g_placement; }
  sdk::Status filter(const sdk::ClusterView&, const sdk::PodView&, std::span<const sdk::NodeIndex>,
                     sdk::FilterResults&) {
    return sdk::Status::ok();
  }
  sdk::Status score(const sdk::ClusterView&, const sdk::PodView&, std::span<const sdk::NodeIndex>,
                    std::span<int64_t>) {
    return sdk::Status::ok();
  }
  sdk::AutoscalerSpec autoscaler_spec() { return g_autoscaler; }
  std::vector<sdk::ScaleDecision> evaluate() { return {}; }
};

class PluginSpecsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    g_reconciler = {{"nvidia.com", "v1alpha1", "DynamoGraphDeployment"},
                    {{{"", "v1", "Pod"}, sdk::WatchMapping::kControllerOwner},
                     {{"", "v1", "Service"}, sdk::WatchMapping::kSameKey}},
                    4};
    g_admission = {
        {{"nvidia.com", "v1alpha1", "dynamographdeployments", sdk::kCreate | sdk::kUpdate}}};
    g_placement = {"dynop-gpu", 32};
    g_autoscaler = {std::chrono::seconds(30)};
  }
  std::string describe(PluginSpecs& specs) {
    const dynop_plugin_descriptor& d = *sdk::detail::Exported<Declaring>::entry();
    dynop_status error{};
    dynop_plugin* p = d.lifecycle.init(fake_.raw(), nullptr, 0, &error);
    EXPECT_NE(p, nullptr);
    const DescriptorCheck check = check_descriptor(&d);
    EXPECT_TRUE(check.ok()) << check.error;
    std::string result = describe_plugin(check.hooks, p, specs);
    d.lifecycle.destroy(p);
    return result;
  }
  sdk::testing::FakeHost fake_;
};

TEST_F(PluginSpecsTest, CopiesEveryCapabilityDeclaration) {
  PluginSpecs specs;
  ASSERT_EQ(describe(specs), "");
  ASSERT_TRUE(specs.reconciler);
  EXPECT_EQ(specs.reconciler->primary.kind, "DynamoGraphDeployment");
  EXPECT_EQ(specs.reconciler->primary.group, "nvidia.com");
  EXPECT_EQ(specs.reconciler->workers, 4u);
  ASSERT_EQ(specs.reconciler->watches.size(), 2u);
  EXPECT_EQ(specs.reconciler->watches[1].kind.kind, "Service");
  EXPECT_EQ(specs.reconciler->watches[1].mapping, DYNOP_MAP_SAME_KEY);
  ASSERT_TRUE(specs.admission);
  ASSERT_EQ(specs.admission->rules.size(), 1u);
  EXPECT_EQ(specs.admission->rules[0].resource, "dynamographdeployments");
  EXPECT_EQ(specs.admission->rules[0].operations, DYNOP_OP_CREATE | DYNOP_OP_UPDATE);
  ASSERT_TRUE(specs.placement);
  EXPECT_EQ(specs.placement->scheduler_name, "dynop-gpu");
  EXPECT_EQ(specs.placement->nodes_to_score, 32u);
  ASSERT_TRUE(specs.autoscaler);
  EXPECT_EQ(specs.autoscaler->interval_ms, 30000u);
}

TEST_F(PluginSpecsTest, ZeroWorkersAndIntervalGetDefaults) {
  g_reconciler.workers = 0;
  g_autoscaler.interval = std::chrono::milliseconds(0);
  PluginSpecs specs;
  ASSERT_EQ(describe(specs), "");
  EXPECT_EQ(specs.reconciler->workers, 1u);
  EXPECT_EQ(specs.autoscaler->interval_ms, 15000u);
}

TEST_F(PluginSpecsTest, InvalidDeclarationsAreReportedByCapability) {
  PluginSpecs specs;
  g_reconciler.primary.kind = "";
  EXPECT_EQ(describe(specs), "describe (reconciler): the primary kind needs a version and a kind");
  SetUp();
  g_reconciler.watches[0].mapping = sdk::WatchMapping::kFunction;
  EXPECT_THAT(
      describe(specs),
      ::testing::HasSubstr("describe (reconciler): a watch of kind Pod uses "
                           "WatchMapping::kFunction but the plugin has no map_to_primary()"));
  SetUp();
  g_admission.rules.clear();
  EXPECT_EQ(describe(specs), "describe (admission): it declares no admission rule");
  SetUp();
  g_admission.rules[0].operations = 0;
  EXPECT_EQ(describe(specs),
            "describe (admission): admission rule for dynamographdeployments has invalid "
            "operations");
  SetUp();
  g_placement.scheduler_name = "";
  EXPECT_EQ(describe(specs), "describe (placement): it names no scheduler");
}

TEST_F(PluginSpecsTest, CopiesWhatEachKindIsCached) {
  g_reconciler.primary_cache = sdk::CacheSpec::full().written_back();
  g_reconciler.watches[0].cache = sdk::CacheSpec::fields({"metadata.labels", "status.phase"});
  g_reconciler.watches[1].cache = sdk::CacheSpec::metadata();
  PluginSpecs specs;
  ASSERT_EQ(describe(specs), "");
  EXPECT_EQ(specs.reconciler->primary_cache.mode, DYNOP_CACHE_FULL);
  EXPECT_TRUE(specs.reconciler->primary_cache.writes);
  const CacheSpec& pods = specs.reconciler->watches[0].cache;
  EXPECT_EQ(pods.mode, DYNOP_CACHE_FIELDS);
  EXPECT_THAT(pods.fields, ::testing::ElementsAre("metadata.labels", "status.phase"));
  EXPECT_FALSE(pods.writes);
  EXPECT_EQ(specs.reconciler->watches[1].cache.mode, DYNOP_CACHE_METADATA);
  EXPECT_TRUE(specs.reconciler->watches[1].cache.fields.empty());
}

// A projection must never make a write drop fields.
TEST_F(PluginSpecsTest, WritingBackAProjectedKindIsRefused) {
  PluginSpecs specs;
  g_reconciler.watches[0].cache = sdk::CacheSpec::fields({"status.phase"}).written_back();
  EXPECT_EQ(describe(specs),
            "describe (reconciler): it writes Pod objects back (writes is set) but asks the host "
            "to cache only the fields status.phase: an update would drop every field the cache "
            "leaves out; cache Pod whole (DYNOP_CACHE_FULL) or do not write it back");
  SetUp();
  g_reconciler.primary_cache = sdk::CacheSpec::metadata().written_back();
  EXPECT_EQ(describe(specs),
            "describe (reconciler): it writes DynamoGraphDeployment objects back (writes is set) "
            "but asks the host to cache only its metadata: an update would drop every field the "
            "cache leaves out; cache DynamoGraphDeployment whole (DYNOP_CACHE_FULL) or do not "
            "write it back");
}

TEST_F(PluginSpecsTest, FieldsMustBeDottedPaths) {
  PluginSpecs specs;
  g_reconciler.watches[1].cache = sdk::CacheSpec::fields({});
  EXPECT_EQ(describe(specs),
            "describe (reconciler): the cache of Service asks for listed fields "
            "(DYNOP_CACHE_FIELDS) but lists none");
  SetUp();
  g_reconciler.watches[1].cache = sdk::CacheSpec::fields({"spec..ports"});
  EXPECT_EQ(describe(specs),
            "describe (reconciler): the cache of Service names the field path \"spec..ports\", "
            "which is not a dotted path like status.phase");
}

}  // namespace
}  // namespace dynop::host
