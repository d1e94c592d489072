#include "host/plugins/plugin_validation.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace dynop::host {
namespace {

using ::testing::HasSubstr;

dynop_plugin* fake_init(const dynop_host*, const char*, size_t, dynop_status*) { return nullptr; }
void fake_destroy(dynop_plugin*) {}
dynop_status fake_status(dynop_plugin*, dynop_str, dynop_str) { return {DYNOP_OK, {nullptr, 0}}; }
dynop_status fake_describe(dynop_plugin*, dynop_placement_spec*) {
  return {DYNOP_OK, {nullptr, 0}};
}
dynop_status fake_score(dynop_plugin*, dynop_str, dynop_str, int64_t*) {
  return {DYNOP_OK, {nullptr, 0}};
}

class DescriptorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    placement_.describe = &fake_describe;
    placement_.filter = &fake_status;
    placement_.score = &fake_score;
    placement_.struct_size = sizeof(placement_);
    d_.struct_size = sizeof(dynop_plugin_descriptor);
    d_.abi_major = DYNOP_ABI_VERSION_MAJOR;
    d_.abi_minor = DYNOP_ABI_VERSION_MINOR;
    d_.name = "gpu-scheduler";
    d_.version = "0.1.0";
    d_.capabilities = DYNOP_CAP_PLACEMENT;
    d_.lifecycle.init = &fake_init;
    d_.lifecycle.destroy = &fake_destroy;
    d_.placement = &placement_;
  }
  dynop_placement_hooks placement_{};
  dynop_plugin_descriptor d_{};
};

TEST_F(DescriptorTest, WellFormedPasses) {
  DescriptorCheck c = check_descriptor(&d_);
  EXPECT_TRUE(c.ok()) << c.error;
  EXPECT_EQ(c.name, "gpu-scheduler");
}

TEST_F(DescriptorTest, OlderMinorLoadsInNewerHost) {
  d_.abi_major = 1;
  d_.abi_minor = 0;
  EXPECT_TRUE(check_descriptor(&d_, 1, 3).ok());
}

// A 1.0 plugin's tables have no struct_size: the host reads their 1.0
// fields and never looks where struct_size would be.
TEST_F(DescriptorTest, AnAbi10PluginsTablesAreReadBy10Sizes) {
  d_.abi_minor = 0;
  placement_.struct_size = 3;  // where a 1.0 table ends: not the plugin's, never read
  DescriptorCheck c = check_descriptor(&d_, 1, 1);
  ASSERT_TRUE(c.ok()) << c.error;
  EXPECT_EQ(c.hooks.abi_minor, 0);
  EXPECT_EQ(c.hooks.placement.describe, &fake_describe);
  EXPECT_EQ(c.hooks.placement.score, &fake_score);
}

TEST_F(DescriptorTest, HooksAreCopiedForTheHost) {
  DescriptorCheck c = check_descriptor(&d_);
  ASSERT_TRUE(c.ok()) << c.error;
  EXPECT_EQ(c.version, "0.1.0");
  EXPECT_EQ(c.hooks.capabilities, DYNOP_CAP_PLACEMENT);
  EXPECT_EQ(c.hooks.lifecycle.init, &fake_init);
  EXPECT_EQ(c.hooks.placement.filter, &fake_status);
  EXPECT_EQ(c.hooks.reconciler.reconcile, nullptr);
}

// A table from a newer SDK (larger, from a plugin declaring an older minor)
// is read up to this host's size.
TEST_F(DescriptorTest, ATableLargerThanTheHostsIsReadUpToItsSize) {
  struct NewerTable {
    dynop_placement_hooks known;
    void (*appended_later)(void);
  } newer{placement_, nullptr};
  newer.known.struct_size = sizeof(NewerTable);
  d_.placement = &newer.known;
  DescriptorCheck c = check_descriptor(&d_);
  ASSERT_TRUE(c.ok()) << c.error;
  EXPECT_EQ(c.hooks.placement.score, &fake_score);
  EXPECT_EQ(c.hooks.placement.struct_size, sizeof(NewerTable));
}

TEST_F(DescriptorTest, AHookTableWithoutItsSizeIsRefused) {
  placement_.struct_size = 0;
  DescriptorCheck c = check_descriptor(&d_);
  EXPECT_FALSE(c.ok());
  EXPECT_THAT(c.error, HasSubstr("its placement hook table has struct_size 0; a plugin of ABI "
                                 "1.1 or later sets it to the struct's sizeof"));
}

TEST_F(DescriptorTest, ADescriptorSmallerThan10sIsRefused) {
  d_.struct_size = DYNOP_DESCRIPTOR_SIZE_V1_0 - 8;
  DescriptorCheck c = check_descriptor(&d_);
  EXPECT_EQ(c.error, "its descriptor is " + std::to_string(DYNOP_DESCRIPTOR_SIZE_V1_0 - 8) +
                         " bytes, smaller than ABI 1.0's (" +
                         std::to_string(DYNOP_DESCRIPTOR_SIZE_V1_0) + ")");
}

TEST_F(DescriptorTest, NewerMinorIsRefusedWithBothVersions) {
  d_.abi_major = 1;
  d_.abi_minor = 4;
  DescriptorCheck c = check_descriptor(&d_, 1, 3);
  EXPECT_EQ(c.error,
            "it needs plugin ABI 1.4 but this host only provides 1.3; upgrade the host or rebuild "
            "the plugin against an older SDK");
  EXPECT_EQ(c.name, "gpu-scheduler");
}

