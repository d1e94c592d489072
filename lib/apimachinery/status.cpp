#include "lib/apimachinery/status.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "lib/apimachinery/field_error_format.hpp"
#include "lib/apimachinery/go_quote.hpp"
#include "lib/apimachinery/json_decode.hpp"

namespace dynop::apimachinery {
namespace json = boost::json;

std::string GroupResource::to_string() const {
  return group.empty() ? resource : resource + "." + group;
}
std::string GroupKind::to_string() const { return group.empty() ? kind : kind + "." + group; }

json::value Status::to_json() const {
  json::object o;
  o["kind"] = "Status";
  o["apiVersion"] = "v1";
  o["metadata"] = json::object();
  if (!status.empty()) o["status"] = status;
  if (!message.empty()) o["message"] = message;
  if (!reason.empty()) o["reason"] = reason;
  if (details) {
    json::object d;
    if (!details->name.empty()) d["name"] = details->name;
    if (!details->group.empty()) d["group"] = details->group;
    if (!details->kind.empty()) d["kind"] = details->kind;
    if (!details->uid.empty()) d["uid"] = details->uid;
    if (!details->causes.empty()) {
      json::array causes;
      for (const auto& c : details->causes) {
        json::object co;
        if (!c.reason.empty()) co["reason"] = c.reason;
        if (!c.message.empty()) co["message"] = c.message;
        if (!c.field.empty()) co["field"] = c.field;
        causes.emplace_back(std::move(co));
      }
      d["causes"] = std::move(causes);
    }
    if (details->retry_after_seconds != 0) d["retryAfterSeconds"] = details->retry_after_seconds;
    o["details"] = std::move(d);
  }
  if (code != 0) o["code"] = code;
  return o;
}

std::string Status::serialize() const { return json::serialize(to_json()); }

namespace {

std::string str(const json::object& o, std::string_view k) {
  auto* v = o.if_contains(k);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}
int integer(const json::object& o, std::string_view k) {
  auto* v = o.if_contains(k);
  if (!v) return 0;
  if (v->is_int64()) return static_cast<int>(v->get_int64());
  if (v->is_uint64()) return static_cast<int>(v->get_uint64());
  if (v->is_double()) return static_cast<int>(v->get_double());
  return 0;
}

Status failure(int code, std::string_view reason_text, std::string message) {
  Status s;
  s.code = code;
  s.reason = std::string(reason_text);
  s.message = std::move(message);
  return s;
}

StatusDetails details_for(const GroupResource& r, std::string_view name) {
  StatusDetails d;
  d.name = std::string(name);
  d.group = r.group;
  d.kind = r.resource;
  return d;
}

std::string join(const std::vector<std::string>& v, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) out += sep;
    out += v[i];
  }
  return out;
}

}  // namespace

Result<Status> parse_status(const json::value& v) {
  if (!v.is_object()) return Error{"Status must be a JSON object"};
  const auto& o = v.get_object();
  if (auto k = str(o, "kind"); !k.empty() && k != "Status") {
    return Error{"expected kind Status, got " + k};
  }
  Status s;
  s.status = str(o, "status");
  s.message = str(o, "message");
  s.reason = str(o, "reason");
  s.code = integer(o, "code");
  if (auto* d = o.if_contains("details"); d && d->is_object()) {
    const auto& dobj = d->get_object();
    StatusDetails details;
    details.name = str(dobj, "name");
    details.group = str(dobj, "group");
    details.kind = str(dobj, "kind");
    details.uid = str(dobj, "uid");
    details.retry_after_seconds = integer(dobj, "retryAfterSeconds");
    if (auto* c = dobj.if_contains("causes"); c && c->is_array()) {
      for (const auto& cv : c->get_array()) {
        if (!cv.is_object()) continue;
        const auto& co = cv.get_object();
        details.causes.push_back(
            StatusCause{str(co, "reason"), str(co, "message"), str(co, "field")});
      }
    }
    s.details = std::move(details);
  }
  return s;
}

