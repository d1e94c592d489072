#include "lib/record/event_recorder.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <mutex>
#include <vector>

namespace dynop::record {
namespace {

struct FakeSink : EventSink {
  std::mutex mutex;
  std::vector<boost::json::object> created;
  std::vector<std::pair<std::string, boost::json::object>> patches;
  bool fail_patches = false;
  kube::Result<std::string> create(const std::string& ns, const std::string& event_json) override {
    std::lock_guard guard(mutex);
    auto event = boost::json::parse(event_json).as_object();
    EXPECT_EQ(event["metadata"].as_object()["namespace"].as_string(), ns);
    created.push_back(event);
    return event_json;
  }
  kube::Result<std::string> patch(const std::string&, const std::string& name,
                                  const std::string& merge_patch) override {
    std::lock_guard guard(mutex);
    if (fail_patches) return kube::error_from_response(404, "");
    patches.emplace_back(name, boost::json::parse(merge_patch).as_object());
    return merge_patch;
  }
};

InvolvedObject dgd() {
  return InvolvedObject{
      "nvidia.com/v1alpha1", "DynamoGraphDeployment", "dynamo", "graph", "uid-1", "42"};
}

TEST(EventRecorder, WritesACoreV1Event) {
  clock::FakeClock clock;
  FakeSink sink;
  EventRecorderOptions options;
  options.instance = "dynop-0";
  options.clock = &clock;
  EventRecorder recorder(options, sink);
  recorder.record(dgd(), "Warning", "ValidationFailed", "spec.services: must not be empty");
  recorder.flush();
  ASSERT_EQ(sink.created.size(), 1u);
  auto& event = sink.created[0];
  EXPECT_EQ(event["kind"], "Event");
  EXPECT_EQ(event["type"], "Warning");
  EXPECT_EQ(event["reason"], "ValidationFailed");
  EXPECT_EQ(event["message"], "spec.services: must not be empty");
  EXPECT_EQ(event["count"], 1);
  EXPECT_EQ(event["firstTimestamp"], "2026-01-01T00:00:00Z");
  EXPECT_EQ(event["source"].as_object()["component"], "dynop");
  EXPECT_EQ(event["reportingInstance"], "dynop-0");
  auto& involved = event["involvedObject"].as_object();
  EXPECT_EQ(involved["kind"], "DynamoGraphDeployment");
  EXPECT_EQ(involved["namespace"], "dynamo");
  EXPECT_EQ(involved["uid"], "uid-1");
  EXPECT_TRUE(event["metadata"].as_object()["name"].as_string().starts_with("graph."));
}

TEST(EventRecorder, AggregatesRepeatsIntoOneEvent) {
  clock::FakeClock clock;
  FakeSink sink;
  EventRecorderOptions options;
  options.clock = &clock;
  EventRecorder recorder(options, sink);
  recorder.record(dgd(), "Warning", "Failed", "boom");
  recorder.flush();
  clock.advance(std::chrono::seconds(30));
  recorder.record(dgd(), "Warning", "Failed", "boom");
  recorder.record(dgd(), "Warning", "Failed", "boom");
  recorder.record(dgd(), "Normal", "Scaled", "replicas 2 -> 3");  // different: its own event
  recorder.flush();
  ASSERT_EQ(sink.created.size(), 2u);
  ASSERT_EQ(sink.patches.size(), 2u);
  EXPECT_EQ(sink.patches[0].first,
            std::string(sink.created[0]["metadata"].as_object()["name"].as_string()));
  EXPECT_EQ(sink.patches[0].second["count"], 2);
  EXPECT_EQ(sink.patches[0].second["lastTimestamp"], "2026-01-01T00:00:30Z");
  EXPECT_EQ(sink.patches[1].second["count"], 3);
  // After the window a repeat starts a new event.
  clock.advance(std::chrono::minutes(11));
  recorder.record(dgd(), "Warning", "Failed", "boom");
  recorder.flush();
  EXPECT_EQ(sink.created.size(), 3u);
}

TEST(EventRecorder, ARepeatWhoseEventVanishedCreatesItAgain) {
  clock::FakeClock clock;
  FakeSink sink;
  EventRecorderOptions options;
  options.clock = &clock;
  EventRecorder recorder(options, sink);
  recorder.record(dgd(), "Warning", "Failed", "boom");
  recorder.flush();
  sink.fail_patches = true;
  recorder.record(dgd(), "Warning", "Failed", "boom");
  recorder.flush();
  EXPECT_EQ(sink.created.size(), 2u);
}

TEST(EventRecorder, DropsBeyondTheQueueLimitInsteadOfBlocking) {
  struct BlockedSink : FakeSink {
    std::mutex gate;
    kube::Result<std::string> create(const std::string& ns, const std::string& json) override {
      std::lock_guard hold(gate);
      return FakeSink::create(ns, json);
    }
  } sink;
  EventRecorderOptions options;
  options.max_pending = 3;
  std::unique_lock hold(sink.gate);  // the writer blocks on its first event
  {
    EventRecorder recorder(options, sink);
    for (int i = 0; i < 10; ++i) recorder.record(dgd(), "Normal", "R", "m" + std::to_string(i));
    EXPECT_GE(recorder.dropped(), 6u);
    hold.unlock();
  }
  EXPECT_LE(sink.created.size(), 4u);
}

}  // namespace
}  // namespace dynop::record
