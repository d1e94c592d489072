#pragma once
// The planner's identity in a DGD's namespace. Planner pods run as a service
// account (planner-serviceaccount by default) that nothing else creates, so
// on a real cluster ServiceAccount admission refuses them. As upstream's
// operator does, the dgd plugin ensures in each namespace with a planner:
//   - the ServiceAccount, and
//   - a RoleBinding `<service account>-binding` of it to the planner
//     ClusterRole (packaging/rbac/planner.yaml, default dynop-planner).
// Both are shared by every DGD of the namespace that has a planner service.
// Each such DGD is one of their owners (a plain ownerReference, not a
// controller one), so the garbage collector deletes them when the last of
// those DGDs is deleted; a DGD that drops its planner takes its owner entry
// out, and the last one out deletes them. Objects of those names that dynop
// did not create (no app.kubernetes.io/managed-by: dynop label) are used as
// they are and never changed or deleted.

#include <boost/json/object.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "plugins/common/dgd_view.hpp"

namespace dynop::plugins::dgd {

inline constexpr std::string_view kManagedByLabel = "app.kubernetes.io/managed-by";
inline constexpr std::string_view kManagedByDynop = "dynop";
inline constexpr std::string_view kDefaultPlannerClusterRole = "dynop-planner";

// The RoleBinding's name for a service account: `<service account>-binding`.
std::string planner_role_binding_name(std::string_view service_account);

// What to do with one of the two objects.
struct RbacObjectAction {
  enum class Kind { kNone, kCreate, kUpdate, kDelete };
  Kind kind = Kind::kNone;
  // kCreate: the new object; kUpdate: the whole object to write back (it
  // carries the resourceVersion read, so a concurrent change is a 409).
  boost::json::object object;
  std::string uid;  // kDelete: the object this plan saw
};

struct PlannerRbacPlan {
  RbacObjectAction service_account;
  RbacObjectAction role_binding;
};

struct PlannerRbacConfig {
  std::string service_account;  // the planner pods' serviceAccountName
  std::string cluster_role = std::string(kDefaultPlannerClusterRole);
};

// `service_account` and `role_binding`: the objects of those names in the
// DGD's namespace, nullptr when there is none. A DGD being deleted plans
// nothing (the garbage collector removes its owner entries).
PlannerRbacPlan plan_planner_rbac(const common::DgdView& dgd, const PlannerRbacConfig& config,
                                  const boost::json::object* service_account,
                                  const boost::json::object* role_binding);

}  // namespace dynop::plugins::dgd
