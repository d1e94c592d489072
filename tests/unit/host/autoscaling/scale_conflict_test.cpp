#include "host/autoscaling/scale_conflict.hpp"

#include <gtest/gtest.h>

namespace dynop::host::autoscaling {
namespace {

using std::chrono::seconds;
using Time = std::chrono::system_clock::time_point;

const ScaleTarget kDecode{"nvidia.com/v1alpha1", "DynamoGraphDeploymentScalingAdapter", "default",
                          "sglang-agg-decode"};
const Time kT0{seconds(1767225600)};

TEST(LatestScaleWriter, ReadsTheNewestScaleEntryOfManagedFields) {
  const std::string object = R"({"metadata":{"managedFields":[
    {"manager":"kubectl-client-side-apply","operation":"Update","time":"2026-01-01T00:00:00Z",
     "fieldsType":"FieldsV1","fieldsV1":{"f:spec":{".":{},"f:dgdRef":{}}}},
    {"manager":"kube-controller-manager","operation":"Update","time":"2026-01-01T00:01:00Z",
     "fieldsType":"FieldsV1","fieldsV1":{"f:spec":{"f:replicas":{}}},"subresource":"scale"},
    {"manager":"dynop-planner","operation":"Update","time":"2026-01-01T00:02:00Z",
     "fieldsType":"FieldsV1","fieldsV1":{"f:spec":{"f:replicas":{}}},"subresource":"scale"},
    {"manager":"curl","operation":"Update","time":"2026-01-01T00:03:00Z",
     "fieldsType":"FieldsV1","fieldsV1":{"f:status":{"f:replicas":{}}},"subresource":"status"}
  ]}})";
  auto w = latest_scale_writer(object);
  ASSERT_TRUE(w);
  EXPECT_EQ(w->manager, "dynop-planner");
  EXPECT_EQ(w->time, kT0 + seconds(120));
  // A main-resource write owning spec.replicas counts too (kubectl edit).
  auto edit = latest_scale_writer(R"({"metadata":{"managedFields":[{"manager":"kubectl-edit",
    "time":"2026-01-01T00:00:05Z","fieldsV1":{"f:spec":{"f:replicas":{}}}}]}})");
  ASSERT_TRUE(edit);
  EXPECT_EQ(edit->manager, "kubectl-edit");
  EXPECT_FALSE(latest_scale_writer(R"({"metadata":{}})"));
  EXPECT_FALSE(latest_scale_writer("not json"));
}

TEST(ScaleConflictTracker, TwoWritersWithinTheWindowConflictOncePerWindow) {
  ScaleConflictTracker tracker(std::chrono::minutes(2));
  EXPECT_FALSE(tracker.observe(kDecode, {"kube-controller-manager", kT0}));
  EXPECT_FALSE(tracker.observe(kDecode, {"kube-controller-manager", kT0 + seconds(15)}));
  auto c = tracker.observe(kDecode, {"dynop-planner", kT0 + seconds(30)});
  ASSERT_TRUE(c);
  EXPECT_EQ(c->earlier.manager, "kube-controller-manager");
  EXPECT_EQ(c->message(),
            "/scale written by kube-controller-manager at 00:00:15Z and by dynop-planner at "
            "00:00:30Z, within 2m0s: two autoscalers target this "
            "DynamoGraphDeploymentScalingAdapter and will fight; keep one autoscaler per service");
  // The same pair is not warned about again within the window...
  EXPECT_FALSE(tracker.observe(kDecode, {"kube-controller-manager", kT0 + seconds(45)}));
  // ...but is after it.
  EXPECT_TRUE(tracker.observe(kDecode, {"dynop-planner", kT0 + seconds(160)}));
}

// A ScaledObject with minReplicaCount 0: KEDA's operator takes the adapter
// 0 -> 1 and its HPA 1 -> 4 seconds later; one autoscaler, no warning, as in
// a cluster (keda, kube-controller-manager) so in the local one
// (keda-operator, horizontal-pod-autoscaler). Another writer still conflicts.
TEST(ScaleConflictTracker, KedasOperatorAndItsHpaAreOneAutoscaler) {
  ScaleConflictTracker tracker(std::chrono::minutes(2));
  EXPECT_FALSE(tracker.observe(kDecode, {"keda", kT0}));
  EXPECT_FALSE(tracker.observe(kDecode, {"kube-controller-manager", kT0 + seconds(15)}));
  EXPECT_FALSE(tracker.observe(kDecode, {"keda", kT0 + seconds(30)}));
  ScaleConflictTracker local(std::chrono::minutes(2));
  EXPECT_FALSE(local.observe(kDecode, {"horizontal-pod-autoscaler", kT0}));
  EXPECT_FALSE(local.observe(kDecode, {"keda-operator", kT0 + seconds(10)}));
  auto c = local.observe(kDecode, {"dynop-planner", kT0 + seconds(20)});
  ASSERT_TRUE(c);
  EXPECT_EQ(c->earlier.manager, "keda-operator");
}

TEST(ScaleConflictTracker, WritesFarApartOrOnOtherTargetsAreNoConflict) {
  ScaleConflictTracker tracker(std::chrono::minutes(1));
  EXPECT_FALSE(tracker.observe(kDecode, {"kubectl", kT0}));
  EXPECT_FALSE(tracker.observe(kDecode, {"dynop-planner", kT0 + seconds(61)}));
  ScaleTarget frontend = kDecode;
  frontend.name = "sglang-agg-frontend";
  EXPECT_FALSE(tracker.observe(frontend, {"kube-controller-manager", kT0 + seconds(62)}));
  ScaleConflictTracker off(std::chrono::milliseconds(0));
  EXPECT_FALSE(off.observe(kDecode, {"a", kT0}));
  EXPECT_FALSE(off.observe(kDecode, {"b", kT0}));
}

}  // namespace
}  // namespace dynop::host::autoscaling
