#pragma once
// A PodInfo together with the C view placement hooks read (dynop_pod_view):
// the view points into the PodInfo's strings, so the two live together and
// never move (hold a PodView by unique_ptr, or in place).

#include <deque>
#include <string>
#include <vector>

#include "dynop/abi.h"
#include "host/scheduler/pod_info.hpp"
#include "host/scheduler/resource_table.hpp"

namespace dynop::host::scheduler {

class PodView {
 public:
  // Interns the pod's resource names into `resources`.
  PodView(PodInfo info, ResourceTable& resources);
  PodView(const PodView&) = delete;
  PodView& operator=(const PodView&) = delete;

  const PodInfo& info() const { return info_; }
  const dynop_pod_view& view() const { return view_; }
  // Requests by resource id, sorted, with the pod count: what counts on a node.
  const std::vector<dynop_resource_amount>& requests() const { return requests_; }
  // Replaces the node name the view shows (pods assigned by this host).
  void set_node_name(std::string node);

 private:
  PodInfo info_;
  dynop_pod_view view_{};
  std::vector<dynop_label> labels_, annotations_, node_selector_;
  std::vector<dynop_resource_amount> requests_;
  std::deque<std::vector<dynop_str>> values_;
  std::deque<std::vector<dynop_selector_requirement>> requirements_;
  std::vector<dynop_node_selector_term> terms_;
  std::vector<dynop_toleration> tolerations_;
};

}  // namespace dynop::host::scheduler
