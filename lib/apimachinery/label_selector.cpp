#include "lib/apimachinery/label_selector.hpp"

#include <algorithm>
#include <boost/json/array.hpp>
#include <charconv>
#include <set>

#include "lib/apimachinery/field_error_format.hpp"
#include "lib/apimachinery/go_quote.hpp"
#include "lib/apimachinery/validation.hpp"

namespace dynop::apimachinery {
namespace json = boost::json;

namespace {

std::optional<int64_t> parse_int64(std::string_view s) {
  // strconv.ParseInt(s, 10, 64): optional sign, digits only.
  if (s.empty()) return std::nullopt;
  std::string_view digits = s;
  bool neg = false;
  if (digits[0] == '+' || digits[0] == '-') {
    neg = digits[0] == '-';
    digits.remove_prefix(1);
  }
  if (digits.empty()) return std::nullopt;
  uint64_t mag = 0;
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), mag);
  if (ec != std::errc() || ptr != digits.data() + digits.size()) return std::nullopt;
  if (neg) {
    if (mag > static_cast<uint64_t>(INT64_MAX) + 1) return std::nullopt;
    return static_cast<int64_t>(0 - mag);
  }
  if (mag > static_cast<uint64_t>(INT64_MAX)) return std::nullopt;
  return static_cast<int64_t>(mag);
}

// field.Path rendering for the paths NewRequirement uses; kube passes a nil
// path from labels.Parse, which prints as "<nil>" for the key check done by
// the parser itself and as "key"/"values[i]" for NewRequirement's children.
struct ReqPath {
  std::string base;  // "" means nil
  std::string child(std::string_view name) const {
    return base.empty() ? std::string(name) : base + "." + std::string(name);
  }
};

std::string validate_key(std::string_view key, const std::string& field) {
  auto msgs = is_qualified_name(key);
  if (msgs.empty()) return "";
  std::string joined;
  for (size_t i = 0; i < msgs.size(); ++i) {
    if (i) joined += "; ";
    joined += msgs[i];
  }
  return to_string(invalid_error(field, render_bad_string(key), joined));
}

std::string validate_value(std::string_view key, std::string_view value, const std::string& field) {
  auto msgs = is_valid_label_value(value);
  if (msgs.empty()) return "";
  std::string joined;
  for (size_t i = 0; i < msgs.size(); ++i) {
    if (i) joined += "; ";
    joined += msgs[i];
  }
  return to_string(
      invalid_error(field + "[" + std::string(key) + "]", render_bad_string(value), joined));
}

std::string render_values(const std::vector<std::string>& vals) {
  // Go's %#v of []string: []string{"a", "b"}
  std::string s = "[]string{";
  for (size_t i = 0; i < vals.size(); ++i) {
    if (i) s += ", ";
    s += render_bad_string(vals[i]);
  }
  return s + "}";
}

Result<LabelRequirement> make_requirement(std::string key, SelectorOperator op,
                                          std::vector<std::string> vals, const ReqPath& path);

}  // namespace

std::string_view to_string(SelectorOperator op) {
  switch (op) {
    case SelectorOperator::kEquals:
      return "=";
    case SelectorOperator::kDoubleEquals:
      return "==";
    case SelectorOperator::kNotEquals:
      return "!=";
    case SelectorOperator::kIn:
      return "in";
    case SelectorOperator::kNotIn:
      return "notin";
    case SelectorOperator::kExists:
      return "exists";
    case SelectorOperator::kDoesNotExist:
      return "!";
    case SelectorOperator::kGreaterThan:
      return "gt";
    case SelectorOperator::kLessThan:
      return "lt";
  }
  return "";
}

Result<LabelRequirement> LabelRequirement::make(std::string key, SelectorOperator op,
                                                std::vector<std::string> values) {
  return make_requirement(std::move(key), op, std::move(values), ReqPath{});
}

