#pragma once
// metav1.Status error bodies, worded exactly as kube-apiserver's
// k8s.io/apimachinery/pkg/api/errors builders (see the traces in
// reference/apiserver-traces: 404, 409, 410, 415, 422, 400, 403, 406), and
// parsing of a Status body back (what the kube client does with a failed
// response or a watch ERROR event).
//
// Resources vs kinds, as kube does it: NotFound, AlreadyExists, Conflict,
// Forbidden and MethodNotSupported name the *resource* ("pods",
// "dynamographdeploymentscalingadapters.nvidia.com", details.kind = the
// resource); Invalid names the *kind* ("Pod", "DynamoGraphDeploymentScalingAdapter.nvidia.com",
// details.kind = the Kind) except where the storage layer raises it with the
// resource (trace 04-dgdsa-14, resourceVersion missing on update).

#include <boost/json/value.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lib/apimachinery/field_error.hpp"
#include "lib/apimachinery/result.hpp"

namespace dynop::apimachinery {

// StatusReason values (metav1.StatusReason*).
namespace reason {
inline constexpr std::string_view kUnauthorized = "Unauthorized";
inline constexpr std::string_view kForbidden = "Forbidden";
inline constexpr std::string_view kNotFound = "NotFound";
inline constexpr std::string_view kAlreadyExists = "AlreadyExists";
inline constexpr std::string_view kConflict = "Conflict";
inline constexpr std::string_view kGone = "Gone";
inline constexpr std::string_view kInvalid = "Invalid";
inline constexpr std::string_view kServerTimeout = "ServerTimeout";
inline constexpr std::string_view kTimeout = "Timeout";
inline constexpr std::string_view kTooManyRequests = "TooManyRequests";
inline constexpr std::string_view kBadRequest = "BadRequest";
inline constexpr std::string_view kMethodNotAllowed = "MethodNotAllowed";
inline constexpr std::string_view kNotAcceptable = "NotAcceptable";
inline constexpr std::string_view kRequestEntityTooLarge = "RequestEntityTooLarge";
inline constexpr std::string_view kUnsupportedMediaType = "UnsupportedMediaType";
inline constexpr std::string_view kInternalError = "InternalError";
inline constexpr std::string_view kExpired = "Expired";
inline constexpr std::string_view kServiceUnavailable = "ServiceUnavailable";
}  // namespace reason

// "the object has been modified; please apply your changes to the latest version and try again"
inline constexpr std::string_view kOptimisticLockErrorMsg =
    "the object has been modified; please apply your changes to the latest version and try again";

// schema.GroupResource / GroupKind; to_string() is "resource.group" or
// "resource" for the core group ("pods", "leases.coordination.k8s.io").
struct GroupResource {
  std::string group;
  std::string resource;
  std::string to_string() const;
};
struct GroupKind {
  std::string group;
  std::string kind;
  std::string to_string() const;
};

struct StatusCause {
  std::string reason;  // "FieldValueInvalid", ...; "" when absent
  std::string message;
  std::string field;
};

struct StatusDetails {
  std::string name;
  std::string group;
  std::string kind;
  std::string uid;
  std::vector<StatusCause> causes;
  int retry_after_seconds = 0;
};

struct Status {
  std::string status = "Failure";  // or "Success"
  std::string message;
  std::string reason;
  std::optional<StatusDetails> details;
  int code = 0;