std::optional<Status> parse_status_body(std::string_view body) {
  auto decoded = decode_json(body);
  if (!decoded || !decoded->is_object()) return std::nullopt;
  const json::value& v = *decoded;
  auto* kind = v.get_object().if_contains("kind");
  if (!kind || !kind->is_string() || kind->get_string() != "Status") return std::nullopt;
  auto s = parse_status(v);
  if (!s) return std::nullopt;
  return std::move(s).value();
}

bool has_reason(const Status& s, std::string_view wanted) {
  if (s.reason == wanted) return true;
  static constexpr std::string_view kKnown[] = {reason::kUnauthorized,
                                                reason::kForbidden,
                                                reason::kNotFound,
                                                reason::kAlreadyExists,
                                                reason::kConflict,
                                                reason::kGone,
                                                reason::kInvalid,
                                                reason::kServerTimeout,
                                                reason::kTimeout,
                                                reason::kTooManyRequests,
                                                reason::kBadRequest,
                                                reason::kMethodNotAllowed,
                                                reason::kNotAcceptable,
                                                reason::kRequestEntityTooLarge,
                                                reason::kUnsupportedMediaType,
                                                reason::kInternalError,
                                                reason::kExpired,
                                                reason::kServiceUnavailable};
  for (auto k : kKnown) {
    if (s.reason == k) return false;
  }
  // Unknown reason: fall back to the code, as errors.IsXxx do.
  int code = 0;
  if (wanted == reason::kNotFound)
    code = 404;
  else if (wanted == reason::kConflict)
    code = 409;
  else if (wanted == reason::kGone)
    code = 410;
  else if (wanted == reason::kInvalid)
    code = 422;
  else if (wanted == reason::kBadRequest)
    code = 400;
  else if (wanted == reason::kUnauthorized)
    code = 401;
  else if (wanted == reason::kForbidden)
    code = 403;
  else if (wanted == reason::kMethodNotAllowed)
    code = 405;
  else if (wanted == reason::kNotAcceptable)
    code = 406;
  else if (wanted == reason::kRequestEntityTooLarge)
    code = 413;
  else if (wanted == reason::kUnsupportedMediaType)
    code = 415;
  else if (wanted == reason::kTooManyRequests)
    code = 429;
  else if (wanted == reason::kInternalError)
    code = 500;
  else if (wanted == reason::kServiceUnavailable)
    code = 503;
  else if (wanted == reason::kTimeout)
    code = 504;
  return code != 0 && s.code == code;
}

Status not_found(const GroupResource& r, std::string_view name) {
  Status s = failure(404, reason::kNotFound, r.to_string() + " " + go_quote(name) + " not found");
  s.details = details_for(r, name);
  return s;
}

Status already_exists(const GroupResource& r, std::string_view name) {
  Status s = failure(409, reason::kAlreadyExists,
                     r.to_string() + " " + go_quote(name) + " already exists");
  s.details = details_for(r, name);
  return s;
}

Status conflict(const GroupResource& r, std::string_view name, std::string_view detail) {
  Status s = failure(409, reason::kConflict,
                     "Operation cannot be fulfilled on " + r.to_string() + " " + go_quote(name) +
                         ": " + std::string(detail));
  s.details = details_for(r, name);
  return s;
}

Status invalid(const GroupKind& kind, std::string_view name, const FieldErrors& errors) {
  std::string agg = aggregate_message(errors);
  std::string msg = kind.to_string() + " " + go_quote(name) + " is invalid";
  if (!agg.empty()) msg += ": " + agg;
  Status s = failure(422, reason::kInvalid, std::move(msg));
  StatusDetails d;
  d.name = std::string(name);
  d.group = kind.group;
  d.kind = kind.kind;
  for (const auto& e : errors) {
    d.causes.push_back(
        StatusCause{std::string(field_error_reason(e.type)), error_body(e), e.field});
  }
  s.details = std::move(d);
  return s;
}

