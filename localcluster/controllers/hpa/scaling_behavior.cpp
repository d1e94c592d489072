#include "localcluster/controllers/hpa/scaling_behavior.hpp"

#include <algorithm>
#include <climits>
#include <cmath>

namespace dynop::localcluster::hpa {

using autoscaling::ScalingRules;

namespace {

constexpr double kScaleUpLimitFactor = 2.0;
constexpr double kScaleUpLimitMinimum = 4.0;

constexpr const char* kReadyForNewScale = "ReadyForNewScale";
constexpr const char* kReadyForNewScaleMessage = "recommended size matches current size";

int32_t calculate_scale_up_limit(int32_t current_replicas) {
  return static_cast<int32_t>(
      std::max(kScaleUpLimitFactor * static_cast<double>(current_replicas), kScaleUpLimitMinimum));
}

int32_t longest_policy_period(const ScalingRules& rules) {
  int32_t longest = 0;
  if (rules.policies) {
    for (const auto& p : *rules.policies) longest = std::max(longest, p.period_seconds);
  }
  return longest;
}

void mark_scale_events_outdated(std::vector<ScaleEvent>& events, int32_t longest_period,
                                Timestamp now) {
  const Timestamp cutoff = now - std::chrono::seconds(longest_period);
  for (auto& e : events) {
    if (e.at < cutoff) e.outdated = true;
  }
}

void store(std::vector<ScaleEvent>& events, int32_t longest_period, int32_t change, Timestamp now) {
  mark_scale_events_outdated(events, longest_period, now);
  std::optional<std::size_t> old_index;
  for (std::size_t i = 0; i < events.size(); ++i) {
    if (events[i].outdated) old_index = i;
  }
  ScaleEvent event{change, now, false};
  if (old_index) {
    events[*old_index] = event;
  } else {
    events.push_back(event);
  }
}

std::chrono::seconds window_of(const ScalingRules& rules, std::chrono::seconds fallback) {
  return rules.stabilization_window_seconds
             ? std::chrono::seconds(*rules.stabilization_window_seconds)
             : fallback;
}

}  // namespace

void record_initial_recommendation(ScalingHistory& history, int32_t current_replicas,
                                   Timestamp now) {
  if (history.recommendations.empty()) history.recommendations.push_back({current_replicas, now});
}

Normalized convert_desired_replicas_with_rules(int32_t current_replicas, int32_t desired,
                                               int32_t min_replicas, int32_t max_replicas) {
  // Limit a single step up, as upstream does against bogus CPU reports.
  const int32_t scale_up_limit = calculate_scale_up_limit(current_replicas);
  int32_t maximum = max_replicas;
  std::string reason = "TooManyReplicas";
  std::string message = "the desired replica count is more than the maximum replica count";
  if (max_replicas > scale_up_limit) {
    maximum = scale_up_limit;
    reason = "ScaleUpLimit";
    message = "the desired replica count is increasing faster than the maximum scale rate";
  }
  Normalized out;
  if (desired < min_replicas) {
    out.replicas = min_replicas;
    out.scaling_limited = {"", "TooFewReplicas",
                           "the desired replica count is less than the minimum replica count"};
  } else if (desired > maximum) {
    out.replicas = maximum;
    out.scaling_limited = {"", reason, message};
  } else {
    out.replicas = desired;
    out.scaling_limited = {"", "DesiredWithinRange",
                           "the desired count is within the acceptable range"};
  }
  return out;
}

Normalized normalize_desired_replicas(ScalingHistory& history, int32_t current_replicas,
                                      int32_t prenormalized, int32_t min_replicas,
                                      int32_t max_replicas,
                                      std::chrono::seconds downscale_stabilization, Timestamp now) {
  // stabilizeRecommendation: the highest recommendation of the window.
  int32_t stabilized = prenormalized;
  std::optional<std::size_t> old_index;
  const Timestamp cutoff = now - downscale_stabilization;
  auto& recs = history.recommendations;
  for (std::size_t i = 0; i < recs.size(); ++i) {
    if (recs[i].at < cutoff) {
      old_index = i;
    } else if (recs[i].replicas > stabilized) {
      stabilized = recs[i].replicas;
    }
  }
  if (old_index) {
    recs[*old_index] = {prenormalized, now};
  } else {
    recs.push_back({prenormalized, now});
  }

  Normalized out =
      convert_desired_replicas_with_rules(current_replicas, stabilized, min_replicas, max_replicas);
  out.able_to_scale =
      stabilized != prenormalized
          ? ConditionChange{"True", "ScaleDownStabilized",
                            "recent recommendations were higher than current one, applying the "
                            "highest recent recommendation"}
          : ConditionChange{"True", kReadyForNewScale, kReadyForNewScaleMessage};
  out.scaling_limited.status = out.replicas == stabilized ? "False" : "True";
  return out;
}

int32_t replicas_change_per_period(int32_t period_seconds, const std::vector<ScaleEvent>& events,
                                   Timestamp now) {
  const Timestamp cutoff = now - std::chrono::seconds(period_seconds);
  int32_t replicas = 0;
  for (const auto& e : events) {
    if (e.at > cutoff) replicas += e.replica_change;
  }
  return replicas;
}

int32_t scale_up_limit_with_rules(int32_t current_replicas,
                                  const std::vector<ScaleEvent>& scale_up_events,
                                  const std::vector<ScaleEvent>& scale_down_events,
                                  const ScalingRules& rules, Timestamp now) {
  const std::string policy = rules.select_policy.value_or("Max");
  if (policy == "Disabled") return current_replicas;
  // For scaling up, the smallest change (Min) is the lowest limit.
  const bool pick_min = policy == "Min";
  int32_t result = pick_min ? INT32_MAX : INT32_MIN;
  int32_t proposed = 0;
  if (rules.policies) {
    for (const auto& p : *rules.policies) {
      const int32_t added = replicas_change_per_period(p.period_seconds, scale_up_events, now);
      const int32_t deleted = replicas_change_per_period(p.period_seconds, scale_down_events, now);
      const int32_t period_start = current_replicas - added + deleted;
      if (p.type == "Pods") {
        proposed = period_start + p.value;
      } else if (p.type == "Percent") {
        // Rounded up, or a small target would never grow.
        proposed = static_cast<int32_t>(std::ceil(static_cast<double>(period_start) *
                                                  (1 + static_cast<double>(p.value) / 100)));
      }
      result = pick_min ? std::min(result, proposed) : std::max(result, proposed);
    }
  }
  return result;
}

int32_t scale_down_limit_with_rules(int32_t current_replicas,
                                    const std::vector<ScaleEvent>& scale_up_events,
                                    const std::vector<ScaleEvent>& scale_down_events,
                                    const ScalingRules& rules, Timestamp now) {
  const std::string policy = rules.select_policy.value_or("Max");
  if (policy == "Disabled") return current_replicas;
  // For scaling down, the smallest change (Min) is the highest limit.
  const bool pick_min_change = policy == "Min";
  int32_t result = pick_min_change ? INT32_MIN : INT32_MAX;
  int32_t proposed = 0;
  if (rules.policies) {
    for (const auto& p : *rules.policies) {
      const int32_t added = replicas_change_per_period(p.period_seconds, scale_up_events, now);
      const int32_t deleted = replicas_change_per_period(p.period_seconds, scale_down_events, now);
      const int32_t period_start = current_replicas - added + deleted;
      if (p.type == "Pods") {
        proposed = period_start - p.value;
      } else if (p.type == "Percent") {
        proposed = static_cast<int32_t>(static_cast<double>(period_start) *
                                        (1 - static_cast<double>(p.value) / 100));
      }
      result = pick_min_change ? std::max(result, proposed) : std::min(result, proposed);
    }
  }
  return result;
}

Normalized convert_desired_replicas_with_behavior_rate(const ScalingHistory& history,
                                                       const ScalingRules& scale_up,
                                                       const ScalingRules& scale_down,
                                                       int32_t current_replicas, int32_t desired,
                                                       int32_t min_replicas, int32_t max_replicas,
                                                       Timestamp now) {
  Normalized out;
  out.replicas = desired;
  out.scaling_limited = {"", "DesiredWithinRange",
                         "the desired count is within the acceptable range"};
  if (desired > current_replicas) {
    int32_t limit = scale_up_limit_with_rules(current_replicas, history.scale_up_events,
                                              history.scale_down_events, scale_up, now);
    // Recent events may put the limit below the current count: hold until
    // they age out of the period.
    limit = std::max(limit, current_replicas);
    int32_t maximum = max_replicas;
    ConditionChange reason{"", "TooManyReplicas",
                           "the desired replica count is more than the maximum replica count"};
    if (maximum > limit) {
      maximum = limit;
      reason = {"", "ScaleUpLimit",
                "the desired replica count is increasing faster than the maximum scale rate"};
    }
    if (desired > maximum) {
      out.replicas = maximum;
      out.scaling_limited = reason;
    }
  } else if (desired < current_replicas) {
    int32_t limit = scale_down_limit_with_rules(current_replicas, history.scale_up_events,
                                                history.scale_down_events, scale_down, now);
    limit = std::min(limit, current_replicas);
    int32_t minimum = min_replicas;
    ConditionChange reason{"", "TooFewReplicas",
                           "the desired replica count is less than the minimum replica count"};
    if (minimum < limit) {
      minimum = limit;
      reason = {"", "ScaleDownLimit",
                "the desired replica count is decreasing faster than the maximum scale rate"};
    }
    if (desired < minimum) {
      out.replicas = minimum;
      out.scaling_limited = reason;
    }
  }
  return out;
}

Normalized normalize_desired_replicas_with_behaviors(
    ScalingHistory& history, const ScalingRules& scale_up, const ScalingRules& scale_down,
    int32_t current_replicas, int32_t prenormalized, int32_t min_replicas, int32_t max_replicas,
    std::chrono::seconds downscale_stabilization, Timestamp now) {
  // stabilizeRecommendationWithBehaviors: the lowest recommendation of the
  // scale-up window and the highest of the scale-down window bound it.
  const Timestamp up_cutoff = now - window_of(scale_up, std::chrono::seconds(0));
  const Timestamp down_cutoff = now - window_of(scale_down, downscale_stabilization);
  int32_t up_recommendation = prenormalized;
  int32_t down_recommendation = prenormalized;
  std::optional<std::size_t> old_index;
  auto& recs = history.recommendations;
  for (std::size_t i = 0; i < recs.size(); ++i) {
    if (recs[i].at > up_cutoff) up_recommendation = std::min(recs[i].replicas, up_recommendation);
    if (recs[i].at > down_cutoff) {
      down_recommendation = std::max(recs[i].replicas, down_recommendation);
    }
    if (recs[i].at < up_cutoff && recs[i].at < down_cutoff) old_index = i;
  }
  int32_t stabilized = current_replicas;
  if (stabilized < up_recommendation) stabilized = up_recommendation;
  if (stabilized > down_recommendation) stabilized = down_recommendation;
  if (old_index) {
    recs[*old_index] = {prenormalized, now};
  } else {
    recs.push_back({prenormalized, now});
  }

  Normalized out = convert_desired_replicas_with_behavior_rate(
      history, scale_up, scale_down, current_replicas, stabilized, min_replicas, max_replicas, now);
  if (stabilized != prenormalized) {
    out.able_to_scale =
        prenormalized >= current_replicas
            ? ConditionChange{"True", "ScaleUpStabilized",
                              "recent recommendations were lower than current one, applying the "
                              "lowest recent recommendation"}
            : ConditionChange{"True", "ScaleDownStabilized",
                              "recent recommendations were higher than current one, applying "
                              "the highest recent recommendation"};
  } else {
    out.able_to_scale = {"True", kReadyForNewScale, kReadyForNewScaleMessage};
  }
  out.scaling_limited.status = out.replicas == stabilized ? "False" : "True";
  return out;
}

void store_scale_event(ScalingHistory& history,
                       const std::optional<autoscaling::Behavior>& behavior,
                       int32_t previous_replicas, int32_t new_replicas, Timestamp now) {
  if (!behavior) return;  // events only feed behavior policies
  if (new_replicas > previous_replicas) {
    const auto rules = behavior->scale_up.value_or(ScalingRules{});
    store(history.scale_up_events, longest_policy_period(rules), new_replicas - previous_replicas,
          now);
  } else {
    const auto rules = behavior->scale_down.value_or(ScalingRules{});
    store(history.scale_down_events, longest_policy_period(rules), previous_replicas - new_replicas,
          now);
  }
}

}  // namespace dynop::localcluster::hpa