namespace {

Result<LabelRequirement> make_requirement(std::string key, SelectorOperator op,
                                          std::vector<std::string> vals, const ReqPath& path) {
  std::vector<std::string> errs;
  if (auto e = validate_key(key, path.child("key")); !e.empty()) errs.push_back(e);
  std::string value_path = path.child("values");
  switch (op) {
    case SelectorOperator::kIn:
    case SelectorOperator::kNotIn:
      if (vals.empty()) {
        errs.push_back(to_string(invalid_error(value_path, render_values(vals),
                                               "for 'in', 'notin' operators, values set can't be "
                                               "empty")));
      }
      break;
    case SelectorOperator::kEquals:
    case SelectorOperator::kDoubleEquals:
    case SelectorOperator::kNotEquals:
      if (vals.size() != 1) {
        errs.push_back(to_string(invalid_error(value_path, render_values(vals),
                                               "exact-match compatibility requires one single "
                                               "value")));
      }
      break;
    case SelectorOperator::kExists:
    case SelectorOperator::kDoesNotExist:
      if (!vals.empty()) {
        errs.push_back(to_string(invalid_error(value_path, render_values(vals),
                                               "values set must be empty for exists and does not "
                                               "exist")));
      }
      break;
    case SelectorOperator::kGreaterThan:
    case SelectorOperator::kLessThan:
      if (vals.size() != 1) {
        errs.push_back(to_string(invalid_error(value_path, render_values(vals),
                                               "for 'Gt', 'Lt' operators, exactly one value is "
                                               "required")));
      }
      for (size_t i = 0; i < vals.size(); ++i) {
        if (!parse_int64(vals[i])) {
          errs.push_back(to_string(
              invalid_error(value_path + "[" + std::to_string(i) + "]", render_bad_string(vals[i]),
                            "for 'Gt', 'Lt' operators, the value must be an integer")));
        }
      }
      break;
  }
  for (size_t i = 0; i < vals.size(); ++i) {
    auto e = validate_value(key, vals[i], value_path + "[" + std::to_string(i) + "]");
    if (!e.empty()) errs.push_back(e);
  }
  if (!errs.empty()) return Error{aggregate_strings(errs)};
  return LabelRequirement::unchecked(std::move(key), op, std::move(vals));
}

// --- lexer / parser: a port of k8s.io/apimachinery/pkg/labels/selector.go ---

enum class Tok {
  kError,
  kEnd,
  kClosedPar,
  kComma,
  kDoesNotExist,
  kDoubleEquals,
  kEquals,
  kGreaterThan,
  kIdentifier,
  kIn,
  kLessThan,
  kNotEquals,
  kNotIn,
  kOpenPar,
};

struct Item {
  Tok tok;
  std::string lit;
};

bool is_whitespace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }
bool is_special(char c) {
  switch (c) {
    case '=':
    case '!':
    case '(':
    case ')':
    case ',':
    case '>':
    case '<':
      return true;
    default:
      return false;
  }
}

std::optional<Tok> keyword(std::string_view s) {
  if (s == ")") return Tok::kClosedPar;
  if (s == ",") return Tok::kComma;
  if (s == "!") return Tok::kDoesNotExist;
  if (s == "==") return Tok::kDoubleEquals;
  if (s == "=") return Tok::kEquals;
  if (s == ">") return Tok::kGreaterThan;
  if (s == "in") return Tok::kIn;
  if (s == "<") return Tok::kLessThan;
  if (s == "!=") return Tok::kNotEquals;
  if (s == "notin") return Tok::kNotIn;
  if (s == "(") return Tok::kOpenPar;
  return std::nullopt;
}

// A line-by-line port of kube's lexer, including its treatment of a NUL
// byte, which read() cannot tell from the end of input.
class Lexer {
 public:
  explicit Lexer(std::string_view s) : s_(s) {}
  Item lex() {
    char ch = read();
    while (is_whitespace(ch)) ch = read();
    if (ch == 0) return {Tok::kEnd, ""};
    unread();
    if (is_special(ch)) return scan_special();
    return scan_id();
  }

 private:
  char read() {
    if (pos_ < s_.size()) return s_[pos_++];
    return 0;
  }
  void unread() { --pos_; }

