#pragma once
// Name and metadata validation with k8s.io/apimachinery's exact messages
// (pkg/util/validation and pkg/api/validation), e.g.
//   metadata.name: Invalid value: "Web_0": a lowercase RFC 1123 subdomain must
//   consist of lower case alphanumeric characters, '-' or '.', and must start
//   and end with an alphanumeric character (e.g. 'example.com', regex used for
//   validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')
//   metadata.annotations: Too long: must have at most 262144 bytes
//
// The is_* functions return kube's message list (empty = valid), as the Go
// Is* functions do; validate_* return FieldErrors ready for status.hpp.

#include <boost/json/object.hpp>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "lib/apimachinery/field_error.hpp"

namespace dynop::apimachinery {

inline constexpr size_t kQualifiedNameMaxLength = 63;
inline constexpr size_t kLabelValueMaxLength = 63;
inline constexpr size_t kDns1123LabelMaxLength = 63;
inline constexpr size_t kDns1123SubdomainMaxLength = 253;
inline constexpr size_t kDns1035LabelMaxLength = 63;
inline constexpr size_t kTotalAnnotationSizeLimitBytes = 262144;

// Label and annotation keys: [prefix/]name, prefix a DNS-1123 subdomain.
std::vector<std::string> is_qualified_name(std::string_view value);
// Label values: empty, or up to 63 alphanumerics with '-', '_', '.' inside.
std::vector<std::string> is_valid_label_value(std::string_view value);
std::vector<std::string> is_dns1123_label(std::string_view value);
std::vector<std::string> is_dns1123_subdomain(std::string_view value);
std::vector<std::string> is_dns1035_label(std::string_view value);

// "must be no more than N characters"
std::string max_len_error(size_t length);

// A ValidateNameFunc: messages for `name`; `prefix` is true when checking a
// generateName (a trailing '-' is then allowed).
using NameValidator = std::function<std::vector<std::string>(std::string_view name, bool prefix)>;
// Most objects (pods, configmaps, custom resources, ...).
std::vector<std::string> name_is_dns_subdomain(std::string_view name, bool prefix);
// Namespaces (and nodes' leases etc. where kube uses a DNS label).
std::vector<std::string> name_is_dns_label(std::string_view name, bool prefix);
// Services.
std::vector<std::string> name_is_dns1035_label(std::string_view name, bool prefix);
// Path-segment rule every name must also pass: not "." or "..", no '/' or '%'.
std::vector<std::string> is_valid_path_segment_name(std::string_view name);

// metadata.labels: keys are qualified names, values label values.
FieldErrors validate_labels(const boost::json::object& labels, std::string_view field_path);
// metadata.annotations: keys are qualified names (case-insensitive), total
// size of keys plus values at most 262144 bytes.
FieldErrors validate_annotations(const boost::json::object& annotations,
                                 std::string_view field_path);
// metadata.ownerReferences: apiVersion/kind/name/uid present, at most one controller.
FieldErrors validate_owner_references(const boost::json::array& refs, std::string_view field_path);
// metadata.finalizers: qualified names; orphan and foregroundDeletion not both.
FieldErrors validate_finalizers(const boost::json::array& finalizers, std::string_view field_path);

// ValidateObjectMeta for a create: generateName/name with `name_fn`, namespace
// required (DNS label) or forbidden, generation >= 0, labels, annotations,
// ownerReferences, finalizers. `field_path` is normally "metadata".
FieldErrors validate_object_meta(const boost::json::object& metadata, bool requires_namespace,
                                 const NameValidator& name_fn,
                                 std::string_view field_path = "metadata");

// ValidateObjectMetaUpdate: resourceVersion present ("must be specified for
// an update"), generation not decremented, name/namespace/uid/
// creationTimestamp/deletionTimestamp/deletionGracePeriodSeconds unchanged
// ("field is immutable"), no new finalizers once deletion started, and the
// new labels/annotations/ownerReferences valid.
FieldErrors validate_object_meta_update(const boost::json::object& new_metadata,
                                        const boost::json::object& old_metadata,
                                        std::string_view field_path = "metadata");

}  // namespace dynop::apimachinery
