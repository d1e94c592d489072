#pragma once
// kube-apiserver's ServiceAccount admission plugin, for pod creates (not
// their subresources):
// - a pod without spec.serviceAccountName runs as its namespace's `default`
//   (the deprecated spec.serviceAccount counts when it is the only one set);
// - the ServiceAccount must exist in the pod's namespace, else 403
//     pods "<name>" is forbidden: error looking up service account
//     <ns>/<sa>: serviceaccount "<sa>" not found
//   (trace 09-pod-00). `default` is looked up for a while (10 tries, 100-200 ms
//   apart) because the serviceaccounts controller creates it just after its
//   namespace, as the real plugin waits for it;
// - a pod without imagePullSecrets gets its ServiceAccount's.
// The token volume the real plugin mounts is not added: nothing here runs
// containers.

#include "localcluster/admission/builtin_admission_plugin.hpp"

namespace dynop::localcluster::admission {

class ServiceAccountAdmission final : public BuiltinAdmissionPlugin {
 public:
  using BuiltinAdmissionPlugin::BuiltinAdmissionPlugin;
  // Changes `pod` (serviceAccountName, imagePullSecrets) when it admits it.
  std::optional<server::ApiError> admit(const server::AdmissionAttributes& attributes,
                                        boost::json::object* pod) const override;
};

}  // namespace dynop::localcluster::admission
