#pragma once
// The kinds kube-apiserver serves without any CRD, as dynop-localcluster
// serves them: discovery attributes (verbs in kube's order, short names,
// categories, subresources), Table columns and an OpenAPI v3 schema for each.
// Schemas describe the fields users write; parts left open are marked
// x-kubernetes-preserve-unknown-fields so valid objects are never rejected.

#include <vector>

#include "localcluster/registry/resource_type.hpp"

namespace dynop::localcluster::builtin {

// Core v1 namespaces, pods (+status, +binding), nodes (+status), events,
// configmaps, secrets, persistentvolumeclaims (+status), services (+status),
// serviceaccounts, endpoints; coordination.k8s.io/v1 leases; events.k8s.io/v1
// events; apiextensions.k8s.io/v1 customresourcedefinitions (+status);
// admissionregistration.k8s.io/v1 validating and mutating webhook
// configurations; autoscaling/v2 and v1 horizontalpodautoscalers (+status);
// apps/v1 deployments (+status, +scale). Schemas come compiled.
std::vector<ResourceType> builtin_resource_types();

}  // namespace dynop::localcluster::builtin
