#pragma once
// Typed, non-owning views of what the host hands placement hooks (abi.h,
// "typed views, since 1.2"): the cluster's inventory, its nodes and the pod
// being placed, already decoded by the host. Reading a view costs a pointer
// dereference; nothing here parses or allocates.
//
// Views point into host memory that is valid only during the hook call:
// copy what you keep (names as std::string, amounts as numbers), and keep
// nodes by NodeIndex, which stays valid until on_node(kRemoved) for it.
//
//   Status filter(const ClusterView& cluster, const PodView& pod,
//                 std::span<const NodeIndex> nodes, FilterResults& out) {
//     const std::optional<ResourceId> gpu = cluster.find_resource("nvidia.com/gpu");
//     for (std::size_t i = 0; i < nodes.size(); ++i) {
//       NodeView node = cluster.node(nodes[i]);
//       if (gpu && node.free(*gpu) < pod.request(*gpu))
//         out.reject(i, out.reason(StatusCode::kUnschedulable, {"Insufficient nvidia.com/gpu"}));
//     }
//     return Status::ok();
//   }

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <optional>
#include <string_view>

#include "dynop/abi.h"
#include "dynop/sdk/host.hpp"
#include "dynop/sdk/status.hpp"

namespace dynop::sdk {

using NodeIndex = uint32_t;
using ResourceId = uint32_t;
inline constexpr ResourceId kResourceCpu = DYNOP_RESOURCE_CPU;        // millicores
inline constexpr ResourceId kResourceMemory = DYNOP_RESOURCE_MEMORY;  // bytes
inline constexpr ResourceId kResourcePods = DYNOP_RESOURCE_PODS;      // pod count
inline constexpr ResourceId kResourceEphemeralStorage = DYNOP_RESOURCE_EPHEMERAL_STORAGE;

// A C array of T seen as a range of View (View(const T&) converts one element).
template <class T, class View>
class ArrayView {
 public:
  class iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = View;
    using difference_type = std::ptrdiff_t;
    using pointer = void;
    using reference = View;
    iterator() = default;
    explicit iterator(const T* p) : p_(p) {}
    View operator*() const { return View(*p_); }
    iterator& operator++() {
      ++p_;
      return *this;
    }
    iterator operator++(int) {
      iterator old = *this;
      ++p_;
      return old;
    }
    friend bool operator==(const iterator&, const iterator&) = default;

   private:
    const T* p_ = nullptr;
  };

  ArrayView() = default;
  ArrayView(const T* data, std::size_t size) : data_(size ? data : nullptr), size_(size) {}
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  View operator[](std::size_t i) const { return View(data_[i]); }
  iterator begin() const { return iterator(data_); }
  iterator end() const { return iterator(data_ + size_); }

 private:
  const T* data_ = nullptr;
  std::size_t size_ = 0;
};

// A Label read from the C array.
struct LabelItem : Label {
  explicit LabelItem(const dynop_label& l)
      : Label{to_string_view(l.name), to_string_view(l.value)} {}
};

// Labels, annotations or a nodeSelector: sorted by name, so find() is a
// binary search.
class LabelsView {
 public:
  LabelsView() = default;
  LabelsView(const dynop_label* data, std::size_t size)
      : data_(size ? data : nullptr), size_(size) {}
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  Label operator[](std::size_t i) const {
    return Label{to_string_view(data_[i].name), to_string_view(data_[i].value)};
  }
  // The value of `name`, or nullopt when absent.
  std::optional<std::string_view> find(std::string_view name) const {
    std::size_t lo = 0, hi = size_;
    while (lo < hi) {
      const std::size_t mid = lo + (hi - lo) / 2;
      const std::string_view key = to_string_view(data_[mid].name);
      if (key < name) {
        lo = mid + 1;
      } else if (name < key) {
        hi = mid;
      } else {
        return to_string_view(data_[mid].value);
      }
    }
    return std::nullopt;
  }
  ArrayView<dynop_label, LabelItem>::iterator begin() const {
    return ArrayView<dynop_label, LabelItem>(data_, size_).begin();
  }
  ArrayView<dynop_label, LabelItem>::iterator end() const {
    return ArrayView<dynop_label, LabelItem>(data_, size_).end();
  }

