#include "host/admission/admission_routes.hpp"

#include "dynop/abi.h"

namespace dynop::host::admission {

namespace {

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() > suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool resource_matches(std::string_view rule, std::string_view resource,
                      std::string_view sub_resource) {
  if (rule == "*/*") return true;
  auto slash = rule.find('/');
  if (slash == std::string_view::npos) {
    // A rule without a subresource never matches a subresource request.
    return sub_resource.empty() && (rule == "*" || rule == resource);
  }
  std::string_view rule_resource = rule.substr(0, slash);
  std::string_view rule_sub = rule.substr(slash + 1);
  if (sub_resource.empty()) return false;
  return (rule_resource == "*" || rule_resource == resource) &&
         (rule_sub == "*" || rule_sub == sub_resource);
}

}  // namespace

std::string singular_of(std::string_view plural) {
  if (ends_with(plural, "ies")) return std::string(plural.substr(0, plural.size() - 3)) + "y";
  for (std::string_view es : {"sses", "shes", "ches", "xes", "zes"}) {
    if (ends_with(plural, es)) return std::string(plural.substr(0, plural.size() - 2));
  }
  if (ends_with(plural, "s") && !ends_with(plural, "ss")) {
    return std::string(plural.substr(0, plural.size() - 1));
  }
  return std::string(plural);
}

std::optional<std::string> webhook_path(const AdmissionRule& rule) {
  std::string_view resource = rule.resource;
  resource = resource.substr(0, resource.find('/'));
  if (rule.group == "*" || rule.version == "*" || resource == "*" || resource.empty() ||
      rule.version.empty()) {
    return std::nullopt;
  }
  std::string path = "/validate-";
  for (char c : rule.group) path += c == '.' ? '-' : c;
  path += '-';
  path += rule.version;
  path += '-';
  path += singular_of(resource);
  return path;
}

std::uint32_t operation_bit(dynop::admission::Operation operation) {
  switch (operation) {
    case dynop::admission::Operation::kCreate:
      return DYNOP_OP_CREATE;
    case dynop::admission::Operation::kUpdate:
      return DYNOP_OP_UPDATE;
    case dynop::admission::Operation::kDelete:
      return DYNOP_OP_DELETE;
    case dynop::admission::Operation::kConnect:
      return DYNOP_OP_CONNECT;
  }
  return 0;
}

bool rule_matches(const AdmissionRule& rule, const dynop::admission::AdmissionRequest& request) {
  if ((rule.operations & operation_bit(request.operation)) == 0) return false;
  if (rule.group != "*" && rule.group != request.resource.group) return false;
  if (rule.version != "*" && rule.version != request.resource.version) return false;
  return resource_matches(rule.resource, request.resource.resource, request.sub_resource);
}

}  // namespace dynop::host::admission
