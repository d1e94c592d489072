#pragma once
// The webhook plugin's configuration: the YAML section the host hands to the
// plugin at init (`pluginConfig.webhook` in the host's config file).
//
//   webhookName: validate.dynamographdeployments.nvidia.com
//   operatorServiceAccount:          # the dynop host's own identity
//     namespace: dynop-system
//     name: dynop
//   plannerServiceAccounts:          # may write DGD replicas too
//     - planner-serviceaccount       # this name, in any namespace
//     - namespace: team-a            # or exactly this one
//       name: sla-planner
//
// Every key is optional; an empty section means the defaults above (the
// planner list defaults to `planner-serviceaccount` in any namespace).
// Identities are matched exactly, never by prefix or suffix: upstream's
// suffix match let `evil-planner-serviceaccount` through and broke renamed
// releases.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dynop::plugins::webhook {

inline constexpr std::string_view kDefaultWebhookName =
    "validate.dynamographdeployments.nvidia.com";
inline constexpr std::string_view kDefaultOperatorNamespace = "dynop-system";
inline constexpr std::string_view kDefaultOperatorName = "dynop";
inline constexpr std::string_view kDefaultPlannerServiceAccount = "planner-serviceaccount";

struct ServiceAccountRef {
  std::string namespace_;  // empty in a planner entry = any namespace
  std::string name;
  friend bool operator==(const ServiceAccountRef&, const ServiceAccountRef&) = default;
};

struct WebhookConfig {
  // The name under which the webhook is registered; used in log lines so an
  // operator can match them to kubectl's `admission webhook "<name>"` errors.
  std::string webhook_name{kDefaultWebhookName};
  ServiceAccountRef operator_service_account{std::string(kDefaultOperatorNamespace),
                                             std::string(kDefaultOperatorName)};
  std::vector<ServiceAccountRef> planner_service_accounts{
      ServiceAccountRef{"", std::string(kDefaultPlannerServiceAccount)}};
};

// Parses the YAML (or JSON) text. On failure returns nullopt and sets `error`
// to one line naming the key and its position, e.g.
//   webhook config line 3, column 5: operatorServiceAccount.name: must not be empty
std::optional<WebhookConfig> parse_config(std::string_view text, std::string& error);

}  // namespace dynop::plugins::webhook
