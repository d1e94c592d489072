#include "localcluster/builtin/builtin_schemas.hpp"

#include <string>

#include "localcluster/builtin/autoscaling/hpa_schemas.hpp"

namespace dynop::localcluster::builtin {
namespace {

// Every schema starts with the same three fields.
#define DYNOP_TYPE_META                                                                                                             \
  R"("apiVersion":{"type":"string","description":"APIVersion defines the versioned schema of this representation of an object."},)" \
  R"("kind":{"type":"string","description":"Kind is a string value representing the REST resource this object represents."},)"      \
  R"("metadata":{"type":"object","x-kubernetes-preserve-unknown-fields":true,"description":"Standard object's metadata."})"

constexpr std::string_view kNamespace =
    R"({"type":"object","description":"Namespace provides a scope for Names. Use of multiple namespaces is optional.","properties":{)" DYNOP_TYPE_META
    R"(,
  "spec":{"type":"object","description":"Spec defines the behavior of the Namespace.","properties":{"finalizers":{"type":"array","items":{"type":"string"},"description":"Finalizers is an opaque list of values that must be empty to permanently remove object from storage."}}},
  "status":{"type":"object","description":"Status describes the current status of a Namespace.","x-kubernetes-preserve-unknown-fields":true,"properties":{"phase":{"type":"string","description":"Phase is the current lifecycle phase of the namespace."}}}}})";

constexpr std::string_view kContainer =
    R"({"type":"object","required":["name"],"x-kubernetes-preserve-unknown-fields":true,"description":"A single application container that you want to run within a pod.","properties":{
  "name":{"type":"string","description":"Name of the container specified as a DNS_LABEL."},
  "image":{"type":"string","description":"Container image name."},
  "imagePullPolicy":{"type":"string","description":"Image pull policy. One of Always, Never, IfNotPresent."},
  "command":{"type":"array","items":{"type":"string"},"description":"Entrypoint array. Not executed within a shell."},
  "args":{"type":"array","items":{"type":"string"},"description":"Arguments to the entrypoint."},
  "workingDir":{"type":"string","description":"Container's working directory."},
  "env":{"type":"array","description":"List of environment variables to set in the container.","x-kubernetes-patch-merge-key":"name","x-kubernetes-patch-strategy":"merge","items":{"type":"object","required":["name"],"properties":{"name":{"type":"string","description":"Name of the environment variable."},"value":{"type":"string","description":"Variable references $(VAR_NAME) are expanded using the previously defined environment variables in the container."},"valueFrom":{"type":"object","x-kubernetes-preserve-unknown-fields":true,"description":"Source for the environment variable's value."}}}},
  "envFrom":{"type":"array","items":{"type":"object","x-kubernetes-preserve-unknown-fields":true},"description":"List of sources to populate environment variables in the container."},
  "ports":{"type":"array","description":"List of ports to expose from the container.","x-kubernetes-patch-merge-key":"containerPort","x-kubernetes-patch-strategy":"merge","items":{"type":"object","required":["containerPort"],"properties":{"containerPort":{"type":"integer","format":"int32","description":"Number of port to expose on the pod's IP address."},"hostIP":{"type":"string"},"hostPort":{"type":"integer","format":"int32"},"name":{"type":"string","description":"Name of the port."},"protocol":{"type":"string","description":"Protocol for port. Must be UDP, TCP, or SCTP."}}}},
  "resources":{"type":"object","description":"Compute Resources required by this container.","properties":{"limits":{"type":"object","additionalProperties":{"x-kubernetes-int-or-string":true,"anyOf":[{"type":"integer"},{"type":"string"}]},"description":"Limits describes the maximum amount of compute resources allowed."},"requests":{"type":"object","additionalProperties":{"x-kubernetes-int-or-string":true,"anyOf":[{"type":"integer"},{"type":"string"}]},"description":"Requests describes the minimum amount of compute resources required."}}},
  "volumeMounts":{"type":"array","x-kubernetes-patch-merge-key":"mountPath","x-kubernetes-patch-strategy":"merge","items":{"type":"object","x-kubernetes-preserve-unknown-fields":true},"description":"Pod volumes to mount into the container's filesystem."}}})";

