#include "plugins/webhook/webhook.hpp"

#include <fmt/format.h>
#include <simdjson.h>

#include <utility>

#include "lib/admission/admission_request_view.hpp"
#include "lib/apimachinery/field_error_format.hpp"
#include "lib/apimachinery/json_decode.hpp"
#include "plugins/common/dgd_view.hpp"
#include "plugins/common/dgdsa_view.hpp"
#include "plugins/webhook/dgd_rules.hpp"
#include "plugins/webhook/identity.hpp"

namespace dynop::plugins::webhook {

using admission::AdmissionRequest;
using admission::AdmissionResponse;
using admission::Operation;

namespace {

namespace dom = simdjson::dom;
using common::AdapterParseResult;
using common::DgdParseResult;

// The view of an admitted object. An error only when it is not a JSON object
// (what an API server never sends): the request is then malformed. What the
// view finds wrong inside the object is for the rules to report.
template <class Parsed, class Parse>
apimachinery::Result<Parsed> view_of(dom::element object, Parse parse) {
  if (!object.is_object()) {
    return apimachinery::Error{"expected an object, got " +
                               std::string(apimachinery::json_type_name(object.type()))};
  }
  return parse(object);
}

// The webhook judges the scaling part of a DGD only: a review reads two of them.
DgdParseResult scaling_view(dom::element dgd) {
  return common::parse_dgd(dgd, common::DgdParts::kScaling);
}

template <class Parsed, class Parse>
apimachinery::Result<Parsed> view_of_text(std::string_view text, Parse parse) {
  // The views copy out what they keep, so one parser serves both objects.
  thread_local apimachinery::JsonDecoder decoder;
  auto root = decoder.parse_view(text);
  if (!root) return apimachinery::Error{root.error()};
  return view_of<Parsed>(*root, parse);
}

// The admitted objects as JSON text, from a decoded AdmissionRequest.
struct TextObjects {
  const AdmissionRequest& request;
  bool has_object() const { return !request.object.empty(); }
  bool has_old_object() const { return !request.old_object.empty(); }
  auto dgd() const { return view_of_text<DgdParseResult>(request.object, scaling_view); }
  auto old_dgd() const { return view_of_text<DgdParseResult>(request.old_object, scaling_view); }
  auto dgdsa() const {
    return view_of_text<AdapterParseResult>(request.object, common::parse_adapter);
  }
  auto old_dgdsa() const {
    return view_of_text<AdapterParseResult>(request.old_object, common::parse_adapter);
  }
};

// The admitted objects as elements of the review's own parse: no copy, no
// second parse.
struct DomObjects {
  const admission::RequestView& view;
  bool has_object() const { return view.object.has_value(); }
  bool has_old_object() const { return view.old_object.has_value(); }
  auto dgd() const { return view_of<DgdParseResult>(*view.object, scaling_view); }
  auto old_dgd() const { return view_of<DgdParseResult>(*view.old_object, scaling_view); }
  auto dgdsa() const { return view_of<AdapterParseResult>(*view.object, common::parse_adapter); }
  auto old_dgdsa() const {
    return view_of<AdapterParseResult>(*view.old_object, common::parse_adapter);
  }
};

}  // namespace

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
  return review_with(request, TextObjects{request});
}

template <class Objects>
AdmissionResponse Webhook::review_with(const AdmissionRequest& request,
                                       const Objects& objects) const {
  if (request.operation != Operation::kCreate && request.operation != Operation::kUpdate) {
    return admission::allow(request.uid);
  }
  if (!request.sub_resource.empty()) return admission::allow(request.uid);
  if (request.kind.group == kGroup && request.kind.kind == kDgdKind) {
    return review_dgd(request, objects);
  }
  if (request.kind.group == kGroup && request.kind.kind == kDgdsaKind) {
    return review_dgdsa(request, objects);
  }
  return malformed(
      request, fmt::format("this webhook validates {} and {} objects of group {}, not \"{}\" "
                           "of group \"{}\"; check the ValidatingWebhookConfiguration's rules",
                           kDgdKind, kDgdsaKind, kGroup, request.kind.kind, request.kind.group));
}

template <class Objects>
AdmissionResponse Webhook::review_dgd(const AdmissionRequest& request,
                                      const Objects& objects) const {
  if (!objects.has_object()) return malformed(request, "request.object is required");
  auto updated = objects.dgd();
  if (!updated.ok()) return malformed(request, "request.object: " + updated.error());
  common::DgdView& dgd = updated->view;
  if (dgd.name.empty()) dgd.name = request.name;

  Violations violations;
  check_view_errors(*updated, violations);
  if (request.operation == Operation::kUpdate) {
    if (!objects.has_old_object()) {
      return malformed(request, "request.oldObject is required for UPDATE");
    }
    // What is wrong in the stored object is not this request's fault: its
    // view (with the contract's defaults) is judged against, its errors are not.
    auto previous = objects.old_dgd();
    if (!previous.ok()) return malformed(request, "request.oldObject: " + previous.error());
    check_backend_framework_immutable(previous->view, dgd, violations);
    check_no_multinode_switch(previous->view, dgd, violations);
    check_replica_guard(previous->view, dgd, may_write_replicas(request.user_info, config_),
                        violations);
  }
  auto warnings = autoscaling_warnings(dgd);
  if (violations.empty()) return admission::allow(request.uid, std::move(warnings));
  return admission::deny(request.uid, join_violations(violations), std::move(warnings));
}

template <class Objects>
AdmissionResponse Webhook::review_dgdsa(const AdmissionRequest& request,
                                        const Objects& objects) const {
  if (!objects.has_object()) return malformed(request, "request.object is required");
  auto updated = objects.dgdsa();
  if (!updated.ok()) return malformed(request, "request.object: " + updated.error());

  Violations violations;
  // The other rules need the reference the view reads.
  for (const apimachinery::FieldError& error : updated->errors) {
    violations.push_back(apimachinery::to_string(error));
  }
  if (!violations.empty()) return admission::deny(request.uid, join_violations(violations));
  if (request.operation == Operation::kCreate) {
    if (!lookup_) {
      return malformed(request,
                       "cannot check spec.dgdRef: this webhook has no access to "
                       "DynamoGraphDeployments");
    }
    check_referenced_service(updated->view, request.namespace_, lookup_, violations);
  } else {
    if (!objects.has_old_object()) {
      return malformed(request, "request.oldObject is required for UPDATE");
    }
    auto previous = objects.old_dgdsa();
    if (!previous.ok()) return malformed(request, "request.oldObject: " + previous.error());
    check_dgd_ref_immutable(previous->view, updated->view, violations);
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

std::string Webhook::decode_and_review(std::string_view body, bool bare,
                                       AdmissionResponse& out) const {
  // Elements of the view live in this parser until the next review on this thread.
  thread_local apimachinery::JsonDecoder json_decoder;
  admission::RequestView view;
  std::string error = admission::decode_request_view(body, bare, json_decoder, view);
  if (!error.empty()) {
    out = unreadable(view.request.uid, error);
    return error;
  }
  out = review_with(view.request, DomObjects{view});
  return {};
}

std::string Webhook::handle(std::string_view body) const {
  AdmissionResponse response;
  decode_and_review(body, false, response);
  return admission::encode_response(response);
}

AdmissionResponse Webhook::review_request_object(std::string_view request_json) const {
  AdmissionResponse response;
  decode_and_review(request_json, true, response);
  return response;
}

}  // namespace dynop::plugins::webhook
