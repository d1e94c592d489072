#pragma once
// Kind-specific behaviour of built-in kinds, like kube-apiserver's registry
// strategies: what create fills in (pod defaults and initial status,
// namespace finalizers, service cluster IPs, secret stringData, CRD initial
// status), what an update may not change (pod spec), and what a status write
// derives (pod podIPs).

#include <boost/json/object.hpp>
#include <optional>
#include <string_view>

#include "lib/apimachinery/field_error.hpp"
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
// 08-lease-05..07) and HPAs' typed fields (hpa_decoding.hpp). The error is
// kube's 400 "cannot be handled as a <Kind>". Runs on the URL's version.
std::optional<ApiError> decode_typed_fields(const ResourceType& type, boost::json::object& object);

// Defaults kube's decoding applies, on the storage version: HPAs get
// autoscaling/v2's defaults (metrics, behavior rules) and typed field order.
void apply_decode_defaults(const ResourceType& type, boost::json::object& object);

// The kind's own validation (HPAs: spec on create/update, status on status
// writes); empty when valid or when the kind has none.
apimachinery::FieldErrors validate_kind(const ResourceType& type, const boost::json::object& object,
                                        const boost::json::object* old_object, bool status_only);

// Pods' QoS class from container requests and limits.
std::string pod_qos_class(const boost::json::object& pod);

}  // namespace dynop::localcluster::server
