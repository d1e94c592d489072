#pragma once
// A pod's node rules, spec.nodeSelector and required node affinity
// (nodeSelectorTerms: ORed terms of ANDed requirements, matchExpressions on
// labels and matchFields on metadata.name), compiled once per pod with
// lib/apimachinery's label requirements, and evaluated over the node
// indexes: each requirement is checked once per distinct label value, not
// once per node.

#include <cstddef>
#include <dynop/sdk/placement_views.hpp>
#include <string>
#include <vector>

#include "lib/apimachinery/label_selector.hpp"
#include "plugins/gpu-scheduler/label_index.hpp"
#include "plugins/gpu-scheduler/node_set.hpp"

namespace dynop::plugins::gpu_scheduler {

// The field a matchFields requirement may name (the only one Kubernetes allows).
inline constexpr std::string_view kNodeNameField = "metadata.name";

class NodeAffinity {
 public:
  static NodeAffinity of(const sdk::PodView& pod);

  // No rule at all: every node matches.
  bool empty() const { return selector_.empty() && !has_terms_; }
  // Identifies the rules: pods with equal signatures match the same nodes.
  const std::string& signature() const { return signature_; }

  // The nodes among `slots` that match, from `labels` and `fields` (an index
  // whose only key is kNodeNameField, the node's name).
  NodeSet matching(const LabelIndex& labels, const LabelIndex& fields, std::size_t slots) const;

 private:
  struct Term {
    bool valid = true;  // a requirement kube would refuse makes the term match nothing
    std::vector<apimachinery::LabelRequirement> expressions;
    std::vector<apimachinery::LabelRequirement> fields;
  };
  static NodeSet requirement_nodes(const apimachinery::LabelRequirement& r, const LabelIndex& index,
                                   std::size_t slots);

  std::vector<apimachinery::LabelRequirement> selector_;  // nodeSelector: key=value
  bool has_terms_ = false;
  std::vector<Term> terms_;
  std::string signature_;
};

}  // namespace dynop::plugins::gpu_scheduler
