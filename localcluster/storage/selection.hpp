#pragma once
// Which objects a list or watch wants. The server turns label and field
// selectors into a predicate over ObjectAttrs; storage only calls it, so
// selector parsing stays in lib/apimachinery.

#include <functional>
#include <string>

#include "localcluster/storage/stored_object.hpp"

namespace dynop::localcluster::storage {

using AttrsPredicate = std::function<bool(const ObjectAttrs&)>;

struct Selection {
  std::string resource;        // "pods", "dynamographdeploymentscalingadapters.nvidia.com"
  std::string namespace_name;  // empty: all namespaces (or a cluster-scoped kind)
  AttrsPredicate predicate;    // empty: everything
  bool matches(const ObjectAttrs& attrs) const {
    if (!namespace_name.empty() && attrs.namespace_name != namespace_name) return false;
    return !predicate || predicate(attrs);
  }
};

}  // namespace dynop::localcluster::storage
