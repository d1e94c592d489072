#pragma once
// Records a request in the audit log (--audit-log-path) as kube-apiserver's
// audit filter does at level Metadata: who authenticated and, with
// Impersonate-* headers, whom they acted as; what the request addressed
// (from its RequestInfo); and the code it got. A watch, like any
// long-running request, is recorded twice: ResponseStarted when its stream
// opens and ResponseComplete when it ends.

#include "lib/net/handler.hpp"
#include "localcluster/audit/audit_log.hpp"
#include "localcluster/server/request_info.hpp"

namespace dynop::localcluster::server {

// Call before the request is handled; `info.user` is the user after
// impersonation. The answer, through `responder`, completes the record.
void audit_request(audit::AuditLog& log, const net::Request& request, const RequestInfo& info,
                   const net::Responder& responder);

}  // namespace dynop::localcluster::server
