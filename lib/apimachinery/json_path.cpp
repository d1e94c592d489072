#include "lib/apimachinery/json_path.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <charconv>

#include "lib/apimachinery/json_equal.hpp"

namespace dynop::apimachinery {
namespace json = boost::json;

namespace {

using Step = JsonPath::Step;

bool is_field_char(char c) { return c != '.' && c != '[' && c != ']' && c != ' ' && c != '}'; }

Result<json::value> parse_literal(std::string_view s) {
  if (s.size() >= 2 && (s.front() == '"' || s.front() == '\'') && s.back() == s.front()) {
    return json::value(std::string(s.substr(1, s.size() - 2)));
  }
  if (s == "true") return json::value(true);
  if (s == "false") return json::value(false);
  if (s == "null") return json::value(nullptr);
  double d = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
  if (ec == std::errc() && ptr == s.data() + s.size()) {
    long long i = 0;
    auto [p2, e2] = std::from_chars(s.data(), s.data() + s.size(), i);
    if (e2 == std::errc() && p2 == s.data() + s.size()) return json::value(i);
    return json::value(d);
  }
  return Error{"unrecognized literal in filter: " + std::string(s)};
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

Result<Step> parse_filter(std::string_view body) {
  // body: @.a.b <op> literal | @.a.b
  Step step;
  step.kind = Step::Kind::kFilter;
  body = trim(body);
  if (body.empty() || body[0] != '@')
    return Error{"filter must start with @: " + std::string(body)};
  size_t i = 1;
  while (i < body.size() && body[i] == '.') {
    ++i;
    size_t start = i;
    while (i < body.size() && is_field_char(body[i]) && body[i] != '=' && body[i] != '!' &&
           body[i] != '<' && body[i] != '>') {
      ++i;
    }
    step.filter_path.emplace_back(body.substr(start, i - start));
  }
  std::string_view rest = trim(body.substr(i));
  if (rest.empty()) return step;
  for (std::string_view op : {"==", "!=", "<=", ">=", "<", ">"}) {
    if (rest.substr(0, op.size()) == op) {
      step.op = std::string(op);
      auto lit = parse_literal(trim(rest.substr(op.size())));
      if (!lit) return Error{lit.error()};
      step.literal = std::move(lit).value();
      return step;
    }
  }
  return Error{"unrecognized filter operator in: " + std::string(body)};
}

int compare_numbers(const json::value& a, const json::value& b) {
  double x = a.to_number<double>(), y = b.to_number<double>();
  return x < y ? -1 : (x > y ? 1 : 0);
}

bool filter_matches(const Step& step, const json::value& item) {
  const json::value* cur = &item;
  for (const auto& f : step.filter_path) {
    if (!cur->is_object()) return false;
    cur = cur->get_object().if_contains(f);
    if (!cur) return false;
  }
  if (step.op.empty()) return true;
  if (step.op == "==") return json_equal(*cur, step.literal);
  if (step.op == "!=") return !json_equal(*cur, step.literal);
  int c;
  if (cur->is_number() && step.literal.is_number()) {
    c = compare_numbers(*cur, step.literal);
  } else if (cur->is_string() && step.literal.is_string()) {
    int r =
        std::string_view(cur->get_string()).compare(std::string_view(step.literal.get_string()));
    c = r < 0 ? -1 : (r > 0 ? 1 : 0);
  } else {
    return false;
  }
  if (step.op == "<") return c < 0;
  if (step.op == ">") return c > 0;
  if (step.op == "<=") return c <= 0;
  return c >= 0;
}

void recurse(const json::value& v, const std::string& name, std::vector<const json::value*>& out) {
  if (v.is_object()) {
    for (const auto& kv : v.get_object()) {
      if (name.empty() || kv.key() == name) out.push_back(&kv.value());
      recurse(kv.value(), name, out);
    }
  } else if (v.is_array()) {
    for (const auto& e : v.get_array()) {
      if (name.empty()) out.push_back(&e);
      recurse(e, name, out);
    }
  }
}

}  // namespace

Result<JsonPath> JsonPath::parse(std::string_view expr) {
  expr = trim(expr);
  if (expr.size() >= 2 && expr.front() == '{' && expr.back() == '}') {
    expr = trim(expr.substr(1, expr.size() - 2));
  }
  if (!expr.empty() && expr[0] == '$') expr.remove_prefix(1);
  JsonPath p;
  size_t i = 0;
  while (i < expr.size()) {
    char c = expr[i];
    if (c == '.') {
      if (i + 1 < expr.size() && expr[i + 1] == '.') {
        i += 2;
        size_t start = i;
        while (i < expr.size() && is_field_char(expr[i])) ++i;
        Step s;
        s.kind = Step::Kind::kRecursive;
        s.name = std::string(expr.substr(start, i - start));
        if (s.name == "*") s.name.clear();
        p.steps_.push_back(std::move(s));
        continue;
      }
      ++i;
      size_t start = i;
      while (i < expr.size() && is_field_char(expr[i])) ++i;
      std::string_view name = expr.substr(start, i - start);
      if (name.empty()) {
        if (i >= expr.size()) break;  // a lone "." selects the document
        continue;
      }
      Step s;
      if (name == "*") {
        s.kind = Step::Kind::kWildcard;
      } else {
        s.name = std::string(name);
      }
      p.steps_.push_back(std::move(s));
      continue;
    }
    if (c == '[') {
      size_t close;
      if (i + 1 < expr.size() && expr[i + 1] == '?') {
        // [?( ... )]
        close = expr.find(")]", i);
        if (close == std::string_view::npos || i + 2 >= expr.size() || expr[i + 2] != '(') {
          return Error{"unterminated filter: " + std::string(expr.substr(i))};
        }
        auto f = parse_filter(expr.substr(i + 3, close - (i + 3)));
        if (!f) return Error{f.error()};
        p.steps_.push_back(std::move(f).value());
        i = close + 2;
        continue;
      }
      close = expr.find(']', i);
      if (close == std::string_view::npos) {
        return Error{"unterminated array: " + std::string(expr.substr(i))};
      }
      std::string_view inner = trim(expr.substr(i + 1, close - i - 1));
      Step s;
      if (inner == "*") {
        s.kind = Step::Kind::kWildcard;
      } else if (inner.size() >= 2 && (inner.front() == '\'' || inner.front() == '"') &&
                 inner.back() == inner.front()) {
        s.name = std::string(inner.substr(1, inner.size() - 2));
      } else {
        long idx = 0;
        auto [ptr, ec] = std::from_chars(inner.data(), inner.data() + inner.size(), idx);
        if (ec != std::errc() || ptr != inner.data() + inner.size()) {
          return Error{"invalid array index " + std::string(inner)};
        }
        s.kind = Step::Kind::kIndex;
        s.index = idx;
      }
      p.steps_.push_back(std::move(s));
      i = close + 1;
      continue;
    }
    if (c == ' ') {
      ++i;
      continue;
    }
    // A bare leading name ("spec.replicas") is read as a field.
    size_t start = i;
    while (i < expr.size() && is_field_char(expr[i])) ++i;
    if (i == start) return Error{"unrecognized character in path: " + std::string(expr.substr(i))};
    Step s;
    s.name = std::string(expr.substr(start, i - start));
    p.steps_.push_back(std::move(s));
  }
  return p;
}

std::vector<const json::value*> JsonPath::evaluate(const json::value& doc) const {
  std::vector<const json::value*> cur{&doc};
  for (const auto& step : steps_) {
    std::vector<const json::value*> next;
    for (const json::value* v : cur) {
      switch (step.kind) {
        case Step::Kind::kField:
          if (v->is_object()) {
            if (auto* f = v->get_object().if_contains(step.name)) next.push_back(f);
          }
          break;
        case Step::Kind::kWildcard:
          if (v->is_object()) {
            for (const auto& kv : v->get_object()) next.push_back(&kv.value());
          } else if (v->is_array()) {
            for (const auto& e : v->get_array()) next.push_back(&e);
          }
          break;
        case Step::Kind::kIndex:
          if (v->is_array()) {
            const auto& a = v->get_array();
            long n = static_cast<long>(a.size());
            long idx = step.index < 0 ? n + step.index : step.index;
            if (idx >= 0 && idx < n) next.push_back(&a[static_cast<size_t>(idx)]);
          }
          break;
        case Step::Kind::kFilter:
          if (v->is_array()) {
            for (const auto& e : v->get_array()) {
              if (filter_matches(step, e)) next.push_back(&e);
            }
          } else if (v->is_object() && filter_matches(step, *v)) {
            next.push_back(v);
          }
          break;
        case Step::Kind::kRecursive:
          recurse(*v, step.name, next);
          break;
      }
    }
    cur = std::move(next);
  }
  return cur;
}

const json::value* JsonPath::first(const json::value& doc) const {
  auto all = evaluate(doc);
  return all.empty() ? nullptr : all.front();
}

json::value printer_column_cell(const json::value& doc, const JsonPath& path,
                                std::string_view column_type, Timestamp now_time) {
  const json::value* v = path.first(doc);
  if (!v || v->is_null()) return nullptr;
  if (column_type == "string") {
    switch (v->kind()) {
      case json::kind::string:
        return json::value(v->get_string());
      case json::kind::bool_:
        return json::value(v->get_bool() ? "true" : "false");
      case json::kind::int64:
        return json::value(std::to_string(v->get_int64()));
      case json::kind::uint64:
        return json::value(std::to_string(v->get_uint64()));
      case json::kind::double_: {
        char buf[64];
        auto r = std::to_chars(buf, buf + sizeof buf, v->get_double());
        return json::value(std::string(buf, r.ptr));
      }
      default:
        return json::value(json::serialize(*v));
    }
  }
  if (column_type == "integer") {
    if (v->is_int64() || v->is_uint64()) return *v;
    if (v->is_double()) return json::value(static_cast<int64_t>(v->get_double()));
    return nullptr;
  }
  if (column_type == "number") {
    if (v->is_number()) return json::value(v->to_number<double>());
    return nullptr;
  }
  if (column_type == "boolean") {
    if (v->is_bool()) return *v;
    return nullptr;
  }
  if (column_type == "date") {
    if (!v->is_string()) return nullptr;
    auto t = parse_time(v->get_string());
    if (!t) return json::value("<invalid>");
    return json::value(translate_timestamp_since(*t, now_time));
  }
  return nullptr;
}

const json::value* get_simple_path(const json::object& doc, std::string_view path) {
  if (!path.empty() && path[0] == '.') path.remove_prefix(1);
  const json::object* parent = &doc;
  while (parent) {
    size_t dot = path.find('.');
    const json::value* cur = parent->if_contains(path.substr(0, dot));
    if (!cur || dot == std::string_view::npos) return cur;
    path.remove_prefix(dot + 1);
    if (path.empty()) return cur;
    parent = cur->if_object();
  }
  return nullptr;
}

const json::value* get_simple_path(const json::value& doc, std::string_view path) {
  if (path.empty() || path == ".") return &doc;
  return doc.is_object() ? get_simple_path(doc.get_object(), path) : nullptr;
}

std::string get_simple_string(const json::object& doc, std::string_view path) {
  const auto* v = get_simple_path(doc, path);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

Result<void> set_simple_path(json::value& doc, std::string_view path, json::value value) {
  std::string_view full = path;
  if (!path.empty() && path[0] == '.') path.remove_prefix(1);
  if (path.empty() || path.find_first_of("[]") != std::string_view::npos) {
    return Error{"unsupported path: " + std::string(full)};
  }
  json::value* cur = &doc;
  while (true) {
    size_t dot = path.find('.');
    std::string_view key = path.substr(0, dot);
    if (cur->is_null()) *cur = json::object();
    if (!cur->is_object()) {
      return Error{"cannot set " + std::string(full) + ": " + std::string(key) +
                   " is inside a non-object value"};
    }
    json::value& next = cur->get_object()[key];
    if (dot == std::string_view::npos) {
      next = std::move(value);
      return {};
    }
    cur = &next;
    path = path.substr(dot + 1);
  }
}

}  // namespace dynop::apimachinery
