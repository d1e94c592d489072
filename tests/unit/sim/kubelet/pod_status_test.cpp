#include "sim/kubelet/pod_status.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace dynop::sim {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

const WallTime kT0 = WallTime(1796533000s);  // 2026-12-06T04:56:40Z

PodFacts bound_pod() {
  // As the API server has it right after the binding (trace 09-pod-04).
  auto pod = read_pod(R"({"metadata":{"name":"decode-0","namespace":"default","uid":"u-1"},
    "spec":{"nodeName":"h100-0","containers":[{"name":"main","image":"busybox"}]},
    "status":{"phase":"Pending","qosClass":"BestEffort","conditions":[
      {"type":"PodScheduled","status":"True","lastProbeTime":null,"lastTransitionTime":"2026-11-28T00:44:47Z"}]}})");
  EXPECT_TRUE(pod.ok()) << pod.error();
  return *pod;
}

// The pod as it reads after `status` was merged in (conditions by type).
PodFacts with_status(PodFacts pod, const json::object& status) {
  json::object object{
      {"metadata", json::object{{"name", pod.name}, {"namespace", pod.ns}, {"uid", pod.uid}}},
      {"spec", json::object{{"nodeName", pod.node},
                            {"containers",
                             json::array{json::object{{"name", "main"}, {"image", "busybox"}}}}}},
      {"status", status}};
  auto read = read_pod(json::serialize(object));
  EXPECT_TRUE(read.ok()) << read.error();
  return *read;
}

PodRun run(PodRun::Stage stage, bool ready = false) {
  PodRun r;
  r.stage = stage;
  r.ready = ready;
  r.pod_ip = "127.128.0.2";
  r.host_ip = "127.64.0.1";
  r.start_time = kT0;
  r.container_started = kT0 + 2s;
  return r;
}

std::string str(const json::value& v) { return std::string(v.as_string()); }

const json::object& condition(const json::object& status, std::string_view type) {
  for (const json::value& c : status.at("conditions").as_array()) {
    if (c.at("type").as_string() == type) return c.as_object();
  }
  static const json::object none;
  return none;
}

TEST(PodStatus, ContainerCreatingAsAKubeletWritesIt) {
  json::object s = render_pod_status(bound_pod(), run(PodRun::Stage::kCreating), kT0);
  EXPECT_EQ(str(s["phase"]), "Pending");
  EXPECT_EQ(str(s["hostIP"]), "127.64.0.1");
  EXPECT_FALSE(s.contains("podIP"));  // the sandbox has no address yet
  EXPECT_EQ(str(s["startTime"]), "2026-12-06T04:56:40Z");
  // Initialized, Ready, ContainersReady, PodScheduled: the kubelet's order.
  const json::array& c = s["conditions"].as_array();
  ASSERT_EQ(c.size(), 4u);
  EXPECT_EQ(str(c[0].at("type")), "Initialized");
  EXPECT_EQ(str(c[1].at("type")), "Ready");
  EXPECT_EQ(str(c[1].at("status")), "False");
  EXPECT_EQ(str(c[1].at("reason")), "ContainersNotReady");
  EXPECT_EQ(str(c[1].at("message")), "containers with unready status: [main]");
  EXPECT_EQ(str(c[2].at("type")), "ContainersReady");
  // The scheduler's condition keeps its time.
  EXPECT_EQ(str(c[3].at("lastTransitionTime")), "2026-11-28T00:44:47Z");
  const json::object& main = s["containerStatuses"].as_array()[0].as_object();
  EXPECT_EQ(str(main.at("state").at("waiting").at("reason")), "ContainerCreating");
  EXPECT_EQ(str(main.at("image")), "docker.io/library/busybox:latest");
  EXPECT_FALSE(main.at("started").as_bool());
}

TEST(PodStatus, RunningThenReady) {
  PodFacts pod = bound_pod();
  json::object running = render_pod_status(pod, run(PodRun::Stage::kRunning), kT0 + 2s);
  EXPECT_EQ(str(running["phase"]), "Running");
  EXPECT_EQ(str(running["podIP"]), "127.128.0.2");
  EXPECT_EQ(str(running["podIPs"].as_array()[0].at("ip")), "127.128.0.2");
  const json::object& main = running["containerStatuses"].as_array()[0].as_object();
  EXPECT_EQ(str(main.at("state").at("running").at("startedAt")), "2026-12-06T04:56:42Z");
  EXPECT_TRUE(main.at("started").as_bool());
  EXPECT_FALSE(main.at("ready").as_bool());
  EXPECT_TRUE(str(main.at("imageID")).starts_with("docker.io/library/busybox@sha256:"));
  EXPECT_TRUE(str(main.at("containerID")).starts_with("containerd://"));

  pod = with_status(pod, running);
  json::object ready = render_pod_status(pod, run(PodRun::Stage::kRunning, true), kT0 + 9s);
  const json::object& r = condition(ready, "Ready");
  EXPECT_EQ(str(r.at("status")), "True");
  EXPECT_EQ(str(r.at("lastTransitionTime")), "2026-12-06T04:56:49Z");
  // null: the strategic merge patch removes the earlier reason and message.
  EXPECT_TRUE(r.at("reason").is_null());
  EXPECT_TRUE(r.at("message").is_null());
  // Initialized did not change: its time is kept.
  EXPECT_EQ(str(condition(ready, "Initialized").at("lastTransitionTime")), "2026-12-06T04:56:42Z");
  EXPECT_TRUE(ready["containerStatuses"].as_array()[0].at("ready").as_bool());
}