Status resource_expired(std::string_view message) {
  return failure(410, reason::kExpired, std::string(message));
}
Status too_old_resource_version(long long requested, long long oldest) {
  return resource_expired("too old resource version: " + std::to_string(requested) + " (" +
                          std::to_string(oldest) + ")");
}
Status list_resource_version_too_old() {
  return resource_expired("The resourceVersion for the provided list is too old.");
}
Status gone(std::string_view message) { return failure(410, reason::kGone, std::string(message)); }
Status bad_request(std::string_view message) {
  return failure(400, reason::kBadRequest, std::string(message));
}
Status cannot_decode(std::string_view kind, std::string_view version, std::string_view detail) {
  return bad_request(std::string(kind) + " in version " + go_quote(version) +
                     " cannot be handled as a " + std::string(kind) + ": " + std::string(detail));
}

Status unsupported_media_type(const std::vector<std::string>& accepted) {
  return failure(415, reason::kUnsupportedMediaType,
                 "the body of the request was in an unknown format - accepted media types "
                 "include: " +
                     join(accepted, ", "));
}
Status unsupported_patch_type_for_custom_resource() {
  return unsupported_media_type({"application/json-patch+json", "application/merge-patch+json",
                                 "application/apply-patch+yaml"});
}
Status request_entity_too_large(std::string_view message) {
  return failure(413, reason::kRequestEntityTooLarge,
                 "Request entity too large: " + std::string(message));
}
Status not_acceptable(const std::vector<std::string>& accepted) {
  return failure(406, reason::kNotAcceptable,
                 "only the following media types are accepted: " + join(accepted, ", "));
}
Status unauthorized(std::string_view message) {
  return failure(401, reason::kUnauthorized,
                 message.empty() ? std::string("not authorized") : std::string(message));
}

Status forbidden(const GroupResource& r, std::string_view name, std::string_view detail) {
  std::string msg;
  if (r.group.empty() && r.resource.empty()) {
    msg = "forbidden: " + std::string(detail);
  } else if (name.empty()) {
    msg = r.to_string() + " is forbidden: " + std::string(detail);
  } else {
    msg = r.to_string() + " " + go_quote(name) + " is forbidden: " + std::string(detail);
  }
  Status s = failure(403, reason::kForbidden, std::move(msg));
  s.details = details_for(r, name);
  return s;
}

namespace {
constexpr std::string_view kBeingTerminated = " because it is being terminated";
}  // namespace

Status namespace_terminating(const GroupResource& r, std::string_view name, std::string_view ns) {
  Status s = forbidden(r, name,
                       "unable to create new content in namespace " + std::string(ns) +
                           std::string(kBeingTerminated));
  s.details->causes.push_back(StatusCause{std::string(kNamespaceTerminatingCause),
                                          "namespace " + std::string(ns) + " is being terminated",
                                          "metadata.namespace"});
  return s;
}

bool is_namespace_terminating_message(std::string_view message) {
  return message.find("unable to create new content in namespace ") != std::string_view::npos &&
         message.ends_with(kBeingTerminated);
}

std::string rbac_denied_detail(std::string_view user, std::string_view verb, const GroupResource& r,
                               std::string_view ns) {
  std::string out = "User " + go_quote(user) + " cannot " + std::string(verb) + " resource " +
                    go_quote(r.resource) + " in API group " + go_quote(r.group);
  if (ns.empty()) {
    out += " at the cluster scope";
  } else {
    out += " in the namespace " + go_quote(ns);
  }
  return out;
}

Status method_not_supported(const GroupResource& r, std::string_view action) {
  Status s = failure(
      405, reason::kMethodNotAllowed,
      std::string(action) + " is not supported on resources of kind " + go_quote(r.to_string()));
  s.details = details_for(r, "");
  return s;
}

Status internal_error(std::string_view detail) {
  Status s =
      failure(500, reason::kInternalError, "Internal error occurred: " + std::string(detail));
  StatusDetails d;
  d.causes.push_back(StatusCause{"", std::string(detail), ""});
  s.details = std::move(d);
  return s;
}

Status too_many_requests(std::string_view message, int retry_after_seconds) {
  Status s = failure(429, reason::kTooManyRequests, std::string(message));
  StatusDetails d;
  d.retry_after_seconds = retry_after_seconds;
  s.details = std::move(d);
  return s;
}

