#pragma once
// A failed API request as the server's handlers build it, rendered through
// lib/apimachinery's metav1.Status. The constructors word messages exactly as
// kube-apiserver v1.26 does (traces 04-dgdsa-08/10/10b/13/14, 09-pod-03b).

#include <string>
#include <string_view>
#include <vector>

#include "lib/apimachinery/field_error.hpp"
#include "lib/apimachinery/status.hpp"

namespace dynop::localcluster::server {

// Who an error is about: kube's qualified resource ("pods",
// "dynamographdeploymentscalingadapters.nvidia.com") or group kind.
struct ErrorSubject {
  std::string group;
  std::string kind;  // details.kind: the plural resource, or the Kind for schema errors
  std::string name;
  std::string uid;
  std::string qualified() const { return group.empty() ? kind : kind + "." + group; }
};

struct ApiError {
  int code = 500;
  std::string status = "Failure";
  std::string reason;  // empty: omitted (webhook denials without a reason)
  std::string message;
  bool has_details = false;
  ErrorSubject details;
  apimachinery::FieldErrors causes;
  // Causes that are not field errors, after those (NamespaceTerminating).
  std::vector<apimachinery::StatusCause> status_causes;

  std::string to_json() const;
};

ApiError not_found(const ErrorSubject& subject);
ApiError already_exists(const ErrorSubject& subject);
ApiError conflict(const ErrorSubject& subject, std::string_view why);
ApiError modified_conflict(const ErrorSubject& subject);
ApiError invalid(const ErrorSubject& subject, apimachinery::FieldErrors errors);
ApiError bad_request(std::string message);
ApiError unsupported_patch_type(const std::vector<std::string>& accepted);
ApiError unsupported_media_type(std::string_view content_type);
ApiError too_large(std::size_t limit);
ApiError unauthorized();
ApiError gone(std::string message);
ApiError method_not_supported(const ErrorSubject& subject, std::string_view verb);
ApiError internal_error(std::string message);
ApiError namespace_not_found(std::string_view ns);
// A Status built with lib/apimachinery's constructors, answered as it is
// (its causes become status_causes).
ApiError from_status(const apimachinery::Status& status);

}  // namespace dynop::localcluster::server
