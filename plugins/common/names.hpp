#pragma once
// Names and labels of the objects the dgd and dgdsa plugins create, as the
// contract (reference/dynamo-api.md, "Pods and labels") spells them. Every
// generated name or label value respects the Kubernetes length limits: a value
// that would be too long is cut and given a hash suffix of the full value, as
// Kubernetes controllers do, so two long inputs never collapse to one name.

#include <boost/json/object.hpp>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace dynop::plugins::common {

// Group/version/kinds of the Dynamo resources.
inline constexpr std::string_view kDynamoApiVersion = "nvidia.com/v1alpha1";
inline constexpr std::string_view kDgdKind = "DynamoGraphDeployment";
inline constexpr std::string_view kDgdsaKind = "DynamoGraphDeploymentScalingAdapter";

// Labels of the contract.
inline constexpr std::string_view kLabelDgdName = "nvidia.com/dynamo-graph-deployment-name";
inline constexpr std::string_view kLabelComponent = "nvidia.com/dynamo-component";
inline constexpr std::string_view kLabelDynamoNamespace = "nvidia.com/dynamo-namespace";
inline constexpr std::string_view kLabelComponentType = "nvidia.com/dynamo-component-type";
inline constexpr std::string_view kLabelSubComponentType = "nvidia.com/dynamo-sub-component-type";
inline constexpr std::string_view kLabelSelector = "nvidia.com/selector";
inline constexpr std::string_view kLabelMetricsEnabled = "nvidia.com/metrics-enabled";

// dynop's own pod labels: which template a pod was made from and which
// replica group (one pod, or nodeCount pods for a multinode service) it is in.
// The GPU placement plugin gangs pods by kLabelGroup.
inline constexpr std::string_view kLabelPodTemplateHash = "nvidia.com/dynamo-pod-template-hash";
inline constexpr std::string_view kLabelGroup = "nvidia.com/dynamo-group";
inline constexpr std::string_view kLabelGroupIndex = "nvidia.com/dynamo-group-index";
// On the pods of a multinode group only: how many pods the group has (its
// nodeCount), so a scheduler can place them all or nothing.
inline constexpr std::string_view kLabelGroupSize = "nvidia.com/dynamo-group-size";
inline constexpr std::string_view kLabelMultinodeRole = "nvidia.com/dynamo-multinode-role";
inline constexpr std::string_view kLabelMultinodeRank = "nvidia.com/dynamo-multinode-rank";

inline constexpr std::size_t kMaxNameLength = 253;       // DNS-1123 subdomain
inline constexpr std::size_t kMaxLabelValueLength = 63;  // label values, DNS-1123 labels
// Pod names are kept within a DNS-1123 label so they also work as hostnames;
// this leaves room for "-<template hash>-<group>-<rank>".
inline constexpr std::size_t kMaxPodBaseNameLength = 36;

std::string to_lower(std::string_view s);

// 32-bit FNV-1a, the hash Kubernetes uses for pod-template hashes.
std::uint32_t fnv1a32(std::string_view data);

// `s` if it fits in `max` characters, else a prefix of `s` plus "-" and 8 hex
// digits of the hash of the whole of `s` (trailing '-' and '.' of the prefix
// removed, so the result stays a valid name).
std::string truncate_with_hash(std::string_view s, std::size_t max);

// A service name turned into something that may appear in a DNS name:
// lower-cased, any other character than [a-z0-9-] replaced by '-'.
std::string service_name_part(std::string_view service);

// `<dgd>-<lower(service)>`: the adapter's name (at most 253 characters).
std::string adapter_name(std::string_view dgd, std::string_view service);

// The same string as a label value (the `nvidia.com/selector` label), at most 63.
std::string selector_label_value(std::string_view dgd, std::string_view service);

// The effective Dynamo namespace `<k8s namespace>-<dgd>` (the
// `nvidia.com/dynamo-namespace` label and DYN_NAMESPACE), at most 63 characters
// so that label and environment always agree.
std::string dynamo_namespace(std::string_view k8s_namespace, std::string_view dgd);

// Any name used as a label value: unchanged when it fits, else truncated with a hash.
std::string label_value(std::string_view value);

// `<dgd>-<lower(service)>` cut to kMaxPodBaseNameLength: the prefix of pod names.
std::string pod_base_name(std::string_view dgd, std::string_view service);

// Contract labels every pod of a service carries.
struct ServiceIdentity {
  std::string k8s_namespace;
  std::string dgd;
  std::string service;  // case kept
  std::string component_type;
  std::string sub_component_type;  // may be empty
};
std::map<std::string, std::string> service_pod_labels(const ServiceIdentity& id);

// The labels that select exactly one service's pods (dgd name + service name).
std::map<std::string, std::string> service_selector_labels(std::string_view dgd,
                                                           std::string_view service);

// The same selector serialized as the adapter's `status.selector` string:
// "nvidia.com/dynamo-graph-deployment-name=sglang-agg,nvidia.com/dynamo-component=decode".
std::string adapter_selector(std::string_view dgd, std::string_view service);

// ownerReferences entry making the DGD the controller of a pod or adapter, so
// deleting the DGD garbage-collects them.
boost::json::object dgd_controller_reference(std::string_view dgd_name, std::string_view dgd_uid);

}  // namespace dynop::plugins::common
