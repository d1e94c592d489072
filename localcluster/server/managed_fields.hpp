#pragma once
// metadata.managedFields, for the writes where a client needs to know who
// wrote: the scale subresource. As kube-apiserver's field manager does for
// /scale (its ScaleHandler maps the Scale's spec.replicas to the resource's
// specReplicasPath), a /scale write by manager M becomes, in the resource,
//   {"manager":M,"operation":"Update","apiVersion":<resource's>,"time":<now>,
//    "fieldsType":"FieldsV1","fieldsV1":{"f:spec":{"f:replicas":{}}},
//    "subresource":"scale"}
// and the replicas field is taken from every other entry (an entry left
// owning nothing is dropped). M is the request's ?fieldManager=, else the
// User-Agent up to its first '/' ("kubectl/v1.32.4 (linux/amd64) ..." ->
// "kubectl"), printable characters only, at most 128.
//
// Other writes leave managedFields as the client sent them, and a full
// update that omits them keeps the stored ones (kube does the same).
// kube-apiserver 1.26 (the reference traces) records no entry for a custom
// resource's /scale write at all; later versions do, and the host's scale
// conflict detection reads it.

#include <boost/json/object.hpp>
#include <string>
#include <string_view>

#include "lib/net/message.hpp"
#include "localcluster/server/request_info.hpp"

namespace dynop::localcluster::server {

std::string field_manager(const net::Request& request, const RequestInfo& info);

// `dotted_path` as a CRD's specReplicasPath (".spec.replicas").
void record_scale_write(boost::json::object& object, std::string_view manager,
                        std::string_view dotted_path, std::string_view time);

}  // namespace dynop::localcluster::server