  Item scan_id() {
    std::string buffer;
    while (true) {
      char ch = read();
      if (ch == 0) break;
      if (is_special(ch) || is_whitespace(ch)) {
        unread();
        break;
      }
      buffer.push_back(ch);
    }
    if (auto k = keyword(buffer)) return {*k, buffer};
    return {Tok::kIdentifier, buffer};
  }

  Item scan_special() {
    std::string buffer;
    Item last{Tok::kError, ""};
    bool have = false;
    while (true) {
      char ch = read();
      if (ch == 0) break;
      if (!is_special(ch)) {
        unread();
        break;
      }
      buffer.push_back(ch);
      if (auto k = keyword(buffer)) {
        last = {*k, buffer};
        have = true;
      } else if (have) {
        unread();
        break;
      }
    }
    if (!have) return {Tok::kError, "error expected: keyword found '" + buffer + "'"};
    return last;
  }

  std::string_view s_;
  size_t pos_ = 0;
};

enum class Ctx { kKeyAndOperator, kValues };

class Parser {
 public:
  explicit Parser(std::string_view s) {
    Lexer l(s);
    while (true) {
      Item it = l.lex();
      bool end = it.tok == Tok::kEnd;
      items_.push_back(std::move(it));
      if (end) break;
    }
  }

  Result<std::vector<LabelRequirement>> parse() {
    std::vector<LabelRequirement> reqs;
    while (true) {
      auto [tok, lit] = lookahead(Ctx::kValues);
      switch (tok) {
        case Tok::kIdentifier:
        case Tok::kDoesNotExist: {
          auto r = parse_requirement();
          if (!r) return Error{"unable to parse requirement: " + r.error()};
          reqs.push_back(std::move(r).value());
          auto [t, l] = consume(Ctx::kValues);
          if (t == Tok::kEnd) return reqs;
          if (t == Tok::kComma) {
            auto [t2, l2] = lookahead(Ctx::kValues);
            if (t2 != Tok::kIdentifier && t2 != Tok::kDoesNotExist) {
              return Error{"found '" + l2 + "', expected: identifier after ','"};
            }
            break;
          }
          return Error{"found '" + l + "', expected: ',' or 'end of string'"};
        }
        case Tok::kEnd:
          return reqs;
        default:
          return Error{"found '" + lit + "', expected: !, identifier, or 'end of string'"};
      }
    }
  }

 private:
  std::pair<Tok, std::string> lookahead(Ctx ctx) const {
    const Item& it = items_[pos_];
    Tok t = it.tok;
    if (ctx == Ctx::kValues && (t == Tok::kIn || t == Tok::kNotIn)) t = Tok::kIdentifier;
    return {t, it.lit};
  }
  std::pair<Tok, std::string> consume(Ctx ctx) {
    auto r = lookahead(ctx);
    if (pos_ + 1 < items_.size()) ++pos_;
    return r;
  }

  Result<LabelRequirement> parse_requirement() {
    std::optional<SelectorOperator> op;
    auto [tok, lit] = consume(Ctx::kValues);
    if (tok == Tok::kDoesNotExist) {
      op = SelectorOperator::kDoesNotExist;
      std::tie(tok, lit) = consume(Ctx::kValues);
    }
    if (tok != Tok::kIdentifier) return Error{"found '" + lit + "', expected: identifier"};
    if (auto e = validate_key(lit, "<nil>"); !e.empty()) return Error{e};
    std::string key = lit;
    auto [next, next_lit] = lookahead(Ctx::kValues);
    if ((next == Tok::kEnd || next == Tok::kComma) && !op) op = SelectorOperator::kExists;
    if (op == SelectorOperator::kExists || op == SelectorOperator::kDoesNotExist) {
      return make_requirement(std::move(key), *op, {}, ReqPath{});
    }
    auto [otok, olit] = consume(Ctx::kKeyAndOperator);
    SelectorOperator bop;
    switch (otok) {
      case Tok::kIn:
        bop = SelectorOperator::kIn;
        break;
      case Tok::kEquals:
        bop = SelectorOperator::kEquals;
        break;
      case Tok::kDoubleEquals:
        bop = SelectorOperator::kDoubleEquals;
        break;
      case Tok::kGreaterThan:
        bop = SelectorOperator::kGreaterThan;
        break;
      case Tok::kLessThan:
        bop = SelectorOperator::kLessThan;
        break;
      case Tok::kNotIn:
        bop = SelectorOperator::kNotIn;
        break;
      case Tok::kNotEquals:
        bop = SelectorOperator::kNotEquals;
        break;
      default:
        return Error{"found '" + olit + "', expected: in, notin, =, ==, !=, gt, lt"};
    }
    Result<std::set<std::string>> values = std::set<std::string>{};
    if (bop == SelectorOperator::kIn || bop == SelectorOperator::kNotIn) {
      values = parse_values();
    } else {
      values = parse_exact_value();
    }
    if (!values) return Error{values.error()};
    std::vector<std::string> list(values->begin(), values->end());
    return make_requirement(std::move(key), bop, std::move(list), ReqPath{});
  }

