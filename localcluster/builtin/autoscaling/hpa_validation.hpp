#pragma once
// kube-apiserver's validation of HorizontalPodAutoscaler specs and status
// updates (pkg/apis/autoscaling/validation), with its field paths and
// messages, e.g.
//   spec.maxReplicas: Invalid value: 0: must be greater than 0
//   spec.behavior.scaleUp.policies[0].periodSeconds: Invalid value: 1801: must be less than or
//   equal to 1800
// Applies to the v2 form, after defaults (v1 objects are converted first).
// HPAScaleToZero is off, as in kube 1.26: minReplicas must be at least 1
// unless the old object already had 0.

#include <boost/json/object.hpp>

#include "lib/apimachinery/field_error.hpp"

namespace dynop::localcluster::autoscaling {

// `old_hpa` is null on create.
apimachinery::FieldErrors validate_hpa(const boost::json::object& hpa,
                                       const boost::json::object* old_hpa);

// ValidateHorizontalPodAutoscalerStatusUpdate's status checks.
apimachinery::FieldErrors validate_hpa_status(const boost::json::object& hpa);

}  // namespace dynop::localcluster::autoscaling
