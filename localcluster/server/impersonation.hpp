#pragma once
// Who a request acts as. The bearer token is the cluster admin (user `admin`,
// groups system:masters and system:authenticated, as in the reference
// traces); with Impersonate-* headers (`kubectl --as=... --as-group=...`) the
// admin acts as someone else, and that identity is what admission webhooks
// see in the AdmissionReview's userInfo. There is no RBAC here: the admin may
// impersonate anyone.

#include <string>
#include <variant>

#include "lib/admission/admission_request.hpp"
#include "lib/net/message.hpp"
#include "localcluster/server/api_error.hpp"

namespace dynop::localcluster::server {

::dynop::admission::UserInfo admin_user();

// The admin, or the user the Impersonate-User / -Group / -Uid / -Extra-*
// headers name, completed as kube-apiserver does: a service account
// (`system:serviceaccount:<ns>:<name>`) impersonated without groups gets
// system:serviceaccounts and system:serviceaccounts:<ns>; every impersonated
// user (but system:anonymous) gets system:authenticated. Impersonate-Group,
// -Uid or -Extra-* without Impersonate-User is refused as kube refuses it.
std::variant<::dynop::admission::UserInfo, ApiError> resolve_user(const net::Request& request);

}  // namespace dynop::localcluster::server