TEST(PodStatus, RestartedTerminatedAndNodeNotReady) {
  PodRun crashed = run(PodRun::Stage::kRunning);
  crashed.restarts = 1;
  crashed.last_termination = Termination{1, "Error", kT0 + 2s, kT0 + 60s, "containerd://old"};
  json::object s = render_pod_status(bound_pod(), crashed, kT0 + 60s);
  const json::object& main = s["containerStatuses"].as_array()[0].as_object();
  EXPECT_EQ(main.at("restartCount").as_int64(), 1);
  const json::object& last = main.at("lastState").at("terminated").as_object();
  EXPECT_EQ(last.at("exitCode").as_int64(), 1);
  EXPECT_EQ(str(last.at("reason")), "Error");
  EXPECT_EQ(str(last.at("finishedAt")), "2026-12-06T04:57:40Z");

  PodRun node_down = run(PodRun::Stage::kRunning);
  node_down.not_ready_reason = "NodeNotReady";
  json::object d = render_pod_status(bound_pod(), node_down, kT0);
  EXPECT_EQ(str(condition(d, "Ready").at("reason")), "NodeNotReady");

  PodRun gone = run(PodRun::Stage::kTerminated);
  gone.termination = Termination{137, "Error", kT0 + 2s, kT0 + 32s, ""};
  json::object t = render_pod_status(bound_pod(), gone, kT0 + 32s);
  const json::object& term =
      t["containerStatuses"].as_array()[0].at("state").at("terminated").as_object();
  EXPECT_EQ(term.at("exitCode").as_int64(), 137);
  EXPECT_TRUE(str(term.at("containerID")).starts_with("containerd://"));
  EXPECT_EQ(str(condition(t, "Ready").at("status")), "False");
}

TEST(PodStatus, WhatWasWrittenMatchesUntilTheStageChanges) {
  PodFacts pod = bound_pod();
  for (auto stage : {PodRun::Stage::kCreating, PodRun::Stage::kRunning}) {
    for (bool ready : {false, true}) {
      if (stage == PodRun::Stage::kCreating && ready) continue;
      const PodRun r = run(stage, ready);
      EXPECT_FALSE(status_matches(pod, r));
      PodFacts written = with_status(pod, render_pod_status(pod, r, kT0));
      EXPECT_TRUE(status_matches(written, r));
      PodRun other = r;
      other.restarts = 1;
      EXPECT_FALSE(status_matches(written, other));
      other = r;
      other.pod_ip = "127.128.0.3";
      EXPECT_EQ(status_matches(written, other), stage == PodRun::Stage::kCreating);
    }
  }
  const PodRun down = [] {
    PodRun r = run(PodRun::Stage::kRunning);
    r.not_ready_reason = "NodeNotReady";
    return r;
  }();
  PodFacts written = with_status(pod, render_pod_status(pod, run(PodRun::Stage::kRunning), kT0));
  EXPECT_FALSE(status_matches(written, down));
}

TEST(PodStatus, ImagesAsTheRuntimeReportsThem) {
  EXPECT_EQ(normalized_image("busybox"), "docker.io/library/busybox:latest");
  EXPECT_EQ(normalized_image("team/app:1"), "docker.io/team/app:1");
  EXPECT_EQ(normalized_image("nvcr.io/nvidia/ai-dynamo/sglang-runtime:0.8.0"),
            "nvcr.io/nvidia/ai-dynamo/sglang-runtime:0.8.0");
  EXPECT_EQ(normalized_image("localhost:5000/app"), "localhost:5000/app:latest");
  EXPECT_TRUE(image_id("nvcr.io/nvidia/x:1").starts_with("nvcr.io/nvidia/x@sha256:"));
  EXPECT_EQ(image_id("nvcr.io/nvidia/x:1"), image_id("nvcr.io/nvidia/x:1"));
  EXPECT_NE(container_id("u", "main", 0), container_id("u", "main", 1));
}

}  // namespace
}  // namespace dynop::sim