std::string pod_schema() {
  return std::string(
             R"({"type":"object","description":"Pod is a collection of containers that can run on a host.","properties":{)" DYNOP_TYPE_META
             R"(,
  "spec":{"type":"object","required":["containers"],"x-kubernetes-preserve-unknown-fields":true,"description":"Specification of the desired behavior of the pod.","properties":{
    "containers":{"type":"array","x-kubernetes-patch-merge-key":"name","x-kubernetes-patch-strategy":"merge","description":"List of containers belonging to the pod.","items":)") +
         std::string(kContainer) + R"(},
    "initContainers":{"type":"array","x-kubernetes-patch-merge-key":"name","x-kubernetes-patch-strategy":"merge","description":"List of initialization containers belonging to the pod.","items":)" +
         std::string(kContainer) + R"(},
    "nodeName":{"type":"string","description":"NodeName is a request to schedule this pod onto a specific node."},
    "nodeSelector":{"type":"object","additionalProperties":{"type":"string"},"description":"NodeSelector is a selector which must be true for the pod to fit on a node."},
    "schedulerName":{"type":"string","description":"If specified, the pod will be dispatched by specified scheduler."},
    "serviceAccountName":{"type":"string","description":"ServiceAccountName is the name of the ServiceAccount to use to run this pod."},
    "restartPolicy":{"type":"string","description":"Restart policy for all containers within the pod."},
    "volumes":{"type":"array","x-kubernetes-patch-merge-key":"name","x-kubernetes-patch-strategy":"merge,retainKeys","items":{"type":"object","x-kubernetes-preserve-unknown-fields":true,"required":["name"],"properties":{"name":{"type":"string"}}},"description":"List of volumes that can be mounted by containers belonging to the pod."},
    "tolerations":{"type":"array","items":{"type":"object","x-kubernetes-preserve-unknown-fields":true},"description":"If specified, the pod's tolerations."}}},
  "status":{"type":"object","x-kubernetes-preserve-unknown-fields":true,"description":"Most recently observed status of the pod.","properties":{
    "phase":{"type":"string","description":"The phase of a Pod is a simple, high-level summary of where the Pod is in its lifecycle."},
    "conditions":{"type":"array","x-kubernetes-patch-merge-key":"type","x-kubernetes-patch-strategy":"merge","items":{"type":"object","x-kubernetes-preserve-unknown-fields":true},"description":"Current service state of pod."},
    "podIP":{"type":"string","description":"IP address allocated to the pod."},
    "hostIP":{"type":"string","description":"IP address of the host to which the pod is assigned."}}}}})";
}

constexpr std::string_view kNode =
    R"({"type":"object","description":"Node is a worker node in Kubernetes.","properties":{)" DYNOP_TYPE_META
    R"(,
  "spec":{"type":"object","x-kubernetes-preserve-unknown-fields":true,"description":"Spec defines the behavior of a node.","properties":{"taints":{"type":"array","items":{"type":"object","x-kubernetes-preserve-unknown-fields":true},"description":"If specified, the node's taints."},"unschedulable":{"type":"boolean","description":"Unschedulable controls node schedulability of new pods."},"podCIDR":{"type":"string"},"providerID":{"type":"string"}}},
  "status":{"type":"object","x-kubernetes-preserve-unknown-fields":true,"description":"Most recently observed status of the node.","properties":{"capacity":{"type":"object","additionalProperties":{"x-kubernetes-int-or-string":true,"anyOf":[{"type":"integer"},{"type":"string"}]},"description":"Capacity represents the total resources of a node."},"allocatable":{"type":"object","additionalProperties":{"x-kubernetes-int-or-string":true,"anyOf":[{"type":"integer"},{"type":"string"}]},"description":"Allocatable represents the resources of a node that are available for scheduling."},"conditions":{"type":"array","x-kubernetes-patch-merge-key":"type","x-kubernetes-patch-strategy":"merge","items":{"type":"object","x-kubernetes-preserve-unknown-fields":true},"description":"Conditions is an array of current observed node conditions."}}}}})";