  Result<std::set<std::string>> parse_values() {
    auto [tok, lit] = consume(Ctx::kValues);
    if (tok != Tok::kOpenPar) return Error{"found '" + lit + "' expected: '('"};
    std::tie(tok, lit) = lookahead(Ctx::kValues);
    switch (tok) {
      case Tok::kIdentifier:
      case Tok::kComma: {
        auto s = parse_identifiers_list();
        if (!s) return s;
        if (consume(Ctx::kValues).first != Tok::kClosedPar) {
          return Error{"found '" + lit + "', expected: ')'"};
        }
        return s;
      }
      case Tok::kClosedPar:
        consume(Ctx::kValues);
        return std::set<std::string>{""};
      default:
        return Error{"found '" + lit + "', expected: ',', ')' or identifier"};
    }
  }

  Result<std::set<std::string>> parse_identifiers_list() {
    std::set<std::string> s;
    while (true) {
      auto [tok, lit] = consume(Ctx::kValues);
      if (tok == Tok::kIdentifier) {
        s.insert(lit);
        auto [t2, l2] = lookahead(Ctx::kValues);
        if (t2 == Tok::kComma) continue;
        if (t2 == Tok::kClosedPar) return s;
        return Error{"found '" + l2 + "', expected: ',' or ')'"};
      }
      if (tok == Tok::kComma) {
        if (s.empty()) s.insert("");
        auto t2 = lookahead(Ctx::kValues).first;
        if (t2 == Tok::kClosedPar) {
          s.insert("");
          return s;
        }
        if (t2 == Tok::kComma) {
          consume(Ctx::kValues);
          s.insert("");
        }
        continue;
      }
      return Error{"found '" + lit + "', expected: ',', or identifier"};
    }
  }

  Result<std::set<std::string>> parse_exact_value() {
    auto t = lookahead(Ctx::kValues).first;
    if (t == Tok::kEnd || t == Tok::kComma) return std::set<std::string>{""};
    auto [tok, lit] = consume(Ctx::kValues);
    if (tok == Tok::kIdentifier) return std::set<std::string>{lit};
    return Error{"found '" + lit + "', expected: identifier"};
  }

  std::vector<Item> items_;
  size_t pos_ = 0;
};

}  // namespace

// --- LabelRequirement ---

LabelRequirement LabelRequirement::unchecked(std::string key, SelectorOperator op,
                                             std::vector<std::string> values) {
  LabelRequirement r;
  r.key_ = std::move(key);
  r.op_ = op;
  r.values_ = std::move(values);
  r.sorted_values_ = r.values_;
  std::sort(r.sorted_values_.begin(), r.sorted_values_.end());
  r.sorted_values_.erase(std::unique(r.sorted_values_.begin(), r.sorted_values_.end()),
                         r.sorted_values_.end());
  if ((op == SelectorOperator::kGreaterThan || op == SelectorOperator::kLessThan) &&
      r.values_.size() == 1) {
    if (auto v = parse_int64(r.values_[0])) r.bound_ = *v;
  }
  return r;
}

