#pragma once
// The DGD's scaling adapters (DGDSA): one per service unless disabled. An
// adapter is seeded from the service's replicas only when it is created;
// afterwards the adapter is the source of truth and this plan never writes its
// spec (upstream overwrote newer adapter replicas on every DGD reconcile,
// their issue 12080). Adapters of removed or disabled services are deleted;
// an adapter deleted while enabled is created again.

#include <boost/json/object.hpp>
#include <string>
#include <vector>

#include "plugins/common/dgd_view.hpp"

namespace dynop::plugins::dgd {

struct AdapterToDelete {
  std::string name;
  std::string uid;  // delete precondition: only the adapter this plan saw
  std::string reason;
};

struct AdapterPlan {
  std::vector<boost::json::object> create;  // complete DGDSA objects
  std::vector<AdapterToDelete> remove;
  // An object with an adapter's name exists but another owner controls it:
  // it is left alone, and these messages say so (for an event on the DGD).
  std::vector<std::string> conflicts;
  bool empty() const { return create.empty() && remove.empty(); }
};

// The adapter for one service, seeded with the service's current replicas.
boost::json::object build_adapter(const common::DgdView& dgd, const common::ServiceView& service);

// `existing`: the adapters of the DGD's namespace that carry its name label or
// are owned by it (more is fine: adapters of other DGDs are never touched).
AdapterPlan plan_adapters(const common::DgdView& dgd,
                          const std::vector<boost::json::object>& existing);

}  // namespace dynop::plugins::dgd
