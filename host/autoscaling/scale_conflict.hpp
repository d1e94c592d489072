#pragma once
// Two autoscalers on one target fight (the guide's best practice 1: one
// autoscaler per service). The host sees it as two different writers of the
// same /scale within a short window. Who wrote is read from the target's
// metadata.managedFields, as kube-apiserver keeps them for /scale writes: the
// entry with subresource "scale" (or owning the spec replicas field) with
// the newest time; its manager is the request's fieldManager or the
// User-Agent's product ("kube-controller-manager" for HPAs, KEDA's included;
// "kubectl" for kubectl scale; "dynop-<plugin>" for the host's autoscaler
// plugins). KEDA's operator and the HPA controller (KEDA's own HPA) are one
// autoscaler: KEDA scales 0 <-> min, its HPA the rest.
//
// ScaleConflictTracker is the pure part: feed it observed writes, it says
// when one makes a conflict worth a warning (at most one per target and pair
// of writers per window).

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "host/autoscaling/decision_log.hpp"

namespace dynop::host::autoscaling {

struct ScaleWrite {
  std::string manager;
  std::chrono::system_clock::time_point time;
};

// The latest /scale writer recorded in an object's managedFields (the JSON
// object or its metadata.managedFields array is read from `object_json`);
// nullopt when none is recorded or the JSON is unreadable.
std::optional<ScaleWrite> latest_scale_writer(std::string_view object_json);

struct ScaleConflict {
  ScaleTarget target;
  ScaleWrite earlier;  // the other writer's last write in the window
  ScaleWrite latest;
  std::chrono::milliseconds window;
  // "/scale written by kube-controller-manager at 05:01:02Z and by
  //  dynop-promql-scaler at 05:01:30Z, within 2m0s: ..."
  std::string message() const;
};

class ScaleConflictTracker {
 public:
  explicit ScaleConflictTracker(std::chrono::milliseconds window) : window_(window) {}

  // Records `write` on `target`; returns the conflict to warn about, if any.
  std::optional<ScaleConflict> observe(const ScaleTarget& target, const ScaleWrite& write);

 private:
  std::chrono::milliseconds window_;
  // Per target: each writer's last write.
  std::map<ScaleTarget, std::map<std::string, std::chrono::system_clock::time_point>> writers_;
  // Per target and writer pair ("a|b", sorted): when we last warned.
  std::map<std::pair<ScaleTarget, std::string>, std::chrono::system_clock::time_point> warned_;
};

}  // namespace dynop::host::autoscaling
