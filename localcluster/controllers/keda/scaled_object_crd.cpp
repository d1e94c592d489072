#include "localcluster/controllers/keda/scaled_object_crd.hpp"

#include <thread>

namespace dynop::localcluster::keda {

// Generated from packaging/keda/keda.sh_scaledobjects.yaml (CMake).
extern const char kScaledObjectCrdYaml[];

std::string_view scaled_object_crd_yaml() { return kScaledObjectCrdYaml; }

apimachinery::Result<void> ensure_scaled_object_crd(kube::Client& client,
                                                    std::chrono::milliseconds timeout) {
  const std::string path =
      "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/scaledobjects.keda.sh";
  // Non-2xx answers come back as errors.
  auto existing = client.request("GET", path);
  if (!existing && existing.error().not_found()) {
    auto created = client.request("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions",
                                  scaled_object_crd_yaml(), "application/yaml");
    if (!created && !created.error().already_exists()) {
      return apimachinery::Error{"creating the ScaledObject CRD: " + created.error().message};
    }
  } else if (!existing) {
    return apimachinery::Error{"reading the ScaledObject CRD: " + existing.error().message};
  }
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    client.discovery().invalidate();
    if (client.resource_for("keda.sh/v1alpha1", "ScaledObject")) return {};
    if (std::chrono::steady_clock::now() > deadline) {
      return apimachinery::Error{"keda.sh/v1alpha1 ScaledObject is not served yet"};
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

}  // namespace dynop::localcluster::keda
