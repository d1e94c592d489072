#include "tests/support/rbac_authorizer.hpp"

#include <algorithm>

namespace dynop::test {

namespace {

std::string text(const YAML::Node& node) { return node ? node.as<std::string>("") : ""; }

bool contains_or_star(const YAML::Node& list, const std::string& value) {
  for (const YAML::Node& item : list) {
    const std::string entry = item.as<std::string>();
    if (entry == "*" || entry == value) return true;
  }
  return false;
}

// kube's ResourceMatches: "*", "resource/subresource" exactly, or "*/subresource".
bool resource_matches(const YAML::Node& resources, const RbacRequest& request) {
  const std::string combined =
      request.subresource.empty() ? request.resource : request.resource + "/" + request.subresource;
  for (const YAML::Node& item : resources) {
    const std::string entry = item.as<std::string>();
    if (entry == "*" || entry == combined) return true;
    if (!request.subresource.empty() && entry == "*/" + request.subresource) return true;
  }
  return false;
}

bool names_match(const YAML::Node& names, const std::string& name) {
  if (!names || names.size() == 0) return true;
  for (const YAML::Node& item : names)
    if (item.as<std::string>() == name) return true;
  return false;
}

bool non_resource_matches(const YAML::Node& urls, const std::string& path) {
  for (const YAML::Node& item : urls) {
    const std::string entry = item.as<std::string>();
    if (entry == "*" || entry == path) return true;
    if (!entry.empty() && entry.back() == '*' &&
        path.compare(0, entry.size() - 1, entry, 0, entry.size() - 1) == 0)
      return true;
  }
  return false;
}

bool rule_allows(const YAML::Node& rule, const RbacRequest& request) {
  if (!contains_or_star(rule["verbs"], request.verb)) return false;
  if (!request.is_resource_request)
    return non_resource_matches(rule["nonResourceURLs"], request.path);
  return rule["resources"] && contains_or_star(rule["apiGroups"], request.api_group) &&
         resource_matches(rule["resources"], request) &&
         names_match(rule["resourceNames"], request.name);
}

bool subject_matches(const YAML::Node& subject, const std::string& binding_namespace,
                     const RbacRequest& request) {
  const std::string kind = text(subject["kind"]);
  const std::string name = text(subject["name"]);
  if (kind == "User") return name == request.username;
  if (kind == "Group")
    return std::find(request.groups.begin(), request.groups.end(), name) != request.groups.end();
  if (kind == "ServiceAccount") {
    const std::string ns = subject["namespace"] ? text(subject["namespace"]) : binding_namespace;
    return request.username == "system:serviceaccount:" + ns + ":" + name;
  }
  return false;
}

// "nvidia.com dynamographdeployments/finalizers: update", as a reader finds it.
std::string describe_rule(const YAML::Node& rule) {
  auto joined = [](const YAML::Node& list) {
    std::string out;
    for (const YAML::Node& item : list) {
      const std::string entry = item.as<std::string>();
      out += (out.empty() ? "" : ",") + (entry.empty() ? std::string("core") : entry);
    }
    return out;
  };
  if (rule["nonResourceURLs"])
    return joined(rule["nonResourceURLs"]) + ": " + joined(rule["verbs"]);
  std::string out = joined(rule["apiGroups"]) + " " + joined(rule["resources"]);
  if (rule["resourceNames"]) out += " named " + joined(rule["resourceNames"]);
  return out + ": " + joined(rule["verbs"]);
}

}  // namespace

void RbacAuthorizer::add(const std::vector<YAML::Node>& objects) {
  for (const YAML::Node& object : objects) {
    if (text(object["apiVersion"]) != "rbac.authorization.k8s.io/v1") continue;
    const std::string kind = text(object["kind"]);
    const std::string ns = text(object["metadata"]["namespace"]);
    const std::string name = text(object["metadata"]["name"]);
    if (kind == "Role" || kind == "ClusterRole") {
      Role role{kind, kind == "Role" ? ns : "", name, {}};
      std::size_t index = 0;
      for (const YAML::Node& rule : object["rules"])
        role.rules.push_back({kind + "/" + name + " rule #" + std::to_string(++index) + " (" +
                                  describe_rule(rule) + ")",
                              rule, 0});
      roles_.push_back(std::move(role));
    } else if (kind == "RoleBinding" || kind == "ClusterRoleBinding") {
      bindings_.push_back({kind == "RoleBinding" ? ns : "", text(object["roleRef"]["kind"]),
                           text(object["roleRef"]["name"]), object["subjects"]});
    }
  }
}

RbacAuthorizer::Role* RbacAuthorizer::find_role(const std::string& kind,
                                                const std::string& namespace_name,
                                                const std::string& name) {
  for (Role& role : roles_)
    if (role.kind == kind && role.name == name &&
        (kind == "ClusterRole" || role.namespace_name == namespace_name))
      return &role;
  return nullptr;
}

std::vector<std::string> RbacAuthorizer::allowing_rules(const RbacRequest& request) {
  std::vector<std::string> out;
  for (const Binding& binding : bindings_) {
    // A RoleBinding grants only inside its namespace (never cluster-scoped
    // requests nor non-resource URLs).
    if (!binding.namespace_name.empty() &&
        (!request.is_resource_request || binding.namespace_name != request.namespace_name))
      continue;
    bool bound = false;
    for (const YAML::Node& subject : binding.subjects)
      bound = bound || subject_matches(subject, binding.namespace_name, request);
    if (!bound) continue;
    Role* role = find_role(binding.role_kind, binding.namespace_name, binding.role_name);
    if (role == nullptr) continue;  // kube ignores a binding to a missing role
    for (Rule& rule : role->rules) {
      if (!rule_allows(rule.node, request)) continue;
      ++rule.uses;
      out.push_back(rule.id);
    }
  }
  return out;
}

std::vector<std::string> RbacAuthorizer::unused_rules() const {
  std::vector<std::string> out;
  for (const Role& role : roles_) {
    const bool bound = std::any_of(bindings_.begin(), bindings_.end(), [&](const Binding& b) {
      return b.role_kind == role.kind && b.role_name == role.name &&
             (role.kind == "ClusterRole" || b.namespace_name == role.namespace_name);
    });
    if (!bound) continue;
    for (const Rule& rule : role.rules)
      if (rule.uses == 0) out.push_back(rule.id);
  }
  return out;
}

}  // namespace dynop::test
