#pragma once
// kube-apiserver's defaulting of autoscaling/v2 HorizontalPodAutoscalers
// (pkg/apis/autoscaling/v2/defaults.go): minReplicas 1, a CPU utilization
// target of 80% when no metric is given, and, once `behavior` is present,
// every unset scaling rule field filled from the defaults:
//   scaleUp:   stabilizationWindowSeconds 0, selectPolicy Max,
//              policies [Pods 4 per 15 s, Percent 100 per 15 s]
//   scaleDown: selectPolicy Max, policies [Percent 100 per 15 s]; its
//              stabilizationWindowSeconds stays unset (the controller's
//              --horizontal-pod-autoscaler-downscale-stabilization applies).

#include <boost/json/object.hpp>
#include <optional>

#include "localcluster/builtin/autoscaling/hpa_types.hpp"

namespace dynop::localcluster::autoscaling {

// DefaultCPUUtilization: the target when an HPA names no metric.
inline constexpr int32_t kDefaultCpuUtilization = 80;

// Applies the defaults to an HPA in its v2 JSON form.
void set_defaults(boost::json::object& hpa);

// GenerateHPAScaleUpRules / GenerateHPAScaleDownRules.
ScalingRules scale_up_rules_with_defaults(const std::optional<ScalingRules>& rules);
ScalingRules scale_down_rules_with_defaults(const std::optional<ScalingRules>& rules);

}  // namespace dynop::localcluster::autoscaling
