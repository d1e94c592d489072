#pragma once
// How a pod group survives the host dying halfway through binding it. Before
// binding any member, the host writes on every member the annotation
//
//   placement.dynop.dev/group-plan: "<plan id> <group size> <node>"
//
// (the same random plan id on all of them, each with its own node). A host
// that becomes leader looks at the plans of pods that are not fully bound:
// all members bound or none bound is consistent; some bound means the
// previous leader died (or a binding failed) midway, and the new one either
// completes the plan (every unbound member still exists and still fits the
// node planned for it) or rolls it back by deleting the bound members (their
// controller, the dgd plugin, recreates the group, which is then placed
// whole). Plans of fully bound or never bound groups are left as they are.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dynop::host::scheduler {

inline constexpr std::string_view kGroupPlanAnnotation = "placement.dynop.dev/group-plan";

struct GroupPlan {
  std::string id;
  uint32_t size = 0;
  std::string node;
  friend bool operator==(const GroupPlan&, const GroupPlan&) = default;
};

std::string format_group_plan(const GroupPlan& plan);
std::optional<GroupPlan> parse_group_plan(std::string_view value);
// A fresh plan id: 16 hex digits.
std::string new_plan_id();

// One pod carrying a plan, as a new leader finds it.
struct PlannedMember {
  std::string key;           // namespace/name
  std::string planned_node;  // from the annotation
  std::string bound_node;    // spec.nodeName ("" while unbound)
  bool deleting = false;     // deletionTimestamp set, or terminal
};

enum class PlanRepair {
  kNone,      // all bound, or none bound: nothing half done
  kComplete,  // bind the unbound members to their planned nodes
  kRollBack,  // delete the bound members: the plan cannot be completed
};

// `members` are the pods that carry one plan id (of `size` members). Only a
// plan with bound and unbound members is repaired. Completing is possible
// only when every member exists and none is going away; whether the planned
// nodes still have room is checked by the caller, which rolls back if not.
PlanRepair plan_repair(uint32_t size, const std::vector<PlannedMember>& members);

}  // namespace dynop::host::scheduler
