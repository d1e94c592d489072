#include "host/scheduler/group_plan.hpp"

#include <fmt/format.h>

#include <charconv>
#include <random>

namespace dynop::host::scheduler {

std::string format_group_plan(const GroupPlan& plan) {
  return fmt::format("{} {} {}", plan.id, plan.size, plan.node);
}

std::optional<GroupPlan> parse_group_plan(std::string_view value) {
  const std::size_t a = value.find(' ');
  if (a == std::string_view::npos) return std::nullopt;
  const std::size_t b = value.find(' ', a + 1);
  if (b == std::string_view::npos) return std::nullopt;
  GroupPlan plan;
  plan.id = std::string(value.substr(0, a));
  const std::string_view size = value.substr(a + 1, b - a - 1);
  const auto [end, ec] = std::from_chars(size.data(), size.data() + size.size(), plan.size);
  if (ec != std::errc() || end != size.data() + size.size() || plan.size < 2) return std::nullopt;
  plan.node = std::string(value.substr(b + 1));
  if (plan.id.empty() || plan.node.empty() || plan.node.find(' ') != std::string::npos)
    return std::nullopt;
  return plan;
}

std::string new_plan_id() {
  thread_local std::mt19937_64 random{std::random_device{}()};
  return fmt::format("{:016x}", random());
}

PlanRepair plan_repair(uint32_t size, const std::vector<PlannedMember>& members) {
  std::size_t bound = 0;
  bool any_going = false;
  for (const PlannedMember& m : members) {
    if (!m.bound_node.empty()) ++bound;
    any_going = any_going || m.deleting;
  }
  if (bound == 0) return PlanRepair::kNone;
  // Every member that exists is bound: whatever happened to a missing one
  // (deleted after running) is its controller's business, not a placement.
  if (bound == members.size()) return PlanRepair::kNone;
  if (members.size() < size || any_going) return PlanRepair::kRollBack;
  return PlanRepair::kComplete;
}

}  // namespace dynop::host::scheduler
