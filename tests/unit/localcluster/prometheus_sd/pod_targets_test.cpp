// What Prometheus's Kubernetes SD (role pod) finds for a pod, as HTTP SD
// groups: one per container port with the pod's and the container's meta
// labels (cases after discovery/kubernetes/pod_test.go).

#include "localcluster/prometheus_sd/pod_targets.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace dynop::localcluster::prometheus_sd {
namespace {

namespace json = boost::json;

json::object frontend_pod() {
  return json::parse(R"({
    "metadata": {"name": "sglang-agg-frontend-x1", "namespace": "default", "uid": "u-1",
      "labels": {"nvidia.com/metrics-enabled": "true", "nvidia.com/dynamo-component-type": "frontend"},
      "annotations": {"note": "a"},
      "ownerReferences": [{"apiVersion": "nvidia.com/v1alpha1", "kind": "DynamoGraphDeployment",
                           "name": "sglang-agg", "uid": "d", "controller": true}]},
    "spec": {"nodeName": "gpu-0", "containers": [
      {"name": "main", "image": "frontend:1", "ports": [{"name": "http", "containerPort": 8000},
                                                        {"name": "udp", "containerPort": 53, "protocol": "UDP"}]},
      {"name": "sidecar", "image": "side:1"}]},
    "status": {"phase": "Running", "podIP": "127.0.1.5", "hostIP": "10.0.0.1",
               "conditions": [{"type": "Ready", "status": "True"}]}})")
      .as_object();
}

std::string label(const json::value& group, const char* name) {
  const auto* v = group.at("labels").as_object().if_contains(name);
  return v ? std::string(v->as_string()) : "<missing>";
}

TEST(PodTargets, SanitizesLabelNamesAsPrometheus) {
  EXPECT_EQ(sanitize_label_name("nvidia.com/metrics-enabled"), "nvidia_com_metrics_enabled");
  EXPECT_EQ(sanitize_label_name("app_1"), "app_1");
}

TEST(PodTargets, OneGroupPerContainerPortAndPerContainerWithoutPorts) {
  auto groups = pod_target_groups(frontend_pod());
  ASSERT_EQ(groups.size(), 3u);
  EXPECT_EQ(json::serialize(groups[0].at("targets")), R"(["127.0.1.5:8000"])");
  EXPECT_EQ(label(groups[0], "__meta_kubernetes_pod_container_port_name"), "http");
  EXPECT_EQ(label(groups[0], "__meta_kubernetes_pod_container_port_number"), "8000");
  EXPECT_EQ(label(groups[0], "__meta_kubernetes_pod_container_port_protocol"), "TCP");
  EXPECT_EQ(label(groups[1], "__meta_kubernetes_pod_container_port_protocol"), "UDP");
  EXPECT_EQ(json::serialize(groups[2].at("targets")), R"(["127.0.1.5"])");
  EXPECT_EQ(label(groups[2], "__meta_kubernetes_pod_container_name"), "sidecar");
  EXPECT_EQ(label(groups[2], "__meta_kubernetes_pod_container_port_name"), "<missing>");
}

TEST(PodTargets, PodMetaLabels) {
  const auto group = pod_target_groups(frontend_pod())[0];
  EXPECT_EQ(label(group, "__meta_kubernetes_namespace"), "default");
  EXPECT_EQ(label(group, "__meta_kubernetes_pod_name"), "sglang-agg-frontend-x1");
  EXPECT_EQ(label(group, "__meta_kubernetes_pod_ip"), "127.0.1.5");
  EXPECT_EQ(label(group, "__meta_kubernetes_pod_ready"), "true");
  EXPECT_EQ(label(group, "__meta_kubernetes_pod_phase"), "Running");
  EXPECT_EQ(label(group, "__meta_kubernetes_pod_node_name"), "gpu-0");
  EXPECT_EQ(label(group, "__meta_kubernetes_pod_host_ip"), "10.0.0.1");
  EXPECT_EQ(label(group, "__meta_kubernetes_pod_uid"), "u-1");
  EXPECT_EQ(label(group, "__meta_kubernetes_pod_label_nvidia_com_metrics_enabled"), "true");
  EXPECT_EQ(label(group, "__meta_kubernetes_pod_labelpresent_nvidia_com_dynamo_component_type"),
            "true");
  EXPECT_EQ(label(group, "__meta_kubernetes_pod_annotation_note"), "a");
  EXPECT_EQ(label(group, "__meta_kubernetes_pod_annotationpresent_note"), "true");
  EXPECT_EQ(label(group, "__meta_kubernetes_pod_controller_kind"), "DynamoGraphDeployment");
  EXPECT_EQ(label(group, "__meta_kubernetes_pod_controller_name"), "sglang-agg");
  EXPECT_EQ(label(group, "__meta_kubernetes_pod_container_image"), "frontend:1");
  EXPECT_EQ(label(group, "__meta_kubernetes_pod_container_init"), "false");
}

TEST(PodTargets, APodWithoutAnIpOrNotReadyYet) {
  auto pod = frontend_pod();
  pod["status"].as_object()["conditions"] =
      json::array{json::object{{"type", "Ready"}, {"status", "False"}}};
  EXPECT_EQ(label(pod_target_groups(pod)[0], "__meta_kubernetes_pod_ready"), "false");
  pod["status"].as_object().erase("podIP");
  EXPECT_TRUE(pod_target_groups(pod).empty());
}

}  // namespace
}  // namespace dynop::localcluster::prometheus_sd
