#include "lib/apimachinery/patch_meta.hpp"

namespace dynop::apimachinery {

void PatchMetaRegistry::add_field(std::string type, std::string field, PatchField meta) {
  types_[std::move(type)][std::move(field)] = std::move(meta);
}

void PatchMetaRegistry::add_kind(std::string kind, std::string root_type) {
  kinds_[std::move(kind)] = std::move(root_type);
}

std::optional<std::string> PatchMetaRegistry::root_type(std::string_view kind) const {
  auto it = kinds_.find(kind);
  if (it == kinds_.end()) return std::nullopt;
  return it->second;
}

const PatchField* PatchMetaRegistry::field(std::string_view type, std::string_view name) const {
  auto t = types_.find(type);
  if (t == types_.end()) return nullptr;
  auto f = t->second.find(name);
  return f == t->second.end() ? nullptr : &f->second;
}

const PatchField* PatchMetaRegistry::lookup(std::string_view kind,
                                            std::string_view dotted_path) const {
  auto root = root_type(kind);
  if (!root) return nullptr;
  std::string type = *root;
  const PatchField* meta = nullptr;
  while (!dotted_path.empty()) {
    size_t dot = dotted_path.find('.');
    std::string_view name = dotted_path.substr(0, dot);
    meta = field(type, name);
    if (!meta) return nullptr;
    type = meta->type;
    dotted_path = dot == std::string_view::npos ? std::string_view() : dotted_path.substr(dot + 1);
  }
  return meta;
}

namespace {

// Every kind with strategic merge patch support: all the built-in kinds
// dynop-localcluster serves (a unit test there checks it) plus the apps and
// batch workloads clients patch.
constexpr const char* kKinds[] = {"Pod",
                                  "PodTemplate",
                                  "Node",
                                  "Service",
                                  "Namespace",
                                  "ConfigMap",
                                  "Secret",
                                  "ServiceAccount",
                                  "PersistentVolumeClaim",
                                  "Event",
                                  "Endpoints",
                                  "EndpointSlice",
                                  "Lease",
                                  "Deployment",
                                  "ReplicaSet",
                                  "StatefulSet",
                                  "DaemonSet",
                                  "Job",
                                  "CronJob",
                                  "HorizontalPodAutoscaler",
                                  "PodDisruptionBudget",
                                  "ValidatingWebhookConfiguration",
                                  "MutatingWebhookConfiguration",
                                  "CustomResourceDefinition",
                                  "Role",
                                  "ClusterRole",
                                  "RoleBinding",
                                  "ClusterRoleBinding"};

// The table, transcribed from k8s.io/api struct tags (patchStrategy,
// patchMergeKey) for the fields that carry one, plus the nested struct
// types needed to reach them.
PatchMetaRegistry make_builtin() {
  PatchMetaRegistry r;
  auto obj = [&](const std::string& type, const char* f, const std::string& sub) {
    r.add_field(type, f, PatchField{"", "", sub});
  };
  auto merge = [&](const std::string& type, const char* f, const char* key, const char* sub = "") {
    r.add_field(type, f, PatchField{"merge", key, sub});
  };
  // The usual kind: <Kind>Spec and <Kind>Status, with status.conditions
  // merged by type.
  auto spec_and_status = [&](const std::string& kind) {
    obj(kind, "spec", kind + "Spec");
    obj(kind, "status", kind + "Status");
    merge(kind + "Status", "conditions", "type");
  };

  // metav1.ObjectMeta
  merge("ObjectMeta", "finalizers", "");
  merge("ObjectMeta", "ownerReferences", "uid");

  // Generic top level: metadata is ObjectMeta everywhere.
  for (const char* k : kKinds) obj(k, "metadata", "ObjectMeta");
  obj("PodTemplateSpec", "metadata", "ObjectMeta");

  // Pod
  obj("Pod", "spec", "PodSpec");
  obj("Pod", "status", "PodStatus");
  obj("PodTemplate", "template", "PodTemplateSpec");
  obj("PodTemplateSpec", "spec", "PodSpec");
  r.add_field("PodSpec", "volumes", PatchField{"merge,retainKeys", "name", "Volume"});
  merge("PodSpec", "initContainers", "name", "Container");
  merge("PodSpec", "containers", "name", "Container");
  merge("PodSpec", "ephemeralContainers", "name", "Container");
  merge("PodSpec", "imagePullSecrets", "name");
  merge("PodSpec", "hostAliases", "ip");
  merge("PodSpec", "topologySpreadConstraints", "topologyKey");
  merge("PodSpec", "schedulingGates", "name");
  r.add_field("PodSpec", "resourceClaims", PatchField{"merge,retainKeys", "name", ""});
  obj("PodSpec", "affinity", "Affinity");
  merge("Container", "ports", "containerPort");
  merge("Container", "env", "name");
  merge("Container", "volumeMounts", "mountPath");
  merge("Container", "volumeDevices", "devicePath");
  merge("PodStatus", "conditions", "type");
  merge("PodStatus", "podIPs", "ip");
  merge("PodStatus", "resourceClaimStatuses", "name");

  // Node
  spec_and_status("Node");
  merge("NodeSpec", "podCIDRs", "");
  merge("NodeStatus", "addresses", "type");

  // Service, Namespace, PVC, ServiceAccount
  spec_and_status("Service");
  merge("ServiceSpec", "ports", "port");
  obj("Namespace", "status", "NamespaceStatus");
  merge("NamespaceStatus", "conditions", "type");
  obj("PersistentVolumeClaim", "status", "PersistentVolumeClaimStatus");
  merge("PersistentVolumeClaimStatus", "conditions", "type");
  merge("ServiceAccount", "secrets", "name");
  merge("ServiceAccount", "imagePullSecrets", "name");

  // apps/v1 and batch/v1 workloads
  for (const char* k : {"Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job"}) {
    spec_and_status(k);
    obj(std::string(k) + "Spec", "template", "PodTemplateSpec");
  }
  r.add_field("DeploymentSpec", "strategy", PatchField{"retainKeys", "", ""});
  r.add_field("DaemonSetSpec", "updateStrategy", PatchField{"retainKeys", "", ""});
  obj("CronJob", "spec", "CronJobSpec");
  obj("CronJobSpec", "jobTemplate", "JobTemplateSpec");
  obj("JobTemplateSpec", "metadata", "ObjectMeta");
  obj("JobTemplateSpec", "spec", "JobSpec");

  // admissionregistration.k8s.io/v1 (MutatingWebhook has the same tags)
  for (const char* k : {"ValidatingWebhookConfiguration", "MutatingWebhookConfiguration"}) {
    merge(k, "webhooks", "name", "Webhook");
  }
  merge("Webhook", "matchConditions", "name");

  // autoscaling/v2 (v1 has no tagged fields; the same table serves both)
  spec_and_status("HorizontalPodAutoscaler");

  // policy/v1: a patched selector replaces the old one rather than merging
  // matchLabels into it.
  spec_and_status("PodDisruptionBudget");
  r.add_field("PodDisruptionBudgetSpec", "selector", PatchField{"replace", "", ""});

  // Lease, Event (core and events.k8s.io), Endpoints, ConfigMap, Secret,
  // CustomResourceDefinition and the RBAC kinds have no tagged fields beyond
  // metadata: kube merges their maps and replaces their lists.
  for (const char* k : kKinds) r.add_kind(k, k);
  return r;
}

}  // namespace

const PatchMetaRegistry& PatchMetaRegistry::builtin() {
  static const PatchMetaRegistry registry = make_builtin();
  return registry;
}

}  // namespace dynop::apimachinery
