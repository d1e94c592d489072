#pragma once
// The HorizontalPodAutoscaler KEDA creates and owns for a ScaledObject
// (controllers/keda/hpa.go): keda-hpa-<name>, KEDA's labels plus the
// ScaledObject's, owned by it (controller), minReplicas max(min, 1),
// maxReplicas max (default 100), one External metric per trigger selected
// by scaledobject.keda.sh/name=<name>, metrics sorted by type, and the
// advanced.horizontalPodAutoscalerConfig.behavior.

#include <boost/json/object.hpp>
#include <string>
#include <vector>

#include "localcluster/builtin/autoscaling/hpa_types.hpp"
#include "localcluster/controllers/keda/scaled_object.hpp"

namespace dynop::localcluster::keda {

inline constexpr const char* kKedaVersion = "2.16.0";

// `scaled_object` is the ScaledObject as stored (metadata is read for name,
// namespace, uid, labels and annotations); `api_version`/`kind` the target's
// resolved group version and kind.
boost::json::object build_keda_hpa(const boost::json::object& scaled_object,
                                   const ScaledObjectSpec& spec,
                                   std::vector<autoscaling::MetricSpec> metrics,
                                   const std::string& target_api_version,
                                   const std::string& target_kind);

}  // namespace dynop::localcluster::keda
