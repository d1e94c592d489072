#pragma once
// The field selectors kube-apiserver v1.26 accepts per resource, besides
// metadata.name and metadata.namespace which every resource (custom ones
// included) supports. Storage extracts these values once per write so
// lists and watches filter without parsing objects.

#include <string>
#include <string_view>
#include <vector>

namespace dynop::localcluster {

// `resource` is the group-qualified plural: "pods", "events",
// "leases.coordination.k8s.io". Always includes metadata.name and
// metadata.namespace, first.
const std::vector<std::string>& selectable_fields(std::string_view resource);

}  // namespace dynop::localcluster
