#include "plugins/common/pod_groups.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <memory>

#include "lib/kube/cache/object_decoder.hpp"
#include "tests/unit/plugins/common/plugin_test_support.hpp"

namespace dynop::plugins::common {
namespace {

using testing::pod;

boost::json::object pod_json(std::string_view yaml) {
  return testing::yaml_to_json(yaml).as_object();
}

TEST(PodGroups, ObservesGroupLabelsAndState) {
  auto p = observe_pod(pod_json(R"(
metadata:
  name: d-decode-abc-0-1
  creationTimestamp: "2026-01-01T00:00:05Z"
  labels:
    nvidia.com/dynamo-pod-template-hash: abc
    nvidia.com/dynamo-group-index: "0"
    nvidia.com/dynamo-multinode-rank: "1"
status:
  phase: Running
  conditions: [{type: Ready, status: "True"}]
)"));
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->name, "d-decode-abc-0-1");
  EXPECT_EQ(p->template_hash, "abc");
  EXPECT_EQ(p->group_index, 0);
  EXPECT_EQ(p->rank, 1);
  EXPECT_TRUE(p->ready);
  EXPECT_FALSE(p->terminating);
  EXPECT_EQ(p->creation_timestamp, "2026-01-01T00:00:05Z");
}

// The dgd and dgdsa plugins ask the host to cache only observed_pod_fields()
// of pods: what observe_pod reads of a realistic pod must survive that
// projection, as the host's decoder applies it.
TEST(PodGroups, ObservedPodFieldsKeepWhatObservePodReads) {
  const boost::json::object full = pod_json(R"(
apiVersion: v1
kind: Pod
metadata:
  name: d-decode-abc-2-1
  namespace: team
  uid: 5d3c
  resourceVersion: "77"
  creationTimestamp: "2026-01-01T00:00:05Z"
  deletionTimestamp: "2026-01-01T00:10:00Z"
  annotations: {note: dropped}
  labels:
    nvidia.com/dynamo-pod-template-hash: abc
    nvidia.com/dynamo-group-index: "2"
    nvidia.com/dynamo-multinode-rank: "1"
    nvidia.com/dynamo-component: decode
  ownerReferences:
  - {apiVersion: nvidia.com/v1alpha1, kind: DynamoGraphDeployment, name: d, uid: u-d, controller: true}
spec:
  containers: [{name: main, image: img}]
status:
  phase: Running
  podIP: 10.0.0.9
  conditions:
  - {type: Initialized, status: "True", lastTransitionTime: "2026-01-01T00:00:06Z"}
  - {type: Ready, status: "True", lastTransitionTime: "2026-01-01T00:00:09Z"}
)");
  kube::ObjectDecoder decoder(
      std::make_shared<kube::Projection>(kube::Projection::of_fields(observed_pod_fields())), "v1",
      "Pod");
  auto cached = decoder.decode_object(boost::json::serialize(full));
  ASSERT_TRUE(cached) << cached.error().describe();
  const boost::json::value projected = boost::json::parse((*cached)->json());
  EXPECT_EQ(projected.as_object().if_contains("spec"), nullptr);  // it was projected

  auto want = observe_pod(full);
  auto got = observe_pod(projected.as_object());
  ASSERT_TRUE(want && got);
  EXPECT_EQ(got->name, want->name);
  EXPECT_EQ(got->template_hash, want->template_hash);
  EXPECT_EQ(got->group_index, want->group_index);
  EXPECT_EQ(got->rank, want->rank);
  EXPECT_EQ(got->phase, want->phase);
  EXPECT_EQ(got->ready, want->ready);
  EXPECT_TRUE(got->ready);
  EXPECT_EQ(got->terminating, want->terminating);
  EXPECT_TRUE(got->terminating);
  EXPECT_EQ(got->creation_timestamp, want->creation_timestamp);
  // What maps a pod to its DGD and adapter: the controller reference and the
  // service label.
  EXPECT_EQ(boost::json::serialize(projected.at("metadata").at("ownerReferences")),
            boost::json::serialize(full.at("metadata").at("ownerReferences")));
  EXPECT_EQ(projected.at("metadata").at("labels").at("nvidia.com/dynamo-component"), "decode");
}

TEST(PodGroups, PendingPodIsNotReadyWhateverItsCondition) {
  auto p = observe_pod(pod_json(R"(
metadata:
  name: x
  labels: {nvidia.com/dynamo-pod-template-hash: h, nvidia.com/dynamo-group-index: "3"}
status: {phase: Pending, conditions: [{type: Ready, status: "True"}]}
)"));
  ASSERT_TRUE(p.has_value());
  EXPECT_FALSE(p->ready);
}

TEST(PodGroups, PodsWithoutGroupLabelsAreNotOurs) {
  EXPECT_FALSE(observe_pod(pod_json("metadata: {name: x, labels: {app: y}}")).has_value());
  EXPECT_FALSE(observe_pod(pod_json(R"(
metadata:
  name: x
  labels: {nvidia.com/dynamo-pod-template-hash: h, nvidia.com/dynamo-group-index: "-1"}
)"))
                   .has_value());
  EXPECT_EQ(observe_pods({pod_json("metadata: {name: x}")}).size(), 0u);
}

TEST(PodGroups, TerminatingAndFailedMakeAGroupBroken) {
  auto p = observe_pod(pod_json(R"(
metadata:
  name: x
  deletionTimestamp: "2026-01-01T00:00:00Z"
  labels: {nvidia.com/dynamo-pod-template-hash: h, nvidia.com/dynamo-group-index: "0"}
)"));
  ASSERT_TRUE(p.has_value());
  EXPECT_TRUE(p->terminating);
  auto groups = group_pods({*p});
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_TRUE(groups[0].broken());

  auto failed = group_pods({pod("y", "h", 0, 0, false, "t", "Failed")});
  EXPECT_TRUE(failed[0].broken());
  auto done = group_pods({pod("y", "h", 0, 0, false, "t", "Succeeded")});
  EXPECT_TRUE(done[0].broken());
}

TEST(PodGroups, AMultinodeGroupCountsOnce) {
  std::vector<ObservedPod> pods = {
      pod("g0-0", "h", 0, 0),   pod("g0-1", "h", 0, 1),                   // ready group
      pod("g1-0", "h", 1, 0),   pod("g1-1", "h", 1, 1, /*ready=*/false),  // not ready
      pod("g2-0", "h", 2, 0),                                             // incomplete
      pod("o0-0", "old", 0, 0), pod("o0-1", "old", 0, 1),                 // older template
  };
  auto groups = group_pods(pods);
  ASSERT_EQ(groups.size(), 4u);
  GroupCounts c = count_groups(groups, "h", 2);
  EXPECT_EQ(c.replicas, 4);
  EXPECT_EQ(c.updated_replicas, 3);
  EXPECT_EQ(c.ready_replicas, 2);  // g0 and the old group
}

TEST(PodGroups, BrokenGroupsCountForNothing) {
  std::vector<ObservedPod> pods = {pod("a", "h", 0), pod("b", "h", 1, 0, false, "t", "Failed")};
  GroupCounts c = count_groups(group_pods(pods), "h", 1);
  EXPECT_EQ(c.replicas, 1);
  EXPECT_EQ(c.ready_replicas, 1);
}

}  // namespace
}  // namespace dynop::plugins::common
