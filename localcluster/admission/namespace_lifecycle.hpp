#pragma once
// kube-apiserver's NamespaceLifecycle admission plugin:
// - a create in a namespace that does not exist is 404 `namespaces "<ns>" not found`;
// - a create in a Terminating namespace (status.phase) is 403
//     <resource> "<name>" is forbidden: unable to create new content in namespace <ns>
//     because it is being terminated
//   with the cause {reason: NamespaceTerminating, message: "namespace <ns> is
//   being terminated", field: metadata.namespace}, which clients test for
//   (client-go's HasStatusCause(err, NamespaceTerminatingCause));
// - deleting the namespaces default, kube-system and kube-public is 403
//   `namespaces "<name>" is forbidden: this namespace may not be deleted`.
// Updates and deletes of other objects pass. The namespace is read from the
// store, so there is no cache to lag behind a namespace just created.

#include "localcluster/admission/builtin_admission_plugin.hpp"

namespace dynop::localcluster::admission {

class NamespaceLifecycle final : public BuiltinAdmissionPlugin {
 public:
  using BuiltinAdmissionPlugin::BuiltinAdmissionPlugin;
  std::optional<server::ApiError> admit(const server::AdmissionAttributes& attributes,
                                        boost::json::object* object) const override;
};

}  // namespace dynop::localcluster::admission
