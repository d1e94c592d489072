#include "localcluster/admission/webhook_matcher.hpp"

#include <algorithm>
#include <string_view>

namespace dynop::localcluster::admission {

namespace {

bool contains_or_star(const std::vector<std::string>& values, std::string_view value) {
  return std::any_of(values.begin(), values.end(),
                     [&](const std::string& v) { return v == "*" || v == value; });
}

bool is_namespace(const MatchRequest& request) {
  return request.group.empty() && request.resource == "namespaces";
}

bool scope_matches(const RuleWithOperations& rule, const MatchRequest& request) {
  if (rule.scope == "Namespaced") return !is_namespace(request) && !request.namespace_name.empty();
  if (rule.scope == "Cluster") return is_namespace(request) || request.namespace_name.empty();
  return true;
}

bool resource_matches(const RuleWithOperations& rule, const MatchRequest& request) {
  for (const auto& entry : rule.resources) {
    std::string_view res = entry;
    std::string_view sub;
    if (auto slash = res.find('/'); slash != std::string_view::npos) {
      sub = res.substr(slash + 1);
      res = res.substr(0, slash);
    }
    bool res_ok = res == "*" || res == request.resource;
    bool sub_ok = sub == "*" || sub == request.subresource;
    if (res_ok && sub_ok) return true;
  }
  return false;
}

}  // namespace

bool rule_matches(const RuleWithOperations& rule, const MatchRequest& request) {
  return scope_matches(rule, request) && contains_or_star(rule.operations, request.operation) &&
         contains_or_star(rule.api_groups, request.group) &&
         contains_or_star(rule.api_versions, request.version) && resource_matches(rule, request);
}

bool rules_match(const Webhook& webhook, const MatchRequest& request) {
  return std::any_of(webhook.rules.begin(), webhook.rules.end(),
                     [&](const RuleWithOperations& rule) { return rule_matches(rule, request); });
}

std::map<std::string, std::string> labels_of(const boost::json::value* object) {
  std::map<std::string, std::string> labels;
  if (!object || !object->is_object()) return labels;
  const auto* meta = object->get_object().if_contains("metadata");
  if (!meta || !meta->is_object()) return labels;
  const auto* found = meta->get_object().if_contains("labels");
  if (!found || !found->is_object()) return labels;
  for (const auto& [key, value] : found->get_object()) {
    if (value.is_string()) labels.emplace(std::string(key), std::string(value.get_string()));
  }
  return labels;
}

bool namespace_selector_matches(const Webhook& webhook, const MatchRequest& request,
                                const std::map<std::string, std::string>* namespace_labels) {
  if (request.namespace_name.empty() && !is_namespace(request)) return true;
  if (webhook.namespace_selector.empty()) return true;
  if (is_namespace(request)) {
    // A Namespace is judged by its own labels (the old ones on DELETE).
    auto labels = labels_of(request.object ? request.object : request.old_object);
    return webhook.namespace_selector.matches(labels);
  }
  return namespace_labels && webhook.namespace_selector.matches(*namespace_labels);
}

bool object_selector_matches(const Webhook& webhook, const MatchRequest& request) {
  if (webhook.object_selector.empty()) return true;
  auto matches = [&](const boost::json::value* object) {
    return object && object->is_object() && webhook.object_selector.matches(labels_of(object));
  };
  return matches(request.object) || matches(request.old_object);
}

}  // namespace dynop::localcluster::admission
