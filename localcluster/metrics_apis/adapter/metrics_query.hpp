#pragma once
// prometheus-adapter's metricsQuery: a Go text/template with << >> delimiters
// (pkg/naming/metrics_query.go), and the label matchers it is given for an
// external metric request.
//
// Supported actions: <<.Series>>, <<.LabelMatchers>>, <<.GroupBy>>,
// <<.GroupBySlice>>, <<.LabelValuesByName>>, <<index .LabelValuesByName "l">>,
// with Go's <<- / ->> whitespace trimming. Anything else (if, range,
// pipelines) is refused when the rule is loaded, naming the action; the
// guide's and the chart's rules use only these.

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "lib/apimachinery/label_selector.hpp"
#include "lib/apimachinery/result.hpp"

namespace dynop::localcluster::metrics_apis {

struct QueryTemplateArgs {
  std::string series;
  std::string label_matchers;
  std::map<std::string, std::string> label_values_by_name;
  std::string group_by;
  std::vector<std::string> group_by_slice;
};

class MetricsQueryTemplate {
 public:
  // Errors as upstream's: unable to parse metrics query template "<text>": <why>
  static apimachinery::Result<MetricsQueryTemplate> compile(std::string_view text);
  std::string render(const QueryTemplateArgs& args) const;

 private:
  struct Part {
    enum class Kind {
      kText,
      kSeries,
      kLabelMatchers,
      kGroupBy,
      kGroupBySlice,
      kValuesByName,
      kValueByName
    } kind;
    std::string text;  // literal text, or the label for kValueByName
  };
  std::vector<Part> parts_;
};

// The label matchers of an external metric query (BuildExternal): one per
// requirement of the request's label selector (keys sorted), then
// `<namespace_label>="<namespace>"` when both are given. Go's %q quoting.
// Fails for > and < requirements ("operator not supported by query builder").
apimachinery::Result<QueryTemplateArgs> build_external_args(
    const std::string& series, const apimachinery::LabelSelector& selector,
    const std::string& namespace_label, const std::string& ns);

}  // namespace dynop::localcluster::metrics_apis
