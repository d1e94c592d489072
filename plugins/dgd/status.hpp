#pragma once
// The DGD's status: `state`, the `Ready` condition (reasons
// all_resources_are_ready / some_resources_are_not_ready / ValidationFailed),
// `observedGeneration` and per-service replica counts, a multinode group
// counting once.

#include <boost/json/object.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "lib/apimachinery/field_error.hpp"
#include "plugins/common/dgd_view.hpp"
#include "plugins/common/pod_groups.hpp"

namespace dynop::plugins::dgd {

inline constexpr std::string_view kReasonAllReady = "all_resources_are_ready";
inline constexpr std::string_view kReasonNotReady = "some_resources_are_not_ready";
inline constexpr std::string_view kReasonValidationFailed = "ValidationFailed";

struct ServiceObservation {
  std::string service;
  std::string desired_hash;  // hash of the service's current template
  std::vector<common::ObservedPod> pods;
};

// `dgd.status` (the status as read) keeps the condition's lastTransitionTime
// when its status does not change; `now` (RFC 3339) is used when it does.
// Services without an observation count as having no pods.
boost::json::object compute_status(const common::DgdView& dgd,
                                   const apimachinery::FieldErrors& validation_errors,
                                   const std::vector<ServiceObservation>& observations,
                                   std::string_view now);

// Whether `next` differs from the status as read, i.e. a status write is due.
bool status_differs(const boost::json::object& current, const boost::json::object& next);

}  // namespace dynop::plugins::dgd
