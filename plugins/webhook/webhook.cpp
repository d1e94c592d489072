#include "plugins/webhook/webhook.hpp"

#include <fmt/format.h>

#include <utility>

#include "plugins/webhook/dgd_rules.hpp"
#include "plugins/webhook/identity.hpp"
#include "plugins/webhook/object_facts.hpp"

namespace dynop::plugins::webhook {

using admission::AdmissionRequest;
using admission::AdmissionResponse;
using admission::Operation;

Webhook::Webhook(WebhookConfig config, DgdLookup lookup, MalformedLog log)
    : config_(std::move(config)), lookup_(std::move(lookup)), log_(std::move(log)) {}

AdmissionResponse Webhook::malformed(const AdmissionRequest& request, std::string message) const {
  if (log_) {
    log_(fmt::format("webhook {}: denied {} {} {}/{} (uid {}): {}", config_.webhook_name,
                     admission::to_string(request.operation), request.kind.kind, request.namespace_,
                     request.name, request.uid, message));
  }
  return admission::reject_malformed(request.uid, std::move(message));
}

AdmissionResponse Webhook::review(const AdmissionRequest& request) const {
  if (request.operation != Operation::kCreate && request.operation != Operation::kUpdate) {
    return admission::allow(request.uid);
  }
  if (!request.sub_resource.empty()) return admission::allow(request.uid);
  if (request.kind.group == kGroup && request.kind.kind == kDgdKind) return review_dgd(request);
  if (request.kind.group == kGroup && request.kind.kind == kDgdsaKind) {
    return review_dgdsa(request);
  }
  return malformed(
      request, fmt::format("this webhook validates {} and {} objects of group {}, not \"{}\" "
                           "of group \"{}\"; check the ValidatingWebhookConfiguration's rules",
                           kDgdKind, kDgdsaKind, kGroup, request.kind.kind, request.kind.group));
}

AdmissionResponse Webhook::review_dgd(const AdmissionRequest& request) const {
  if (request.object.empty()) return malformed(request, "request.object is required");
  auto updated = read_dgd_facts(request.object);
  if (!updated.ok()) return malformed(request, "request.object: " + updated.error);
  DgdFacts& dgd = *updated.facts;
  if (dgd.name.empty()) dgd.name = request.name;

  Violations violations;
  check_has_services(dgd, violations);
  check_replicas_non_negative(dgd, violations);
  if (request.operation == Operation::kUpdate) {
    if (request.old_object.empty()) {
      return malformed(request, "request.oldObject is required for UPDATE");
    }
    auto previous = read_dgd_facts(request.old_object);
    if (!previous.ok()) return malformed(request, "request.oldObject: " + previous.error);
    check_backend_framework_immutable(*previous.facts, dgd, violations);
    check_no_multinode_switch(*previous.facts, dgd, violations);
    check_replica_guard(*previous.facts, dgd, may_write_replicas(request.user_info, config_),
                        violations);
  }
  auto warnings = autoscaling_warnings(dgd);
  if (violations.empty()) return admission::allow(request.uid, std::move(warnings));
  return admission::deny(request.uid, join_violations(violations), std::move(warnings));
}

AdmissionResponse Webhook::review_dgdsa(const AdmissionRequest& request) const {
  if (request.object.empty()) return malformed(request, "request.object is required");
  auto updated = read_dgdsa_facts(request.object);
  if (!updated.ok()) return malformed(request, "request.object: " + updated.error);

  Violations violations;
  if (request.operation == Operation::kCreate) {
    if (!lookup_) {
      return malformed(request,
                       "cannot check spec.dgdRef: this webhook has no access to "
                       "DynamoGraphDeployments");
    }
    check_referenced_service(*updated.facts, request.namespace_, lookup_, violations);
  } else {
    if (request.old_object.empty()) {
      return malformed(request, "request.oldObject is required for UPDATE");
    }
    auto previous = read_dgdsa_facts(request.old_object);
    if (!previous.ok()) return malformed(request, "request.oldObject: " + previous.error);
    check_dgd_ref_immutable(*previous.facts, *updated.facts, violations);
  }
  if (violations.empty()) return admission::allow(request.uid);
  return admission::deny(request.uid, join_violations(violations));
}

AdmissionResponse Webhook::unreadable(std::string uid, std::string error) const {
  if (log_) {
    log_(fmt::format("webhook {}: denied an unreadable AdmissionReview (uid {}): {}",
                     config_.webhook_name, uid.empty() ? "unknown" : uid, error));
  }
  return admission::reject_malformed(std::move(uid), std::move(error));
}

std::string Webhook::handle(std::string_view body) const {
  auto decoded = admission::decode_request(body);
  if (!decoded.ok()) {
    return admission::encode_response(unreadable(std::move(decoded.uid), std::move(decoded.error)));
  }
  return admission::encode_response(review(*decoded.request));
}

AdmissionResponse Webhook::review_request_object(std::string_view request_json) const {
  auto decoded = admission::decode_request_object(request_json);
  if (!decoded.ok()) return unreadable(std::move(decoded.uid), std::move(decoded.error));
  return review(*decoded.request);
}

}  // namespace dynop::plugins::webhook
