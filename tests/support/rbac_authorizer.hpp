#pragma once
// Kubernetes RBAC evaluated as kube-apiserver's RBAC authorizer does
// (plugin/pkg/auth/authorizer/rbac), over Roles, ClusterRoles and their
// bindings read from manifests with yaml-cpp, for tests that check
// packaging/rbac against the requests a component really made:
// - subjects: User by name, Group by the user's groups, ServiceAccount by
//   `system:serviceaccount:<namespace>:<name>`;
// - a ClusterRoleBinding's rules apply everywhere, a RoleBinding's (to a Role
//   of its namespace or to a ClusterRole) only to requests in its namespace;
// - rules: apiGroups, verbs and resources with `*`, `resource/subresource`
//   and `*/subresource`, resourceNames (any name when empty), and
//   nonResourceURLs with `*` and trailing-`*` prefixes.
// Not modelled: aggregation labels, and the checks kube makes on the bodies
// of writes (a Role's or binding's escalation, owner references): a caller
// that knows the body puts those through allowing_rules() itself.

#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <string>
#include <vector>

namespace dynop::test {

struct RbacRequest {
  std::string username;
  std::vector<std::string> groups;
  std::string verb;
  // Resource requests:
  bool is_resource_request = true;
  std::string api_group;
  std::string resource;
  std::string subresource;
  std::string namespace_name;  // "" for cluster-scoped requests
  std::string name;
  // Non-resource requests:
  std::string path;
};

class RbacAuthorizer {
 public:
  // Takes the RBAC kinds among `objects` (others are ignored).
  void add(const std::vector<YAML::Node>& objects);

  // The rules that allow `request` (each as "Kind/name rule #i"); empty when
  // none does. Every match is counted for unused_rules().
  std::vector<std::string> allowing_rules(const RbacRequest& request);
  // Rules of bound roles no request was allowed by so far.
  std::vector<std::string> unused_rules() const;

 private:
  struct Rule {
    std::string id;  // "ClusterRole/dynop rule #3"
    YAML::Node node;
    std::size_t uses = 0;
  };
  struct Role {
    std::string kind;  // Role | ClusterRole
    std::string namespace_name;
    std::string name;
    std::vector<Rule> rules;
  };
  struct Binding {
    std::string namespace_name;  // "" for a ClusterRoleBinding
    std::string role_kind;
    std::string role_name;
    YAML::Node subjects;
  };
  Role* find_role(const std::string& kind, const std::string& namespace_name,
                  const std::string& name);

  std::vector<Role> roles_;
  std::vector<Binding> bindings_;
};

}  // namespace dynop::test