constexpr std::string_view kConfigMap =
    R"({"type":"object","description":"ConfigMap holds configuration data for pods to consume.","properties":{)" DYNOP_TYPE_META
    R"(,
  "data":{"type":"object","additionalProperties":{"type":"string"},"description":"Data contains the configuration data."},
  "binaryData":{"type":"object","additionalProperties":{"type":"string","format":"byte"},"description":"BinaryData contains the binary data."},
  "immutable":{"type":"boolean","description":"Immutable, if set to true, ensures that data stored in the ConfigMap cannot be updated."}}})";

constexpr std::string_view kSecret =
    R"({"type":"object","description":"Secret holds secret data of a certain type.","properties":{)" DYNOP_TYPE_META
    R"(,
  "data":{"type":"object","additionalProperties":{"type":"string","format":"byte"},"description":"Data contains the secret data, base64 encoded."},
  "stringData":{"type":"object","additionalProperties":{"type":"string"},"description":"stringData allows specifying non-binary secret data in string form."},
  "type":{"type":"string","description":"Used to facilitate programmatic handling of secret data."},
  "immutable":{"type":"boolean","description":"Immutable, if set to true, ensures that data stored in the Secret cannot be updated."}}})";

constexpr std::string_view kServiceAccount =
    R"({"type":"object","description":"ServiceAccount binds together a name, a principal that can be authenticated, and a set of secrets.","properties":{)" DYNOP_TYPE_META
    R"(,
  "automountServiceAccountToken":{"type":"boolean","description":"AutomountServiceAccountToken indicates whether pods running as this service account should have an API token automatically mounted."},
  "imagePullSecrets":{"type":"array","items":{"type":"object","properties":{"name":{"type":"string"}}},"description":"ImagePullSecrets is a list of references to secrets in the same namespace to use for pulling any images."},
  "secrets":{"type":"array","items":{"type":"object","x-kubernetes-preserve-unknown-fields":true},"description":"Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use."}}})";

constexpr std::string_view kService =
    R"({"type":"object","description":"Service is a named abstraction of software service.","properties":{)" DYNOP_TYPE_META
    R"(,
  "spec":{"type":"object","x-kubernetes-preserve-unknown-fields":true,"description":"Spec defines the behavior of a service.","properties":{
    "type":{"type":"string","description":"type determines how the Service is exposed."},
    "clusterIP":{"type":"string","description":"clusterIP is the IP address of the service."},
    "selector":{"type":"object","additionalProperties":{"type":"string"},"description":"Route service traffic to pods with label keys and values matching this selector."},
    "ports":{"type":"array","x-kubernetes-patch-merge-key":"port","x-kubernetes-patch-strategy":"merge","description":"The list of ports that are exposed by this service.","items":{"type":"object","required":["port"],"properties":{"name":{"type":"string"},"port":{"type":"integer","format":"int32"},"protocol":{"type":"string"},"targetPort":{"x-kubernetes-int-or-string":true,"anyOf":[{"type":"integer"},{"type":"string"}]},"nodePort":{"type":"integer","format":"int32"},"appProtocol":{"type":"string"}}}}}},
  "status":{"type":"object","x-kubernetes-preserve-unknown-fields":true,"description":"Most recently observed status of the service."}}})";

constexpr std::string_view kPersistentVolumeClaim =
    R"({"type":"object","description":"PersistentVolumeClaim is a user's request for and claim to a persistent volume","properties":{)" DYNOP_TYPE_META
    R"(,
  "spec":{"type":"object","x-kubernetes-preserve-unknown-fields":true,"description":"spec defines the desired characteristics of a volume requested by a pod author.","properties":{"accessModes":{"type":"array","items":{"type":"string"}},"storageClassName":{"type":"string"},"volumeMode":{"type":"string"},"volumeName":{"type":"string"},"resources":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}},
  "status":{"type":"object","x-kubernetes-preserve-unknown-fields":true,"description":"status represents the current information/status of a persistent volume claim."}}})";

