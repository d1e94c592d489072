#pragma once
// The webhook plugin's decision: one AdmissionReview in, one answer out.
// Dispatches by kind to the DGD and DGDSA rules, fails closed on anything it
// cannot read (denied, with the reason, and logged), and never throws.

#include <functional>
#include <string>
#include <string_view>

#include "lib/admission/admission_request.hpp"
#include "lib/admission/admission_response.hpp"
#include "plugins/webhook/config.hpp"
#include "plugins/webhook/dgdsa_rules.hpp"

namespace dynop::plugins::webhook {

inline constexpr std::string_view kGroup = "nvidia.com";
inline constexpr std::string_view kDgdKind = "DynamoGraphDeployment";
inline constexpr std::string_view kDgdsaKind = "DynamoGraphDeploymentScalingAdapter";
// The paths upstream serves, which a ValidatingWebhookConfiguration names.
inline constexpr std::string_view kDgdPath = "/validate-nvidia-com-v1alpha1-dynamographdeployment";
inline constexpr std::string_view kDgdsaPath =
    "/validate-nvidia-com-v1alpha1-dynamographdeploymentscalingadapter";

// Receives one line per request the webhook could not read (fail-closed
// denials), for the plugin's log.
using MalformedLog = std::function<void(std::string_view line)>;

class Webhook {
 public:
  Webhook(WebhookConfig config, DgdLookup lookup, MalformedLog log = {});

  const WebhookConfig& config() const { return config_; }

  // The decision for a decoded request. DELETE and CONNECT, and writes to the
  // status and scale subresources, are admitted: none of them edits the spec.
  admission::AdmissionResponse review(const admission::AdmissionRequest& request) const;

  // Decode, review, encode: the whole of an admission call. A body that does
  // not decode is answered with a 400 denial naming the problem, echoing the
  // request uid when it could be read.
  std::string handle(std::string_view body) const;

  // The same for the review's `request` object alone, which is what the SDK's
  // admission hook receives: decode and review, failing closed.
  admission::AdmissionResponse review_request_object(std::string_view request_json) const;

 private:
  admission::AdmissionResponse unreadable(std::string uid, std::string error) const;
  // `Objects` gives the rules the admitted objects, from JSON text or from
  // an already parsed review (webhook.cpp).
  template <class Objects>
  admission::AdmissionResponse review_with(const admission::AdmissionRequest& request,
                                           const Objects& objects) const;
  template <class Objects>
  admission::AdmissionResponse review_dgd(const admission::AdmissionRequest& request,
                                          const Objects& objects) const;
  template <class Objects>
  admission::AdmissionResponse review_dgdsa(const admission::AdmissionRequest& request,
                                            const Objects& objects) const;
  std::string decode_and_review(std::string_view body, bool bare,
                                admission::AdmissionResponse& out) const;
  admission::AdmissionResponse malformed(const admission::AdmissionRequest& request,
                                         std::string message) const;

  WebhookConfig config_;
  DgdLookup lookup_;
  MalformedLog log_;
};

}  // namespace dynop::plugins::webhook
