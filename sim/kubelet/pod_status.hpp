#pragma once
// The status a kubelet (v1.26) writes for a pod at each stage of its life, as
// generateAPIPodStatus builds it:
//   creating    phase Pending, hostIP, startTime, Initialized True, Ready and
//               ContainersReady False (ContainersNotReady), containers waiting
//               in ContainerCreating
//   running     phase Running, podIP/podIPs, containers running (startedAt,
//               started, imageID, containerID), not ready until...
//   ready       Ready and ContainersReady True, containers ready
//   terminated  containers terminated (exit code, reason, finishedAt), not ready
// Conditions keep their lastTransitionTime while their status holds. The
// PodScheduled condition is the scheduler's and is copied as it is (True when
// the pod was created with spec.nodeName and has none).
// PodReadyToStartContainers does not exist in v1.26 (it appeared in 1.29 as
// the renamed PodHasNetwork alpha), so it is not written.

#include <boost/json/object.hpp>
#include <chrono>
#include <optional>
#include <string>

#include "sim/kubelet/pod_facts.hpp"

namespace dynop::sim {

using WallTime = std::chrono::system_clock::time_point;

struct Termination {
  int exit_code = 0;
  std::string reason;  // "Completed", "Error"
  WallTime started_at;
  WallTime finished_at;
  std::string container_id;
};

struct PodRun {
  enum class Stage { kCreating, kRunning, kTerminated };
  Stage stage = Stage::kCreating;
  bool ready = false;  // containers ready (kRunning)
  // Why not ready while running: "" (containers not ready yet), or a node that
  // is not ready ("NodeNotReady").
  std::string not_ready_reason;
  std::string pod_ip;
  std::string host_ip;
  WallTime start_time;         // status.startTime
  WallTime container_started;  // state.running.startedAt
  int restarts = 0;
  std::optional<Termination> last_termination;  // lastState, after a restart
  std::optional<Termination> termination;       // state, when kTerminated
};

// The status object for PATCH pods/<name>/status.
boost::json::object render_pod_status(const PodFacts& pod, const PodRun& run, WallTime now);

// Whether `pod`'s written status already says what `run` would write (phase,
// addresses, readiness, each container's state, readiness and restarts).
bool status_matches(const PodFacts& pod, const PodRun& run);

// The image as the kubelet reports it ("busybox" -> "docker.io/library/busybox:latest")
// and its imageID (repository@sha256:...), a digest derived from the name.
std::string normalized_image(const std::string& image);
std::string image_id(const std::string& image);
// "containerd://<64 hex>", stable for a pod uid, container and restart.
std::string container_id(const std::string& pod_uid, const std::string& container, int restart);

}  // namespace dynop::sim
