#include "lib/admission/admission_request_view.hpp"

#include <utility>

#include "lib/apimachinery/json_decode.hpp"

namespace dynop::admission {
namespace {

namespace dom = simdjson::dom;

constexpr std::string_view kWhere = "AdmissionReview ";

// A field's JSON path, as a parent and a suffix joined only when an error
// names it: a review reads some twenty fields and names none of them.
struct Path {
  Path(const char* whole) : parent(whole) {}         // NOLINT: implicit, as a string
  Path(std::string_view whole) : parent(whole) {}    // NOLINT
  Path(const std::string& whole) : parent(whole) {}  // NOLINT
  Path(std::string_view p, std::string_view s) : parent(p), suffix(s) {}
  std::string str() const { return std::string(parent).append(suffix); }
  std::string_view parent;
  std::string_view suffix;
};

// Reads the decoded DOM. Every reader returns false after recording the
// first error; paths are the JSON paths a user would write
// (`request.userInfo.groups[1]`).
class Decoder {
 public:
  std::string error;

  bool fail(std::string message) {
    error = std::move(message);
    return false;
  }

  bool fail_type(const Path& path, std::string_view expected, dom::element got) {
    return fail(std::string(kWhere) + apimachinery::json_type_mismatch(path.str(), expected, got));
  }

  // Go's encoding/json decodes null into "" for a string field; so do we.
  bool read_string(dom::element value, const Path& path, std::string& out) {
    if (value.is_null()) {
      out.clear();
      return true;
    }
    std::string_view text;
    if (value.get_string().get(text) != simdjson::SUCCESS) {
      return fail_type(path, "a string", value);
    }
    out.assign(text);
    return true;
  }

  bool read_bool(dom::element value, const Path& path, bool& out) {
    if (value.is_null()) {
      out = false;
      return true;
    }
    if (value.get_bool().get(out) != simdjson::SUCCESS) return fail_type(path, "a boolean", value);
    return true;
  }

  bool read_string_array(dom::element value, const Path& path, std::vector<std::string>& out) {
    out.clear();
    if (value.is_null()) return true;
    dom::array array;
    if (value.get_array().get(array) != simdjson::SUCCESS) {
      return fail_type(path, "an array of strings", value);
    }
    out.reserve(array.size());
    std::size_t index = 0;
    for (dom::element item : array) {
      std::string_view text;
      if (item.is_null()) {
        out.emplace_back();
      } else if (item.get_string().get(text) == simdjson::SUCCESS) {
        out.emplace_back(text);
      } else {
        const std::string at = path.str() + "[" + std::to_string(index) + "]";
        return fail_type(at, "a string", item);
      }
      ++index;
    }
    return true;
  }

  // Objects stay elements; null and absent both mean "none".
  bool read_object(dom::element value, const Path& path, std::optional<dom::element>& out) {
    out.reset();
    if (value.is_null()) return true;
    if (!value.is_object()) return fail_type(path, "an object", value);
    out = value;
    return true;
  }

  template <class OnField>
  bool for_each_field(dom::element value, const Path& path, OnField&& on_field) {
    if (value.is_null()) return true;
    dom::object object;
    if (value.get_object().get(object) != simdjson::SUCCESS) {
      return fail_type(path, "an object", value);
    }
    for (dom::key_value_pair field : object) {
      if (!on_field(field.key, field.value)) return false;
    }
    return true;
  }

  bool read_gvk(dom::element value, std::string_view path, GroupVersionKind& out) {
    return for_each_field(value, path, [&](std::string_view key, dom::element v) {
      if (key == "group") return read_string(v, {path, ".group"}, out.group);
      if (key == "version") return read_string(v, {path, ".version"}, out.version);
      if (key == "kind") return read_string(v, {path, ".kind"}, out.kind);
      return true;
    });
  }

  bool read_gvr(dom::element value, std::string_view path, GroupVersionResource& out) {
    return for_each_field(value, path, [&](std::string_view key, dom::element v) {
      if (key == "group") return read_string(v, {path, ".group"}, out.group);
      if (key == "version") return read_string(v, {path, ".version"}, out.version);
      if (key == "resource") return read_string(v, {path, ".resource"}, out.resource);
      return true;
    });
  }

