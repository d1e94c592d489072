#include "localcluster/metrics_apis/adapter/metrics_query.hpp"

#include <algorithm>
#include <cctype>

#include "lib/apimachinery/go_quote.hpp"

namespace dynop::localcluster::metrics_apis {
using apimachinery::Error;
using apimachinery::Result;
using apimachinery::SelectorOperator;

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::string join(const std::vector<std::string>& v, std::string_view sep) {
  std::string out;
  for (const auto& s : v) {
    if (!out.empty()) out += sep;
    out += s;
  }
  return out;
}

}  // namespace

Result<MetricsQueryTemplate> MetricsQueryTemplate::compile(std::string_view text) {
  const std::string whole(text);
  auto fail = [&](const std::string& why) -> Result<MetricsQueryTemplate> {
    return Error{"unable to parse metrics query template " + apimachinery::go_quote(whole) + ": " +
                 why};
  };
  MetricsQueryTemplate out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t open = text.find("<<", pos);
    std::string literal(
        text.substr(pos, open == std::string_view::npos ? text.size() - pos : open - pos));
    if (open == std::string_view::npos) {
      out.parts_.push_back({Part::Kind::kText, literal});
      break;
    }
    std::size_t close = text.find(">>", open + 2);
    if (close == std::string_view::npos) return fail("unclosed action");
    std::string_view action = text.substr(open + 2, close - open - 2);
    // "<<- " trims the text before, " ->>" the text after.
    if (action.size() >= 2 && action[0] == '-' &&
        std::isspace(static_cast<unsigned char>(action[1]))) {
      while (!literal.empty() && std::isspace(static_cast<unsigned char>(literal.back()))) {
        literal.pop_back();
      }
      action.remove_prefix(1);
    }
    bool trim_after = false;
    if (action.size() >= 2 && action.back() == '-' &&
        std::isspace(static_cast<unsigned char>(action[action.size() - 2]))) {
      trim_after = true;
      action.remove_suffix(1);
    }
    if (!literal.empty()) out.parts_.push_back({Part::Kind::kText, literal});
    std::string_view a = trim(action);
    if (a == ".Series") {
      out.parts_.push_back({Part::Kind::kSeries, ""});
    } else if (a == ".LabelMatchers") {
      out.parts_.push_back({Part::Kind::kLabelMatchers, ""});
    } else if (a == ".GroupBy") {
      out.parts_.push_back({Part::Kind::kGroupBy, ""});
    } else if (a == ".GroupBySlice") {
      out.parts_.push_back({Part::Kind::kGroupBySlice, ""});
    } else if (a == ".LabelValuesByName") {
      out.parts_.push_back({Part::Kind::kValuesByName, ""});
    } else if (a.starts_with("index .LabelValuesByName ")) {
      std::string_view key = trim(a.substr(std::string_view("index .LabelValuesByName ").size()));
      if (key.size() < 2 || key.front() != '"' || key.back() != '"') {
        return fail("unsupported action <<" + std::string(action) + ">>");
      }
      out.parts_.push_back({Part::Kind::kValueByName, std::string(key.substr(1, key.size() - 2))});
    } else if (a.starts_with("/*") && a.ends_with("*/")) {
      // a comment
    } else {
      return fail("unsupported action <<" + std::string(action) + ">>");
    }
    pos = close + 2;
    if (trim_after) {
      while (pos < text.size() && std::isspace(static_cast<unsigned char>(text[pos]))) ++pos;
    }
  }
  return out;
}

std::string MetricsQueryTemplate::render(const QueryTemplateArgs& args) const {
  std::string out;
  for (const auto& part : parts_) {
    switch (part.kind) {
      case Part::Kind::kText:
        out += part.text;
        break;
      case Part::Kind::kSeries:
        out += args.series;
        break;
      case Part::Kind::kLabelMatchers:
        out += args.label_matchers;
        break;
      case Part::Kind::kGroupBy:
        out += args.group_by;
        break;
      case Part::Kind::kGroupBySlice:
        out += "[" + join(args.group_by_slice, " ") + "]";
        break;
      case Part::Kind::kValuesByName: {
        out += "map[";
        bool first = true;
        for (const auto& [k, v] : args.label_values_by_name) {
          out += (first ? "" : " ") + k + ":" + v;
          first = false;
        }
        out += "]";
        break;
      }
      case Part::Kind::kValueByName: {
        // text/template prints a missing map key as the zero value.
        auto found = args.label_values_by_name.find(part.text);
        if (found != args.label_values_by_name.end()) out += found->second;
        break;
      }
    }
  }
  return out;
}

Result<QueryTemplateArgs> build_external_args(const std::string& series,
                                              const apimachinery::LabelSelector& selector,
                                              const std::string& namespace_label,
                                              const std::string& ns) {
  QueryTemplateArgs args;
  args.series = series;
  std::vector<std::string> exprs;
  auto add = [&](const std::string& label, SelectorOperator op,
                 std::vector<std::string> values) -> Result<void> {
    std::sort(values.begin(), values.end());
    values.erase(std::unique(values.begin(), values.end()), values.end());
    if (label.empty()) return Error{"label not specified"};
    const char* matcher = nullptr;  // "=", "!=", "=~", "!~"
    std::string target;
    if (values.empty()) {
      if (op == SelectorOperator::kExists)
        matcher = "!=";
      else if (op == SelectorOperator::kDoesNotExist)
        matcher = "=";
      else
        return Error{"malformed query"};
    } else if (values.size() == 1) {
      switch (op) {
        case SelectorOperator::kEquals:
        case SelectorOperator::kDoubleEquals:
          matcher = "=";
          break;
        case SelectorOperator::kNotEquals:
          matcher = "!=";
          break;
        case SelectorOperator::kIn:
          matcher = "=~";
          break;
        case SelectorOperator::kNotIn:
          matcher = "!~";
          break;
        default:
          return Error{"operator not supported by query builder"};
      }
      target = values[0];
    } else {
      switch (op) {
        case SelectorOperator::kEquals:
        case SelectorOperator::kDoubleEquals:
        case SelectorOperator::kIn:
          matcher = "=~";
          break;
        case SelectorOperator::kNotEquals:
        case SelectorOperator::kNotIn:
          matcher = "!~";
          break;
        default:
          return Error{"operator not supported by query builder"};
      }
      for (const auto& v : values) target += (target.empty() ? "" : "|") + v;
    }
    exprs.push_back(label + matcher + apimachinery::go_quote(target));
    std::string joined;
    for (const auto& v : values) joined += (joined.empty() ? "" : "|") + v;
    args.label_values_by_name[label] = joined;
    return {};
  };
  for (const auto& r : selector.requirements()) {
    if (r.op() == SelectorOperator::kGreaterThan || r.op() == SelectorOperator::kLessThan) {
      return Error{"operator not supported by query builder"};
    }
    if (auto added = add(r.key(), r.op(), r.values()); !added) return Error{added.error()};
  }
  if (!ns.empty()) {
    if (auto added = add(namespace_label, SelectorOperator::kEquals, {ns}); !added) {
      return Error{added.error()};
    }
  }
  for (const auto& e : exprs) {
    if (!args.label_matchers.empty()) args.label_matchers += ",";
    args.label_matchers += e;
  }
  return args;
}

}  // namespace dynop::localcluster::metrics_apis