constexpr std::string_view kEndpoints =
    R"({"type":"object","description":"Endpoints is a collection of endpoints that implement the actual service.","properties":{)" DYNOP_TYPE_META
    R"(,
  "subsets":{"type":"array","items":{"type":"object","x-kubernetes-preserve-unknown-fields":true},"description":"The set of all endpoints is the union of all subsets."}}})";

constexpr std::string_view kCoreEvent =
    R"({"type":"object","description":"Event is a report of an event somewhere in the cluster.","x-kubernetes-preserve-unknown-fields":true,"properties":{)" DYNOP_TYPE_META
    R"(,
  "involvedObject":{"type":"object","x-kubernetes-preserve-unknown-fields":true,"description":"The object that this event is about."},
  "reason":{"type":"string","description":"This should be a short, machine understandable string that gives the reason for the transition into the object's current status."},
  "message":{"type":"string","description":"A human-readable description of the status of this operation."},
  "type":{"type":"string","description":"Type of this event (Normal, Warning), new types could be added in the future"},
  "count":{"type":"integer","format":"int32","description":"The number of times this event has occurred."}}})";

constexpr std::string_view kEventsV1Event =
    R"({"type":"object","description":"Event is a report of an event somewhere in the cluster.","x-kubernetes-preserve-unknown-fields":true,"properties":{)" DYNOP_TYPE_META
    R"(,
  "regarding":{"type":"object","x-kubernetes-preserve-unknown-fields":true,"description":"regarding contains the object this Event is about."},
  "reason":{"type":"string","description":"reason is why the action was taken."},
  "note":{"type":"string","description":"note is a human-readable description of the status of this operation."},
  "type":{"type":"string","description":"type is the type of this event (Normal, Warning)."}}})";

constexpr std::string_view kLease =
    R"({"type":"object","description":"Lease defines a lease concept.","properties":{)" DYNOP_TYPE_META
    R"(,
  "spec":{"type":"object","description":"spec contains the specification of the Lease.","properties":{
    "holderIdentity":{"type":"string","description":"holderIdentity contains the identity of the holder of a current lease."},
    "leaseDurationSeconds":{"type":"integer","format":"int32","description":"leaseDurationSeconds is a duration that candidates for a lease need to wait to force acquire it."},
    "acquireTime":{"type":"string","format":"date-time","description":"acquireTime is a time when the current lease was acquired."},
    "renewTime":{"type":"string","format":"date-time","description":"renewTime is a time when the current holder of a lease has last updated the lease."},
    "leaseTransitions":{"type":"integer","format":"int32","description":"leaseTransitions is the number of transitions of a lease between holders."}}}}})";

constexpr std::string_view kOpenSpecStatus =
    R"({"type":"object","properties":{)" DYNOP_TYPE_META R"(,
  "spec":{"type":"object","x-kubernetes-preserve-unknown-fields":true,"description":"Specification of the desired behavior."},
  "status":{"type":"object","x-kubernetes-preserve-unknown-fields":true,"description":"Most recently observed status."}}})";

constexpr std::string_view kWebhookConfiguration =
    R"({"type":"object","description":"Describes the configuration of an admission webhook that accepts or rejects an object.","properties":{)" DYNOP_TYPE_META
    R"(,
  "webhooks":{"type":"array","x-kubernetes-patch-merge-key":"name","x-kubernetes-patch-strategy":"merge","description":"Webhooks is a list of webhooks and the affected resources and operations.","items":{"type":"object","required":["name"],"x-kubernetes-preserve-unknown-fields":true,"properties":{"name":{"type":"string","description":"The name of the admission webhook."},"failurePolicy":{"type":"string"},"timeoutSeconds":{"type":"integer","format":"int32"},"sideEffects":{"type":"string"},"admissionReviewVersions":{"type":"array","items":{"type":"string"}},"clientConfig":{"type":"object","x-kubernetes-preserve-unknown-fields":true},"rules":{"type":"array","items":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}}}}}})";

