#pragma once
// autoscaling/v2 HorizontalPodAutoscaler as typed values (k8s.io/api/autoscaling/v2),
// read from and written back to the JSON the API server stores. HPAs are
// stored in v2 whatever version a client used, so the controller, the
// printers and the v1 conversion all read this one shape.
//
// Reading is lenient: the API server has validated what it stored, so a
// field of the wrong type reads as absent rather than failing.

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "lib/apimachinery/quantity.hpp"

namespace dynop::localcluster::autoscaling {

using apimachinery::Quantity;

struct CrossVersionObjectReference {
  std::string api_version;
  std::string kind;
  std::string name;
};

struct MetricTarget {
  std::string type;  // Utilization | Value | AverageValue
  std::optional<Quantity> value;
  std::optional<Quantity> average_value;
  std::optional<int32_t> average_utilization;
};

struct MetricIdentifier {
  std::string name;
  boost::json::value selector;  // a metav1.LabelSelector, or null when absent
};

// One entry of spec.metrics. Which fields apply depends on `type`.
struct MetricSpec {
  std::string type;           // Resource | ContainerResource | Pods | Object | External
  std::string resource_name;  // Resource, ContainerResource ("cpu")
  std::string container;      // ContainerResource
  MetricIdentifier metric;    // Pods, Object, External
  CrossVersionObjectReference described_object;  // Object
  MetricTarget target;
  bool source_present = true;  // false when the type's member object was missing
};

struct ScalingPolicy {
  std::string type;  // Pods | Percent
  int32_t value = 0;
  int32_t period_seconds = 0;
};

struct ScalingRules {
  std::optional<int32_t> stabilization_window_seconds;
  std::optional<std::string> select_policy;  // Max | Min | Disabled
  std::optional<std::vector<ScalingPolicy>> policies;
};

struct Behavior {
  std::optional<ScalingRules> scale_up;
  std::optional<ScalingRules> scale_down;
};

struct HorizontalPodAutoscalerSpec {
  CrossVersionObjectReference scale_target_ref;
  std::optional<int32_t> min_replicas;
  int32_t max_replicas = 0;
  std::vector<MetricSpec> metrics;
  std::optional<Behavior> behavior;
};

struct MetricValueStatus {
  std::optional<Quantity> value;
  std::optional<Quantity> average_value;
  std::optional<int32_t> average_utilization;
};

// One entry of status.currentMetrics.
struct MetricStatus {
  std::string type;
  std::string resource_name;
  std::string container;
  MetricIdentifier metric;
  CrossVersionObjectReference described_object;
  MetricValueStatus current;
};

struct Condition {
  std::string type;                  // AbleToScale | ScalingActive | ScalingLimited
  std::string status;                // True | False | Unknown
  std::string last_transition_time;  // RFC 3339; empty when unset
  std::string reason;
  std::string message;
};

struct HorizontalPodAutoscalerStatus {
  std::optional<int64_t> observed_generation;
  std::string last_scale_time;  // RFC 3339; empty when unset
  int32_t current_replicas = 0;
  int32_t desired_replicas = 0;
  std::vector<MetricStatus> current_metrics;
  std::vector<Condition> conditions;
};

CrossVersionObjectReference parse_object_reference(const boost::json::value& v);
MetricTarget parse_metric_target(const boost::json::value& v);
MetricSpec parse_metric_spec(const boost::json::value& v);
ScalingRules parse_scaling_rules(const boost::json::value& v);
Behavior parse_behavior(const boost::json::value& v);
HorizontalPodAutoscalerSpec parse_spec(const boost::json::value& spec);
MetricStatus parse_metric_status(const boost::json::value& v);
Condition parse_condition(const boost::json::value& v);
HorizontalPodAutoscalerStatus parse_status(const boost::json::value& status);

// The v2 JSON shape, fields in k8s.io/api's declaration order (what
// encoding/json writes), omitempty fields left out.
boost::json::object to_json(const CrossVersionObjectReference& ref);
boost::json::object to_json(const MetricTarget& target);
boost::json::object to_json(const MetricSpec& spec);
boost::json::object to_json(const ScalingRules& rules);
boost::json::object to_json(const Behavior& behavior);
boost::json::object to_json(const MetricStatus& status);
boost::json::object to_json(const Condition& condition);
boost::json::object to_json(const HorizontalPodAutoscalerSpec& spec);
boost::json::object to_json(const HorizontalPodAutoscalerStatus& status);

// The member of a MetricSpec/MetricStatus holding the source for `type`:
// "resource", "containerResource", "pods", "object", "external"; "" when the
// type is unknown.
std::string source_member(const std::string& type);

}  // namespace dynop::localcluster::autoscaling
