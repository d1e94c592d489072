#pragma once
// OpenAPI v3 schemas of autoscaling/v2 and autoscaling/v1
// HorizontalPodAutoscaler (JSON text).

#include <string_view>

namespace dynop::localcluster::autoscaling {

std::string_view hpa_v2_schema_text();
std::string_view hpa_v1_schema_text();

}  // namespace dynop::localcluster::autoscaling
