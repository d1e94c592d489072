#pragma once
// Label selectors as k8s.io/apimachinery/pkg/labels and metav1.LabelSelector
// define them.
//
// String form (the `labelSelector` query parameter, `kubectl -l`):
//   a=b  a==b  a!=b  a in (x,y)  a notin (x)  a  !a  a>1  a<1, comma-joined.
// Parse errors read exactly as kube's, e.g.
//   unable to parse requirement: found ')', expected: identifier
//   unable to parse requirement: <nil>: Invalid value: "-a": name part must ...
// Requirements are kept sorted by key (stable), values sorted and unique, so
// to_string() is kube's canonical form: `a=b,c in (x,y),!d`.
//
// JSON form (LabelSelector: matchLabels + matchExpressions with In, NotIn,
// Exists, DoesNotExist) converts both ways; a null selector matches nothing,
// an empty one everything (LabelSelectorAsSelector semantics).
//
// Matching is precompiled: values are sorted vectors and Gt/Lt bounds are
// parsed once, so informer indexes can call matches() per object cheaply.

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lib/apimachinery/field_error.hpp"
#include "lib/apimachinery/result.hpp"

namespace dynop::apimachinery {

enum class SelectorOperator {
  kEquals,        // "="
  kDoubleEquals,  // "=="
  kNotEquals,     // "!="
  kIn,            // "in"
  kNotIn,         // "notin"
  kExists,        // "exists"  (bare key)
  kDoesNotExist,  // "!"       (!key)
  kGreaterThan,   // "gt"      (key>N)
  kLessThan,      // "lt"      (key<N)
};

// selection.Operator's string ("=", "==", "!=", "in", "notin", "exists", "!", "gt", "lt").
std::string_view to_string(SelectorOperator op);

class LabelRequirement {
 public:
  // labels.NewRequirement: validates the key (qualified name), the values
  // (label values; an integer for Gt/Lt) and their count for the operator.
  // Values are kept in the given order (matching does not care; to_string
  // sorts them).
  static Result<LabelRequirement> make(std::string key, SelectorOperator op,
                                       std::vector<std::string> values);

  // No validation: for values that were validated already. Still precompiles.
  static LabelRequirement unchecked(std::string key, SelectorOperator op,
                                    std::vector<std::string> values);

  const std::string& key() const { return key_; }
  SelectorOperator op() const { return op_; }
  const std::vector<std::string>& values() const { return values_; }

  // `value` is the label's value, or nullopt when the label is absent.
  bool matches(std::optional<std::string_view> value) const;
  // Requirement.String(): `key=v`, `key in (a,b)`, `!key`, `key>3` (values sorted).
  std::string to_string() const;

 private:
  bool has_value(std::string_view v) const;

  std::string key_;
  SelectorOperator op_ = SelectorOperator::kExists;
  std::vector<std::string> values_;
  std::vector<std::string> sorted_values_;  // for matching
  int64_t bound_ = 0;                       // Gt/Lt
};

class LabelSelector {
 public:
  // Matches every object (labels.Everything()).
  LabelSelector() = default;
  // Matches no object (labels.Nothing(), what a null LabelSelector means).
  static LabelSelector nothing();
  // labels.Parse. Leading/trailing whitespace and spaces around operators are
  // allowed; an empty string selects everything.
  static Result<LabelSelector> parse(std::string_view selector);
  // metav1.LabelSelectorAsSelector on the JSON form. `null` -> nothing(),
  // `{}` -> everything. Errors like kube's: `"Foo" is not a valid label
  // selector operator`, `key: Invalid value: ...`.
  static Result<LabelSelector> from_json(const boost::json::value& label_selector);
  // labels.SelectorFromSet: key=value for each entry (validated).
  static Result<LabelSelector> from_map(const std::map<std::string, std::string>& labels);
  // Builds from requirements (sorted by key, stably).
  static LabelSelector from_requirements(std::vector<LabelRequirement> requirements);

  bool empty() const { return !nothing_ && requirements_.empty(); }
  bool is_nothing() const { return nothing_; }
  const std::vector<LabelRequirement>& requirements() const { return requirements_; }

  // Labels given as a JSON object (metadata.labels; non-string values are
  // treated as absent) or as a std::map; a null pointer means no labels.
  bool matches(const boost::json::object* labels) const;
  bool matches(const boost::json::object& labels) const { return matches(&labels); }
  bool matches(const std::map<std::string, std::string>& labels) const;
  // Generic form: `lookup(key)` returns std::optional<std::string_view>.
  template <class Lookup>
  bool matches_with(Lookup&& lookup) const {
    if (nothing_) return false;
    for (const auto& r : requirements_) {
      if (!r.matches(lookup(r.key()))) return false;
    }
    return true;
  }

  // Canonical string (labels.Selector.String()); "" for everything and for nothing.
  std::string to_string() const;
  // metav1.ParseToLabelSelector / SetAsLabelSelector in JSON: = and == go to
  // matchLabels, in/notin/exists/!key to matchExpressions. Fails, as kube
  // does, for != (`"!=" is not a valid label selector operator`) and for gt/lt
  // (`"gt" isn't supported in label selectors`). nothing() converts to null.
  Result<boost::json::value> to_json() const;

  // Selector.RequiresExactMatch: the single value `label` must have (from
  // `label=v`, `label==v` or `label in (v)`), for index lookups.
  std::optional<std::string> requires_exact_match(std::string_view label) const;

  // For a selector made only of = / == requirements: the key/value map
  // (labels.SelectorFromSet inverse, used for Scale.status.selector etc.).
  std::optional<std::map<std::string, std::string>> as_exact_map() const;

 private:
  std::vector<LabelRequirement> requirements_;
  bool nothing_ = false;
};

// A LabelSelector JSON object's problems as metav1 ValidateLabelSelector
// reports them (field paths under `field_path`, e.g. "spec.selector").
FieldErrors validate_label_selector_json(const boost::json::value& label_selector,
                                         std::string_view field_path);

}  // namespace dynop::apimachinery
