#include "lib/admission/admission_request.hpp"

#include <simdjson.h>

#include <boost/json.hpp>
#include <utility>

namespace dynop::admission {
namespace {

namespace od = simdjson::ondemand;

constexpr std::string_view kWhere = "AdmissionReview ";

std::string_view type_name(od::json_type type) {
  switch (type) {
    case od::json_type::object:
      return "object";
    case od::json_type::array:
      return "array";
    case od::json_type::number:
      return "number";
    case od::json_type::string:
      return "string";
    case od::json_type::boolean:
      return "boolean";
    case od::json_type::null:
      return "null";
  }
  return "unknown";
}

// Walks one request body with simdjson On-Demand. Every reader returns false
// after recording the first error; the path in that error is the JSON path a
// user would write (`request.userInfo.groups[1]`).
class RequestDecoder {
 public:
  // `bare`: the body is the `request` object alone, as the SDK hands it to
  // an admission plugin, rather than a whole AdmissionReview.
  RequestDecoder(const simdjson::padded_string& body, bool bare) : body_(body), bare_(bare) {}

  RequestDecodeResult run() {
    RequestDecodeResult result;
    AdmissionRequest request;
    if (decode(request)) {
      result.request = std::move(request);
      result.request_json = std::move(request_json_);
    } else {
      result.error = std::move(error_);
    }
    result.uid = std::move(uid_seen_);
    return result;
  }

 private:
  bool fail(std::string message) {
    error_ = std::move(message);
    return false;
  }

  // A syntax error from simdjson, with the byte offset where it was noticed.
  bool fail_syntax(simdjson::error_code code, od::document& doc) {
    std::string message = "request body is not valid JSON: ";
    message += simdjson::error_message(code);
    const char* at = nullptr;
    if (doc.current_location().get(at) == simdjson::SUCCESS && at != nullptr) {
      auto offset = at - body_.data();
      if (offset >= 0 && static_cast<std::size_t>(offset) <= body_.size()) {
        message += " (near byte " + std::to_string(offset) + ")";
      }
    }
    return fail(std::move(message));
  }

  bool fail_type(std::string_view path, std::string_view expected, od::json_type got) {
    std::string message(kWhere);
    message += path;
    message += ": expected ";
    message += expected;
    message += ", got ";
    message += type_name(got);
    return fail(std::move(message));
  }

  // Reads the type of `value`; a syntax error there is reported as such.
  bool type_of(od::value& value, od::json_type& type) {
    auto code = value.type().get(type);
    return code == simdjson::SUCCESS || fail_syntax(code, *doc_);
  }

  // Go's encoding/json decodes null into "" for a string field; so do we.
  bool read_string(od::value value, std::string_view path, std::string& out) {
    od::json_type type;
    if (!type_of(value, type)) return false;
    if (type == od::json_type::null) {
      out.clear();
      return true;
    }
    if (type != od::json_type::string) return fail_type(path, "a string", type);
    std::string_view text;
    if (auto code = value.get_string().get(text)) return fail_syntax(code, *doc_);
    out.assign(text);
    return true;
  }

  bool read_bool(od::value value, std::string_view path, bool& out) {
    od::json_type type;
    if (!type_of(value, type)) return false;
    if (type == od::json_type::null) {
      out = false;
      return true;
    }
    if (type != od::json_type::boolean) return fail_type(path, "a boolean", type);
    if (auto code = value.get_bool().get(out)) return fail_syntax(code, *doc_);
    return true;
  }

  bool read_string_array(od::value value, const std::string& path, std::vector<std::string>& out) {
    od::json_type type;
    if (!type_of(value, type)) return false;
    out.clear();
    if (type == od::json_type::null) return true;
    if (type != od::json_type::array) return fail_type(path, "an array of strings", type);
    od::array array;
    if (auto code = value.get_array().get(array)) return fail_syntax(code, *doc_);
    std::size_t index = 0;
    for (auto element : array) {
      od::value item;
      if (auto code = element.get(item)) return fail_syntax(code, *doc_);
      std::string text;
      if (!read_string(item, path + "[" + std::to_string(index) + "]", text)) return false;
      out.push_back(std::move(text));
      ++index;
    }
    return true;
  }

