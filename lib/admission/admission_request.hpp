#pragma once
// The request half of an AdmissionReview (admission.k8s.io/v1), as
// kube-apiserver sends it to a webhook (trace 07-webhook-02). The host's
// admission server decodes it; dynop-localcluster encodes it when it calls a
// webhook.
//
// The admitted objects are kept as JSON text, cut exactly from the body:
// plugins receive JSON bytes across the C ABI anyway. A caller that judges
// the objects itself uses admission_request_view.hpp instead, which hands
// them out as parsed elements of the one parse of the body.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dynop::admission {

inline constexpr std::string_view kApiVersion = "admission.k8s.io/v1";
inline constexpr std::string_view kKind = "AdmissionReview";

struct GroupVersionKind {
  std::string group;  // "" for the core group
  std::string version;
  std::string kind;
  friend bool operator==(const GroupVersionKind&, const GroupVersionKind&) = default;
};

struct GroupVersionResource {
  std::string group;
  std::string version;
  std::string resource;
  friend bool operator==(const GroupVersionResource&, const GroupVersionResource&) = default;
};

// authentication.k8s.io/v1 UserInfo: who asked. A service account's username
// is `system:serviceaccount:<namespace>:<name>`.
struct UserInfo {
  std::string username;
  std::string uid;
  std::vector<std::string> groups;
  std::map<std::string, std::vector<std::string>> extra;
  friend bool operator==(const UserInfo&, const UserInfo&) = default;
};

enum class Operation { kCreate, kUpdate, kDelete, kConnect };

// "CREATE", "UPDATE", "DELETE", "CONNECT".
std::string_view to_string(Operation operation);
std::optional<Operation> parse_operation(std::string_view text);

struct AdmissionRequest {
  std::string uid;  // echoed in the response; kube-apiserver rejects any other
  GroupVersionKind kind;
  GroupVersionResource resource;
  std::string sub_resource;  // "status", "scale" or ""
  // The kind/resource the client originally asked for (differs from the
  // above only when the webhook matched an equivalent version). Empty when
  // the request omitted them.
  std::optional<GroupVersionKind> request_kind;
  std::optional<GroupVersionResource> request_resource;
  std::string request_sub_resource;
  std::string name;  // may be empty on CREATE with generateName
  std::string namespace_;
  Operation operation = Operation::kCreate;
  UserInfo user_info;
  // Objects as compact-or-not JSON text, exactly as received; empty when
  // absent or null (oldObject on CREATE, object on DELETE).
  std::string object;
  std::string old_object;
  bool dry_run = false;
  std::string options;  // CreateOptions/UpdateOptions/DeleteOptions JSON text, or empty
};

struct RequestDecodeResult {
  std::optional<AdmissionRequest> request;  // set on success
  // On failure: one line naming what was wrong and where, e.g.
  //   AdmissionReview request.userInfo.groups[1]: expected a string, got number
  std::string error;
  // request.uid when the decoder got that far, even on failure, so that a
  // fail-closed denial can still echo it.
  std::string uid;
  // decode_request only: the text of the review's `request` object, which is
  // what the SDK's admission hook receives.
  std::string request_json;

  bool ok() const { return request.has_value(); }
};

struct DecodeOptions {
  // Fill object, old_object and options. An admission server that only
  // forwards request_json to a plugin (which reads the objects itself) turns
  // this off and saves copying them.
  bool object_texts = true;
};

// Decodes an AdmissionReview request body, validating all of it (one simdjson
// DOM parse). Never throws; any input (also non-UTF-8, truncated or huge)
// yields either a request or an error.
RequestDecodeResult decode_request(std::string_view body, const DecodeOptions& options = {});

// Decodes the `request` object alone (what an SDK admission plugin is given),
// with the same checks and messages.
RequestDecodeResult decode_request_object(std::string_view request_json);

struct RequestEncodeResult {
  std::string body;   // set on success
  std::string error;  // set when object/old_object/options is not valid JSON
  bool ok() const { return error.empty(); }
};

// Encodes the AdmissionReview that kube-apiserver would send for `request`
// (field names and presence as in trace 07-webhook-02: oldObject is written
// as null when absent, dryRun always present).
RequestEncodeResult encode_request(const AdmissionRequest& request);

}  // namespace dynop::admission
