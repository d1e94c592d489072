#pragma once
// An inventory and pods for placement plugin unit tests: builds the typed
// views the host hands placement hooks (abi.h, "typed views") from plain
// C++ values, so a test calls a plugin's hooks directly:
//
//   dynop::sdk::testing::FakeCluster cluster;
//   NodeIndex h200 = cluster.add_node("gpu-1")
//                        .label("nvidia.com/gpu.product", "NVIDIA-H200")
//                        .allocatable("nvidia.com/gpu", 8)
//                        .index();
//   dynop::sdk::testing::FakePod pod("default", "worker-0");
//   pod.request("nvidia.com/gpu", 2);
//   dynop::sdk::FilterResults out(1);
//   NodeIndex nodes[] = {h200};
//   plugin.filter(cluster.view(), cluster.view_of(pod), nodes, out);
//
// Views stay valid until the cluster or pod is changed. Single-threaded.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dynop/abi.h"
#include "dynop/sdk/placement_views.hpp"
#include "dynop/sdk/status.hpp"

namespace dynop::sdk::testing {

class FakeCluster;

// A pod as a test describes it.
class FakePod {
 public:
  struct Requirement {
    std::string key;
    SelectorOperator op = SelectorOperator::kIn;
    std::vector<std::string> values;
  };
  struct Toleration {
    std::string key;
    TolerationOperator op = TolerationOperator::kEqual;
    std::string value;
    TaintEffect effect = TaintEffect::kAll;
  };

  FakePod(std::string ns, std::string name) : ns_(std::move(ns)), name_(std::move(name)) {
    uid_ = "uid-" + ns_ + "-" + name_;
  }
  FakePod& uid(std::string v) { return set(uid_, std::move(v)); }
  FakePod& label(std::string k, std::string v) { return set(labels_[std::move(k)], std::move(v)); }
  FakePod& annotation(std::string k, std::string v) {
    return set(annotations_[std::move(k)], std::move(v));
  }
  // Amounts as the host counts them: cpu in millicores, the rest in units.
  FakePod& request(std::string resource, int64_t amount) {
    return set(requests_[std::move(resource)], amount);
  }
  FakePod& node_selector(std::string k, std::string v) {
    return set(node_selector_[std::move(k)], std::move(v));
  }
  // One required node affinity term (terms are ORed, requirements ANDed).
  FakePod& affinity_term(std::vector<Requirement> expressions,
                         std::vector<Requirement> fields = {}) {
    terms_.push_back({std::move(expressions), std::move(fields)});
    return changed();
  }
  FakePod& toleration(Toleration t) {
    tolerations_.push_back(std::move(t));
    return changed();
  }
  FakePod& priority(int32_t p) { return set(priority_, p); }
  FakePod& node_name(std::string n) { return set(node_name_, std::move(n)); }

 private:
  friend class FakeCluster;
  template <class T, class V>
  FakePod& set(T& field, V&& value) {
    field = std::forward<V>(value);
    return changed();
  }
  FakePod& changed() {
    built_ = false;
    return *this;
  }

  struct Term {
    std::vector<Requirement> expressions;
    std::vector<Requirement> fields;
  };
  std::string ns_, name_, uid_;
  std::map<std::string, std::string> labels_, annotations_, node_selector_;
  std::map<std::string, int64_t> requests_;
  std::vector<Term> terms_;
  std::vector<Toleration> tolerations_;
  int32_t priority_ = 0;
  std::string node_name_;