  // Objects are kept as their JSON text; null and absent both mean "none".
  bool read_raw_object(od::value value, std::string_view path, std::string& out) {
    od::json_type type;
    if (!type_of(value, type)) return false;
    out.clear();
    if (type == od::json_type::null) return true;
    if (type != od::json_type::object) return fail_type(path, "an object", type);
    const char* start = value.raw_json_token().data();
    if (!validate(value)) return false;
    out.assign(start, end_of_value());
    return true;
  }

  // Reads a value of any type to its end, so that every byte of the body is
  // checked: On-Demand only validates what is read, and skipping a broken
  // value could silently swallow the fields after it.
  bool validate(od::value value, std::size_t depth = 0) {
    od::json_type type;
    if (!type_of(value, type)) return false;
    switch (type) {
      case od::json_type::object: {
        od::object object;
        if (auto code = value.get_object().get(object)) return fail_syntax(code, *doc_);
        for (auto field : object) {
          std::string_view key;
          od::value child;
          if (auto code = field.unescaped_key().get(key)) return fail_syntax(code, *doc_);
          if (auto code = field.value().get(child)) return fail_syntax(code, *doc_);
          if (!validate(child, depth + 1)) return false;
        }
        return true;
      }
      case od::json_type::array: {
        od::array array;
        if (auto code = value.get_array().get(array)) return fail_syntax(code, *doc_);
        for (auto element : array) {
          od::value child;
          if (auto code = element.get(child)) return fail_syntax(code, *doc_);
          if (!validate(child, depth + 1)) return false;
        }
        return true;
      }
      case od::json_type::string: {
        std::string_view text;
        if (auto code = value.get_string().get(text)) return fail_syntax(code, *doc_);
        return true;
      }
      case od::json_type::number: {
        od::number number;
        if (auto code = value.get_number().get(number)) return fail_syntax(code, *doc_);
        return true;
      }
      case od::json_type::boolean: {
        bool flag = false;
        if (auto code = value.get_bool().get(flag)) return fail_syntax(code, *doc_);
        return true;
      }
      case od::json_type::null: {
        bool null = false;
        if (auto code = value.is_null().get(null)) return fail_syntax(code, *doc_);
        if (!null) return fail_syntax(simdjson::N_ATOM_ERROR, *doc_);
        return true;
      }
    }
    return true;
  }

  // Where the value that was just read to its end stops: right after its
  // last byte, found from the next token (or the end of the body).
  const char* end_of_value() {
    const char* next = nullptr;
    if (doc_->current_location().get(next) != simdjson::SUCCESS || next == nullptr) {
      next = body_.data() + body_.size();
    }
    while (next > body_.data() &&
           (next[-1] == ' ' || next[-1] == '\t' || next[-1] == '\n' || next[-1] == '\r')) {
      --next;
    }
    return next;
  }

  // Iterates the fields of an object value, calling `on_field(key, value)`;
  // fields it does not consume are skipped, as Go skips unknown fields.
  template <class OnField>
  bool for_each_field(od::value value, std::string_view path, OnField&& on_field) {
    od::json_type type;
    if (!type_of(value, type)) return false;
    if (type == od::json_type::null) return true;
    if (type != od::json_type::object) return fail_type(path, "an object", type);
    od::object object;
    if (auto code = value.get_object().get(object)) return fail_syntax(code, *doc_);
    for (auto field : object) {
      std::string_view key;
      if (auto code = field.unescaped_key().get(key)) return fail_syntax(code, *doc_);
      od::value field_value;
      if (auto code = field.value().get(field_value)) return fail_syntax(code, *doc_);
      if (!on_field(key, field_value)) return false;
    }
    return true;
  }

  bool read_gvk(od::value value, std::string_view path, GroupVersionKind& out) {
    const std::string base(path);
    return for_each_field(value, path, [&](std::string_view key, od::value v) {
      if (key == "group") return read_string(v, base + ".group", out.group);
      if (key == "version") return read_string(v, base + ".version", out.version);
      if (key == "kind") return read_string(v, base + ".kind", out.kind);
      return validate(v);
    });
  }

  bool read_gvr(od::value value, std::string_view path, GroupVersionResource& out) {
    const std::string base(path);
    return for_each_field(value, path, [&](std::string_view key, od::value v) {
      if (key == "group") return read_string(v, base + ".group", out.group);
      if (key == "version") return read_string(v, base + ".version", out.version);
      if (key == "resource") return read_string(v, base + ".resource", out.resource);
      return validate(v);
    });
  }

