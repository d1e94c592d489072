#pragma once
// Taints and tolerations as kube-scheduler's TaintToleration and
// NodeUnschedulable plugins judge them: a node's NoSchedule and NoExecute
// taints must each be tolerated by the pod (PreferNoSchedule only matters to
// scoring), and a cordoned node (spec.unschedulable) takes only pods
// tolerating node.kubernetes.io/unschedulable:NoSchedule.

#include <dynop/sdk/placement_views.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dynop::plugins::gpu_scheduler {

struct Taint {
  std::string key;
  std::string value;
  sdk::TaintEffect effect = sdk::TaintEffect::kNoSchedule;
  friend bool operator==(const Taint&, const Taint&) = default;
};

struct Toleration {
  std::string key;
  sdk::TolerationOperator op = sdk::TolerationOperator::kEqual;
  std::string value;
  sdk::TaintEffect effect = sdk::TaintEffect::kAll;
};

// The key kube's node lifecycle puts on cordoned nodes.
inline constexpr std::string_view kUnschedulableTaintKey = "node.kubernetes.io/unschedulable";

// core/v1's Toleration.ToleratesTaint.
bool tolerates(const Toleration& toleration, std::string_view key, std::string_view value,
               sdk::TaintEffect effect);

// A pod's tolerations, copied once per pod.
class PodTolerations {
 public:
  static PodTolerations of(const sdk::PodView& pod);
  bool tolerates(const Taint& taint) const;
  // Whether the pod may go to a cordoned node.
  bool tolerates_unschedulable() const;
  // The first NoSchedule/NoExecute taint of `taints` the pod does not
  // tolerate, as kube-scheduler reports it.
  const Taint* first_untolerated(const std::vector<Taint>& taints) const;
  // Identifies the tolerations: pods with equal signatures tolerate the same nodes.
  const std::string& signature() const { return signature_; }

 private:
  std::vector<Toleration> tolerations_;
  std::string signature_;
};

}  // namespace dynop::plugins::gpu_scheduler