 private:
  const dynop_label* data_ = nullptr;
  std::size_t size_ = 0;
};

enum class TaintEffect : int32_t {
  kAll = DYNOP_TAINT_EFFECT_ALL,  // tolerations only: an empty effect
  kNoSchedule = DYNOP_TAINT_NO_SCHEDULE,
  kPreferNoSchedule = DYNOP_TAINT_PREFER_NO_SCHEDULE,
  kNoExecute = DYNOP_TAINT_NO_EXECUTE,
};

// "NoSchedule", "PreferNoSchedule", "NoExecute" ("" for kAll).
inline std::string_view to_string(TaintEffect effect) {
  switch (effect) {
    case TaintEffect::kNoSchedule:
      return "NoSchedule";
    case TaintEffect::kPreferNoSchedule:
      return "PreferNoSchedule";
    case TaintEffect::kNoExecute:
      return "NoExecute";
    default:
      return "";
  }
}

class TaintView {
 public:
  explicit TaintView(const dynop_taint& t) : t_(&t) {}
  std::string_view key() const { return to_string_view(t_->key); }
  std::string_view value() const { return to_string_view(t_->value); }
  TaintEffect effect() const { return static_cast<TaintEffect>(t_->effect); }

 private:
  const dynop_taint* t_;
};

enum class TolerationOperator : int32_t {
  kEqual = DYNOP_TOLERATION_EQUAL,
  kExists = DYNOP_TOLERATION_EXISTS,
};

class TolerationView {
 public:
  explicit TolerationView(const dynop_toleration& t) : t_(&t) {}
  std::string_view key() const { return to_string_view(t_->key); }
  TolerationOperator op() const { return static_cast<TolerationOperator>(t_->op); }
  std::string_view value() const { return to_string_view(t_->value); }
  TaintEffect effect() const { return static_cast<TaintEffect>(t_->effect); }

 private:
  const dynop_toleration* t_;
};

enum class SelectorOperator : int32_t {
  kIn = DYNOP_SELECTOR_IN,
  kNotIn = DYNOP_SELECTOR_NOT_IN,
  kExists = DYNOP_SELECTOR_EXISTS,
  kDoesNotExist = DYNOP_SELECTOR_DOES_NOT_EXIST,
  kGt = DYNOP_SELECTOR_GT,
  kLt = DYNOP_SELECTOR_LT,
};

struct StrConvert {
  std::string_view value;
  explicit StrConvert(const dynop_str& s) : value(to_string_view(s)) {}
  operator std::string_view() const { return value; }
};

class SelectorRequirementView {
 public:
  explicit SelectorRequirementView(const dynop_selector_requirement& r) : r_(&r) {}
  std::string_view key() const { return to_string_view(r_->key); }
  SelectorOperator op() const { return static_cast<SelectorOperator>(r_->op); }
  ArrayView<dynop_str, StrConvert> values() const { return {r_->values, r_->value_count}; }

 private:
  const dynop_selector_requirement* r_;
};

class NodeSelectorTermView {
 public:
  explicit NodeSelectorTermView(const dynop_node_selector_term& t) : t_(&t) {}
  ArrayView<dynop_selector_requirement, SelectorRequirementView> match_expressions() const {
    return {t_->match_expressions, t_->expression_count};
  }
  // Keys are field paths; the only one Kubernetes allows is "metadata.name".
  ArrayView<dynop_selector_requirement, SelectorRequirementView> match_fields() const {
    return {t_->match_fields, t_->field_count};
  }

 private:
  const dynop_node_selector_term* t_;
};

struct ResourceAmount {
  ResourceId resource = 0;
  int64_t amount = 0;
  ResourceAmount() = default;
  ResourceAmount(ResourceId r, int64_t a) : resource(r), amount(a) {}
  explicit ResourceAmount(const dynop_resource_amount& a)
      : resource(a.resource), amount(a.amount) {}
};