  // True when the value is JSON null (so optional structs stay unset).
  bool is_null(od::value& value, bool& null) {
    od::json_type type;
    if (!type_of(value, type)) return false;
    null = type == od::json_type::null;
    return true;
  }

  bool read_user_info(od::value value, UserInfo& out) {
    return for_each_field(value, "request.userInfo", [&](std::string_view key, od::value v) {
      if (key == "username") return read_string(v, "request.userInfo.username", out.username);
      if (key == "uid") return read_string(v, "request.userInfo.uid", out.uid);
      if (key == "groups") return read_string_array(v, "request.userInfo.groups", out.groups);
      if (key == "extra") {
        return for_each_field(v, "request.userInfo.extra", [&](std::string_view name, od::value e) {
          std::string extra_key(name);
          std::vector<std::string> values;
          if (!read_string_array(e, "request.userInfo.extra." + extra_key, values)) return false;
          out.extra[std::move(extra_key)] = std::move(values);
          return true;
        });
      }
      return validate(v);
    });
  }

  bool read_request(od::value value, AdmissionRequest& out, bool& seen_kind, bool& seen_resource,
                    bool& seen_operation) {
    return for_each_field(value, "request", [&](std::string_view key, od::value v) {
      if (key == "uid") {
        if (!read_string(v, "request.uid", out.uid)) return false;
        uid_seen_ = out.uid;
        return true;
      }
      if (key == "kind") {
        bool null = false;
        if (!is_null(v, null)) return false;
        seen_kind = !null;
        return read_gvk(v, "request.kind", out.kind);
      }
      if (key == "resource") {
        bool null = false;
        if (!is_null(v, null)) return false;
        seen_resource = !null;
        return read_gvr(v, "request.resource", out.resource);
      }
      if (key == "subResource") return read_string(v, "request.subResource", out.sub_resource);
      if (key == "requestKind") {
        bool null = false;
        if (!is_null(v, null)) return false;
        if (null) return true;
        out.request_kind.emplace();
        return read_gvk(v, "request.requestKind", *out.request_kind);
      }
      if (key == "requestResource") {
        bool null = false;
        if (!is_null(v, null)) return false;
        if (null) return true;
        out.request_resource.emplace();
        return read_gvr(v, "request.requestResource", *out.request_resource);
      }
      if (key == "requestSubResource") {
        return read_string(v, "request.requestSubResource", out.request_sub_resource);
      }
      if (key == "name") return read_string(v, "request.name", out.name);
      if (key == "namespace") return read_string(v, "request.namespace", out.namespace_);
      if (key == "operation") {
        std::string text;
        if (!read_string(v, "request.operation", text)) return false;
        auto operation = parse_operation(text);
        if (!operation) {
          return fail(std::string(kWhere) + "request.operation: unsupported value \"" + text +
                      "\"; expected CREATE, UPDATE, DELETE or CONNECT");
        }
        out.operation = *operation;
        seen_operation = true;
        return true;
      }
      if (key == "userInfo") return read_user_info(v, out.user_info);
      if (key == "object") return read_raw_object(v, "request.object", out.object);
      if (key == "oldObject") return read_raw_object(v, "request.oldObject", out.old_object);
      if (key == "dryRun") return read_bool(v, "request.dryRun", out.dry_run);
      if (key == "options") return read_raw_object(v, "request.options", out.options);
      return validate(v);
    });
  }

  // Looks up a top-level field by name; `found` is false when it is absent.
  bool find_top(od::object& top, std::string_view key, od::value& out, bool& found) {
    auto code = top.find_field_unordered(key).get(out);
    if (code == simdjson::NO_SUCH_FIELD) {
      found = false;
      return true;
    }
    if (code != simdjson::SUCCESS) return fail_syntax(code, *doc_);
    found = true;
    return true;
  }

