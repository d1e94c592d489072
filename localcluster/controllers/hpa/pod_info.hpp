#pragma once
// The parts of a Pod the HPA replica calculator looks at: phase, deletion,
// start time, the Ready condition and each container's resource requests.

#include <boost/json/value.hpp>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "lib/apimachinery/quantity.hpp"
#include "lib/apimachinery/time.hpp"

namespace dynop::localcluster::hpa {

struct PodCondition {
  std::string status;  // True | False | Unknown
  apimachinery::Timestamp last_transition_time{};
};

struct ContainerRequests {
  std::string name;
  std::map<std::string, apimachinery::Quantity> requests;  // resource name -> quantity
};

struct PodInfo {
  std::string name;
  std::map<std::string, std::string> labels;
  std::string phase;  // Pending | Running | Succeeded | Failed | Unknown
  bool deleting = false;
  std::optional<apimachinery::Timestamp> start_time;
  std::optional<PodCondition> ready;  // the Ready condition, when the pod has one
  std::vector<ContainerRequests> containers;

  // Running with condition Ready=True (podutil.IsPodReady).
  bool running_and_ready() const;
};

// Reads a v1 Pod as the API server returns it; unknown or mistyped fields
// are skipped.
PodInfo pod_info_from_json(const boost::json::value& pod);

}  // namespace dynop::localcluster::hpa
