#include "host/scheduler/pod_view.hpp"

#include <algorithm>

namespace dynop::host::scheduler {
namespace {

dynop_str c(const std::string& s) { return dynop_str{s.data(), s.size()}; }

void c_pairs(const StringPairs& in, std::vector<dynop_label>& out) {
  out.clear();
  out.reserve(in.size());
  for (const auto& [k, v] : in) out.push_back(dynop_label{c(k), c(v)});
}

}  // namespace

PodView::PodView(PodInfo info, ResourceTable& resources) : info_(std::move(info)) {
  c_pairs(info_.labels, labels_);
  c_pairs(info_.annotations, annotations_);
  c_pairs(info_.node_selector, node_selector_);
  requests_.push_back(dynop_resource_amount{DYNOP_RESOURCE_PODS, 1});
  for (const auto& [name, amount] : info_.requests) {
    const uint32_t id = resources.intern(name);
    if (id == DYNOP_RESOURCE_PODS) continue;  // a pod is one pod, whatever it says
    requests_.push_back(dynop_resource_amount{id, amount});
  }
  std::sort(requests_.begin(), requests_.end(),
            [](const auto& a, const auto& b) { return a.resource < b.resource; });
  auto requirements = [&](const std::vector<SelectorRequirement>& in) {
    std::vector<dynop_selector_requirement>& out = requirements_.emplace_back();
    for (const SelectorRequirement& r : in) {
      std::vector<dynop_str>& values = values_.emplace_back();
      for (const std::string& v : r.values) values.push_back(c(v));
      out.push_back(dynop_selector_requirement{c(r.key), r.op, values.data(), values.size()});
    }
    return &out;
  };
  for (const NodeSelectorTerm& term : info_.required_node_affinity) {
    auto* e = requirements(term.expressions);
    auto* f = requirements(term.fields);
    terms_.push_back(dynop_node_selector_term{e->data(), e->size(), f->data(), f->size()});
  }
  for (const TolerationInfo& t : info_.tolerations)
    tolerations_.push_back(dynop_toleration{c(t.key), t.op, c(t.value), t.effect});

  view_.struct_size = sizeof(dynop_pod_view);
  view_.ns = c(info_.ns);
  view_.name = c(info_.name);
  view_.uid = c(info_.uid);
  view_.labels = labels_.data();
  view_.label_count = labels_.size();
  view_.annotations = annotations_.data();
  view_.annotation_count = annotations_.size();
  view_.requests = requests_.data();
  view_.request_count = requests_.size();
  view_.node_selector = node_selector_.data();
  view_.node_selector_count = node_selector_.size();
  view_.required_node_affinity = terms_.data();
  view_.required_node_affinity_count = terms_.size();
  view_.tolerations = tolerations_.data();
  view_.toleration_count = tolerations_.size();
  view_.priority = info_.priority;
  view_.node_name = c(info_.node_name);
}

void PodView::set_node_name(std::string node) {
  info_.node_name = std::move(node);
  view_.node_name = c(info_.node_name);
}

}  // namespace dynop::host::scheduler
