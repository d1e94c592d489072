#include "plugins/dgd/pod_planner.hpp"

#include <algorithm>
#include <set>

namespace dynop::plugins::dgd {
namespace {

using common::PodGroup;

void delete_group(PodPlan& plan, const PodGroup& g, const std::string& reason) {
  for (const common::ObservedPod& p : g.members) {
    if (!p.terminating) plan.remove.push_back({p.name, reason});
  }
}

void create_group(PodPlan& plan, std::int32_t index, std::int32_t pods_per_group) {
  for (std::int32_t r = 0; r < pods_per_group; ++r) plan.create.push_back({index, r});
}

// Scale-down order: unready before ready, then newest first (highest index on ties).
void sort_for_removal(std::vector<const PodGroup*>& groups, std::int32_t pods_per_group) {
  std::stable_sort(groups.begin(), groups.end(), [&](const PodGroup* a, const PodGroup* b) {
    bool ra = a->ready(pods_per_group);
    bool rb = b->ready(pods_per_group);
    if (ra != rb) return !ra;
    std::string ca = a->newest_creation();
    std::string cb = b->newest_creation();
    if (ca != cb) return ca > cb;
    return a->index > b->index;
  });
}

}  // namespace

PodPlan plan_pods(const PodPlanInput& in) {
  PodPlan plan;
  const std::int32_t n = std::max<std::int32_t>(in.pods_per_group, 1);
  const std::int32_t replicas = std::max<std::int32_t>(in.replicas, 0);
  std::vector<PodGroup> groups = common::group_pods(in.pods);

  std::set<std::int32_t> taken;  // indexes in use under the desired hash
  std::vector<const PodGroup*> current;
  std::vector<const PodGroup*> old;
  for (const PodGroup& g : groups) {
    if (g.template_hash == in.desired_hash) taken.insert(g.index);
    if (g.broken()) {
      delete_group(plan, g, g.any_failed() ? "failed" : "group member gone");
      continue;
    }
    if (g.template_hash == in.desired_hash) {
      current.push_back(&g);
    } else if (!g.complete(n)) {
      // An old group that lost members cannot be refilled (its template is gone).
      delete_group(plan, g, "incomplete old group");
    } else {
      old.push_back(&g);
    }
  }
  plan.rolling = !old.empty();

  // Refill current groups that miss members, under their own names.
  for (const PodGroup* g : current) {
    for (std::int32_t r = 0; r < n; ++r) {
      if (!g->has_rank(r)) plan.create.push_back({g->index, r});
    }
  }

  auto ready_count = [&](const std::vector<const PodGroup*>& gs) {
    return static_cast<std::int32_t>(
        std::count_if(gs.begin(), gs.end(), [&](const PodGroup* g) { return g->ready(n); }));
  };

  // Old groups: unready ones go at once; ready ones only while the remaining
  // ready groups still cover the replicas.
  std::int32_t ready_current = ready_count(current);
  std::int32_t ready_old = ready_count(old);
  std::vector<const PodGroup*> kept_old;
  for (const PodGroup* g : old) {
    if (!g->ready(n)) {
      delete_group(plan, *g, "rolling update");
    } else {
      kept_old.push_back(g);
    }
  }
  sort_for_removal(kept_old, n);
  // While rolling, keep at least `replicas` ready groups: a new group must be
  // ready before an old one goes (this also scales old groups down).
  std::int32_t removable = std::max<std::int32_t>(0, ready_current + ready_old - replicas);
  std::int32_t to_remove =
      std::min<std::int32_t>(removable, static_cast<std::int32_t>(kept_old.size()));
  for (std::int32_t i = 0; i < to_remove; ++i) delete_group(plan, *kept_old[i], "rolling update");
  std::int32_t old_left = static_cast<std::int32_t>(kept_old.size()) - to_remove;

  std::int32_t have = static_cast<std::int32_t>(current.size());
  if (have > replicas) {
    std::vector<const PodGroup*> victims = current;
    sort_for_removal(victims, n);
    for (std::int32_t i = 0; i < have - replicas; ++i) {
      delete_group(plan, *victims[i], "scale down");
      // A group going away is not refilled.
      std::int32_t index = victims[i]->index;
      std::erase_if(plan.create, [index](const PodToCreate& c) { return c.group_index == index; });
    }
    return plan;
  }

  // Create: up to `replicas` current groups, and while old groups remain, at
  // most one group above `replicas` in total (surge one group).
  std::int32_t want = replicas - have;
  if (old_left > 0) want = std::min(want, replicas + 1 - have - old_left);
  std::int32_t next = 0;
  for (std::int32_t i = 0; i < want; ++i) {
    if (!plan.create.empty() &&
        static_cast<std::int32_t>(plan.create.size()) + n > std::max(in.max_new_pods, n)) {
      plan.capped = true;
      break;
    }
    while (taken.count(next) != 0) ++next;
    create_group(plan, next, n);
    taken.insert(next);
  }
  return plan;
}

}  // namespace dynop::plugins::dgd
