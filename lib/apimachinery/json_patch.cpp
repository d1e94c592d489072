#include "lib/apimachinery/json_patch.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "lib/apimachinery/json_equal.hpp"

namespace dynop::apimachinery {
namespace json = boost::json;

std::string json_pointer_escape(std::string_view token) {
  std::string out;
  out.reserve(token.size());
  for (char c : token) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

Result<std::vector<std::string>> parse_json_pointer(std::string_view pointer) {
  std::vector<std::string> tokens;
  if (pointer.empty()) return tokens;
  if (pointer[0] != '/') {
    return Error{"JSON pointer must be empty or start with a \"/\": " + std::string(pointer)};
  }
  std::string cur;
  for (size_t i = 1; i <= pointer.size(); ++i) {
    if (i == pointer.size() || pointer[i] == '/') {
      tokens.push_back(std::move(cur));
      cur.clear();
      continue;
    }
    if (pointer[i] == '~') {
      if (i + 1 < pointer.size() && pointer[i + 1] == '0') {
        cur.push_back('~');
      } else if (i + 1 < pointer.size() && pointer[i + 1] == '1') {
        cur.push_back('/');
      } else {
        return Error{"invalid JSON pointer escape in: " + std::string(pointer)};
      }
      ++i;
      continue;
    }
    cur.push_back(pointer[i]);
  }
  return tokens;
}

namespace {

// strconv.Atoi-like, digits only (no sign: negative indices are unsupported).
bool parse_index(const std::string& s, size_t& out) {
  if (s.empty() || s.size() > 18) return false;
  size_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<size_t>(c - '0');
  }
  out = v;
  return true;
}

template <class V>
V* child(V& v, const std::string& token) {
  if (v.is_object()) return v.get_object().if_contains(token);
  if (v.is_array()) {
    size_t idx;
    if (!parse_index(token, idx) || idx >= v.get_array().size()) return nullptr;
    return &v.get_array()[idx];
  }
  return nullptr;
}

// evanphx's findObject: the container holding the last token, or nullptr.
json::value* find_container(json::value& doc, const std::vector<std::string>& tokens) {
  json::value* cur = &doc;
  for (size_t i = 0; i + 1 < tokens.size(); ++i) {
    cur = child(*cur, tokens[i]);
    if (!cur) return nullptr;
  }
  if (!cur->is_object() && !cur->is_array()) return nullptr;
  return cur;
}

std::string str_field(const json::object& op, std::string_view key) {
  auto* v = op.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

Result<void> add_at(json::value& doc, const std::string& path,
                    const std::vector<std::string>& tokens, json::value value) {
  if (tokens.empty()) {
    doc = std::move(value);
    return {};
  }
  json::value* con = find_container(doc, tokens);
  if (!con) {
    return Error{"add operation does not apply: doc is missing path: \"" + path +
                 "\": missing value"};
  }
  const std::string& key = tokens.back();
  if (con->is_object()) {
    con->get_object()[key] = std::move(value);
    return {};
  }
  auto& arr = con->get_array();
  if (key == "-") {
    arr.push_back(std::move(value));
    return {};
  }
  size_t idx;
  if (!parse_index(key, idx)) {
    return Error{"error in add for path: '" + path + "': value was not a proper array index: '" +
                 key + "'"};
  }
  if (idx > arr.size()) {
    return Error{"error in add for path: '" + path + "': Unable to access invalid index: " +
                 std::to_string(idx) + ": invalid index referenced"};
  }
  arr.insert(arr.begin() + static_cast<std::ptrdiff_t>(idx), std::move(value));
  return {};
}

Result<json::value> remove_at(json::value& doc, const std::string& path,
                              const std::vector<std::string>& tokens, std::string_view opname) {
  if (tokens.empty()) {
    json::value old = std::move(doc);
    doc = nullptr;
    return old;
  }
  json::value* con = find_container(doc, tokens);
  if (!con) {
    return Error{std::string(opname) + " operation does not apply: doc is missing path: \"" + path +
                 "\": missing value"};
  }
  const std::string& key = tokens.back();
  if (con->is_object()) {
    auto& obj = con->get_object();
    auto it = obj.find(key);
    if (it == obj.end()) {
      return Error{"error in " + std::string(opname) + " for path: '" + path +
                   "': Unable to remove nonexistent key: " + key + ": missing value"};
    }
    json::value old = std::move(it->value());
    obj.erase(it);
    return old;
  }
  auto& arr = con->get_array();
  size_t idx;
  if (!parse_index(key, idx) || idx >= arr.size()) {
    return Error{"error in " + std::string(opname) + " for path: '" + path +
                 "': Unable to access invalid index: " + key + ": invalid index referenced"};
  }
  json::value old = std::move(arr[idx]);
  arr.erase(arr.begin() + static_cast<std::ptrdiff_t>(idx));
  return old;
}

Result<void> apply_one(json::value& doc, const json::object& op) {
  std::string kind = str_field(op, "op");
  auto* path_value = op.if_contains("path");
  if (kind != "add" && kind != "remove" && kind != "replace" && kind != "move" && kind != "copy" &&
      kind != "test") {
    return Error{"Unexpected kind: " + (kind.empty() ? std::string("unknown") : kind)};
  }
  if (!path_value || !path_value->is_string()) {
    return Error{kind +
                 " operation failed to decode path: operation missing path field: "
                 "missing value"};
  }
  std::string path(path_value->get_string());
  auto tokens = parse_json_pointer(path);
  if (!tokens) return Error{tokens.error()};
  const json::value* value = op.if_contains("value");

  if (kind == "add") {
    if (!value) return Error{"add operation missing value: missing value"};
    return add_at(doc, path, *tokens, *value);
  }
  if (kind == "remove") {
    auto r = remove_at(doc, path, *tokens, "remove");
    if (!r) return Error{r.error()};
    return {};
  }
  if (kind == "replace") {
    if (!value) return Error{"replace operation missing value: missing value"};
    if (tokens->empty()) {
      doc = *value;
      return {};
    }
    json::value* con = find_container(doc, *tokens);
    if (!con) {
      return Error{"replace operation does not apply: doc is missing path: " + path +
                   ": missing value"};
    }
    json::value* target = child(*con, tokens->back());
    if (!target) {
      return Error{"replace operation does not apply: doc is missing key: " + path +
                   ": missing value"};
    }
    *target = *value;
    return {};
  }
  if (kind == "test") {
    const json::value* target = resolve_json_pointer(doc, path);
    if (!target) {
      if (!tokens->empty() && !find_container(doc, *tokens)) {
        return Error{"test operation does not apply: is missing path: " + path + ": missing value"};
      }
      if (value && value->is_null()) return {};
      return Error{"testing value " + path + " failed: test failed"};
    }
    if (!value || !json_equal(*target, *value)) {
      return Error{"testing value " + path + " failed: test failed"};
    }
    return {};
  }
  // move / copy
  auto* from_value = op.if_contains("from");
  if (!from_value || !from_value->is_string()) {
    return Error{kind +
                 " operation failed to decode from: operation missing from field: "
                 "missing value"};
  }
  std::string from(from_value->get_string());
  auto from_tokens = parse_json_pointer(from);
  if (!from_tokens) return Error{from_tokens.error()};
  if (kind == "move") {
    if (path.size() > from.size() && path.compare(0, from.size(), from) == 0 &&
        path[from.size()] == '/') {
      return Error{"move operation does not apply: cannot move " + from + " into its own child " +
                   path};
    }
    if (!from_tokens->empty() && !find_container(doc, *from_tokens)) {
      return Error{"move operation does not apply: doc is missing from path: " + from +
                   ": missing value"};
    }
    auto moved = remove_at(doc, from, *from_tokens, "move");
    if (!moved) return Error{moved.error()};
    if (!tokens->empty() && !find_container(doc, *tokens)) {
      return Error{"move operation does not apply: doc is missing destination path: " + path +
                   ": missing value"};
    }
    return add_at(doc, path, *tokens, std::move(moved).value());
  }
  const json::value* source = resolve_json_pointer(doc, from);
  if (!source) {
    return Error{"copy operation does not apply: doc is missing from path: " + from +
                 ": missing value"};
  }
  json::value copy = *source;
  if (!tokens->empty() && !find_container(doc, *tokens)) {
    return Error{"copy operation does not apply: doc is missing destination path: " + path +
                 ": missing value"};
  }
  return add_at(doc, path, *tokens, std::move(copy));
}

}  // namespace

const json::value* resolve_json_pointer(const json::value& doc, std::string_view pointer) {
  auto tokens = parse_json_pointer(pointer);
  if (!tokens) return nullptr;
  const json::value* cur = &doc;
  for (const auto& t : *tokens) {
    cur = child(*cur, t);
    if (!cur) return nullptr;
  }
  return cur;
}

Result<void> validate_json_patch(const json::value& patch) {
  if (!patch.is_array()) {
    return Error{"json: cannot unmarshal " + std::string(patch.is_object() ? "object" : "value") +
                 " into Go value of type jsonpatch.Patch"};
  }
  const auto& ops = patch.get_array();
  if (ops.size() > kMaxJsonPatchOperations) {
    return Error{"The allowed maximum operations in a JSON patch is " +
                 std::to_string(kMaxJsonPatchOperations) + ", got " + std::to_string(ops.size())};
  }
  for (const auto& op : ops) {
    if (!op.is_object()) {
      return Error{"json: cannot unmarshal " + json::serialize(op) +
                   " into Go value of type jsonpatch.Operation"};
    }
  }
  return {};
}

Result<void> apply_json_patch(json::value& doc, const json::value& patch) {
  if (auto v = validate_json_patch(patch); !v) return v;
  json::value work = doc;
  for (const auto& op : patch.get_array()) {
    if (auto r = apply_one(work, op.get_object()); !r) return r;
  }
  doc = std::move(work);
  return {};
}

}  // namespace dynop::apimachinery
