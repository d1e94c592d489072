#pragma once
// The JSONPath subset kube uses for CRD printer columns
// (additionalPrinterColumns[].jsonPath) and scale subresource paths
// (specReplicasPath, statusReplicasPath, labelSelectorPath), with
// k8s.io/client-go/util/jsonpath semantics:
//   .spec.replicas   .metadata.labels.foo   ['app.kubernetes.io/name']
//   .spec.items[0]   .spec.items[-1]   .spec.items[*].name   .*
//   .status.conditions[?(@.type=="Ready")].status   (==, !=, <, >, <=, >=, or @.x to test presence)
//   ..name (recursive descent)
// An optional `{...}` wrapper and leading `$` are accepted.

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lib/apimachinery/result.hpp"
#include "lib/apimachinery/time.hpp"

namespace dynop::apimachinery {

class JsonPath {
 public:
  // Parse errors name the offending text, e.g. `unterminated filter`.
  static Result<JsonPath> parse(std::string_view expression);

  // Every value the path selects, in document order (pointers into `doc`).
  std::vector<const boost::json::value*> evaluate(const boost::json::value& doc) const;
  // The first result (what printer columns show), or nullptr.
  const boost::json::value* first(const boost::json::value& doc) const;

  // One parsed segment (exposed only so the implementation can use it).
  struct Step {
    enum class Kind { kField, kWildcard, kIndex, kFilter, kRecursive } kind = Kind::kField;
    std::string name;  // field; for kRecursive the field searched ("" = all)
    long index = 0;
    // Filter: @<filter_path> <op> <literal>, or presence when op is empty.
    std::vector<std::string> filter_path;
    std::string op;
    boost::json::value literal;
  };

 private:
  std::vector<Step> steps_;
};

// A printer-column cell as the CRD table convertor computes it: null when the
// path selects nothing; for type "string" the value printed as Go's fmt does
// (strings bare, numbers and booleans as text, objects/arrays as JSON); for
// "integer"/"number"/"boolean" the typed value or null; for "date" the age
// (human_duration since the timestamp, "<invalid>" if it does not parse).
boost::json::value printer_column_cell(const boost::json::value& doc, const JsonPath& path,
                                       std::string_view column_type, Timestamp now);

// Simple dotted paths used by the scale subresource (".spec.replicas"):
// read, and write creating intermediate objects. Fails for paths with
// brackets or non-object intermediates.
const boost::json::value* get_simple_path(const boost::json::value& doc, std::string_view path);
// The same inside an object held as such (no copy into a json::value); an
// empty path selects nothing.
const boost::json::value* get_simple_path(const boost::json::object& doc, std::string_view path);
// The string at a simple path, or "" when absent or not a string.
std::string get_simple_string(const boost::json::object& doc, std::string_view path);
Result<void> set_simple_path(boost::json::value& doc, std::string_view path,
                             boost::json::value value);

}  // namespace dynop::apimachinery