  // Whether view_ is current; a copy rebuilds its own (the original's points
  // into the original's storage).
  struct BuiltFlag {
    bool value = false;
    BuiltFlag() = default;
    BuiltFlag(const BuiltFlag&) {}
    BuiltFlag& operator=(const BuiltFlag&) {
      value = false;
      return *this;
    }
    BuiltFlag& operator=(bool v) {
      value = v;
      return *this;
    }
    operator bool() const { return value; }
  };
  // The C view and what it points into.
  BuiltFlag built_;
  dynop_pod_view view_{};
  std::vector<dynop_label> c_labels_, c_annotations_, c_node_selector_;
  std::vector<dynop_resource_amount> c_requests_;
  std::deque<std::vector<dynop_str>> c_values_;
  std::deque<std::vector<dynop_selector_requirement>> c_requirements_;
  std::vector<dynop_node_selector_term> c_terms_;
  std::vector<dynop_toleration> c_tolerations_;
};

class FakeCluster {
 public:
  class Node {
   public:
    Node& label(std::string k, std::string v) {
      labels_[std::move(k)] = std::move(v);
      return changed();
    }
    Node& taint(std::string k, std::string v, TaintEffect effect) {
      taints_.push_back({std::move(k), std::move(v), effect});
      return changed();
    }
    Node& allocatable(const std::string& resource, int64_t amount) {
      const ResourceId id = cluster_->intern(resource);
      allocatable_[id] = amount;
      return changed();
    }
    // Adds to what counts on the node (a pod bound there).
    Node& request(const std::string& resource, int64_t amount) {
      const ResourceId id = cluster_->intern(resource);
      requested_[id] += amount;
      return changed();
    }
    Node& ready(bool v) { return flag(DYNOP_NODE_READY, v); }
    Node& unschedulable(bool v) { return flag(DYNOP_NODE_UNSCHEDULABLE, v); }
    NodeIndex index() const { return index_; }

   private:
    friend class FakeCluster;
    struct Taint {
      std::string key, value;
      TaintEffect effect;
    };
    Node& flag(uint32_t bit, bool on) {
      flags_ = on ? (flags_ | bit) : (flags_ & ~bit);
      return changed();
    }
    Node& changed() {
      cluster_->built_ = false;
      return *this;
    }
    FakeCluster* cluster_ = nullptr;
    NodeIndex index_ = 0;
    std::string name_;
    std::map<std::string, std::string> labels_;
    std::vector<Taint> taints_;
    std::map<ResourceId, int64_t> allocatable_, requested_;
    uint32_t flags_ = DYNOP_NODE_READY | DYNOP_NODE_EXISTS;
    std::vector<dynop_label> c_labels_;
    std::vector<dynop_taint> c_taints_;
    std::vector<int64_t> c_allocatable_, c_requested_;
  };

  FakeCluster() {
    for (const char* fixed : {"cpu", "memory", "pods", "ephemeral-storage"}) intern(fixed);
  }
  FakeCluster(const FakeCluster&) = delete;
  FakeCluster& operator=(const FakeCluster&) = delete;

  // A ready node with room for 110 pods (the kubelet's default).
  Node& add_node(std::string name) {
    auto node = std::make_unique<Node>();
    node->cluster_ = this;
    node->index_ = static_cast<NodeIndex>(nodes_.size());
    node->name_ = std::move(name);
    nodes_.push_back(std::move(node));
    built_ = false;
    return nodes_.back()->allocatable("pods", 110);
  }
  Node& node(NodeIndex i) { return *nodes_.at(i); }
  std::size_t node_count() const { return nodes_.size(); }
  ResourceId intern(const std::string& resource) {
    auto it = std::find(resources_.begin(), resources_.end(), resource);
    if (it != resources_.end()) return static_cast<ResourceId>(it - resources_.begin());
    resources_.push_back(resource);
    built_ = false;
    return static_cast<ResourceId>(resources_.size() - 1);
  }

  ClusterView view() {
    build();
    return ClusterView(view_);
  }
  // The pod as the host would hand it (its requests interned here).
  PodView view_of(FakePod& pod) {
    build_pod(pod);
    return PodView(pod.view_);
  }

 private:
  static dynop_str c(const std::string& s) { return dynop_str{s.data(), s.size()}; }