  bool read_user_info(dom::element value, UserInfo& out) {
    return for_each_field(value, "request.userInfo", [&](std::string_view key, dom::element v) {
      if (key == "username") return read_string(v, "request.userInfo.username", out.username);
      if (key == "uid") return read_string(v, "request.userInfo.uid", out.uid);
      if (key == "groups") return read_string_array(v, "request.userInfo.groups", out.groups);
      if (key == "extra") {
        return for_each_field(
            v, "request.userInfo.extra", [&](std::string_view name, dom::element e) {
              std::string extra_key(name);
              std::vector<std::string> values;
              if (!read_string_array(e, {"request.userInfo.extra.", extra_key}, values))
                return false;
              out.extra[std::move(extra_key)] = std::move(values);
              return true;
            });
      }
      return true;
    });
  }

  bool read_request(dom::element value, RequestView& view) {
    AdmissionRequest& out = view.request;
    bool seen_kind = false;
    bool seen_resource = false;
    bool seen_operation = false;
    const bool read = for_each_field(value, "request", [&](std::string_view key, dom::element v) {
      if (key == "uid") return read_string(v, "request.uid", out.uid);
      if (key == "kind") {
        seen_kind = !v.is_null();
        return read_gvk(v, "request.kind", out.kind);
      }
      if (key == "resource") {
        seen_resource = !v.is_null();
        return read_gvr(v, "request.resource", out.resource);
      }
      if (key == "subResource") return read_string(v, "request.subResource", out.sub_resource);
      if (key == "requestKind") {
        if (v.is_null()) return true;
        out.request_kind.emplace();
        return read_gvk(v, "request.requestKind", *out.request_kind);
      }
      if (key == "requestResource") {
        if (v.is_null()) return true;
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
      if (key == "object") return read_object(v, "request.object", view.object);
      if (key == "oldObject") return read_object(v, "request.oldObject", view.old_object);
      if (key == "dryRun") return read_bool(v, "request.dryRun", out.dry_run);
      if (key == "options") return read_object(v, "request.options", view.options);
      return true;
    });
    if (!read) return false;
    if (out.uid.empty()) return fail(std::string(kWhere) + "request.uid is required");
    if (!seen_kind) return fail(std::string(kWhere) + "request.kind is required");
    if (!seen_resource) return fail(std::string(kWhere) + "request.resource is required");
    if (!seen_operation) return fail(std::string(kWhere) + "request.operation is required");
    return true;
  }

  bool decode_review(dom::element root, RequestView& out) {
    if (!root.is_object()) {
      return fail("request body must be a JSON object (an AdmissionReview), got " +
                  std::string(apimachinery::json_type_name(root.type())));
    }
    std::optional<dom::element> api_version_value;
    std::optional<dom::element> kind_value;
    std::optional<dom::element> request_value;
    for (dom::key_value_pair field : dom::object(root)) {
      // A key given twice would leave it open which one was judged;
      // kube-apiserver never sends that, so it is refused.
      std::optional<dom::element>* slot = field.key == "apiVersion" ? &api_version_value
                                          : field.key == "kind"     ? &kind_value
                                          : field.key == "request"  ? &request_value
                                                                    : nullptr;
      if (slot == nullptr) continue;
      if (slot->has_value()) {
        return fail(std::string(kWhere) + "has more than one \"" + std::string(field.key) +
                    "\" field");
      }
      *slot = field.value;
    }
    // apiVersion and kind first, so that a review of another version is
    // reported as such rather than as whatever its request looks like.
    std::string api_version;
    if (api_version_value && !read_string(*api_version_value, "apiVersion", api_version)) {
      return false;
    }
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
    if (kind_value && !read_string(*kind_value, "kind", kind)) return false;
    if (kind != kKind) {
      if (kind.empty()) return fail("request body has no kind; expected \"AdmissionReview\"");
      return fail("request body is a \"" + kind + "\", expected \"AdmissionReview\"");
    }
    if (!request_value || request_value->is_null()) {
      return fail(std::string(kWhere) + "request is required");
    }
    return read_request(*request_value, out);
  }
};

}  // namespace

std::string decode_request_view(std::string_view body, bool bare,
                                apimachinery::JsonDecoder& json_decoder, RequestView& out) {
  auto parsed = json_decoder.parse_view(body);
  if (!parsed) return "request body: " + parsed.error();
  const dom::element root = *parsed;
  Decoder decoder;
  bool ok = false;
  if (bare) {
    if (!root.is_object()) {
      return std::string(kWhere) + "request: expected an object, got " +
             std::string(apimachinery::json_type_name(root.type()));
    }
    ok = decoder.read_request(root, out);
  } else {
    ok = decoder.decode_review(root, out);
  }
  return ok ? std::string() : std::move(decoder.error);
}

}  // namespace dynop::admission