Status service_unavailable(std::string_view message) {
  return failure(503, reason::kServiceUnavailable, std::string(message));
}

Status timeout(std::string_view message, int retry_after_seconds) {
  Status s = failure(504, reason::kTimeout, "Timeout: " + std::string(message));
  StatusDetails d;
  d.retry_after_seconds = retry_after_seconds;
  s.details = std::move(d);
  return s;
}

Status server_timeout(const GroupResource& r, std::string_view operation, int retry_after_seconds) {
  Status s = failure(500, reason::kServerTimeout,
                     "The " + std::string(operation) + " operation against " + r.to_string() +
                         " could not be completed at this time, please try again.");
  StatusDetails d = details_for(r, operation);
  d.retry_after_seconds = retry_after_seconds;
  s.details = std::move(d);
  return s;
}

Status admission_denied(std::string_view webhook_name, std::string_view message, int code,
                        std::string_view webhook_reason) {
  Status s;
  s.code = code;
  s.reason = std::string(webhook_reason);
  if (message.empty()) {
    s.message =
        "admission webhook " + go_quote(webhook_name) + " denied the request without explanation";
  } else {
    s.message = "admission webhook " + go_quote(webhook_name) +
                " denied the request: " + std::string(message);
  }
  return s;
}

Status generic_server_response(int code, std::string_view verb, const GroupResource& r,
                               std::string_view name, std::string_view server_message,
                               int retry_after_seconds) {
  std::string rsn = "Unknown";
  std::string message = "the server responded with the status code " + std::to_string(code) +
                        " but did not return more information";
  switch (code) {
    case 409:
      rsn = verb == "POST" ? "AlreadyExists" : "Conflict";
      message = "the server reported a conflict";
      break;
    case 404:
      rsn = "NotFound";
      message = "the server could not find the requested resource";
      break;
    case 400:
      rsn = "BadRequest";
      message = "the server rejected our request for an unknown reason";
      break;
    case 401:
      rsn = "Unauthorized";
      message = "the server has asked for the client to provide credentials";
      break;
    case 403:
      rsn = "Forbidden";
      message = "the server does not allow access to the requested resource";
      break;
    case 405:
      rsn = "MethodNotAllowed";
      message = "the server does not allow this method on the requested resource";
      break;
    case 406:
      rsn = "NotAcceptable";
      message = "the server was unable to respond with a content type that the client supports";
      break;
    case 415:
      rsn = "UnsupportedMediaType";
      message = "the server was unable to respond with a content type that the client supports";
      break;
    case 422:
      rsn = "Invalid";
      message = "the server rejected our request due to an error in our request";
      break;
    case 429:
      rsn = "TooManyRequests";
      message = "the server has received too many requests and has asked us to try again later";
      break;
    case 503:
      rsn = "ServiceUnavailable";
      message = "the server is currently unable to handle the request";
      break;
    case 504:
      rsn = "Timeout";
      message =
          "the server was unable to return a response in the time allotted, but may still "
          "be processing the request";
      break;
    default:
      if (code >= 500) {
        rsn = "InternalError";
        message = "an error on the server (" + go_quote(server_message) +
                  ") has prevented the request from succeeding";
      }
  }
  std::string lower_verb(verb);
  for (char& c : lower_verb) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  if (!(r.group.empty() && r.resource.empty())) {
    message += " (" + lower_verb + " " + r.to_string();
    if (!name.empty()) message += " " + std::string(name);
    message += ")";
  }
  Status s = failure(code, rsn, std::move(message));
  StatusDetails d = details_for(r, name);
  d.retry_after_seconds = retry_after_seconds;
  s.details = std::move(d);
  return s;
}

Status json_patch_failed() { return generic_server_response(422, "", GroupResource{}, "", ""); }

Status success(int code) {
  Status s;
  s.status = "Success";
  s.code = code;
  return s;
}

Status deleted(const GroupResource& r, std::string_view name, std::string_view uid) {
  Status s;
  s.status = "Success";
  StatusDetails d = details_for(r, name);
  d.uid = std::string(uid);
  s.details = std::move(d);
  return s;
}

}  // namespace dynop::apimachinery