  // {"kind":"Status","apiVersion":"v1","metadata":{},"status":...,"message":...,
  //  "reason":...,"details":{...},"code":N}; empty fields omitted as Go does.
  boost::json::value to_json() const;
  std::string serialize() const;
};

// Parses a Status object (kind must be "Status" when present). Unknown
// fields are ignored.
Result<Status> parse_status(const boost::json::value& v);
// Parses a response body; nullopt when it is not JSON or not a Status (e.g.
// the text/plain "404 page not found").
std::optional<Status> parse_status_body(std::string_view body);

// errors.IsNotFound etc.: the reason, or for a Status without a known reason,
// the HTTP code (404 -> NotFound, 409 -> Conflict, 410 -> Gone, ...).
bool has_reason(const Status& s, std::string_view reason);

// --- builders, each as the corresponding errors.NewXxx ---

// `pods "web-0" not found`
Status not_found(const GroupResource& resource, std::string_view name);
// `pods "web-0" already exists`
Status already_exists(const GroupResource& resource, std::string_view name);
// `Operation cannot be fulfilled on pods "web-0": <detail>`; default detail
// is kOptimisticLockErrorMsg.
Status conflict(const GroupResource& resource, std::string_view name,
                std::string_view detail = kOptimisticLockErrorMsg);
// `Pod "web-0" is invalid: [a: ..., b: ...]` with one cause per error.
Status invalid(const GroupKind& kind, std::string_view name, const FieldErrors& errors);
// 410 Expired, e.g. watch from a compacted revision: "too old resource version: 1 (211)".
Status resource_expired(std::string_view message);
Status too_old_resource_version(long long requested, long long oldest);
// 410 Expired for list with resourceVersionMatch=Exact below compaction.
Status list_resource_version_too_old();
// 410 Gone.
Status gone(std::string_view message);
Status bad_request(std::string_view message);
// `<Kind> in version "<version>" cannot be handled as a <Kind>: <detail>`
// (400 for bodies that do not decode, trace 08-lease-05).
Status cannot_decode(std::string_view kind, std::string_view version, std::string_view detail);
// 415: "the body of the request was in an unknown format - accepted media
// types include: a, b, c".
Status unsupported_media_type(const std::vector<std::string>& accepted);
// The 415 a PATCH gets on custom resources (json-patch, merge-patch, apply-patch).
Status unsupported_patch_type_for_custom_resource();
// 413: "Request entity too large: <message>".
Status request_entity_too_large(std::string_view message);
// 406: "only the following media types are accepted: a, b".
Status not_acceptable(const std::vector<std::string>& accepted);
// 401, message "Unauthorized" as kube-apiserver's authentication filter writes it.
Status unauthorized(std::string_view message = "Unauthorized");
// `pods "web-0" is forbidden: <detail>` (`pods is forbidden: ...` without a
// name; `forbidden: ...` without a resource).
Status forbidden(const GroupResource& resource, std::string_view name, std::string_view detail);
// What NamespaceLifecycle admission answers a create in a namespace that is
// being deleted: `pods "web-0" is forbidden: unable to create new content in
// namespace ns because it is being terminated`, with one cause of type
// NamespaceTerminating (field metadata.namespace).
Status namespace_terminating(const GroupResource& resource, std::string_view name,
                             std::string_view ns);
inline constexpr std::string_view kNamespaceTerminatingCause = "NamespaceTerminating";
// Whether a Status message is that refusal. Clients that keep only the
// message (the plugin SDK's Status) tell it by its fixed wording.
bool is_namespace_terminating_message(std::string_view message);
// `User "u" cannot <verb> resource "<resource>" in API group "<group>" in the namespace "<ns>"`
std::string rbac_denied_detail(std::string_view user, std::string_view verb,
                               const GroupResource& resource, std::string_view ns);
// 405: `<action> is not supported on resources of kind "<resource>"`.
Status method_not_supported(const GroupResource& resource, std::string_view action);
// 500: "Internal error occurred: <detail>", one cause carrying the detail.
Status internal_error(std::string_view detail);
// 429 with details.retryAfterSeconds.
Status too_many_requests(std::string_view message, int retry_after_seconds);
// 503, the message is `reason` verbatim.
Status service_unavailable(std::string_view message);
// 504 "Timeout: <message>".
Status timeout(std::string_view message, int retry_after_seconds);
// 500 ServerTimeout: "The <operation> operation against <resource> could not
// be completed at this time, please try again."
Status server_timeout(const GroupResource& resource, std::string_view operation,
                      int retry_after_seconds);
// 403 from a validating webhook: `admission webhook "<name>" denied the request: <message>`
// (no reason unless the webhook gave one; trace 07-webhook-05).
Status admission_denied(std::string_view webhook_name, std::string_view message, int code = 403,
                        std::string_view webhook_reason = "");
// errors.NewGenericServerResponse, e.g. the 422 for a JSON patch that does
// not apply: "the server rejected our request due to an error in our request".
Status generic_server_response(int code, std::string_view verb, const GroupResource& resource,
                               std::string_view name, std::string_view server_message,
                               int retry_after_seconds = 0);
Status json_patch_failed();
// Success Status (DELETE collection, pods/binding: code 201).
Status success(int code = 200);
// What DELETE of a custom resource returns once it is gone: status Success,
// details {name, group, kind = resource, uid} and no code (trace 06-kubectl-09).
Status deleted(const GroupResource& resource, std::string_view name, std::string_view uid);

}  // namespace dynop::apimachinery
