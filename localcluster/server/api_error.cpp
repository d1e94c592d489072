#include "localcluster/server/api_error.hpp"

#include "lib/apimachinery/field_error_format.hpp"
#include "lib/apimachinery/go_quote.hpp"
#include "lib/apimachinery/status.hpp"

namespace dynop::localcluster::server {

namespace ap = dynop::apimachinery;

std::string ApiError::to_json() const {
  ap::Status out;
  out.status = status;
  out.message = message;
  out.reason = reason;
  out.code = code;
  if (has_details) {
    ap::StatusDetails d;
    d.name = details.name;
    d.group = details.group;
    d.kind = details.kind;
    d.uid = details.uid;
    for (const auto& cause : causes) {
      d.causes.push_back(ap::StatusCause{std::string(ap::field_error_reason(cause.type)),
                                         ap::error_body(cause), cause.field});
    }
    for (const auto& cause : status_causes) d.causes.push_back(cause);
    out.details = std::move(d);
  }
  return out.serialize();
}

namespace {

ApiError make(int code, std::string reason, std::string message) {
  ApiError e;
  e.code = code;
  e.reason = std::move(reason);
  e.message = std::move(message);
  return e;
}

ApiError with_details(ApiError e, const ErrorSubject& subject) {
  e.has_details = true;
  e.details = subject;
  return e;
}

}  // namespace

ApiError not_found(const ErrorSubject& subject) {
  return with_details(
      make(404, "NotFound", subject.qualified() + " " + ap::go_quote(subject.name) + " not found"),
      subject);
}

ApiError already_exists(const ErrorSubject& subject) {
  return with_details(
      make(409, "AlreadyExists",
           subject.qualified() + " " + ap::go_quote(subject.name) + " already exists"),
      subject);
}

ApiError conflict(const ErrorSubject& subject, std::string_view why) {
  return with_details(make(409, "Conflict",
                           "Operation cannot be fulfilled on " + subject.qualified() + " " +
                               ap::go_quote(subject.name) + ": " + std::string(why)),
                      subject);
}

ApiError modified_conflict(const ErrorSubject& subject) {
  return conflict(subject,
                  "the object has been modified; please apply your changes to the latest "
                  "version and try again");
}

ApiError invalid(const ErrorSubject& subject, apimachinery::FieldErrors errors) {
  ApiError e = with_details(make(422, "Invalid",
                                 subject.qualified() + " " + ap::go_quote(subject.name) +
                                     " is invalid: " + ap::aggregate_message(errors)),
                            subject);
  e.causes = std::move(errors);
  return e;
}

ApiError bad_request(std::string message) { return make(400, "BadRequest", std::move(message)); }

ApiError unsupported_patch_type(const std::vector<std::string>& accepted) {
  std::string list;
  for (const auto& type : accepted) {
    if (!list.empty()) list += ", ";
    list += type;
  }
  return make(
      415, "UnsupportedMediaType",
      "the body of the request was in an unknown format - accepted media types include: " + list);
}

ApiError unsupported_media_type(std::string_view content_type) {
  return make(415, "UnsupportedMediaType",
              "the body of the request was in an unknown format - accepted media types include: "
              "application/json, application/yaml");
}

ApiError too_large(std::size_t limit) {
  return make(413, "RequestEntityTooLarge",
              "Request entity too large: limit is " + std::to_string(limit));
}

ApiError unauthorized() { return make(401, "Unauthorized", "Unauthorized"); }

ApiError gone(std::string message) { return make(410, "Expired", std::move(message)); }

ApiError method_not_supported(const ErrorSubject& subject, std::string_view verb) {
  return with_details(make(405, "MethodNotAllowed",
                           "the server does not allow this method on the requested resource"),
                      subject);
}

ApiError internal_error(std::string message) {
  return make(500, "InternalError", "Internal error occurred: " + message);
}

ApiError from_status(const ap::Status& status) {
  ApiError e = make(status.code, status.reason, status.message);
  e.status = status.status;
  if (status.details) {
    e.has_details = true;
    e.details = ErrorSubject{status.details->group, status.details->kind, status.details->name,
                             status.details->uid};
    e.status_causes = status.details->causes;
  }
  return e;
}

ApiError namespace_not_found(std::string_view ns) {
  return not_found(ErrorSubject{"", "namespaces", std::string(ns), ""});
}

}  // namespace dynop::localcluster::server
