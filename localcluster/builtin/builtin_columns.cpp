#include "localcluster/builtin/builtin_columns.hpp"

namespace dynop::localcluster::builtin {

// clang-format off
// Taken from the kube-apiserver 1.26 Table columnDefinitions in the reference traces.
const char kNameDescription[] = R"~(Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: http://kubernetes.io/docs/user-guide/identifiers#names)~";
const char kAgeDescription[] = R"~(CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.

Populated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata)~";
namespace {
std::vector<PrinterColumn> pods_columns() {
  return {
      {"Name", "string", "name", kNameDescription, "", 0},
      {"Ready", "string", "", R"~(The aggregate readiness state of this pod for accepting traffic.)~", "", 0},
      {"Status", "string", "", R"~(The aggregate status of the containers in this pod.)~", "", 0},
      {"Restarts", "string", "", R"~(The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.)~", "", 0},
      {"Age", "string", "", kAgeDescription, "", 0},
      {"IP", "string", "", R"~(IP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.)~", "", 1},
      {"Node", "string", "", R"~(NodeName is a request to schedule this pod onto a specific node. If it is non-empty, the scheduler simply schedules this pod onto that node, assuming that it fits resource requirements.)~", "", 1},
      {"Nominated Node", "string", "", R"~(nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be scheduled right away as preemption victims receive their graceful termination periods. This field does not guarantee that the pod will be scheduled on this node. Scheduler may decide to place the pod elsewhere if other nodes become available sooner. Scheduler may also decide to give the resources on this node to a higher priority pod that is created after preemption. As a result, this field may be different than PodSpec.nodeName when the pod is scheduled.)~", "", 1},
      {"Readiness Gates", "string", "", R"~(If specified, all readiness gates will be evaluated for pod readiness. A pod is ready when all its containers are ready AND all conditions specified in the readiness gates have status equal to "True" More info: https://git.k8s.io/enhancements/keps/sig-network/580-pod-readiness-gates)~", "", 1},
  };
}
std::vector<PrinterColumn> nodes_columns() {
  return {
      {"Name", "string", "name", kNameDescription, "", 0},
      {"Status", "string", "", R"~(The status of the node)~", "", 0},
      {"Roles", "string", "", R"~(The roles of the node)~", "", 0},
      {"Age", "string", "", kAgeDescription, "", 0},
      {"Version", "string", "", R"~(Kubelet Version reported by the node.)~", "", 0},
      {"Internal-IP", "string", "", R"~(List of addresses reachable to the node. Queried from cloud provider, if available. More info: https://kubernetes.io/docs/concepts/nodes/node/#addresses Note: This field is declared as mergeable, but the merge key is not sufficiently unique, which can cause data corruption when it is merged. Callers should instead use a full-replacement patch. See https://pr.k8s.io/79391 for an example.)~", "", 1},
      {"External-IP", "string", "", R"~(List of addresses reachable to the node. Queried from cloud provider, if available. More info: https://kubernetes.io/docs/concepts/nodes/node/#addresses Note: This field is declared as mergeable, but the merge key is not sufficiently unique, which can cause data corruption when it is merged. Callers should instead use a full-replacement patch. See https://pr.k8s.io/79391 for an example.)~", "", 1},
      {"OS-Image", "string", "", R"~(OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).)~", "", 1},
      {"Kernel-Version", "string", "", R"~(Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).)~", "", 1},
      {"Container-Runtime", "string", "", R"~(ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).)~", "", 1},
  };
}
std::vector<PrinterColumn> namespaces_columns() {
  return {
      {"Name", "string", "name", kNameDescription, "", 0},
      {"Status", "string", "", R"~(The status of the namespace)~", "", 0},
      {"Age", "string", "", kAgeDescription, "", 0},
  };
}
std::vector<PrinterColumn> configmaps_columns() {
  return {
      {"Name", "string", "name", kNameDescription, "", 0},
      {"Data", "string", "", R"~(Data contains the configuration data. Each key must consist of alphanumeric characters, '-', '_' or '.'. Values with non-UTF-8 byte sequences must use the BinaryData field. The keys stored in Data must not overlap with the keys in the BinaryData field, this is enforced during validation process.)~", "", 0},
      {"Age", "string", "", kAgeDescription, "", 0},
  };
}
std::vector<PrinterColumn> secrets_columns() {
  return {
      {"Name", "string", "name", kNameDescription, "", 0},
      {"Type", "string", "", R"~(Used to facilitate programmatic handling of secret data. More info: https://kubernetes.io/docs/concepts/configuration/secret/#secret-types)~", "", 0},
      {"Data", "string", "", R"~(Data contains the secret data. Each key must consist of alphanumeric characters, '-', '_' or '.'. The serialized form of the secret data is a base64 encoded string, representing the arbitrary (possibly non-string) data value here. Described in https://tools.ietf.org/html/rfc4648#section-4)~", "", 0},
      {"Age", "string", "", kAgeDescription, "", 0},
  };
}
std::vector<PrinterColumn> persistentvolumeclaims_columns() {
  return {
      {"Name", "string", "name", kNameDescription, "", 0},
      {"Status", "string", "", R"~(phase represents the current phase of PersistentVolumeClaim.)~", "", 0},
      {"Volume", "string", "", R"~(volumeName is the binding reference to the PersistentVolume backing this claim.)~", "", 0},
      {"Capacity", "string", "", R"~(capacity represents the actual resources of the underlying volume.)~", "", 0},
      {"Access Modes", "string", "", R"~(accessModes contains the actual access modes the volume backing the PVC has. More info: https://kubernetes.io/docs/concepts/storage/persistent-volumes#access-modes-1)~", "", 0},
      {"StorageClass", "string", "", R"~(StorageClass of the pvc)~", "", 0},
      {"Age", "string", "", kAgeDescription, "", 0},
      {"VolumeMode", "string", "", R"~(volumeMode defines what type of volume is required by the claim. Value of Filesystem is implied when not included in claim spec.)~", "", 1},
  };
}
std::vector<PrinterColumn> services_columns() {
  return {
      {"Name", "string", "name", kNameDescription, "", 0},
      {"Type", "string", "", R"~(type determines how the Service is exposed. Defaults to ClusterIP. Valid options are ExternalName, ClusterIP, NodePort, and LoadBalancer. "ClusterIP" allocates a cluster-internal IP address for load-balancing to endpoints. Endpoints are determined by the selector or if that is not specified, by manual construction of an Endpoints object or EndpointSlice objects. If clusterIP is "None", no virtual IP is allocated and the endpoints are published as a set of endpoints rather than a virtual IP. "NodePort" builds on ClusterIP and allocates a port on every node which routes to the same endpoints as the clusterIP. "LoadBalancer" builds on NodePort and creates an external load-balancer (if supported in the current cloud) which routes to the same endpoints as the clusterIP. "ExternalName" aliases this service to the specified externalName. Several other fields do not apply to ExternalName services. More info: https://kubernetes.io/docs/concepts/services-networking/service/#publishing-services-service-types)~", "", 0},
      {"Cluster-IP", "string", "", R"~(clusterIP is the IP address of the service and is usually assigned randomly. If an address is specified manually, is in-range (as per system configuration), and is not in use, it will be allocated to the service; otherwise creation of the service will fail. This field may not be changed through updates unless the type field is also being changed to ExternalName (which requires this field to be blank) or the type field is being changed from ExternalName (in which case this field may optionally be specified, as describe above).  Valid values are "None", empty string (""), or a valid IP address. Setting this to "None" makes a "headless service" (no virtual IP), which is useful when direct endpoint connections are preferred and proxying is not required.  Only applies to types ClusterIP, NodePort, and LoadBalancer. If this field is specified when creating a Service of type ExternalName, creation will fail. This field will be wiped when updating a Service to type ExternalName. More info: https://kubernetes.io/docs/concepts/services-networking/service/#virtual-ips-and-service-proxies)~", "", 0},
      {"External-IP", "string", "", R"~(externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.  These IPs are not managed by Kubernetes.  The user is responsible for ensuring that traffic arrives at a node with this IP.  A common example is external load-balancers that are not part of the Kubernetes system.)~", "", 0},
      {"Port(s)", "string", "", R"~(The list of ports that are exposed by this service. More info: https://kubernetes.io/docs/concepts/services-networking/service/#virtual-ips-and-service-proxies)~", "", 0},
      {"Age", "string", "", kAgeDescription, "", 0},
      {"Selector", "string", "", R"~(Route service traffic to pods with label keys and values matching this selector. If empty or not present, the service is assumed to have an external process managing its endpoints, which Kubernetes will not modify. Only applies to types ClusterIP, NodePort, and LoadBalancer. Ignored if type is ExternalName. More info: https://kubernetes.io/docs/concepts/services-networking/service/)~", "", 1},
  };
}
std::vector<PrinterColumn> events_columns() {
  return {
      {"Last Seen", "string", "", R"~(The time at which the most recent occurrence of this event was recorded.)~", "", 0},
      {"Type", "string", "", R"~(Type of this event (Normal, Warning), new types could be added in the future)~", "", 0},
      {"Reason", "string", "", R"~(This should be a short, machine understandable string that gives the reason for the transition into the object's current status.)~", "", 0},
      {"Object", "string", "", R"~(The object that this event is about.)~", "", 0},
      {"Subobject", "string", "", R"~(If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement, such as desiredState.manifest.containers[2]. For example, if the object reference is to a container within a pod, this would take on a value like: "spec.containers{name}" (where "name" refers to the name of the container that triggered the event) or if no container name is specified "spec.containers[2]" (container with index 2 in this pod). This syntax is chosen only to have some well-defined way of referencing a part of an object.)~", "", 1},
      {"Source", "string", "", R"~(The component reporting this event. Should be a short machine understandable string.)~", "", 1},
      {"Message", "string", "", R"~(A human-readable description of the status of this operation.)~", "", 0},
      {"First Seen", "string", "", R"~(The time at which the event was first recorded. (Time of server receipt is in TypeMeta.))~", "", 1},
      {"Count", "string", "", R"~(The number of times this event has occurred.)~", "", 1},
      {"Name", "string", "name", kNameDescription, "", 1},
  };
}
std::vector<PrinterColumn> serviceaccounts_columns() {
  return {
      {"Name", "string", "name", kNameDescription, "", 0},
      {"Secrets", "string", "", R"~(Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use. Pods are only limited to this list if this service account has a "kubernetes.io/enforce-mountable-secrets" annotation set to "true". This field should not be used to find auto-generated service account token secrets for use outside of pods. Instead, tokens can be requested directly using the TokenRequest API, or service account token secrets can be manually created. More info: https://kubernetes.io/docs/concepts/configuration/secret)~", "", 0},
      {"Age", "string", "", kAgeDescription, "", 0},
  };
}
std::vector<PrinterColumn> leases_columns() {
  return {
      {"Name", "string", "name", kNameDescription, "", 0},
      {"Holder", "string", "", R"~(holderIdentity contains the identity of the holder of a current lease.)~", "", 0},
      {"Age", "string", "", kAgeDescription, "", 0},
  };
}

std::vector<PrinterColumn> crd_columns() {
  return {
      {"Name", "string", "name", kNameDescription, "", 0},
      {"Created At", "date", "", kAgeDescription, "", 0},
  };
}
std::vector<PrinterColumn> deployment_columns() {
  return {
      {"Name", "string", "name", kNameDescription, "", 0},
      {"Ready", "string", "", R"~(Number of the pod with ready state)~", "", 0},
      {"Up-to-date", "string", "", R"~(Total number of non-terminated pods targeted by this deployment that have the desired template spec.)~", "", 0},
      {"Available", "string", "", R"~(Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.)~", "", 0},
      {"Age", "string", "", kAgeDescription, "", 0},
      {"Containers", "string", "", R"~(Names of each container in the template.)~", "", 1},
      {"Images", "string", "", R"~(Images referenced by each container in the template.)~", "", 1},
      {"Selector", "string", "", R"~(Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.)~", "", 1},
  };
}
std::vector<PrinterColumn> hpa_columns() {
  return {
      {"Name", "string", "name", kNameDescription, "", 0},
      {"Reference", "string", "", R"~(reference to scaled resource; horizontal pod autoscaler will learn the current resource consumption and will set the desired number of pods by using its Scale subresource.)~", "", 0},
      {"Targets", "string", "", R"~(metrics contains the specifications for which to use to calculate the desired replica count (the maximum replica count across all metrics will be used).)~", "", 0},
      {"MinPods", "string", "", R"~(minReplicas is the lower limit for the number of replicas to which the autoscaler can scale down.)~", "", 0},
      {"MaxPods", "integer", "", R"~(maxReplicas is the upper limit for the number of replicas to which the autoscaler can scale up.)~", "", 0},
      {"Replicas", "integer", "", R"~(currentReplicas is current number of replicas of pods managed by this autoscaler, as last seen by the autoscaler.)~", "", 0},
      {"Age", "string", "", kAgeDescription, "", 0},
  };
}
std::vector<PrinterColumn> endpoints_columns() {
  return {
      {"Name", "string", "name", kNameDescription, "", 0},
      {"Endpoints", "string", "", R"~(Endpoints of the service)~", "", 0},
      {"Age", "string", "", kAgeDescription, "", 0},
  };
}
std::vector<PrinterColumn> endpointslice_columns() {
  return {
      {"Name", "string", "name", kNameDescription, "", 0},
      {"AddressType", "string", "", R"~(addressType specifies the type of address carried by this EndpointSlice. All addresses in this slice must be the same type. This field is immutable after creation. The following address types are currently supported: * IPv4: Represents an IPv4 Address. * IPv6: Represents an IPv6 Address. * FQDN: Represents a Fully Qualified Domain Name.)~", "", 0},
      {"Ports", "string", "", R"~(ports specifies the list of network ports exposed by each endpoint in this slice. Each port must have a unique name. When ports is empty, it indicates that there are no defined ports. When a port is defined with a nil port value, it indicates "all ports". Each slice may include a maximum of 100 ports.)~", "", 0},
      {"Endpoints", "string", "", R"~(endpoints is a list of unique endpoints in this slice. Each slice may include a maximum of 1000 endpoints.)~", "", 0},
      {"Age", "string", "", kAgeDescription, "", 0},
  };
}
std::vector<PrinterColumn> webhook_columns() {
  return {
      {"Name", "string", "name", kNameDescription, "", 0},
      {"Webhooks", "integer", "", R"~(Webhooks indicates the number of webhooks in the configuration)~", "", 0},
      {"Age", "string", "", kAgeDescription, "", 0},
  };
}
// clang-format on

}  // namespace

std::vector<PrinterColumn> builtin_columns(std::string_view group, std::string_view kind) {
  if (group.empty()) {
    if (kind == "Pod") return pods_columns();
    if (kind == "Node") return nodes_columns();
    if (kind == "Namespace") return namespaces_columns();
    if (kind == "ConfigMap") return configmaps_columns();
    if (kind == "Secret") return secrets_columns();
    if (kind == "PersistentVolumeClaim") return persistentvolumeclaims_columns();
    if (kind == "Service") return services_columns();
    if (kind == "Event") return events_columns();
    if (kind == "ServiceAccount") return serviceaccounts_columns();
    if (kind == "Endpoints") return endpoints_columns();
    return {};
  }
  if (group == "events.k8s.io") return events_columns();
  if (group == "discovery.k8s.io" && kind == "EndpointSlice") return endpointslice_columns();
  if (group == "coordination.k8s.io") return leases_columns();
  if (group == "apiextensions.k8s.io") return crd_columns();
  if (group == "apps" && kind == "Deployment") return deployment_columns();
  if (group == "autoscaling") return hpa_columns();
  if (group == "admissionregistration.k8s.io") return webhook_columns();
  return {};
}

}  // namespace dynop::localcluster::builtin
