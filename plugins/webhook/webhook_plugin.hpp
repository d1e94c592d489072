#pragma once
// The webhook plugin as the host sees it: an SDK admission plugin that
// validates DGD and DGDSA creates and updates with the rules of webhook.hpp,
// reading DGDs from the host's informer cache for the DGDSA checks.
// Exported by plugin.cpp; tests drive it through the C ABI with the SDK's
// FakeHost.

#include <string_view>

#include "dynop/sdk/plugin.hpp"
#include "plugins/webhook/webhook.hpp"

namespace dynop::plugins::webhook {

class WebhookPlugin : public sdk::Plugin {
 public:
  static constexpr const char* kName = "webhook";
  static constexpr const char* kVersion = "0.1.0";
  static constexpr const char* kDescription =
      "validates DynamoGraphDeployment and DynamoGraphDeploymentScalingAdapter writes "
      "(replica ownership, immutable fields)";
  static constexpr sdk::Capabilities kCapabilities = sdk::kAdmission;

  // Throws std::runtime_error with the config error (the SDK reports it as
  // the plugin's init failure).
  WebhookPlugin(sdk::Host& host, std::string_view config_yaml);

  sdk::AdmissionSpec admission_spec();
  // Called concurrently by the admission server's threads.
  sdk::AdmissionResponse review(std::string_view request_json);

 private:
  Webhook webhook_;
};

// The plugin's answer in the SDK's terms.
sdk::AdmissionResponse to_sdk(const admission::AdmissionResponse& response);

}  // namespace dynop::plugins::webhook