bool LabelRequirement::has_value(std::string_view v) const {
  if (sorted_values_.size() <= 4) {
    for (const auto& s : sorted_values_) {
      if (s == v) return true;
    }
    return false;
  }
  return std::binary_search(sorted_values_.begin(), sorted_values_.end(), v,
                            [](std::string_view a, std::string_view b) { return a < b; });
}

bool LabelRequirement::matches(std::optional<std::string_view> value) const {
  switch (op_) {
    case SelectorOperator::kIn:
    case SelectorOperator::kEquals:
    case SelectorOperator::kDoubleEquals:
      return value && has_value(*value);
    case SelectorOperator::kNotIn:
    case SelectorOperator::kNotEquals:
      return !value || !has_value(*value);
    case SelectorOperator::kExists:
      return value.has_value();
    case SelectorOperator::kDoesNotExist:
      return !value.has_value();
    case SelectorOperator::kGreaterThan:
    case SelectorOperator::kLessThan: {
      if (!value || values_.size() != 1 || !parse_int64(values_[0])) return false;
      auto v = parse_int64(*value);
      if (!v) return false;
      return op_ == SelectorOperator::kGreaterThan ? *v > bound_ : *v < bound_;
    }
  }
  return false;
}

std::string LabelRequirement::to_string() const {
  std::string s;
  if (op_ == SelectorOperator::kDoesNotExist) s += '!';
  s += key_;
  switch (op_) {
    case SelectorOperator::kEquals:
      s += '=';
      break;
    case SelectorOperator::kDoubleEquals:
      s += "==";
      break;
    case SelectorOperator::kNotEquals:
      s += "!=";
      break;
    case SelectorOperator::kIn:
      s += " in ";
      break;
    case SelectorOperator::kNotIn:
      s += " notin ";
      break;
    case SelectorOperator::kGreaterThan:
      s += '>';
      break;
    case SelectorOperator::kLessThan:
      s += '<';
      break;
    case SelectorOperator::kExists:
    case SelectorOperator::kDoesNotExist:
      return s;
  }
  bool set_op = op_ == SelectorOperator::kIn || op_ == SelectorOperator::kNotIn;
  if (set_op) s += '(';
  if (values_.size() == 1) {
    s += values_[0];
  } else {
    // kube sorts (but does not dedupe) values on output.
    std::vector<std::string> sorted = values_;
    std::sort(sorted.begin(), sorted.end());
    for (size_t i = 0; i < sorted.size(); ++i) {
      if (i) s += ',';
      s += sorted[i];
    }
  }
  if (set_op) s += ')';
  return s;
}

// --- LabelSelector ---

LabelSelector LabelSelector::nothing() {
  LabelSelector s;
  s.nothing_ = true;
  return s;
}

LabelSelector LabelSelector::from_requirements(std::vector<LabelRequirement> requirements) {
  LabelSelector s;
  s.requirements_ = std::move(requirements);
  std::stable_sort(
      s.requirements_.begin(), s.requirements_.end(),
      [](const LabelRequirement& a, const LabelRequirement& b) { return a.key() < b.key(); });
  return s;
}

Result<LabelSelector> LabelSelector::parse(std::string_view selector) {
  Parser p(selector);
  auto reqs = p.parse();
  if (!reqs) return Error{reqs.error()};
  return from_requirements(std::move(reqs).value());
}

Result<LabelSelector> LabelSelector::from_map(const std::map<std::string, std::string>& labels) {
  std::vector<LabelRequirement> reqs;
  for (const auto& [k, v] : labels) {
    auto r = LabelRequirement::make(k, SelectorOperator::kEquals, {v});
    if (!r) return Error{r.error()};
    reqs.push_back(std::move(r).value());
  }
  return from_requirements(std::move(reqs));
}

