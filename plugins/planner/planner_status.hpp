#pragma once
// The planner's part of a DGD's status: `status.planner` (the last round:
// observation, prediction, correction factors, the replicas it wants and
// its last change) and the `PlannerReady` condition. The dgd plugin owns
// the rest of the status and keeps these fields as read
// (plugins/dgd/status.cpp), so the planner writes the whole status back with
// only its own fields changed, through the status subresource, and a
// conflict is retried next round.

#include <boost/json/object.hpp>
#include <string>
#include <string_view>

#include "plugins/planner/graph_planner.hpp"

namespace dynop::plugins::planner {

inline constexpr std::string_view kPlannerReady = "PlannerReady";
// PlannerReady reasons.
inline constexpr std::string_view kReasonPlanning = "Planning";
inline constexpr std::string_view kReasonInvalidOptions = "InvalidOptions";
inline constexpr std::string_view kReasonInvalidProfile = "InvalidProfile";

struct LastChange {
  std::string time;  // RFC 3339
  std::string service;
  int from = 0;
  int to = 0;
  std::string reason;
};

// status.planner after a round (`last_change` kept from the status as read
// when this round changed nothing).
boost::json::object planner_status_block(const RoundOutcome& round, const PlannerOptions& options,
                                         std::string_view now, const LastChange* last_change,
                                         const boost::json::object& previous_block);

// `status` with status.planner set to `block` (nullptr: left as is) and the
// PlannerReady condition set; lastTransitionTime kept while its status holds.
boost::json::object with_planner_status(const boost::json::object& status,
                                        const boost::json::object* block, bool ready,
                                        std::string_view reason, std::string_view message,
                                        std::string_view now, std::int64_t generation);

}  // namespace dynop::plugins::planner
