#pragma once
// Who may write DGD replicas directly: the operator's own service account and
// the configured planner service accounts, recognised from the username the
// API server authenticated (`system:serviceaccount:<namespace>:<name>`).

#include <optional>
#include <string_view>

#include "lib/admission/admission_request.hpp"
#include "plugins/webhook/config.hpp"

namespace dynop::plugins::webhook {

inline constexpr std::string_view kServiceAccountUsernamePrefix = "system:serviceaccount:";

// The namespace and name of a service account username, or nullopt for any
// other user: exactly `system:serviceaccount:<ns>:<name>` with both parts
// non-empty and no further ':'. A user merely called `planner-serviceaccount`
// is not a service account.
std::optional<ServiceAccountRef> parse_service_account_username(std::string_view username);

// True for the operator's service account (namespace and name both equal)
// and for a planner service account (name equal, and namespace equal when
// the entry names one).
bool may_write_replicas(const admission::UserInfo& user, const WebhookConfig& config);

}  // namespace dynop::plugins::webhook
