#pragma once
// Field selectors as k8s.io/apimachinery/pkg/fields defines them: the
// `fieldSelector` query parameter, e.g. `metadata.name=web-0`,
// `spec.nodeName=,status.phase!=Succeeded`, `a==b`. Terms are comma-joined;
// `\`, `,` and `=` inside values are escaped with a backslash.
//
// Errors read as kube's:
//   invalid selector: 'foo'; can't understand 'foo'
//   invalid field selector: invalid escape sequence: \x
//   invalid field selector: unescaped character in value: 61   (Go prints the rune number)
//   field label not supported: spec.foo                         (check_supported)
//
// Matching takes a caller-supplied getter (which fields a kind supports is
// the registry's business); a missing field compares as "", as kube's
// fields.Set does, so `spec.nodeName=` selects unscheduled pods.

#include <boost/json/object.hpp>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lib/apimachinery/result.hpp"

namespace dynop::apimachinery {

struct FieldRequirement {
  std::string field;
  bool equals = true;  // false for "!="
  std::string value;   // unescaped
};

class FieldSelector {
 public:
  // Selects everything.
  FieldSelector() = default;
  // fields.ParseSelector. Terms are sorted (as kube sorts the raw terms) so
  // to_string() is canonical; empty terms are skipped.
  static Result<FieldSelector> parse(std::string_view selector);
  static FieldSelector from_requirements(std::vector<FieldRequirement> requirements);

  bool empty() const { return requirements_.empty(); }
  const std::vector<FieldRequirement>& requirements() const { return requirements_; }

  // `get(field)` returns the field's value as a string ("" when absent).
  template <class Getter>
  bool matches_with(Getter&& get) const {
    for (const auto& r : requirements_) {
      bool eq = std::string_view(get(r.field)) == r.value;
      if (eq != r.equals) return false;
    }
    return true;
  }
  // Matches using field_value_of(object, field) for every term.
  bool matches(const boost::json::object& object) const;

  // kube's "field label not supported: <field>" for the first term whose
  // field is not in `supported` (metadata.name and metadata.namespace are
  // always supported, as for every kube resource).
  Result<void> check_supported(const std::vector<std::string>& supported) const;

  // The value `field=value` pins down, if a term says so (RequiresExactMatch).
  std::optional<std::string> requires_exact_match(std::string_view field) const;
  // Canonical form: `a=b,c!=d` with values escaped.
  std::string to_string() const;

 private:
  std::vector<FieldRequirement> requirements_;
};

// fields.EscapeValue / UnescapeValue.
std::string escape_field_value(std::string_view value);
Result<std::string> unescape_field_value(std::string_view value);

// A dotted path (`spec.nodeName`, `metadata.labels.app`) read from a JSON
// object and printed as kube's field sets print it: strings as is, integers
// in decimal, booleans as true/false; absent, null or non-scalar gives "".
std::string field_value_of(const boost::json::object& object, std::string_view dotted_path);

}  // namespace dynop::apimachinery
