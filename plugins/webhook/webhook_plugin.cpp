#include "plugins/webhook/webhook_plugin.hpp"

#include <stdexcept>
#include <string>
#include <utility>

namespace dynop::plugins::webhook {
namespace {

WebhookConfig load_config(std::string_view text) {
  std::string error;
  auto config = parse_config(text, error);
  if (!config) throw std::runtime_error(error);
  return std::move(*config);
}

}  // namespace

WebhookPlugin::WebhookPlugin(sdk::Host& host, std::string_view config_yaml)
    : Plugin(host),
      webhook_(
          load_config(config_yaml),
          [client = host.client()](std::string_view ns, std::string_view name) {
            auto found =
                client.get(sdk::ObjectRef{{std::string(kGroup), "v1alpha1", std::string(kDgdKind)},
                                          std::string(ns),
                                          std::string(name)});
            if (found.is_ok()) {
              return DgdLookupResult{DgdLookupResult::State::kFound, std::move(found.value), ""};
            }
            if (found.status.code() == sdk::StatusCode::kNotFound) return DgdLookupResult{};
            return DgdLookupResult{DgdLookupResult::State::kUnavailable, "",
                                   found.status.message()};
          },
          [logger = host.logger()](std::string_view line) { logger.warn(line); }) {}

sdk::AdmissionSpec WebhookPlugin::admission_spec() {
  return {{{std::string(kGroup), "v1alpha1", "dynamographdeployments", sdk::kCreate | sdk::kUpdate},
           {std::string(kGroup), "v1alpha1", "dynamographdeploymentscalingadapters",
            sdk::kCreate | sdk::kUpdate}}};
}

sdk::AdmissionResponse WebhookPlugin::review(std::string_view request_json) {
  return to_sdk(webhook_.review_request_object(request_json));
}

sdk::AdmissionResponse to_sdk(const admission::AdmissionResponse& response) {
  sdk::AdmissionResponse out;
  out.allowed = response.allowed;
  if (response.status) {
    out.http_code = response.status->code;
    out.message = response.status->message;
  }
  out.warnings = response.warnings;
  return out;
}

}  // namespace dynop::plugins::webhook
