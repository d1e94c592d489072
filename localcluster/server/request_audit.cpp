#include "localcluster/server/request_audit.hpp"

#include <algorithm>
#include <cctype>
#include <memory>

#include "localcluster/server/impersonation.hpp"
#include "localcluster/server/object_meta.hpp"

namespace dynop::localcluster::server {

namespace {

// "127.0.0.1:53122" -> "127.0.0.1"; "[::1]:53122" -> "::1".
std::string source_ip(const std::string& remote_address) {
  std::string ip = remote_address.substr(0, remote_address.rfind(':'));
  if (ip.size() >= 2 && ip.front() == '[' && ip.back() == ']') ip = ip.substr(1, ip.size() - 2);
  return ip;
}

}  // namespace

void audit_request(audit::AuditLog& log, const net::Request& request, const RequestInfo& info,
                   const net::Responder& responder) {
  auto event = std::make_shared<audit::Event>();
  event->audit_id = new_uid();
  event->request_uri = std::string(request.target());
  if (info.is_resource_request) {
    event->verb = info.verb;
    event->object_ref = audit::ObjectRef{info.resource, info.namespace_name, info.name,
                                         info.group,    info.version,        info.subresource};
  } else {
    event->verb = std::string(request.method());
    std::transform(event->verb.begin(), event->verb.end(), event->verb.begin(),
                   [](unsigned char c) { return std::tolower(c); });
  }
  // The bearer token is the admin's; an impersonating request acts as info.user.
  if (request.has_header("Impersonate-User")) {
    event->user = admin_user();
    event->impersonated_user = info.user;
  } else {
    event->user = info.user.username.empty() ? admin_user() : info.user;
  }
  if (!request.remote_address().empty())
    event->source_ips.push_back(source_ip(request.remote_address()));
  event->user_agent = std::string(request.header("User-Agent"));
  event->request_received = std::chrono::system_clock::now();
  responder.observe([&log, event](const net::Response& response,
                                  const std::shared_ptr<net::ResponseStream>& stream) {
    event->code = response.status;
    event->stage_time = std::chrono::system_clock::now();
    if (!stream) return log.write(*event);
    event->stage = "ResponseStarted";
    log.write(*event);
    stream->on_close([&log, event] {
      event->stage = "ResponseComplete";
      event->stage_time = std::chrono::system_clock::now();
      log.write(*event);
    });
  });
}

}  // namespace dynop::localcluster::server