Result<LabelSelector> LabelSelector::from_json(const json::value& label_selector) {
  if (label_selector.is_null()) return nothing();
  if (!label_selector.is_object()) return Error{"label selector must be an object"};
  const auto& obj = label_selector.get_object();
  std::vector<LabelRequirement> reqs;
  if (auto* ml = obj.if_contains("matchLabels"); ml && !ml->is_null()) {
    if (!ml->is_object()) return Error{"matchLabels must be an object"};
    for (const auto& kv : ml->get_object()) {
      if (!kv.value().is_string()) return Error{"matchLabels values must be strings"};
      auto r = LabelRequirement::make(std::string(kv.key()), SelectorOperator::kEquals,
                                      {std::string(kv.value().get_string())});
      if (!r) return Error{r.error()};
      reqs.push_back(std::move(r).value());
    }
  }
  if (auto* me = obj.if_contains("matchExpressions"); me && !me->is_null()) {
    if (!me->is_array()) return Error{"matchExpressions must be an array"};
    for (const auto& ev : me->get_array()) {
      if (!ev.is_object()) return Error{"matchExpressions entries must be objects"};
      const auto& e = ev.get_object();
      auto str = [&](std::string_view k) -> std::string {
        auto* v = e.if_contains(k);
        return v && v->is_string() ? std::string(v->get_string()) : std::string();
      };
      std::string op_name = str("operator");
      SelectorOperator op;
      if (op_name == "In") {
        op = SelectorOperator::kIn;
      } else if (op_name == "NotIn") {
        op = SelectorOperator::kNotIn;
      } else if (op_name == "Exists") {
        op = SelectorOperator::kExists;
      } else if (op_name == "DoesNotExist") {
        op = SelectorOperator::kDoesNotExist;
      } else {
        return Error{go_quote(op_name) + " is not a valid label selector operator"};
      }
      std::vector<std::string> vals;
      if (auto* vs = e.if_contains("values"); vs && vs->is_array()) {
        for (const auto& v : vs->get_array()) {
          if (!v.is_string()) return Error{"matchExpressions values must be strings"};
          vals.emplace_back(v.get_string());
        }
      }
      auto r = LabelRequirement::make(str("key"), op, std::move(vals));
      if (!r) return Error{r.error()};
      reqs.push_back(std::move(r).value());
    }
  }
  return from_requirements(std::move(reqs));
}

bool LabelSelector::matches(const json::object* labels) const {
  return matches_with([labels](const std::string& key) -> std::optional<std::string_view> {
    if (!labels) return std::nullopt;
    auto* v = labels->if_contains(key);
    if (!v || !v->is_string()) return std::nullopt;
    return std::string_view(v->get_string());
  });
}

bool LabelSelector::matches(const std::map<std::string, std::string>& labels) const {
  return matches_with([&labels](const std::string& key) -> std::optional<std::string_view> {
    auto it = labels.find(key);
    if (it == labels.end()) return std::nullopt;
    return std::string_view(it->second);
  });
}

std::string LabelSelector::to_string() const {
  std::string s;
  for (size_t i = 0; i < requirements_.size(); ++i) {
    if (i) s += ',';
    s += requirements_[i].to_string();
  }
  return s;
}

Result<json::value> LabelSelector::to_json() const {
  if (nothing_) return json::value(nullptr);
  json::object match_labels;
  json::array match_expressions;
  for (const auto& r : requirements_) {
    std::string_view op;
    switch (r.op()) {
      case SelectorOperator::kEquals:
      case SelectorOperator::kDoubleEquals:
        if (r.values().size() != 1) return Error{"equals operator must have exactly one value"};
        match_labels[r.key()] = r.values()[0];
        continue;
      case SelectorOperator::kIn:
        op = "In";
        break;
      case SelectorOperator::kNotIn:
        op = "NotIn";
        break;
      case SelectorOperator::kExists:
        op = "Exists";
        break;
      case SelectorOperator::kDoesNotExist:
        op = "DoesNotExist";
        break;
      case SelectorOperator::kGreaterThan:
      case SelectorOperator::kLessThan:
        return Error{go_quote(apimachinery::to_string(r.op())) +
                     " isn't supported in label selectors"};
      case SelectorOperator::kNotEquals:
        return Error{go_quote(apimachinery::to_string(r.op())) +
                     " is not a valid label selector operator"};
    }
    json::object e;
    e["key"] = r.key();
    e["operator"] = op;
    if (!r.values().empty()) {
      std::vector<std::string> sorted = r.values();
      std::sort(sorted.begin(), sorted.end());
      sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
      json::array vals;
      for (auto& v : sorted) vals.emplace_back(v);
      e["values"] = std::move(vals);
    }
    match_expressions.emplace_back(std::move(e));
  }
  json::object out;
  if (!match_labels.empty()) out["matchLabels"] = std::move(match_labels);
  if (!match_expressions.empty()) out["matchExpressions"] = std::move(match_expressions);
  return json::value(std::move(out));
}

