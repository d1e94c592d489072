#include "localcluster/controllers/hpa/hpa_reconciler.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <set>

#include "lib/apimachinery/go_format.hpp"
#include "lib/apimachinery/object_meta.hpp"
#include "localcluster/builtin/autoscaling/hpa_defaults.hpp"
#include "localcluster/controllers/hpa/hpa_conditions.hpp"

namespace dynop::localcluster::hpa {
namespace json = boost::json;
using autoscaling::HorizontalPodAutoscalerSpec;
using autoscaling::HorizontalPodAutoscalerStatus;
using autoscaling::MetricSpec;
using autoscaling::MetricStatus;

namespace {

constexpr const char* kAbleToScale = "AbleToScale";
constexpr const char* kScalingActive = "ScalingActive";
constexpr const char* kScalingLimited = "ScalingLimited";

std::string external_metric_name(const MetricSpec& m) {
  return "external metric " + m.metric.name + "(" +
         apimachinery::go_label_selector_string(m.metric.selector) + ")";
}

// What one metric proposes (computeReplicasForMetric).
struct MetricProposal {
  int32_t replicas = 0;
  std::string metric;
  MetricStatus status;
  std::string error;  // empty on success
  // The ScalingActive condition to report when this metric fails.
  std::string condition_reason;
  std::string condition_message;
};

}  // namespace

HpaReconciler::HpaReconciler(HpaApi& api, MetricsClient& metrics, PodLister& pods,
                             HpaControllerOptions options, Now now)
    : api_(api),
      metrics_(metrics),
      pods_(pods),
      options_(options),
      now_(std::move(now)),
      calculator_(metrics, pods, options.calculator, now_) {}

void HpaReconciler::set(HorizontalPodAutoscalerStatus& status, const std::string& type,
                        const std::string& condition_status, const std::string& reason,
                        const std::string& message) {
  set_condition(status.conditions, type, condition_status, reason, message, now_());
}

void HpaReconciler::forget(const std::string& ns, const std::string& name) {
  std::lock_guard lock(mutex_);
  histories_.erase(ns + "/" + name);
  selectors_.erase(ns + "/" + name);
}

std::optional<LabelSelector> HpaReconciler::validate_and_parse_selector(
    const json::object& hpa, HorizontalPodAutoscalerStatus& status, const std::string& selector,
    std::string& error) {
  if (selector.empty()) {
    error = "selector is required";
    api_.record_event(hpa, "Warning", "SelectorRequired", error);
    set(status, kScalingActive, "False", "InvalidSelector",
        "the HPA target's scale is missing a selector");
    return std::nullopt;
  }
  auto parsed = LabelSelector::parse(selector);
  if (!parsed) {
    error = "couldn't convert selector into a corresponding internal selector object: " +
            parsed.error();
    api_.record_event(hpa, "Warning", "InvalidSelector", error);
    set(status, kScalingActive, "False", "InvalidSelector", error);
    return std::nullopt;
  }
  const std::string key = apimachinery::object_key(hpa);
  std::map<std::string, LabelSelector> selectors;
  {
    std::lock_guard lock(mutex_);
    selectors_[key] = *parsed;
    selectors = selectors_;
  }
  auto pods = pods_.list(std::string(apimachinery::namespace_of(hpa)), *parsed);
  if (!pods) {
    error = pods.error();
    return std::nullopt;
  }
  // Every HPA (of this namespace) whose selector picks one of these pods.
  const std::string prefix = std::string(apimachinery::namespace_of(hpa)) + "/";
  std::set<std::string> selecting;
  for (const auto& pod : *pods) {
    for (const auto& [other, other_selector] : selectors) {
      if (other.rfind(prefix, 0) == 0 && other_selector.matches(pod.labels))
        selecting.insert(other);
    }
  }
  if (selecting.size() > 1) {
    std::string list;
    for (const auto& s : selecting) list += (list.empty() ? "" : " ") + s;
    error = "pods by selector " + selector + " are controlled by multiple HPAs: [" + list + "]";
    api_.record_event(hpa, "Warning", "AmbiguousSelector", error);
    set(status, kScalingActive, "False", "AmbiguousSelector", error);
    return std::nullopt;
  }
  return *parsed;
}

HpaReconciler::MetricsOutcome HpaReconciler::compute_replicas_for_metrics(
    const json::object& hpa, const HorizontalPodAutoscalerSpec& spec,
    HorizontalPodAutoscalerStatus& status, const Scale& scale) {
  MetricsOutcome out;
  std::string selector_error;
  auto selector = validate_and_parse_selector(hpa, status, scale.selector, selector_error);
  if (!selector) {
    out.error = selector_error;
    return out;
  }
  const std::string ns = std::string(apimachinery::namespace_of(hpa));
  const int32_t spec_replicas = scale.spec_replicas;
  const int32_t status_replicas = scale.status_replicas;
  out.statuses.resize(spec.metrics.size());

  int invalid = 0;
  std::string first_error, first_reason, first_message;
  int32_t replicas = 0;
  for (std::size_t i = 0; i < spec.metrics.size(); ++i) {
    const MetricSpec& m = spec.metrics[i];
    MetricProposal p;
    auto unable = [&](const std::string& reason, const std::string& cause) {
      api_.record_event(hpa, "Warning", reason, cause);
      p.condition_reason = reason;
      p.condition_message = "the HPA was unable to compute the replica count: " + cause;
    };
    if (m.type == "External") {
      if (m.target.average_value) {
        auto r = calculator_.external_per_pod_metric_replicas(status_replicas,
                                                              m.target.average_value->milli_value(),
                                                              m.metric.name, ns, m.metric.selector);
        if (!r) {
          unable("FailedGetExternalMetric", r.error());
          p.error = "failed to get " + m.metric.name + " external metric: " + r.error();
        } else {
          p.replicas = r->replicas;
          p.metric = external_metric_name(m);
          p.status.type = "External";
          p.status.metric = m.metric;
          p.status.current.average_value = apimachinery::Quantity::from_milli(r->usage);
        }
      } else if (m.target.value) {
        auto r =
            calculator_.external_metric_replicas(spec_replicas, m.target.value->milli_value(),
                                                 m.metric.name, ns, m.metric.selector, *selector);
        if (!r) {
          unable("FailedGetExternalMetric", r.error());
          p.error = "failed to get external metric " + m.metric.name + ": " + r.error();
        } else {
          p.replicas = r->replicas;
          p.metric = external_metric_name(m);
          p.status.type = "External";
          p.status.metric = m.metric;
          p.status.current.value = apimachinery::Quantity::from_milli(r->usage);
        }
      } else {
        const std::string why =
            "invalid external metric source: neither a value target nor an average value target "
            "was set";
        unable("FailedGetExternalMetric", why);
        p.error = "failed to get " + m.metric.name + " external metric value: " + why;
      }
    } else if (m.type == "Resource" || m.type == "ContainerResource") {
      const bool container = m.type == "ContainerResource";
      const std::string reason =
          container ? "FailedGetContainerResourceMetric" : "FailedGetResourceMetric";
      std::string generic_error;
      if (m.target.average_value) {
        auto r =
            calculator_.raw_resource_replicas(spec_replicas, m.target.average_value->milli_value(),
                                              m.resource_name, ns, *selector, m.container);
        if (!r) {
          generic_error = "failed to get " + m.resource_name + " usage: " + r.error();
        } else {
          p.replicas = r->replicas;
          p.metric = m.resource_name + " resource";
          p.status.current.average_value = apimachinery::Quantity::from_milli(r->usage);
        }
      } else if (m.target.average_utilization) {
        auto r = calculator_.resource_replicas(spec_replicas, *m.target.average_utilization,
                                               m.resource_name, ns, *selector, m.container);
        if (!r) {
          generic_error = "failed to get " + m.resource_name + " utilization: " + r.error();
        } else {
          p.replicas = r->replicas;
          p.metric = m.resource_name + (container ? " container" : "") +
                     " resource utilization (percentage of request)";
          p.status.current.average_utilization = r->utilization;
          p.status.current.average_value = apimachinery::Quantity::from_milli(r->raw_utilization);
        }
      } else {
        generic_error =
            "invalid resource metric source: neither an average utilization target nor an "
            "average value (usage) target was set";
      }
      if (!generic_error.empty()) {
        unable(reason, generic_error);
        p.error =
            container
                ? "failed to get " + m.container + " container metric value: " + generic_error
                : "failed to get " + m.resource_name + " resource metric value: " + generic_error;
      } else {
        p.status.type = m.type;
        p.status.resource_name = m.resource_name;
        p.status.container = m.container;
      }
    } else if (m.type == "Pods") {
      auto metric_selector = LabelSelector::from_json(m.metric.selector);
      if (!metric_selector) {
        unable("FailedGetPodsMetric", metric_selector.error());
        p.error = "failed to get pods metric value: " + metric_selector.error();
      } else if (auto r = calculator_.metric_replicas(
                     spec_replicas,
                     m.target.average_value ? m.target.average_value->milli_value() : 0,
                     m.metric.name, ns, *selector, *metric_selector);
                 !r) {
        unable("FailedGetPodsMetric", r.error());
        p.error = "failed to get pods metric value: " + r.error();
      } else {
        p.replicas = r->replicas;
        p.metric = "pods metric " + m.metric.name;
        p.status.type = "Pods";
        p.status.metric = m.metric;
        p.status.current.average_value = apimachinery::Quantity::from_milli(r->usage);
      }
    } else if (m.type == "Object") {
      auto metric_selector = LabelSelector::from_json(m.metric.selector);
      if (!metric_selector) {
        unable("FailedGetObjectMetric", metric_selector.error());
        p.error = "failed to get object metric value: " + metric_selector.error();
      } else if (m.target.value) {
        auto r = calculator_.object_metric_replicas(spec_replicas, m.target.value->milli_value(),
                                                    m.metric.name, ns, m.described_object,
                                                    *selector, *metric_selector);
        if (!r) {
          unable("FailedGetObjectMetric", r.error());
          p.error = "failed to get object metric value: " + r.error();
        } else {
          p.replicas = r->replicas;
          p.metric = m.described_object.kind + " metric " + m.metric.name;
          p.status.type = "Object";
          p.status.described_object = m.described_object;
          p.status.metric = m.metric;
          p.status.current.value = apimachinery::Quantity::from_milli(r->usage);
        }
      } else if (m.target.average_value) {
        auto r = calculator_.object_per_pod_metric_replicas(
            status_replicas, m.target.average_value->milli_value(), m.metric.name, ns,
            m.described_object, *metric_selector);
        if (!r) {
          unable("FailedGetObjectMetric",
                 "failed to get " + m.metric.name + " object metric: " + r.error());
          p.error = "failed to get object metric value: failed to get " + m.metric.name +
                    " object metric: " + r.error();
        } else {
          p.replicas = r->replicas;
          p.metric = external_metric_name(m);
          p.status.type = "Object";
          p.status.metric = m.metric;
          p.status.current.average_value = apimachinery::Quantity::from_milli(r->usage);
        }
      } else {
        const std::string why =
            "invalid object metric source: neither a value target nor an average value target "
            "was set";
        unable("FailedGetObjectMetric", why);
        p.error = "failed to get object metric value: " + why;
      }
    } else {
      const std::string why = "unknown metric source type \"" + m.type + "\"";
      unable("InvalidMetricSourceType", why);
      p.error = why;
    }

    if (!p.error.empty()) {
      if (invalid == 0) {
        first_error = p.error;
        first_reason = p.condition_reason;
        first_message = p.condition_message;
      }
      ++invalid;
      continue;
    }
    out.statuses[i] = p.status;
    if (replicas == 0 || p.replicas > replicas) {
      replicas = p.replicas;
      out.metric = p.metric;
    }
  }
  if (invalid > 0) {
    out.error = "invalid metrics (" + std::to_string(invalid) + " invalid out of " +
                std::to_string(spec.metrics.size()) + "), first error is: " + first_error;
  }
  // All invalid, or some invalid and the rest would scale down: no change.
  if (invalid >= static_cast<int>(spec.metrics.size()) ||
      (invalid > 0 && replicas < spec_replicas)) {
    set(status, kScalingActive, "False", first_reason, first_message);
    out.replicas = -1;
    return out;
  }
  set(status, kScalingActive, "True", "ValidMetricFound",
      "the HPA was able to successfully calculate a replica count from " + out.metric);
  out.replicas = replicas;
  return out;
}

std::string HpaReconciler::reconcile(const json::object& hpa) {
  const std::string ns = std::string(apimachinery::namespace_of(hpa));
  const std::string name = std::string(apimachinery::name(hpa));
  const std::string key = ns + "/" + name;
  const auto* spec_value = hpa.if_contains("spec");
  const auto* status_value = hpa.if_contains("status");
  const HorizontalPodAutoscalerSpec spec =
      autoscaling::parse_spec(spec_value ? *spec_value : json::value());
  HorizontalPodAutoscalerStatus status =
      autoscaling::parse_status(status_value ? *status_value : json::value());
  const json::value original_status = autoscaling::to_json(status);
  const auto& ref = spec.scale_target_ref;
  const std::string reference = ref.kind + "/" + ns + "/" + ref.name;

  auto write_status = [&](HorizontalPodAutoscalerStatus& s) -> std::string {
    if (json::value(autoscaling::to_json(s)) == original_status) return {};
    json::object updated = hpa;
    updated["status"] = autoscaling::to_json(s);
    auto written = api_.update_status(updated);
    if (!written) {
      api_.record_event(hpa, "Warning", "FailedUpdateStatus", written.error());
      return "failed to update status for " + name + ": " + written.error();
    }
    return {};
  };

  auto scale = api_.get_scale(ns, ref);
  if (!scale) {
    api_.record_event(hpa, "Warning", "FailedGetScale", scale.error());
    set(status, kAbleToScale, "False", "FailedGetScale",
        "the HPA controller was unable to get the target's current scale: " + scale.error());
    write_status(status);
    return "failed to query scale subresource for " + reference + ": " + scale.error();
  }
  set(status, kAbleToScale, "True", "SucceededGetScale",
      "the HPA controller was able to get the target's current scale");
  const int32_t current = scale->spec_replicas;
  const Timestamp now = now_();
  {
    std::lock_guard lock(mutex_);
    record_initial_recommendation(histories_[key], current, now);
  }

  const int32_t min_replicas = spec.min_replicas.value_or(1);
  int32_t desired = 0;
  std::string rescale_reason;
  bool rescale = true;
  std::vector<MetricStatus> metric_statuses;
  std::string result_error;

  if (current == 0 && min_replicas != 0) {
    // Autoscaling is off while the target is at zero.
    desired = 0;
    rescale = false;
    set(status, kScalingActive, "False", "ScalingDisabled",
        "scaling is disabled since the replica count of the target is zero");
  } else if (current > spec.max_replicas) {
    rescale_reason = "Current number of replicas above Spec.MaxReplicas";
    desired = spec.max_replicas;
  } else if (current < min_replicas) {
    rescale_reason = "Current number of replicas below Spec.MinReplicas";
    desired = min_replicas;
  } else {
    auto computed = compute_replicas_for_metrics(hpa, spec, status, *scale);
    if (!computed.error.empty() && computed.replicas == -1) {
      // setCurrentReplicasInStatus: the previous metrics and desired count stay.
      status.current_replicas = current;
      write_status(status);
      api_.record_event(hpa, "Warning", "FailedComputeMetricsReplicas", computed.error);
      return "failed to compute desired number of replicas based on listed metrics for " +
             reference + ": " + computed.error;
    }
    result_error = computed.error;
    metric_statuses = computed.statuses;
    std::string rescale_metric;
    if (computed.replicas > desired) {
      desired = computed.replicas;
      rescale_metric = computed.metric;
    }
    if (desired > current) rescale_reason = rescale_metric + " above target";
    if (desired < current) rescale_reason = "All metrics below target";
    Normalized normalized;
    {
      std::lock_guard lock(mutex_);
      auto& history = histories_[key];
      if (!spec.behavior) {
        normalized =
            normalize_desired_replicas(history, current, desired, min_replicas, spec.max_replicas,
                                       options_.downscale_stabilization, now);
      } else {
        normalized = normalize_desired_replicas_with_behaviors(
            history, autoscaling::scale_up_rules_with_defaults(spec.behavior->scale_up),
            autoscaling::scale_down_rules_with_defaults(spec.behavior->scale_down), current,
            desired, min_replicas, spec.max_replicas, options_.downscale_stabilization, now);
      }
    }
    set(status, kAbleToScale, normalized.able_to_scale.status, normalized.able_to_scale.reason,
        normalized.able_to_scale.message);
    set(status, kScalingLimited, normalized.scaling_limited.status,
        normalized.scaling_limited.reason, normalized.scaling_limited.message);
    desired = normalized.replicas;
    rescale = desired != current;
  }

  if (rescale) {
    auto updated = api_.update_scale(ns, ref, *scale, desired);
    if (!updated) {
      api_.record_event(hpa, "Warning", "FailedRescale",
                        "New size: " + std::to_string(desired) + "; reason: " + rescale_reason +
                            "; error: " + updated.error());
      set(status, kAbleToScale, "False", "FailedUpdateScale",
          "the HPA controller was unable to update the target scale: " + updated.error());
      status.current_replicas = current;
      write_status(status);
      return "failed to rescale " + reference + ": " + updated.error();
    }
    set(status, kAbleToScale, "True", "SucceededRescale",
        "the HPA controller was able to update the target scale to " + std::to_string(desired));
    api_.record_event(hpa, "Normal", "SuccessfulRescale",
                      "New size: " + std::to_string(desired) + "; reason: " + rescale_reason);
    std::lock_guard lock(mutex_);
    std::optional<autoscaling::Behavior> behavior;
    if (spec.behavior) {
      behavior = autoscaling::Behavior{
          autoscaling::scale_up_rules_with_defaults(spec.behavior->scale_up),
          autoscaling::scale_down_rules_with_defaults(spec.behavior->scale_down)};
    }
    store_scale_event(histories_[key], behavior, current, desired, now);
  } else {
    desired = current;
  }

  // setStatus
  status.current_replicas = current;
  status.desired_replicas = desired;
  status.current_metrics = metric_statuses;
  if (rescale) status.last_scale_time = apimachinery::format_time(now);
  if (auto error = write_status(status); !error.empty()) return error;
  return result_error;
}

}  // namespace dynop::localcluster::hpa
