#include "plugins/gpu-scheduler/node_affinity.hpp"

namespace dynop::plugins::gpu_scheduler {
namespace {

using apimachinery::LabelRequirement;
using apimachinery::SelectorOperator;

SelectorOperator operator_of(sdk::SelectorOperator op) {
  switch (op) {
    case sdk::SelectorOperator::kIn:
      return SelectorOperator::kIn;
    case sdk::SelectorOperator::kNotIn:
      return SelectorOperator::kNotIn;
    case sdk::SelectorOperator::kExists:
      return SelectorOperator::kExists;
    case sdk::SelectorOperator::kDoesNotExist:
      return SelectorOperator::kDoesNotExist;
    case sdk::SelectorOperator::kGt:
      return SelectorOperator::kGreaterThan;
    case sdk::SelectorOperator::kLt:
      return SelectorOperator::kLessThan;
  }
  return SelectorOperator::kIn;
}

void append(std::string& signature, std::string_view part) {
  signature.append(std::to_string(part.size()));
  signature.push_back(':');
  signature.append(part);
}

void signature_op(std::string& signature, const sdk::SelectorRequirementView& r) {
  signature.push_back(static_cast<char>('0' + static_cast<int>(r.op())));
  for (std::string_view v : r.values()) append(signature, v);
  signature.push_back(';');
}

// nodeaffinity's NodeSelectorRequirementsAsSelector: an invalid requirement
// (bad key, Gt with two values, ...) is an error there, and the term then
// matches no node.
bool compile(const sdk::SelectorRequirementView& r, std::vector<LabelRequirement>& out,
             std::string& signature) {
  append(signature, r.key());
  signature_op(signature, r);
  std::vector<std::string> values;
  for (std::string_view v : r.values()) values.emplace_back(v);
  auto made = LabelRequirement::make(std::string(r.key()), operator_of(r.op()), std::move(values));
  if (!made) return false;
  out.push_back(std::move(*made));
  return true;
}

}  // namespace

NodeAffinity NodeAffinity::of(const sdk::PodView& pod) {
  NodeAffinity a;
  a.signature_.push_back('s');
  for (sdk::Label l : pod.node_selector()) {
    a.selector_.push_back(LabelRequirement::unchecked(
        std::string(l.name), SelectorOperator::kEquals, {std::string(l.value)}));
    append(a.signature_, l.name);
    append(a.signature_, l.value);
  }
  for (sdk::NodeSelectorTermView term : pod.required_node_affinity()) {
    a.has_terms_ = true;
    a.signature_.push_back('t');
    Term t;
    for (sdk::SelectorRequirementView r : term.match_expressions())
      t.valid = compile(r, t.expressions, a.signature_) && t.valid;
    a.signature_.push_back('f');
    for (sdk::SelectorRequirementView r : term.match_fields()) {
      // kube allows only metadata.name, with In or NotIn and exactly one
      // value (a node name, which may be longer than a label value).
      const bool ok =
          r.key() == kNodeNameField && r.values().size() == 1 &&
          (r.op() == sdk::SelectorOperator::kIn || r.op() == sdk::SelectorOperator::kNotIn);
      append(a.signature_, r.key());
      signature_op(a.signature_, r);
      if (!ok) {
        t.valid = false;
        continue;
      }
      t.fields.push_back(LabelRequirement::unchecked(
          std::string(kNodeNameField), operator_of(r.op()), {std::string(r.values()[0])}));
    }
    // An empty term matches nothing (nodeaffinity's NodeSelectorTerms).
    if (t.expressions.empty() && t.fields.empty()) t.valid = false;
    a.terms_.push_back(std::move(t));
  }
  return a;
}

NodeSet NodeAffinity::requirement_nodes(const LabelRequirement& r, const LabelIndex& index,
                                        std::size_t slots) {
  NodeSet out(slots);
  if (const auto* values = index.values_of(r.key())) {
    for (const auto& [value, nodes] : *values)
      if (r.matches(std::string_view(value))) unite(out, nodes);
  }
  if (r.matches(std::nullopt)) {
    NodeSet absent(slots);
    absent.set();
    NodeSet has = index.has_key(r.key());
    has.resize(slots);
    absent -= has;
    out |= absent;
  }
  out.resize(slots);
  return out;
}

NodeSet NodeAffinity::matching(const LabelIndex& labels, const LabelIndex& fields,
                               std::size_t slots) const {
  NodeSet out(slots);
  out.set();
  for (const LabelRequirement& r : selector_) out &= requirement_nodes(r, labels, slots);
  if (!has_terms_) return out;
  NodeSet any(slots);
  for (const Term& term : terms_) {
    if (!term.valid) continue;
    NodeSet t(slots);
    t.set();
    for (const LabelRequirement& r : term.expressions) t &= requirement_nodes(r, labels, slots);
    for (const LabelRequirement& r : term.fields) t &= requirement_nodes(r, fields, slots);
    any |= t;
  }
  out &= any;
  return out;
}

}  // namespace dynop::plugins::gpu_scheduler
