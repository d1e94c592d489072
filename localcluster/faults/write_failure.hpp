#pragma once
// The response a write gets when a fault fails it, worded as kube-apiserver
// words the real thing, so clients take the path they take in production:
//   409 Conflict   "Operation cannot be fulfilled on <resource>[.<group>] \"<name>\": the object
//                  has been modified; ..." (traces 04-dgdsa-08, 08-lease-03)
//   429 TooManyRequests, Retry-After header and details.retryAfterSeconds
//   500 InternalError "Internal error occurred: ..."

#include <string_view>

#include "lib/net/message.hpp"
#include "localcluster/faults/fault_injector.hpp"
#include "localcluster/registry/resource_type.hpp"
#include "localcluster/server/request_info.hpp"

namespace dynop::localcluster::faults {

// `body` is the request's: a create names its object there, not in the URL.
net::Response write_failure_response(const WriteFault& fault, const ResourceType& type,
                                     const server::RequestInfo& info, std::string_view body);

}  // namespace dynop::localcluster::faults