  bool decode(AdmissionRequest& out) {
    auto& parser = thread_parser();
    od::document doc;
    doc_ = &doc;
    if (auto code = parser.iterate(body_).get(doc)) {
      // The document was never started, so it has no location to report.
      return fail(std::string("request body is not valid JSON: ") + simdjson::error_message(code));
    }
    od::json_type type;
    if (auto code = doc.type().get(type)) return fail_syntax(code, doc);
    if (type != od::json_type::object) {
      return fail(std::string(bare_ ? "AdmissionReview request: expected an object, got "
                                    : "request body must be a JSON object (an AdmissionReview), "
                                      "got ") +
                  std::string(type_name(type)));
    }
    if (bare_) return decode_bare(doc, out);
    od::object top;
    if (auto code = doc.get_object().get(top)) return fail_syntax(code, doc);

    // First apiVersion and kind (kube-apiserver writes them first, so this
    // is cheap), so that a review of another version is reported as such
    // rather than as whatever its request looks like.
    od::value value;
    bool found = false;
    std::string api_version;
    if (!find_top(top, "apiVersion", value, found)) return false;
    if (found && !read_string(value, "apiVersion", api_version)) return false;
    if (api_version != kApiVersion) {
      if (api_version.empty()) {
        return fail(std::string(kWhere) + "apiVersion is required; expected \"" +
                    std::string(kApiVersion) + "\"");
      }
      return fail(std::string(kWhere) + "apiVersion \"" + api_version +
                  "\" is not supported; expected \"" + std::string(kApiVersion) +
                  "\" (list v1 in the webhook's admissionReviewVersions)");
    }
    std::string kind;
    if (!find_top(top, "kind", value, found)) return false;
    if (found && !read_string(value, "kind", kind)) return false;
    if (kind != kKind) {
      if (kind.empty()) return fail("request body has no kind; expected \"AdmissionReview\"");
      return fail("request body is a \"" + kind + "\", expected \"AdmissionReview\"");
    }

    // Then every field in order: the request decoded, the rest validated.
    doc.rewind();
    if (auto code = doc.get_object().get(top)) return fail_syntax(code, doc);
    int api_versions = 0;
    int kinds = 0;
    int requests = 0;
    bool seen_kind = false;
    bool seen_resource = false;
    bool seen_operation = false;
    for (auto field : top) {
      std::string_view key;
      if (auto code = field.unescaped_key().get(key)) return fail_syntax(code, doc);
      // A key given twice would leave it open which one was judged;
      // kube-apiserver never sends that, so it is refused.
      int* count = key == "apiVersion" ? &api_versions
                   : key == "kind"     ? &kinds
                   : key == "request"  ? &requests
                                       : nullptr;
      if (count != nullptr && ++*count > 1) {
        return fail(std::string(kWhere) + "has more than one \"" + std::string(key) + "\" field");
      }
      if (auto code = field.value().get(value)) return fail_syntax(code, doc);
      if (key != "request") {
        if (!validate(value)) return false;
        continue;
      }
      bool null = false;
      if (!is_null(value, null)) return false;
      if (null) {
        --requests;
        continue;
      }
      const char* start = value.raw_json_token().data();
      if (!read_request(value, out, seen_kind, seen_resource, seen_operation)) return false;
      request_json_.assign(start, end_of_value());
    }
    if (!at_end(doc)) return false;
    if (requests == 0) return fail(std::string(kWhere) + "request is required");
    return check_required(out, seen_kind, seen_resource, seen_operation);
  }

  bool decode_bare(od::document& doc, AdmissionRequest& out) {
    od::value root;
    if (auto code = doc.get_value().get(root)) return fail_syntax(code, doc);
    bool seen_kind = false;
    bool seen_resource = false;
    bool seen_operation = false;
    if (!read_request(root, out, seen_kind, seen_resource, seen_operation)) return false;
    if (!at_end(doc)) return false;
    return check_required(out, seen_kind, seen_resource, seen_operation);
  }

  // Past the end, simdjson reports no location; any location is trailing content.
  bool at_end(od::document& doc) {
    const char* trailing = nullptr;
    if (doc.current_location().get(trailing) == simdjson::SUCCESS) {
      return fail(std::string("request body has content after the ") +
                  (bare_ ? "request object" : "AdmissionReview object") + " (near byte " +
                  std::to_string(trailing - body_.data()) + ")");
    }
    return true;
  }

  bool check_required(const AdmissionRequest& out, bool seen_kind, bool seen_resource,
                      bool seen_operation) {
    if (out.uid.empty()) return fail(std::string(kWhere) + "request.uid is required");
    if (!seen_kind) return fail(std::string(kWhere) + "request.kind is required");
    if (!seen_resource) return fail(std::string(kWhere) + "request.resource is required");
    if (!seen_operation) return fail(std::string(kWhere) + "request.operation is required");
    return true;
  }

  static od::parser& thread_parser() {
    thread_local od::parser parser;
    return parser;
  }