std::optional<std::string> LabelSelector::requires_exact_match(std::string_view label) const {
  if (nothing_) return std::nullopt;
  for (const auto& r : requirements_) {
    if (r.key() != label) continue;
    switch (r.op()) {
      case SelectorOperator::kEquals:
      case SelectorOperator::kDoubleEquals:
      case SelectorOperator::kIn:
        if (r.values().size() == 1) return r.values()[0];
        return std::nullopt;
      default:
        return std::nullopt;
    }
  }
  return std::nullopt;
}

std::optional<std::map<std::string, std::string>> LabelSelector::as_exact_map() const {
  if (nothing_) return std::nullopt;
  std::map<std::string, std::string> out;
  for (const auto& r : requirements_) {
    if ((r.op() != SelectorOperator::kEquals && r.op() != SelectorOperator::kDoubleEquals) ||
        r.values().size() != 1) {
      return std::nullopt;
    }
    out[r.key()] = r.values()[0];
  }
  return out;
}

FieldErrors validate_label_selector_json(const json::value& label_selector,
                                         std::string_view field_path) {
  FieldErrors errs;
  if (!label_selector.is_object()) return errs;
  const auto& obj = label_selector.get_object();
  std::string base(field_path);
  auto child = [&](std::string_view c) {
    return base.empty() ? std::string(c) : base + "." + std::string(c);
  };
  if (auto* ml = obj.if_contains("matchLabels"); ml && ml->is_object()) {
    auto more = validate_labels(ml->get_object(), child("matchLabels"));
    errs.insert(errs.end(), more.begin(), more.end());
  }
  if (auto* me = obj.if_contains("matchExpressions"); me && me->is_array()) {
    const auto& arr = me->get_array();
    for (size_t i = 0; i < arr.size(); ++i) {
      if (!arr[i].is_object()) continue;
      const auto& e = arr[i].get_object();
      std::string p = child("matchExpressions") + "[" + std::to_string(i) + "]";
      std::string op;
      if (auto* o = e.if_contains("operator"); o && o->is_string()) op = o->get_string();
      const json::array* vals = nullptr;
      if (auto* v = e.if_contains("values"); v && v->is_array()) vals = &v->get_array();
      size_t n = vals ? vals->size() : 0;
      if (op == "In" || op == "NotIn") {
        if (n == 0) {
          errs.push_back(required_error(p + ".values",
                                        "must be specified when `operator` is 'In' or 'NotIn'"));
        }
      } else if (op == "Exists" || op == "DoesNotExist") {
        if (n > 0) {
          errs.push_back(forbidden_error(
              p + ".values", "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
        }
      } else {
        errs.push_back(
            invalid_error(p + ".operator", render_bad_string(op), "not a valid selector operator"));
      }
      std::string key;
      if (auto* k = e.if_contains("key"); k && k->is_string()) key = k->get_string();
      for (auto& m : is_qualified_name(key)) {
        errs.push_back(invalid_error(p + ".key", render_bad_string(key), m));
      }
      for (size_t j = 0; j < n; ++j) {
        if (!(*vals)[j].is_string()) continue;
        std::string_view v = (*vals)[j].get_string();
        for (auto& m : is_valid_label_value(v)) {
          errs.push_back(
              invalid_error(p + ".values[" + std::to_string(j) + "]", render_bad_string(v), m));
        }
      }
    }
  }
  return errs;
}

}  // namespace dynop::apimachinery
