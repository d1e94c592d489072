#pragma once
// The response half of an AdmissionReview (admission.k8s.io/v1): what a
// webhook answers (trace 07-webhook-02b). The host's admission server encodes
// it; dynop-localcluster decodes it and turns a denial into the 403 Status
// kubectl prints (`admission webhook "<name>" denied the request: <message>`;
// that prefix is added by the API server, never by the webhook).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dynop::admission {

// The metav1.Status a webhook returns with a denial. Only these three fields
// matter to kube-apiserver: it keeps code (raised to 400 when lower) and
// reason, and prefixes the message.
struct ResponseStatus {
  std::int32_t code = 0;
  std::string message;
  std::string reason;  // "Forbidden", "BadRequest", ... or "" (then kubectl prints no "(Reason)")
  friend bool operator==(const ResponseStatus&, const ResponseStatus&) = default;
};

struct AdmissionResponse {
  std::string uid;  // must equal the request's uid
  bool allowed = false;
  std::optional<ResponseStatus> status;  // written only when set
  // Shown by kubectl as `Warning: <text>` lines, allowed or not.
  std::vector<std::string> warnings;
  friend bool operator==(const AdmissionResponse&, const AdmissionResponse&) = default;
};

// Convenience constructors for the common answers.
AdmissionResponse allow(std::string uid, std::vector<std::string> warnings = {});
// A policy denial: 403 with reason Forbidden, as controller-runtime's
// admission.Denied answers, so kubectl prints
// `Error from server (Forbidden): admission webhook "..." denied the request: <message>`.
AdmissionResponse deny(std::string uid, std::string message,
                       std::vector<std::string> warnings = {});
// A request the webhook could not read: 400 BadRequest (fail closed).
AdmissionResponse reject_malformed(std::string uid, std::string message);

// The body kube-apiserver expects:
//   {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview",
//    "response":{"uid":"...","allowed":false,"status":{"code":403,"message":"..."},"warnings":[...]}}
// `status` only when set (with only its non-empty fields), `warnings` only when non-empty.
std::string encode_response(const AdmissionResponse& response);

struct ResponseDecodeResult {
  std::optional<AdmissionResponse> response;  // set on success
  // On failure, worded as kube-apiserver words it (the caller prefixes
  // `failed calling webhook "<name>": `), e.g.
  //   expected response.uid="abc", got "xyz"
  std::string error;
  bool ok() const { return response.has_value(); }
};

// Decodes a webhook's answer and checks it as kube-apiserver does for a
// validating webhook: an AdmissionReview of admission.k8s.io/v1 with a
// response whose uid is `expected_uid` and which carries no patch.
ResponseDecodeResult decode_response(std::string_view body, std::string_view expected_uid);

}  // namespace dynop::admission