class NodeView {
 public:
  NodeView(const dynop_node_view& n, NodeIndex index, std::size_t resource_count)
      : n_(&n), index_(index), resource_count_(resource_count) {}
  NodeIndex index() const { return index_; }
  std::string_view name() const { return to_string_view(n_->name); }
  LabelsView labels() const { return {n_->labels, n_->label_count}; }
  std::optional<std::string_view> label(std::string_view name) const { return labels().find(name); }
  ArrayView<dynop_taint, TaintView> taints() const { return {n_->taints, n_->taint_count}; }
  // Amounts by resource id (0 for an id the node does not report).
  int64_t allocatable(ResourceId id) const {
    return id < resource_count_ && n_->allocatable ? n_->allocatable[id] : 0;
  }
  int64_t requested(ResourceId id) const {
    return id < resource_count_ && n_->requested ? n_->requested[id] : 0;
  }
  int64_t free(ResourceId id) const { return allocatable(id) - requested(id); }
  bool ready() const { return (n_->flags & DYNOP_NODE_READY) != 0; }
  bool unschedulable() const { return (n_->flags & DYNOP_NODE_UNSCHEDULABLE) != 0; }
  bool exists() const { return (n_->flags & DYNOP_NODE_EXISTS) != 0; }
  const dynop_node_view& raw() const { return *n_; }

 private:
  const dynop_node_view* n_;
  NodeIndex index_;
  std::size_t resource_count_;
};

class ClusterView {
 public:
  explicit ClusterView(const dynop_cluster_view& c) : c_(&c) {}
  std::size_t node_count() const { return c_->node_count; }
  NodeView node(NodeIndex i) const {
    return NodeView(*dynop_node_at(c_, i), i, c_->resource_count);
  }
  std::size_t resource_count() const { return c_->resource_count; }
  std::string_view resource_name(ResourceId id) const {
    return id < c_->resource_count ? to_string_view(c_->resource_names[id]) : std::string_view();
  }
  // The id of a resource name, if the host has met it (a linear scan over a
  // handful of names: look ids up once per call, not per node).
  std::optional<ResourceId> find_resource(std::string_view name) const {
    for (std::size_t i = 0; i < c_->resource_count; ++i)
      if (to_string_view(c_->resource_names[i]) == name) return static_cast<ResourceId>(i);
    return std::nullopt;
  }
  const dynop_cluster_view& raw() const { return *c_; }

 private:
  const dynop_cluster_view* c_;
};

class PodView {
 public:
  explicit PodView(const dynop_pod_view& p) : p_(&p) {}
  std::string_view ns() const { return to_string_view(p_->ns); }
  std::string_view name() const { return to_string_view(p_->name); }
  std::string_view uid() const { return to_string_view(p_->uid); }
  LabelsView labels() const { return {p_->labels, p_->label_count}; }
  std::optional<std::string_view> label(std::string_view name) const { return labels().find(name); }
  LabelsView annotations() const { return {p_->annotations, p_->annotation_count}; }
  std::optional<std::string_view> annotation(std::string_view name) const {
    return annotations().find(name);
  }
  // Sorted by resource id; always holds {kResourcePods, 1}.
  ArrayView<dynop_resource_amount, ResourceAmount> requests() const {
    return {p_->requests, p_->request_count};
  }
  int64_t request(ResourceId id) const {
    for (std::size_t i = 0; i < p_->request_count; ++i)
      if (p_->requests[i].resource == id) return p_->requests[i].amount;
    return 0;
  }
  LabelsView node_selector() const { return {p_->node_selector, p_->node_selector_count}; }
  // Required node affinity: the node must match one of these terms (none: no rule).
  ArrayView<dynop_node_selector_term, NodeSelectorTermView> required_node_affinity() const {
    return {p_->required_node_affinity, p_->required_node_affinity_count};
  }
  ArrayView<dynop_toleration, TolerationView> tolerations() const {
    return {p_->tolerations, p_->toleration_count};
  }
  int32_t priority() const { return p_->priority; }
  std::string_view node_name() const { return to_string_view(p_->node_name); }
  const dynop_pod_view& raw() const { return *p_; }

 private:
  const dynop_pod_view* p_;
};

}  // namespace dynop::sdk
