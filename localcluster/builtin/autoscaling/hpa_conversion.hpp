#pragma once
// Conversion between the stored autoscaling/v2 HorizontalPodAutoscaler and
// the autoscaling/v1 one clients may read and write, as kube-apiserver does
// (pkg/apis/autoscaling/v1/conversion.go). v1 holds only a CPU utilization
// target, so everything else travels in annotations:
//   autoscaling.alpha.kubernetes.io/metrics          other spec.metrics (v1 MetricSpec JSON)
//   autoscaling.alpha.kubernetes.io/behavior         spec.behavior (the internal type's
//                                                    JSON: Go field names, e.g. "ScaleUp")
//   autoscaling.alpha.kubernetes.io/current-metrics  status.currentMetrics (v1 MetricStatus)
//   autoscaling.alpha.kubernetes.io/conditions       status.conditions
// Reading v1 turns them back into fields and drops them, so they are never
// stored; v2 objects never carry them.

#include <boost/json/object.hpp>

namespace dynop::localcluster::autoscaling {

inline constexpr const char* kMetricSpecsAnnotation = "autoscaling.alpha.kubernetes.io/metrics";
inline constexpr const char* kBehaviorSpecsAnnotation = "autoscaling.alpha.kubernetes.io/behavior";
inline constexpr const char* kMetricStatusesAnnotation =
    "autoscaling.alpha.kubernetes.io/current-metrics";
inline constexpr const char* kConditionsAnnotation = "autoscaling.alpha.kubernetes.io/conditions";

// A stored (v2) HPA as an autoscaling/v1 client sees it.
boost::json::object hpa_v2_to_v1(const boost::json::object& v2);

// An autoscaling/v1 HPA from a client, in the v2 form that is stored
// (defaults not yet applied). Malformed annotation JSON is ignored.
boost::json::object hpa_v1_to_v2(const boost::json::object& v1);

// Removes the four round-trip annotations (DropRoundTripHorizontalPodAutoscalerAnnotations).
void drop_round_trip_annotations(boost::json::object& hpa);

}  // namespace dynop::localcluster::autoscaling
