#pragma once
// One request as kube-apiserver's audit log records it at level Metadata: an
// audit.k8s.io/v1 Event (k8s.io/apiserver/pkg/apis/audit/v1/types.go), with
// who asked (and whom they impersonated), what the request addressed and the
// status code it got, without request or response bodies.

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "lib/admission/admission_request.hpp"

namespace dynop::localcluster::audit {

// audit.k8s.io/v1 ObjectReference; empty fields are left out, as kube's
// omitempty leaves them (the core group has no apiGroup).
struct ObjectRef {
  std::string resource;
  std::string namespace_name;
  std::string name;
  std::string api_group;
  std::string api_version;
  std::string subresource;
};

struct Event {
  std::string audit_id;
  // ResponseStarted (a watch's head) or ResponseComplete.
  std::string stage = "ResponseComplete";
  std::string request_uri;  // as the client sent it, query included
  // The Kubernetes verb of a resource request; a non-resource request's
  // lowercase HTTP method.
  std::string verb;
  ::dynop::admission::UserInfo user;  // who authenticated
  std::optional<::dynop::admission::UserInfo> impersonated_user;
  std::vector<std::string> source_ips;
  std::string user_agent;
  std::optional<ObjectRef> object_ref;  // resource requests only
  unsigned code = 0;
  std::chrono::system_clock::time_point request_received;
  std::chrono::system_clock::time_point stage_time;
};

// The Event as one line of JSON, without the newline.
std::string to_json_line(const Event& event);

}  // namespace dynop::localcluster::audit
