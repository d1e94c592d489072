#include "lib/yaml/yaml_reader.hpp"

#include <cmath>
#include <limits>
#include <set>

#include "lib/apimachinery/time.hpp"

namespace dynop::yaml {

using apimachinery::Error;
using apimachinery::Result;

namespace {

std::string found(const YAML::Node& node) {
  if (node.IsScalar()) return ", found \"" + node.Scalar() + "\"";
  if (node.IsSequence()) return ", found a list";
  if (node.IsMap()) return ", found a mapping";
  return "";
}

}  // namespace

Result<YAML::Node> Reader::parse(std::string_view text) const {
  try {
    return YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    return Error{source_ + ":" + std::to_string(e.mark.line + 1) + ":" +
                 std::to_string(e.mark.column + 1) + ": not valid YAML: " + e.msg};
  }
}

Error Reader::at(const YAML::Node& node, const std::string& what) const {
  const YAML::Mark mark = node.IsDefined() ? node.Mark() : YAML::Mark::null_mark();
  if (mark.is_null() || mark.line < 0) return Error{source_ + ": " + what};
  return Error{source_ + ":" + std::to_string(mark.line + 1) + ":" +
               std::to_string(mark.column + 1) + ": " + what};
}

Result<void> Reader::known_keys(const YAML::Node& map, const std::string& where,
                                std::initializer_list<const char*> keys) const {
  if (!map.IsMap()) return at(map, where + " must be a mapping" + found(map));
  std::set<std::string> allowed(keys.begin(), keys.end());
  std::set<std::string> seen;
  for (const auto& kv : map) {
    const std::string key = kv.first.Scalar();
    if (!allowed.count(key)) {
      std::string list;
      for (const char* k : keys) list += (list.empty() ? "" : ", ") + std::string(k);
      return at(kv.first, where + ": unknown field \"" + key + "\" (known: " + list + ")");
    }
    if (!seen.insert(key).second) return at(kv.first, where + ": \"" + key + "\" is set twice");
  }
  return {};
}

Result<std::string> Reader::string(const YAML::Node& node, const std::string& what) const {
  if (!node.IsScalar()) return at(node, what + " must be a string" + found(node));
  return node.Scalar();
}

Result<bool> Reader::boolean(const YAML::Node& node, const std::string& what) const {
  bool v = false;
  if (!node.IsScalar() || !YAML::convert<bool>::decode(node, v)) {
    return at(node, what + " must be true or false" + found(node));
  }
  return v;
}

Result<double> Reader::number(const YAML::Node& node, const std::string& what) const {
  double v = 0;
  if (!node.IsScalar() || !YAML::convert<double>::decode(node, v) || !std::isfinite(v)) {
    return at(node, what + " must be a number" + found(node));
  }
  return v;
}

Result<double> Reader::non_negative(const YAML::Node& node, const std::string& what) const {
  auto v = number(node, what);
  if (v && *v < 0) return at(node, what + " must not be negative");
  return v;
}

Result<double> Reader::positive(const YAML::Node& node, const std::string& what) const {
  auto v = number(node, what);
  if (v && !(*v > 0)) return at(node, what + " must be greater than 0");
  return v;
}

Result<std::int64_t> Reader::integer(const YAML::Node& node, const std::string& what,
                                     std::int64_t min, std::int64_t max) const {
  std::int64_t v = 0;
  if (!node.IsScalar() || !YAML::convert<std::int64_t>::decode(node, v)) {
    return at(node, what + " must be a whole number" + found(node));
  }
  if (v < min || v > max) {
    std::string range = max == std::numeric_limits<std::int64_t>::max()
                            ? "at least " + std::to_string(min)
                            : "between " + std::to_string(min) + " and " + std::to_string(max);
    return at(node, what + " must be " + range + ", found " + std::to_string(v));
  }
  return v;
}

Result<apimachinery::Quantity> Reader::quantity(const YAML::Node& node,
                                                const std::string& what) const {
  if (!node.IsScalar())
    return at(node, what + " must be a quantity like 64 or 512Gi" + found(node));
  auto q = apimachinery::Quantity::parse(node.Scalar());
  if (!q.ok()) {
    return at(node, what + " must be a quantity like 64 or 512Gi" + found(node));
  }
  if (q->sign() < 0) return at(node, what + " must not be negative" + found(node));
  return *q;
}

Result<double> Reader::bytes(const YAML::Node& node, const std::string& what) const {
  if (!node.IsScalar()) return at(node, what + " must be a quantity like 512Mi" + found(node));
  auto q = apimachinery::Quantity::parse(node.Scalar());
  if (!q.ok() || q->value() < 0) {
    return at(node, what + " must be a quantity like 512Mi" + found(node));
  }
  return static_cast<double>(q->value());
}

Result<std::chrono::nanoseconds> Reader::duration(const YAML::Node& node,
                                                  const std::string& what) const {
  if (!node.IsScalar())
    return at(node, what + " must be a duration like 30s or 1m30s" + found(node));
  auto d = apimachinery::parse_go_duration(node.Scalar());
  if (!d) return at(node, what + ": " + d.error());
  if (d->count() < 0) return at(node, what + " must not be negative" + found(node));
  return *d;
}

}  // namespace dynop::yaml
