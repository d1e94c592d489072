#include "host/autoscaling/scale_conflict.hpp"

#include <simdjson.h>

#include "lib/apimachinery/json_decode.hpp"
#include "lib/apimachinery/time.hpp"

namespace dynop::host::autoscaling {
namespace {

// Does the fieldsV1 set own spec.replicas ({"f:spec":{"f:replicas":{}}})?
bool owns_spec_replicas(simdjson::dom::element fields) {
  simdjson::dom::element replicas;
  return fields["f:spec"]["f:replicas"].get(replicas) == simdjson::SUCCESS;
}

// KEDA is one autoscaler writing as two managers: its operator moves the
// target between 0 and minReplicaCount, the HPA it owns (written by the HPA
// controller) does the rest, so with minReplicaCount 0 both write the same
// /scale within minutes without fighting. Its operator is "keda" in a
// cluster (the binary's name as client-go's User-Agent), "keda-operator" in
// dynop-localcluster; the HPA controller is "kube-controller-manager" or
// "horizontal-pod-autoscaler". (A user's HPA next to a ScaledObject also
// writes as the HPA controller: managers cannot tell it from KEDA's.)
bool is_keda_operator(std::string_view manager) {
  return manager == "keda" || manager == "keda-operator";
}
bool is_hpa_controller(std::string_view manager) {
  return manager == "kube-controller-manager" || manager == "horizontal-pod-autoscaler";
}
bool one_autoscaler(std::string_view a, std::string_view b) {
  return (is_keda_operator(a) && is_hpa_controller(b)) ||
         (is_hpa_controller(a) && is_keda_operator(b));
}

}  // namespace

std::optional<ScaleWrite> latest_scale_writer(std::string_view object_json) {
  thread_local apimachinery::JsonDecoder decoder;
  auto doc = decoder.parse_view(object_json);
  if (!doc) return std::nullopt;
  simdjson::dom::array entries;
  if ((*doc)["metadata"]["managedFields"].get(entries) != simdjson::SUCCESS) return std::nullopt;
  std::optional<ScaleWrite> best;
  for (simdjson::dom::element entry : entries) {
    std::string_view manager, subresource, time;
    if (entry["manager"].get(manager) != simdjson::SUCCESS) continue;
    if (entry["subresource"].get(subresource) != simdjson::SUCCESS) subresource = {};
    simdjson::dom::element fields;
    const bool scale = subresource == "scale" ||
                       (subresource.empty() && entry["fieldsV1"].get(fields) == simdjson::SUCCESS &&
                        owns_spec_replicas(fields));
    if (!scale || entry["time"].get(time) != simdjson::SUCCESS) continue;
    auto at = apimachinery::parse_time(time);
    if (!at) continue;
    const std::chrono::system_clock::time_point t =
        std::chrono::time_point_cast<std::chrono::system_clock::duration>(*at);
    if (!best || t > best->time) best = ScaleWrite{std::string(manager), t};
  }
  return best;
}

std::string ScaleConflict::message() const {
  auto clock = [](std::chrono::system_clock::time_point t) {
    return apimachinery::format_time(t).substr(11);  // "05:01:02Z"
  };
  return "/scale written by " + earlier.manager + " at " + clock(earlier.time) + " and by " +
         latest.manager + " at " + clock(latest.time) + ", within " +
         apimachinery::go_duration_string(window) + ": two autoscalers target this " + target.kind +
         " and will fight; keep one "
         "autoscaler per service";
}

std::optional<ScaleConflict> ScaleConflictTracker::observe(const ScaleTarget& target,
                                                           const ScaleWrite& write) {
  if (window_.count() <= 0) return std::nullopt;
  auto& writers = writers_[target];
  std::optional<ScaleConflict> conflict;
  for (auto it = writers.begin(); it != writers.end();) {
    if (write.time - it->second > window_) {
      it = writers.erase(it);  // too old to matter
      continue;
    }
    if (it->first != write.manager && !one_autoscaler(it->first, write.manager) &&
        (!conflict || it->second > conflict->earlier.time))
      conflict = ScaleConflict{target, ScaleWrite{it->first, it->second}, write, window_};
    ++it;
  }
  auto& last = writers[write.manager];
  if (write.time > last) last = write.time;
  if (!conflict) return std::nullopt;
  const std::string pair = std::min(conflict->earlier.manager, write.manager) + "|" +
                           std::max(conflict->earlier.manager, write.manager);
  auto [warned, first] = warned_.try_emplace({target, pair}, write.time);
  if (!first) {
    if (write.time - warned->second <= window_) return std::nullopt;
    warned->second = write.time;
  }
  return conflict;
}

}  // namespace dynop::host::autoscaling
