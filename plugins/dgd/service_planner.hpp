#pragma once
// The Services upstream's operator makes for a DGD, so that `kubectl get svc`
// looks as it does upstream and a Service (and its Endpoints) reaches each
// service's pods:
//   - one per DGD service, named `<dgd>-<lower-cased service name>` (any other
//     character than [a-z0-9-], dots included, becomes '-'; cut to 63);
//   - selecting nvidia.com/dynamo-component-type, nvidia.com/dynamo-namespace
//     and nvidia.com/dynamo-component (the service name, case kept);
//   - a frontend exposes port `http` 8000, everything else `system` 9090, each
//     to the container port of the same name (pod_template.hpp gives the main
//     container those ports);
//   - controlled by the DGD, so the garbage collector deletes it with the DGD.
// The Service of a removed service is deleted; one whose selector or ports
// drifted is put back; a Service of that name controlled by something else is
// left alone (a conflict, reported as an event on the DGD).

#include <boost/json/object.hpp>
#include <string>
#include <vector>

#include "plugins/common/dgd_view.hpp"

namespace dynop::plugins::dgd {

inline constexpr int kFrontendPort = 8000;
inline constexpr int kSystemPort = 9090;
inline constexpr int kPlannerMetricsPort = 9085;

// The Service's name for one DGD service.
std::string service_object_name(std::string_view dgd, std::string_view service);

// The Service for one DGD service (no status; the API server allocates the cluster IP).
boost::json::object build_service(const common::DgdView& dgd, const common::ServiceView& service);

struct ServiceToUpdate {
  std::string name;
  boost::json::object merge_patch;  // {"spec":{"selector":...,"ports":...}}
};

struct ServiceToDelete {
  std::string name;
  std::string uid;
};

struct ServicePlan {
  std::vector<boost::json::object> create;
  std::vector<ServiceToUpdate> update;
  std::vector<ServiceToDelete> remove;
  std::vector<std::string> conflicts;
};

// `existing`: Services of the DGD's namespace carrying its name label (more
// is fine: only those the DGD controls are changed or deleted).
ServicePlan plan_services(const common::DgdView& dgd,
                          const std::vector<boost::json::object>& existing);

}  // namespace dynop::plugins::dgd
