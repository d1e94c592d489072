#pragma once
// Kind-specific behaviour of built-in kinds, like kube-apiserver's registry
// strategies: what create fills in (pod defaults and initial status,
// namespace finalizers, service cluster IPs, secret stringData, CRD initial
// status), what an update may not change (pod spec), and what a status write
// derives (pod podIPs).

#include <boost/json/object.hpp>
#include <optional>
#include <string_view>

#include "localcluster/registry/resource_type.hpp"
#include "localcluster/server/api_error.hpp"

namespace dynop::localcluster::server {

void prepare_for_create(const ResourceType& type, boost::json::object& object);

// Errors for changes kube forbids on update (422), nullopt when allowed.
std::optional<ApiError> validate_update(const ResourceType& type, const boost::json::object& old,
                                        const boost::json::object& updated);

// Before validation of an update of the whole object (not status): what the
// subresource written may not change is taken from `old`. A namespace's
// spec.finalizers change only through its finalize subresource.
void prepare_for_update(const ResourceType& type, std::string_view subresource,
                        const boost::json::object& old, boost::json::object& object);

// After a status write: fields kube derives from others.
void prepare_status_update(const ResourceType& type, boost::json::object& object);

// What decoding into kube's typed structs checks and normalises: MicroTime
// fields of leases (exactly 6 fractional digits, normalised to UTC; trace
// 08-lease-05..07). The error is kube's 400 "cannot be handled as a Lease".
std::optional<ApiError> decode_typed_fields(const ResourceType& type, boost::json::object& object);

// Pods' QoS class from container requests and limits.
std::string pod_qos_class(const boost::json::object& pod);

}  // namespace dynop::localcluster::server