  const simdjson::padded_string& body_;
  const bool bare_;
  od::document* doc_ = nullptr;
  std::string request_json_;
  std::string error_;
  std::string uid_seen_;
};

boost::json::value gvk_json(const GroupVersionKind& gvk) {
  return {{"group", gvk.group}, {"version", gvk.version}, {"kind", gvk.kind}};
}

boost::json::value gvr_json(const GroupVersionResource& gvr) {
  return {{"group", gvr.group}, {"version", gvr.version}, {"resource", gvr.resource}};
}

// Parses embedded JSON text; empty text is null.
bool embed(std::string_view text, std::string_view field, boost::json::value& out,
           std::string& error) {
  if (text.empty()) {
    out = nullptr;
    return true;
  }
  boost::system::error_code code;
  out = boost::json::parse(text, code);
  if (code) {
    error = "request." + std::string(field) + " is not valid JSON: " + code.message();
    return false;
  }
  return true;
}

}  // namespace

std::string_view to_string(Operation operation) {
  switch (operation) {
    case Operation::kCreate:
      return "CREATE";
    case Operation::kUpdate:
      return "UPDATE";
    case Operation::kDelete:
      return "DELETE";
    case Operation::kConnect:
      return "CONNECT";
  }
  return "";
}

std::optional<Operation> parse_operation(std::string_view text) {
  if (text == "CREATE") return Operation::kCreate;
  if (text == "UPDATE") return Operation::kUpdate;
  if (text == "DELETE") return Operation::kDelete;
  if (text == "CONNECT") return Operation::kConnect;
  return std::nullopt;
}

RequestDecodeResult decode_request(std::string_view body) {
  // simdjson reads up to SIMDJSON_PADDING bytes past the end; one copy of a
  // few kilobytes is far cheaper than the parse itself.
  simdjson::padded_string padded(body);
  return RequestDecoder(padded, false).run();
}

RequestDecodeResult decode_request_object(std::string_view request_json) {
  simdjson::padded_string padded(request_json);
  return RequestDecoder(padded, true).run();
}

RequestEncodeResult encode_request(const AdmissionRequest& request) {
  RequestEncodeResult result;
  boost::json::value object;
  boost::json::value old_object;
  boost::json::value options;
  if (!embed(request.object, "object", object, result.error) ||
      !embed(request.old_object, "oldObject", old_object, result.error) ||
      !embed(request.options, "options", options, result.error)) {
    return result;
  }

  boost::json::object user;
  if (!request.user_info.username.empty()) user["username"] = request.user_info.username;
  if (!request.user_info.uid.empty()) user["uid"] = request.user_info.uid;
  if (!request.user_info.groups.empty()) {
    boost::json::array groups;
    for (const auto& group : request.user_info.groups) groups.emplace_back(group);
    user["groups"] = std::move(groups);
  }
  if (!request.user_info.extra.empty()) {
    boost::json::object extra;
    for (const auto& [key, values] : request.user_info.extra) {
      boost::json::array list;
      for (const auto& value : values) list.emplace_back(value);
      extra[key] = std::move(list);
    }
    user["extra"] = std::move(extra);
  }

  // Field order and omission follow admission/v1's Go struct tags.
  boost::json::object req;
  req["uid"] = request.uid;
  req["kind"] = gvk_json(request.kind);
  req["resource"] = gvr_json(request.resource);
  if (!request.sub_resource.empty()) req["subResource"] = request.sub_resource;
  if (request.request_kind) req["requestKind"] = gvk_json(*request.request_kind);
  if (request.request_resource) req["requestResource"] = gvr_json(*request.request_resource);
  if (!request.request_sub_resource.empty()) {
    req["requestSubResource"] = request.request_sub_resource;
  }
  if (!request.name.empty()) req["name"] = request.name;
  if (!request.namespace_.empty()) req["namespace"] = request.namespace_;
  req["operation"] = to_string(request.operation);
  req["userInfo"] = std::move(user);
  req["object"] = std::move(object);
  req["oldObject"] = std::move(old_object);
  req["dryRun"] = request.dry_run;
  if (!options.is_null()) req["options"] = std::move(options);

  boost::json::object review;
  review["kind"] = kKind;
  review["apiVersion"] = kApiVersion;
  review["request"] = std::move(req);
  result.body = boost::json::serialize(review);
  return result;
}

}  // namespace dynop::admission
