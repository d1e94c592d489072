#pragma once
// The kinds the plugins read and write, as SDK group/version/kinds.

#include <dynop/sdk/types.hpp>

namespace dynop::plugins::common {

inline sdk::Gvk dgd_gvk() { return {"nvidia.com", "v1alpha1", "DynamoGraphDeployment"}; }
inline sdk::Gvk dgdsa_gvk() {
  return {"nvidia.com", "v1alpha1", "DynamoGraphDeploymentScalingAdapter"};
}
inline sdk::Gvk pod_gvk() { return {"", "v1", "Pod"}; }
inline sdk::Gvk pvc_gvk() { return {"", "v1", "PersistentVolumeClaim"}; }
inline sdk::Gvk service_gvk() { return {"", "v1", "Service"}; }
inline sdk::Gvk namespace_gvk() { return {"", "v1", "Namespace"}; }
inline sdk::Gvk service_account_gvk() { return {"", "v1", "ServiceAccount"}; }
inline sdk::Gvk role_binding_gvk() { return {"rbac.authorization.k8s.io", "v1", "RoleBinding"}; }

}  // namespace dynop::plugins::common
