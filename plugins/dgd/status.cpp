#include "plugins/dgd/status.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <boost/json/array.hpp>

#include "lib/apimachinery/conditions.hpp"

namespace dynop::plugins::dgd {
namespace {

namespace json = boost::json;

json::object ready_condition(const common::DgdView& dgd, bool ready, std::string_view reason,
                             std::string message, std::string_view now) {
  std::string_view status = ready ? "True" : "False";
  std::string transition(now);
  const json::value* conditions = dgd.status.if_contains("conditions");
  const json::object* prev = conditions != nullptr && conditions->is_array()
                                 ? apimachinery::find_condition(conditions->get_array(), "Ready")
                                 : nullptr;
  if (prev != nullptr) {
    const json::value* s = prev->if_contains("status");
    const json::value* t = prev->if_contains("lastTransitionTime");
    if (s != nullptr && s->is_string() && s->get_string() == status && t != nullptr &&
        t->is_string()) {
      transition = std::string(t->get_string());
    }
  }
  return json::object{{"type", "Ready"},
                      {"status", status},
                      {"reason", reason},
                      {"message", std::move(message)},
                      {"lastTransitionTime", std::move(transition)},
                      {"observedGeneration", dgd.generation}};
}

// The parts of the status other writers own: the planner plugin's
// `status.planner` and its conditions (PlannerReady), anything but Ready.
// The dgd plugin rewrites the status it computes and keeps these as read, so
// the two writers never erase each other's fields (a write from stale data is
// refused by resourceVersion and retried).
void keep_other_writers_fields(const json::object& current, json::object& status) {
  if (const json::value* planner = current.if_contains("planner")) status["planner"] = *planner;
  const json::value* conds = current.if_contains("conditions");
  if (conds == nullptr || !conds->is_array()) return;
  json::array& mine = status["conditions"].as_array();
  for (const json::value& c : conds->get_array()) {
    if (!c.is_object()) continue;
    const json::value* type = c.get_object().if_contains("type");
    if (type == nullptr || !type->is_string() || type->get_string() != "Ready") mine.push_back(c);
  }
}

}  // namespace

boost::json::object compute_status(const common::DgdView& dgd,
                                   const apimachinery::FieldErrors& validation_errors,
                                   const std::vector<ServiceObservation>& observations,
                                   std::string_view now) {
  json::object status;
  if (!validation_errors.empty()) {
    status["state"] = "failed";
    status["conditions"] = json::array{ready_condition(
        dgd, false, kReasonValidationFailed, common::format_field_errors(validation_errors), now)};
    status["observedGeneration"] = dgd.generation;
    // Keep the last counts seen: the pods are still there.
    if (const json::value* s = dgd.status.if_contains("services")) status["services"] = *s;
    keep_other_writers_fields(dgd.status, status);
    return status;
  }

  json::object services;
  std::vector<std::string> not_ready;
  for (const common::ServiceView& svc : dgd.services) {
    common::GroupCounts counts;
    for (const ServiceObservation& o : observations) {
      if (o.service == svc.name) {
        counts =
            common::count_groups(common::group_pods(o.pods), o.desired_hash, svc.pods_per_group());
      }
    }
    services[svc.name] = json::object{{"replicas", counts.replicas},
                                      {"updatedReplicas", counts.updated_replicas},
                                      {"readyReplicas", counts.ready_replicas}};
    bool ready = counts.replicas == svc.replicas && counts.updated_replicas >= svc.replicas &&
                 counts.ready_replicas >= svc.replicas;
    if (!ready) {
      not_ready.push_back(
          fmt::format("{} ({}/{} ready)", svc.name, counts.ready_replicas, svc.replicas));
    }
  }

  bool all_ready = not_ready.empty();
  std::string message = all_ready
                            ? std::string("All resources are ready")
                            : fmt::format("Services not ready: {}", fmt::join(not_ready, ", "));
  status["state"] = all_ready ? "successful" : "pending";
  status["conditions"] = json::array{ready_condition(
      dgd, all_ready, all_ready ? kReasonAllReady : kReasonNotReady, std::move(message), now)};
  status["observedGeneration"] = dgd.generation;
  status["services"] = std::move(services);
  keep_other_writers_fields(dgd.status, status);
  return status;
}

bool status_differs(const boost::json::object& current, const boost::json::object& next) {
  return current != next;
}

}  // namespace dynop::plugins::dgd
