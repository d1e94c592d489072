#pragma once
// What decoding an autoscaling/v2 HorizontalPodAutoscaler into kube's Go
// types checks before anything else: JSON types of the typed fields and
// quantities that parse, with encoding/json's and resource.Quantity's
// words, e.g.
//   json: cannot unmarshal string into Go struct field HorizontalPodAutoscalerSpec.spec.maxReplicas
//   of type int32
// and then the object as the typed round trip leaves it: defaults applied
// and spec/status in the types' field order.

#include <boost/json/object.hpp>
#include <optional>
#include <string>

namespace dynop::localcluster::autoscaling {

// The first decoding error, nullopt when the object decodes.
std::optional<std::string> hpa_decode_error(const boost::json::object& hpa);

// The same for an autoscaling/v1 body (before its conversion to v2).
std::optional<std::string> hpa_v1_decode_error(const boost::json::object& hpa);

// Defaults (hpa_defaults.hpp) plus spec and status rewritten from the typed view.
void canonicalize_hpa(boost::json::object& hpa);

}  // namespace dynop::localcluster::autoscaling
