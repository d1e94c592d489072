#pragma once
// What the simulated kubelet reads from a Pod: where it runs, what it runs
// (containers, images, ports), how it is labelled and annotated, whether it
// is being deleted, and a summary of the status already written, which the
// kubelet compares with the status it would write (level-based: nothing is
// written when they agree).

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lib/apimachinery/result.hpp"

namespace dynop::sim {

struct ContainerPortFacts {
  std::string name;  // may be empty
  std::uint16_t port = 0;
  std::string protocol = "TCP";
};

struct ContainerFacts {
  std::string name;
  std::string image;
  std::vector<ContainerPortFacts> ports;
};

// One condition as written.
struct ConditionFacts {
  std::string status;
  std::string reason;
  std::string last_transition_time;
};

// One container status as written.
struct ContainerStatusFacts {
  std::string state;       // "waiting", "running", "terminated" or ""
  std::string started_at;  // running.startedAt
  bool ready = false;
  bool started = false;
  std::int64_t restart_count = 0;
};

struct PodStatusFacts {
  std::string phase;
  std::string pod_ip;
  std::string host_ip;
  std::string start_time;
  std::map<std::string, ConditionFacts> conditions;        // by type
  std::map<std::string, ContainerStatusFacts> containers;  // by name
};

struct PodFacts {
  std::string ns;
  std::string name;
  std::string uid;
  std::string node;  // spec.nodeName
  std::map<std::string, std::string> labels;
  std::map<std::string, std::string> annotations;
  std::vector<ContainerFacts> containers;
  std::vector<ContainerFacts> init_containers;
  bool deleting = false;  // metadata.deletionTimestamp set
  // metadata.deletionGracePeriodSeconds, else spec.terminationGracePeriodSeconds.
  std::int64_t grace_period_seconds = 30;
  PodStatusFacts status;

  std::string key() const { return ns + "/" + name; }
  std::string label(std::string_view key) const;
  std::string annotation(std::string_view key) const;
};

// From the Pod's JSON; an error when it is not a Pod-shaped object.
apimachinery::Result<PodFacts> read_pod(std::string_view json);

}  // namespace dynop::sim