constexpr std::string_view kPolicyRules =
    R"("rules":{"type":"array","description":"Rules holds all the PolicyRules for this Role.","items":{"type":"object","required":["verbs"],"properties":{"apiGroups":{"type":"array","items":{"type":"string"}},"resources":{"type":"array","items":{"type":"string"}},"resourceNames":{"type":"array","items":{"type":"string"}},"nonResourceURLs":{"type":"array","items":{"type":"string"}},"verbs":{"type":"array","items":{"type":"string"}}}}})";

std::string role_schema() {
  return std::string(
             R"({"type":"object","description":"Role is a namespaced, logical grouping of PolicyRules that can be referenced as a unit by a RoleBinding.","properties":{)" DYNOP_TYPE_META
             ",") +
         std::string(kPolicyRules) + "}}";
}

std::string cluster_role_schema() {
  return std::string(
             R"({"type":"object","description":"ClusterRole is a cluster level, logical grouping of PolicyRules that can be referenced as a unit by a RoleBinding or ClusterRoleBinding.","properties":{)" DYNOP_TYPE_META
             ",") +
         std::string(kPolicyRules) + R"(,
  "aggregationRule":{"type":"object","x-kubernetes-preserve-unknown-fields":true,"description":"AggregationRule is an optional field that describes how to build the Rules for this ClusterRole."}}})";
}

constexpr std::string_view kBinding =
    R"({"type":"object","required":["roleRef"],"description":"A binding references a role and contains a list of subjects (users, groups, or service accounts).","properties":{)" DYNOP_TYPE_META
    R"(,
  "roleRef":{"type":"object","required":["apiGroup","kind","name"],"description":"RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace.","properties":{"apiGroup":{"type":"string"},"kind":{"type":"string"},"name":{"type":"string"}}},
  "subjects":{"type":"array","description":"Subjects holds references to the objects the role applies to.","items":{"type":"object","required":["kind","name"],"properties":{"apiGroup":{"type":"string"},"kind":{"type":"string"},"name":{"type":"string"},"namespace":{"type":"string"}}}}}})";

}  // namespace

std::string_view builtin_schema_text(std::string_view group, std::string_view version,
                                     std::string_view kind) {
  static const std::string kPod = pod_schema();
  static const std::string kRole = role_schema();
  static const std::string kClusterRole = cluster_role_schema();
  if (group.empty()) {
    if (kind == "Namespace") return kNamespace;
    if (kind == "Pod") return kPod;
    if (kind == "Node") return kNode;
    if (kind == "ConfigMap") return kConfigMap;
    if (kind == "Secret") return kSecret;
    if (kind == "ServiceAccount") return kServiceAccount;
    if (kind == "Service") return kService;
    if (kind == "PersistentVolumeClaim") return kPersistentVolumeClaim;
    if (kind == "Endpoints") return kEndpoints;
    if (kind == "Event") return kCoreEvent;
    return {};
  }
  if (group == "autoscaling" && kind == "HorizontalPodAutoscaler") {
    return version == "v1" ? autoscaling::hpa_v1_schema_text() : autoscaling::hpa_v2_schema_text();
  }
  if (group == "events.k8s.io") return kEventsV1Event;
  if (group == "coordination.k8s.io") return kLease;
  if (group == "admissionregistration.k8s.io") return kWebhookConfiguration;
  if (group == "rbac.authorization.k8s.io") {
    if (kind == "Role") return kRole;
    if (kind == "ClusterRole") return kClusterRole;
    return kBinding;
  }
  return kOpenSpecStatus;
}

}  // namespace dynop::localcluster::builtin