  void build() {
    if (built_) return;
    c_nodes_.clear();
    c_names_.clear();
    for (const std::string& r : resources_) c_names_.push_back(c(r));
    for (auto& n : nodes_) {
      n->c_labels_.clear();
      for (const auto& [k, v] : n->labels_) n->c_labels_.push_back({c(k), c(v)});
      n->c_taints_.clear();
      for (const auto& t : n->taints_)
        n->c_taints_.push_back({c(t.key), c(t.value), static_cast<int32_t>(t.effect)});
      n->c_allocatable_.assign(resources_.size(), 0);
      n->c_requested_.assign(resources_.size(), 0);
      for (const auto& [id, v] : n->allocatable_) n->c_allocatable_[id] = v;
      for (const auto& [id, v] : n->requested_) n->c_requested_[id] = v;
      dynop_node_view v{};
      v.struct_size = sizeof(dynop_node_view);
      v.name = c(n->name_);
      v.labels = n->c_labels_.data();
      v.label_count = n->c_labels_.size();
      v.taints = n->c_taints_.data();
      v.taint_count = n->c_taints_.size();
      v.allocatable = n->c_allocatable_.data();
      v.requested = n->c_requested_.data();
      v.flags = n->flags_;
      c_nodes_.push_back(v);
    }
    view_ = dynop_cluster_view{};
    view_.struct_size = sizeof(dynop_cluster_view);
    view_.nodes = c_nodes_.data();
    view_.node_count = c_nodes_.size();
    view_.resource_names = c_names_.data();
    view_.resource_count = c_names_.size();
    built_ = true;
  }

  void build_pod(FakePod& p) {
    if (p.built_) return;
    auto labels = [](const std::map<std::string, std::string>& m, std::vector<dynop_label>& out) {
      out.clear();
      for (const auto& [k, v] : m) out.push_back({c(k), c(v)});
    };
    labels(p.labels_, p.c_labels_);
    labels(p.annotations_, p.c_annotations_);
    labels(p.node_selector_, p.c_node_selector_);
    std::map<ResourceId, int64_t> requests{{kResourcePods, 1}};
    for (const auto& [name, amount] : p.requests_) requests[intern(name)] += amount;
    p.c_requests_.clear();
    for (const auto& [id, amount] : requests)
      if (amount != 0) p.c_requests_.push_back({id, amount});
    p.c_values_.clear();
    p.c_requirements_.clear();
    auto requirements = [&](const std::vector<FakePod::Requirement>& in) {
      std::vector<dynop_selector_requirement>& out = p.c_requirements_.emplace_back();
      for (const auto& r : in) {
        std::vector<dynop_str>& values = p.c_values_.emplace_back();
        for (const std::string& v : r.values) values.push_back(c(v));
        out.push_back({c(r.key), static_cast<int32_t>(r.op), values.data(), values.size()});
      }
      return &out;
    };
    p.c_terms_.clear();
    for (const auto& term : p.terms_) {
      auto* e = requirements(term.expressions);
      auto* f = requirements(term.fields);
      p.c_terms_.push_back({e->data(), e->size(), f->data(), f->size()});
    }
    p.c_tolerations_.clear();
    for (const auto& t : p.tolerations_)
      p.c_tolerations_.push_back(
          {c(t.key), static_cast<int32_t>(t.op), c(t.value), static_cast<int32_t>(t.effect)});
    dynop_pod_view& v = p.view_;
    v = dynop_pod_view{};
    v.struct_size = sizeof(dynop_pod_view);
    v.ns = c(p.ns_);
    v.name = c(p.name_);
    v.uid = c(p.uid_);
    v.labels = p.c_labels_.data();
    v.label_count = p.c_labels_.size();
    v.annotations = p.c_annotations_.data();
    v.annotation_count = p.c_annotations_.size();
    v.requests = p.c_requests_.data();
    v.request_count = p.c_requests_.size();
    v.node_selector = p.c_node_selector_.data();
    v.node_selector_count = p.c_node_selector_.size();
    v.required_node_affinity = p.c_terms_.data();
    v.required_node_affinity_count = p.c_terms_.size();
    v.tolerations = p.c_tolerations_.data();
    v.toleration_count = p.c_tolerations_.size();
    v.priority = p.priority_;
    v.node_name = c(p.node_name_);
    p.built_ = true;
  }

  std::vector<std::unique_ptr<Node>> nodes_;
  std::vector<std::string> resources_;
  bool built_ = false;
  dynop_cluster_view view_{};
  std::vector<dynop_node_view> c_nodes_;
  std::vector<dynop_str> c_names_;
};

}  // namespace dynop::sdk::testing
