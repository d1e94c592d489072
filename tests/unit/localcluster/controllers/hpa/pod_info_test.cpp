// A v1 Pod as the HPA replica calculator reads it.

#include "localcluster/controllers/hpa/pod_info.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace dynop::localcluster::hpa {
namespace {

namespace json = boost::json;

TEST(PodInfo, ReadsPhaseReadinessAndRequests) {
  const auto pod = pod_info_from_json(json::parse(R"({
    "metadata":{"name":"web-1","labels":{"app":"web","bad":1}},
    "spec":{"containers":[{"name":"c","resources":{"requests":{"cpu":"250m"}}}]},
    "status":{"phase":"Running","startTime":"2026-01-02T03:04:05Z","conditions":[
      {"type":"PodScheduled","status":"True"},
      {"type":"Ready","status":"True","lastTransitionTime":"2026-01-02T03:04:10Z"}]}})"));
  EXPECT_EQ(pod.name, "web-1");
  EXPECT_EQ(pod.labels, (std::map<std::string, std::string>{{"app", "web"}}));
  EXPECT_FALSE(pod.deleting);
  ASSERT_TRUE(pod.start_time);
  EXPECT_EQ(apimachinery::format_time(*pod.start_time), "2026-01-02T03:04:05Z");
  ASSERT_TRUE(pod.ready);
  EXPECT_EQ(pod.ready->status, "True");
  EXPECT_EQ(apimachinery::format_time(pod.ready->last_transition_time), "2026-01-02T03:04:10Z");
  EXPECT_TRUE(pod.running_and_ready());
  ASSERT_EQ(pod.containers.size(), 1u);
  EXPECT_EQ(pod.containers[0].name, "c");
  EXPECT_EQ(pod.containers[0].requests.at("cpu").milli_value(), 250);
}

TEST(PodInfo, APodWithoutAReadyConditionIsNotReady) {
  const auto pending = pod_info_from_json(json::parse(
      R"({"metadata":{"deletionTimestamp":"2026-01-02T03:04:05Z"},
          "status":{"phase":"Running","conditions":[{"type":"PodScheduled","status":"True"}]}})"));
  EXPECT_FALSE(pending.ready);
  EXPECT_TRUE(pending.deleting);
  EXPECT_FALSE(pending.running_and_ready());

  const auto unready = pod_info_from_json(json::parse(
      R"({"status":{"phase":"Running","conditions":[{"type":"Ready","status":"False"}]}})"));
  ASSERT_TRUE(unready.ready);
  EXPECT_EQ(unready.ready->status, "False");
  EXPECT_EQ(unready.ready->last_transition_time, apimachinery::Timestamp{});
  EXPECT_FALSE(unready.running_and_ready());

  EXPECT_FALSE(pod_info_from_json(json::parse("[]")).ready);
}

}  // namespace
}  // namespace dynop::localcluster::hpa
