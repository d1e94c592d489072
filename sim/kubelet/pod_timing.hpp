#pragma once
// How long a simulated pod takes, in simulated time: from bound to its
// containers running (create), from running to Ready (ready), and from
// SIGTERM to exit (delete). The profile gives the times per component type;
// a pod may override them with annotations, as KWOK's stage annotations do
// (Go durations; the stage happens uniformly between delay and jitter-delay):
//
//   pod-create.sim.dynop.io/delay: 2s
//   pod-ready.sim.dynop.io/delay: 90s
//   pod-ready.sim.dynop.io/jitter-delay: 120s
//   pod-delete.sim.dynop.io/delay: 10s
//
// Jitter is drawn from the pod's uid (and the restart count for `ready`), so
// a pod keeps its times when the sim restarts.

#include <chrono>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "sim/kubelet/pod_facts.hpp"
#include "sim/nodes/node_profile.hpp"

namespace dynop::sim {

inline constexpr char kCreateDelayAnnotation[] = "pod-create.sim.dynop.io/delay";
inline constexpr char kCreateJitterAnnotation[] = "pod-create.sim.dynop.io/jitter-delay";
inline constexpr char kReadyDelayAnnotation[] = "pod-ready.sim.dynop.io/delay";
inline constexpr char kReadyJitterAnnotation[] = "pod-ready.sim.dynop.io/jitter-delay";
inline constexpr char kDeleteDelayAnnotation[] = "pod-delete.sim.dynop.io/delay";
inline constexpr char kDeleteJitterAnnotation[] = "pod-delete.sim.dynop.io/jitter-delay";

// The component type whose start-up times a pod gets: the sub-component type
// (prefill, decode) of a worker, else nvidia.com/dynamo-component-type, else
// "default".
std::string component_type_of(const PodFacts& pod);

struct PodTimes {
  std::chrono::nanoseconds create{0};
  std::chrono::nanoseconds ready{0};
  std::chrono::nanoseconds del{0};
  // One line per annotation that could not be used (it is ignored).
  std::vector<std::string> problems;
};

// `restarts`: the container's restart count (a restarted container draws a new
// ready delay).
PodTimes pod_times(const KubeletSettings& kubelet, const PodFacts& pod, int restarts = 0);

// A point in [delay, jitter_delay] from `seed` (exactly `delay` without jitter).
std::chrono::nanoseconds draw(const StageDelay& stage, std::string_view seed);

}  // namespace dynop::sim
