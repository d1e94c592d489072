#include "localcluster/builtin/builtin_resource_types.hpp"

#include <boost/json/parse.hpp>
#include <stdexcept>
#include <string>

#include "localcluster/builtin/autoscaling/hpa_conversion.hpp"
#include "localcluster/builtin/builtin_columns.hpp"
#include "localcluster/builtin/builtin_schemas.hpp"
#include "localcluster/schema/structural_schema.hpp"

namespace dynop::localcluster::builtin {
namespace {

// kube-apiserver lists a built-in resource's verbs sorted by name.
const std::vector<std::string> kAllVerbs = {"create", "delete", "deletecollection", "get",
                                            "list",   "patch",  "update",           "watch"};
const std::vector<std::string> kNoCollectionDelete = {"create", "delete", "get",  "list",
                                                      "patch",  "update", "watch"};

struct Spec {
  const char* group;
  const char* version;
  const char* kind;
  const char* plural;
  bool namespaced;
  std::vector<std::string> short_names;
  std::vector<std::string> categories;
  bool status;
  std::vector<std::string> extra;  // further subresources ("binding")
  bool scale;
  const std::vector<std::string>* verbs;
};

ResourceType make(const Spec& s) {
  ResourceType t;
  t.group = s.group;
  t.version = s.version;
  t.kind = s.kind;
  t.list_kind = std::string(s.kind) + "List";
  t.plural = s.plural;
  t.singular = "";  // kube 1.26 publishes an empty singularName for built-ins
  t.short_names = s.short_names;
  t.categories = s.categories;
  t.namespaced = s.namespaced;
  t.verbs = *s.verbs;
  t.has_status_subresource = s.status;
  t.extra_subresources = s.extra;
  if (s.scale) t.scale = ScaleSubresource{".spec.replicas", ".status.replicas", ".status.selector"};
  t.printer_columns = builtin_columns(t.group, t.kind);
  const auto text = builtin_schema_text(t.group, t.version, t.kind);
  if (!text.empty()) {
    auto parsed = std::make_shared<const boost::json::value>(boost::json::parse(text));
    auto compiled = schema::compile(*parsed);
    if (!compiled.schema) {
      throw std::logic_error("built-in schema for " + t.kind +
                             " does not compile: " + compiled.error);
    }
    t.schema = std::move(parsed);
    t.structural_schema = std::move(compiled.schema);
  }
  return t;
}

}  // namespace

std::vector<ResourceType> builtin_resource_types() {
  const auto all = &kAllVerbs;
  const auto no_dc = &kNoCollectionDelete;
  // group, version, kind, plural, namespaced, shortNames, categories, status,
  // extra subresources, scale, verbs
  const std::vector<Spec> specs = {
      {"", "v1", "ConfigMap", "configmaps", true, {"cm"}, {}, false, {}, false, all},
      {"", "v1", "Endpoints", "endpoints", true, {"ep"}, {}, false, {}, false, all},
      {"", "v1", "Event", "events", true, {"ev"}, {}, false, {}, false, all},
      {"", "v1", "Namespace", "namespaces", false, {"ns"}, {}, true, {"finalize"}, false, no_dc},
      {"", "v1", "Node", "nodes", false, {"no"}, {}, true, {}, false, all},
      {"",
       "v1",
       "PersistentVolumeClaim",
       "persistentvolumeclaims",
       true,
       {"pvc"},
       {},
       true,
       {},
       false,
       all},
      {"", "v1", "Pod", "pods", true, {"po"}, {"all"}, true, {"binding"}, false, all},
      {"", "v1", "Secret", "secrets", true, {}, {}, false, {}, false, all},
      {"", "v1", "ServiceAccount", "serviceaccounts", true, {"sa"}, {}, false, {}, false, all},
      {"", "v1", "Service", "services", true, {"svc"}, {"all"}, true, {}, false, all},
      {"admissionregistration.k8s.io",
       "v1",
       "MutatingWebhookConfiguration",
       "mutatingwebhookconfigurations",
       false,
       {},
       {"api-extensions"},
       false,
       {},
       false,
       all},
      {"admissionregistration.k8s.io",
       "v1",
       "ValidatingWebhookConfiguration",
       "validatingwebhookconfigurations",
       false,
       {},
       {"api-extensions"},
       false,
       {},
       false,
       all},
      {"apiextensions.k8s.io",
       "v1",
       "CustomResourceDefinition",
       "customresourcedefinitions",
       false,
       {"crd", "crds"},
       {"api-extensions"},
       true,
       {},
       false,
       all},
      {"apps", "v1", "Deployment", "deployments", true, {"deploy"}, {"all"}, true, {}, true, all},
      {"autoscaling",
       "v2",
       "HorizontalPodAutoscaler",
       "horizontalpodautoscalers",
       true,
       {"hpa"},
       {"all"},
       true,
       {},
       false,
       all},
      {"autoscaling",
       "v1",
       "HorizontalPodAutoscaler",
       "horizontalpodautoscalers",
       true,
       {"hpa"},
       {"all"},
       true,
       {},
       false,
       all},
      {"coordination.k8s.io", "v1", "Lease", "leases", true, {}, {}, false, {}, false, all},
      {"policy",
       "v1",
       "PodDisruptionBudget",
       "poddisruptionbudgets",
       true,
       {"pdb"},
       {},
       true,
       {},
       false,
       all},
      // Stored and served so RBAC manifests apply (and dry-run) unchanged;
      // localcluster does not authorize requests with them.
      {"rbac.authorization.k8s.io",
       "v1",
       "ClusterRole",
       "clusterroles",
       false,
       {},
       {},
       false,
       {},
       false,
       all},
      {"rbac.authorization.k8s.io",
       "v1",
       "ClusterRoleBinding",
       "clusterrolebindings",
       false,
       {},
       {},
       false,
       {},
       false,
       all},
      {"rbac.authorization.k8s.io", "v1", "Role", "roles", true, {}, {}, false, {}, false, all},
      {"rbac.authorization.k8s.io",
       "v1",
       "RoleBinding",
       "rolebindings",
       true,
       {},
       {},
       false,
       {},
       false,
       all},
      {"events.k8s.io", "v1", "Event", "events", true, {"ev"}, {}, false, {}, false, all},
      {"discovery.k8s.io", "v1", "EndpointSlice", "endpointslices", true, {}, {}, false, {}, false,
       all},
  };

  std::vector<ResourceType> out;
  out.reserve(specs.size());
  for (const auto& s : specs) out.push_back(make(s));
  // HPAs are stored as autoscaling/v2 whichever version is served; v1 is
  // converted at the REST boundary. Both decode strictly against their
  // schema, as kube's typed decoding does.
  auto hpa_v1 = std::make_shared<VersionConversion>();
  hpa_v1->from_storage = autoscaling::hpa_v2_to_v1;
  hpa_v1->to_storage = autoscaling::hpa_v1_to_v2;
  for (auto& t : out) {
    if (t.group != "autoscaling") continue;
    t.storage_version = "v2";
    t.typed_decoding = true;
    if (t.version == "v1") t.conversion = hpa_v1;
  }
  return out;
}

}  // namespace dynop::localcluster::builtin
