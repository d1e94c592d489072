#include "plugins/webhook/identity.hpp"

namespace dynop::plugins::webhook {

std::optional<ServiceAccountRef> parse_service_account_username(std::string_view username) {
  if (!username.starts_with(kServiceAccountUsernamePrefix)) return std::nullopt;
  std::string_view rest = username.substr(kServiceAccountUsernamePrefix.size());
  const auto colon = rest.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  std::string_view ns = rest.substr(0, colon);
  std::string_view name = rest.substr(colon + 1);
  if (ns.empty() || name.empty() || name.find(':') != std::string_view::npos) return std::nullopt;
  return ServiceAccountRef{std::string(ns), std::string(name)};
}

bool may_write_replicas(const admission::UserInfo& user, const WebhookConfig& config) {
  const auto account = parse_service_account_username(user.username);
  if (!account) return false;
  if (*account == config.operator_service_account) return true;
  for (const auto& planner : config.planner_service_accounts) {
    if (account->name != planner.name) continue;
    if (planner.namespace_.empty() || planner.namespace_ == account->namespace_) return true;
  }
  return false;
}

}  // namespace dynop::plugins::webhook
