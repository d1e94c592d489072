#include "plugins/common/names.hpp"

#include <fmt/format.h>

namespace dynop::plugins::common {
namespace {

bool is_lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

}  // namespace

std::string to_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::uint32_t fnv1a32(std::string_view data) {
  std::uint32_t h = 2166136261u;
  for (char c : data) {
    h ^= static_cast<unsigned char>(c);
    h *= 16777619u;
  }
  return h;
}

std::string truncate_with_hash(std::string_view s, std::size_t max) {
  if (s.size() <= max) return std::string(s);
  std::string suffix = fmt::format("-{:08x}", fnv1a32(s));
  std::size_t keep = max > suffix.size() ? max - suffix.size() : 0;
  std::string prefix(s.substr(0, keep));
  while (!prefix.empty() &&
         (prefix.back() == '-' || prefix.back() == '.' || prefix.back() == '_')) {
    prefix.pop_back();
  }
  if (prefix.empty()) return suffix.substr(1);
  return prefix + suffix;
}

std::string service_name_part(std::string_view service) {
  std::string out = to_lower(service);
  for (char& c : out) {
    if (!is_lower_alnum(c) && c != '-') c = '-';
  }
  return out;
}

std::string adapter_name(std::string_view dgd, std::string_view service) {
  return truncate_with_hash(fmt::format("{}-{}", dgd, service_name_part(service)), kMaxNameLength);
}

std::string selector_label_value(std::string_view dgd, std::string_view service) {
  return truncate_with_hash(fmt::format("{}-{}", dgd, service_name_part(service)),
                            kMaxLabelValueLength);
}

std::string dynamo_namespace(std::string_view k8s_namespace, std::string_view dgd) {
  return truncate_with_hash(fmt::format("{}-{}", k8s_namespace, dgd), kMaxLabelValueLength);
}

std::string label_value(std::string_view value) {
  return truncate_with_hash(value, kMaxLabelValueLength);
}

std::string pod_base_name(std::string_view dgd, std::string_view service) {
  return truncate_with_hash(fmt::format("{}-{}", dgd, service_name_part(service)),
                            kMaxPodBaseNameLength);
}

std::map<std::string, std::string> service_pod_labels(const ServiceIdentity& id) {
  std::map<std::string, std::string> labels = service_selector_labels(id.dgd, id.service);
  labels.emplace(kLabelDynamoNamespace, dynamo_namespace(id.k8s_namespace, id.dgd));
  if (!id.component_type.empty()) labels.emplace(kLabelComponentType, id.component_type);
  if (!id.sub_component_type.empty()) {
    labels.emplace(kLabelSubComponentType, id.sub_component_type);
  }
  labels.emplace(kLabelSelector, selector_label_value(id.dgd, id.service));
  labels.emplace(kLabelMetricsEnabled, "true");
  return labels;
}

std::map<std::string, std::string> service_selector_labels(std::string_view dgd,
                                                           std::string_view service) {
  return {{std::string(kLabelDgdName), label_value(dgd)},
          {std::string(kLabelComponent), std::string(service)}};
}

std::string adapter_selector(std::string_view dgd, std::string_view service) {
  // Fixed order (dgd first) so the string is stable and reads like the contract's example.
  return fmt::format("{}={},{}={}", kLabelDgdName, label_value(dgd), kLabelComponent, service);
}

boost::json::object dgd_controller_reference(std::string_view dgd_name, std::string_view dgd_uid) {
  return boost::json::object{{"apiVersion", kDynamoApiVersion},
                             {"kind", kDgdKind},
                             {"name", dgd_name},
                             {"uid", dgd_uid},
                             {"controller", true},
                             {"blockOwnerDeletion", true}};
}

}  // namespace dynop::plugins::common
