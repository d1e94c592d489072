#pragma once
// Strategic-merge-patch metadata as data: for each type, which fields are
// lists merged by a key (`patchStrategy:"merge" patchMergeKey:"name"` in
// k8s.io/api's struct tags), merged primitive lists, retainKeys fields, and
// the type of nested values. Kinds map to their root type. The server
// (localcluster) and the client (host, kubectl-like helpers) share the one
// table in PatchMetaRegistry::builtin(), so both merge the same way.
//
// Fields without an entry are "replace" for lists and "merge" for objects,
// which is also what kube does for fields without a patch strategy. Kinds
// without an entry (custom resources) do not support strategic merge patch:
// the server answers 415 (see status.hpp unsupported_media_type).

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace dynop::apimachinery {

struct PatchField {
  // "merge": lists merged (by merge_key for lists of objects, as a set for
  // scalars); "replace": the patch value replaces; "retainKeys" may be
  // combined with either ("merge,retainKeys"); "" = default.
  std::string strategy;
  std::string merge_key;
  // Type of the value, or of list elements; "" when it has no metadata.
  std::string type;

  bool merges() const { return strategy.find("merge") != std::string::npos; }
  bool replaces() const { return strategy.find("replace") != std::string::npos; }
};

class PatchMetaRegistry {
 public:
  // The core kinds: Pod, PodTemplate, Node, Service, Namespace, ConfigMap,
  // Secret, ServiceAccount, PersistentVolumeClaim, Event, Endpoints, Lease,
  // the apps/batch workloads (Deployment, ReplicaSet, StatefulSet,
  // DaemonSet, Job, CronJob), HorizontalPodAutoscaler, PodDisruptionBudget,
  // Validating/MutatingWebhookConfiguration, CustomResourceDefinition and the
  // RBAC kinds, with ObjectMeta, PodSpec, Container, PodStatus,
  // NodeSpec/NodeStatus, ServiceSpec and the other specs/statuses that carry
  // tags. Every built-in kind dynop-localcluster serves is here.
  static const PatchMetaRegistry& builtin();

  void add_field(std::string type, std::string field, PatchField meta);
  void add_kind(std::string kind, std::string root_type);

  // Root type of a kind ("Pod" -> "Pod"), or nullopt if SMP is unsupported.
  std::optional<std::string> root_type(std::string_view kind) const;
  const PatchField* field(std::string_view type, std::string_view field) const;
  // Resolves a dotted field path from a kind: ("Pod", "spec.containers.env")
  // -> {merge, name, EnvVar}. List elements add no path segment.
  const PatchField* lookup(std::string_view kind, std::string_view dotted_path) const;

 private:
  std::map<std::string, std::map<std::string, PatchField, std::less<>>, std::less<>> types_;
  std::map<std::string, std::string, std::less<>> kinds_;
};

}  // namespace dynop::apimachinery
