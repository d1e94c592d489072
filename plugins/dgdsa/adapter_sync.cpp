#include "plugins/dgdsa/adapter_sync.hpp"

#include <fmt/format.h>

#include <boost/json/value.hpp>

#include "plugins/common/names.hpp"

namespace dynop::plugins::dgdsa {
namespace {

namespace json = boost::json;
using common::AdapterView;

Event warning(std::string message) {
  return Event{"Warning", std::string(kEventUpdateFailed), std::move(message)};
}

json::object next_status(const AdapterView& adapter, const std::vector<common::ObservedPod>& pods,
                         bool scaled, std::string_view now) {
  json::object status;
  status["replicas"] = common::count_groups(common::group_pods(pods), "", 1).replicas;
  status["selector"] = common::adapter_selector(adapter.dgd_name, adapter.service);
  if (scaled) {
    status["lastScaleTime"] = now;
  } else if (const json::value* t = adapter.status.if_contains("lastScaleTime");
             t != nullptr && t->is_string()) {
    status["lastScaleTime"] = *t;
  }
  return status;
}

}  // namespace

std::string scaled_message(std::string_view service, std::int32_t from, std::int32_t to) {
  return fmt::format("Scaled service {} from {} to {} replicas", service, from, to);
}

Event update_failed_event(const AdapterView& adapter, std::string_view error) {
  return warning(
      fmt::format("Failed to update replicas of service {} in DynamoGraphDeployment {}: {}",
                  adapter.service, adapter.dgd_name, error));
}

SyncPlan plan_adapter_sync(const SyncInput& in) {
  SyncPlan plan;
  if (in.adapter == nullptr) return plan;
  const common::AdapterParseResult& parsed = *in.adapter;
  const AdapterView& adapter = parsed.view;
  if (adapter.deleting) return plan;
  if (!parsed.ok()) {
    // Retrying will not fix the adapter; the next edit of it triggers a new sync.
    plan.events.push_back(
        warning(fmt::format("Invalid adapter: {}", common::format_field_errors(parsed.errors))));
    return plan;
  }
  if (in.dgd == nullptr) {
    // An adapter its DGD controls goes with it (the garbage collector deletes
    // it): a DGD deleted a moment ago is not a failure to report or retry.
    if (adapter.controller_kind == common::kDgdKind &&
        adapter.controller_name == adapter.dgd_name) {
      return plan;
    }
    plan.retry_reason = fmt::format("DynamoGraphDeployment {} not found in namespace {}",
                                    adapter.dgd_name, adapter.k8s_namespace);
    plan.events.push_back(warning(plan.retry_reason));
    return plan;
  }
  const common::DgdView& dgd = *in.dgd;
  if (dgd.deleting) return plan;
  const common::ServiceView* svc = dgd.find_service(adapter.service);
  if (svc == nullptr) {
    plan.retry_reason = fmt::format("service {} not found in DynamoGraphDeployment {}",
                                    adapter.service, adapter.dgd_name);
    plan.events.push_back(warning(plan.retry_reason));
    return plan;
  }

  // With the adapter disabled the DGD owns the count (and the dgd plugin
  // deletes this adapter); copying it back would undo the user's direct edit.
  bool scale = svc->adapter_enabled && svc->replicas != adapter.replicas;
  if (scale) {
    plan.from_replicas = svc->replicas;
    plan.to_replicas = adapter.replicas;
    json::object service_patch{{"replicas", adapter.replicas}};
    plan.dgd_patch = json::object{
        {"metadata", json::object{{"resourceVersion", dgd.resource_version}}},
        {"spec", json::object{{"services", json::object{{svc->name, std::move(service_patch)}}}}}};
    plan.events_on_success.push_back(
        Event{"Normal", std::string(kEventScaled),
              scaled_message(svc->name, plan.from_replicas, plan.to_replicas)});
  }
  json::object status = next_status(adapter, in.pods, scale, in.now);
  if (status != adapter.status) plan.status = std::move(status);
  return plan;
}

}  // namespace dynop::plugins::dgdsa