TEST_F(DescriptorTest, OtherMajorIsRefusedWithoutReadingFurther) {
  d_.abi_major = 0;
  d_.abi_minor = 0;
  d_.name = nullptr;  // never read: the layout of another major is unknown
  DescriptorCheck c = check_descriptor(&d_, 1, 0);
  EXPECT_THAT(c.error, HasSubstr("built for plugin ABI 0.0 but this host speaks ABI 1.0"));
  EXPECT_EQ(c.name, "");
}

TEST_F(DescriptorTest, NullDescriptor) {
  EXPECT_EQ(check_descriptor(nullptr).error, "its entry function returned no descriptor");
}

TEST_F(DescriptorTest, BadName) {
  d_.name = "GPU Scheduler";
  EXPECT_THAT(check_descriptor(&d_).error, HasSubstr("name is missing or invalid"));
}

TEST_F(DescriptorTest, NoCapability) {
  d_.capabilities = 0;
  EXPECT_EQ(check_descriptor(&d_).error, "it declares no capability");
}

TEST_F(DescriptorTest, UnknownCapabilityBits) {
  d_.capabilities |= UINT64_C(1) << 40;
  d_.abi_minor = 1;
  EXPECT_THAT(check_descriptor(&d_, 1, 1).error,
              HasSubstr("capability bits unknown to ABI 1.1 (0x10000000000)"));
}

TEST_F(DescriptorTest, CapabilityWithoutTable) {
  d_.capabilities |= DYNOP_CAP_ADMISSION;
  EXPECT_EQ(check_descriptor(&d_).error,
            "missing required hook for its capabilities (admission, placement): admission (no "
            "hook table)");
}

TEST_F(DescriptorTest, ListsEveryMissingHook) {
  placement_.filter = nullptr;
  placement_.score = nullptr;
  d_.lifecycle.destroy = nullptr;
  EXPECT_EQ(check_descriptor(&d_).error,
            "missing required hooks for its capabilities (placement): lifecycle.destroy, "
            "placement.filter (or filter_nodes), placement.score (or score_nodes)");
}

dynop_status fake_filter_nodes(dynop_plugin*, const dynop_cluster_view*, const dynop_pod_view*,
                               const uint32_t*, size_t, uint32_t*, dynop_filter_result*) {
  return dynop_status{DYNOP_OK, {nullptr, 0}};
}
dynop_status fake_score_nodes(dynop_plugin*, const dynop_cluster_view*, const dynop_pod_view*,
                              const uint32_t*, size_t, int64_t*) {
  return dynop_status{DYNOP_OK, {nullptr, 0}};
}
dynop_status fake_reserve_node(dynop_plugin*, const dynop_cluster_view*, const dynop_pod_view*,
                               uint32_t) {
  return dynop_status{DYNOP_OK, {nullptr, 0}};
}

TEST_F(DescriptorTest, TypedBatchHooksReplaceTheJsonOnes) {
  placement_.filter = nullptr;
  placement_.score = nullptr;
  placement_.filter_nodes = &fake_filter_nodes;
  EXPECT_EQ(check_descriptor(&d_).error,
            "missing required hook for its capabilities (placement): placement.score_nodes");
  placement_.score_nodes = &fake_score_nodes;
  DescriptorCheck c = check_descriptor(&d_);
  ASSERT_TRUE(c.ok()) << c.error;
  EXPECT_EQ(c.hooks.placement.filter_nodes, &fake_filter_nodes);
  placement_.reserve_node = &fake_reserve_node;
  EXPECT_THAT(check_descriptor(&d_).error,
              HasSubstr("placement.unreserve_node (required with reserve_node)"));
}

TEST_F(DescriptorTest, APluginOfAnOlderMinorHasNoTypedHooks) {
  // A 1.1 table ends at struct_size: the 1.2 hooks after it read as NULL
  // even if the bytes after the plugin's table happen to be non-zero.
  struct Older {
    dynop_placement_hooks table;
  } older{placement_};
  older.table.struct_size = DYNOP_FIELD_END(dynop_placement_hooks, struct_size);
  older.table.filter_nodes = &fake_filter_nodes;  // beyond its struct_size: never read
  d_.abi_minor = 1;
  d_.placement = &older.table;
  DescriptorCheck c = check_descriptor(&d_);
  ASSERT_TRUE(c.ok()) << c.error;
  EXPECT_EQ(c.hooks.placement.filter_nodes, nullptr);
  EXPECT_EQ(c.hooks.placement.filter, &fake_status);
}

TEST_F(DescriptorTest, ReserveNeedsUnreserve) {
  placement_.reserve = &fake_status;
  EXPECT_THAT(check_descriptor(&d_).error,
              HasSubstr("placement.unreserve (required with reserve)"));
  placement_.unreserve = &fake_status;
  EXPECT_TRUE(check_descriptor(&d_).ok());
}

TEST_F(DescriptorTest, OptionalHooksMayBeAbsent) {
  d_.lifecycle.start = nullptr;
  d_.lifecycle.stop = nullptr;
  placement_.bind = nullptr;
  EXPECT_TRUE(check_descriptor(&d_).ok());
}

TEST(CapabilityNames, ListsInOrder) {
  EXPECT_EQ(capability_names(DYNOP_CAP_AUTOSCALER | DYNOP_CAP_RECONCILER),
            "reconciler, autoscaler");
  EXPECT_EQ(capability_names(0), "none");
}

}  // namespace
}  // namespace dynop::host
