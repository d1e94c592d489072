#pragma once
// The ScaledObject CustomResourceDefinition (packaging/keda/
// keda.sh_scaledobjects.yaml, compiled in) and its installation, as KEDA's
// Helm chart does: created through the API when missing, then waited for
// until it is established.

#include <chrono>
#include <string_view>

#include "lib/apimachinery/result.hpp"
#include "lib/kube/client/client.hpp"

namespace dynop::localcluster::keda {

// The manifest (YAML).
std::string_view scaled_object_crd_yaml();

// Creates the CRD unless it exists, and waits (bounded) until
// keda.sh/v1alpha1 ScaledObject is served.
apimachinery::Result<void> ensure_scaled_object_crd(kube::Client& client,
                                                    std::chrono::milliseconds timeout);

}  // namespace dynop::localcluster::keda
