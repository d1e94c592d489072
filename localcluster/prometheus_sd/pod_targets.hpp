#pragma once
// Prometheus's Kubernetes service discovery, role pod
// (discovery/kubernetes/pod.go), as HTTP service discovery target groups:
// Debian's prometheus 2.42 is built without kubernetes_sd_configs, so the
// local cluster serves what that discovery would find, and a scrape config
// written for it (PodMonitor relabelling on __meta_kubernetes_*) works
// unchanged behind http_sd_configs.
//
// One HTTP SD group per target (HTTP SD labels groups, not targets), each
// labelled with the pod's meta labels
// (__meta_kubernetes_namespace, _pod_name, _pod_ip, _pod_label_<name>,
// _pod_labelpresent_<name>, _pod_annotation_<name>, _pod_annotationpresent_<name>,
// _pod_ready, _pod_phase, _pod_node_name, _pod_host_ip, _pod_uid,
// _pod_controller_kind/_name); one target per container port
// (<podIP>:<port> with _pod_container_name, _container_image,
// _container_init, _container_port_name/_number/_protocol) and one
// per container without ports (<podIP>). Pods without an IP have no targets.
// Label names are sanitized as Prometheus does ([^a-zA-Z0-9_] -> _).

#include <boost/json/value.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace dynop::localcluster::prometheus_sd {

// "nvidia.com/metrics-enabled" -> "nvidia_com_metrics_enabled"
std::string sanitize_label_name(std::string_view name);

// The HTTP SD groups ([{"targets":["ip:port"],"labels":{...}}, ...]) of one v1 Pod.
boost::json::array pod_target_groups(const boost::json::object& pod);

}  // namespace dynop::localcluster::prometheus_sd
