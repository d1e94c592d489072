#include "lib/admission/admission_request.hpp"

#include <simdjson.h>

#include <boost/json.hpp>
#include <utility>

#include "lib/admission/admission_request_view.hpp"

namespace dynop::admission {
namespace {

namespace od = simdjson::ondemand;

// The exact text of the request's objects (and of the request itself), cut
// from the body. Only called on a body the DOM parse has validated, where
// On-Demand's skipping is exact.
class TextSpans {
 public:
  explicit TextSpans(const simdjson::padded_string& body) : body_(body) {}

  void fill(bool bare, bool object_texts, AdmissionRequest& request, std::string* request_json) {
    od::parser& parser = thread_parser();
    od::document doc;
    if (parser.iterate(body_).get(doc) != simdjson::SUCCESS) return;
    doc_ = &doc;
    od::object top;
    if (doc.get_object().get(top) != simdjson::SUCCESS) return;
    if (bare) {
      fields(top, request);
      return;
    }
    for (auto field : top) {
      std::string_view key;
      od::value value;
      if (field.unescaped_key().get(key) != simdjson::SUCCESS ||
          field.value().get(value) != simdjson::SUCCESS) {
        return;
      }
      if (key != "request") continue;
      const char* start = value.raw_json_token().data();
      od::object object;
      if (value.get_object().get(object) != simdjson::SUCCESS) return;
      if (!object_texts) {
        std::string_view raw;
        if (request_json != nullptr && object.raw_json().get(raw) == simdjson::SUCCESS) {
          request_json->assign(raw);
        }
        return;
      }
      fields(object, request);
      if (request_json != nullptr) request_json->assign(start, end_of_value());
      return;
    }
  }

 private:
  void fields(od::object& object, AdmissionRequest& request) {
    for (auto field : object) {
      std::string_view key;
      od::value value;
      if (field.unescaped_key().get(key) != simdjson::SUCCESS ||
          field.value().get(value) != simdjson::SUCCESS) {
        return;
      }
      std::string* out = key == "object"      ? &request.object
                         : key == "oldObject" ? &request.old_object
                         : key == "options"   ? &request.options
                                              : nullptr;
      if (out == nullptr) continue;
      od::object inner;
      std::string_view raw;
      if (value.get_object().get(inner) == simdjson::SUCCESS &&
          inner.raw_json().get(raw) == simdjson::SUCCESS) {
        out->assign(raw);
      } else {
        out->clear();  // null
      }
    }
  }

  // Right after the value just read to its end, found from the next token.
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

  static od::parser& thread_parser() {
    thread_local od::parser parser;
    return parser;
  }

  const simdjson::padded_string& body_;
  od::document* doc_ = nullptr;
};

RequestDecodeResult decode(std::string_view body, bool bare, const DecodeOptions& options) {
  thread_local apimachinery::JsonDecoder json_decoder;
  RequestView view;
  RequestDecodeResult result;
  result.error = decode_request_view(body, bare, json_decoder, view);
  result.uid = view.request.uid;
  if (!result.error.empty()) return result;
  simdjson::padded_string padded(body);
  TextSpans(padded).fill(bare, options.object_texts, view.request,
                         bare ? nullptr : &result.request_json);
  result.request = std::move(view.request);
  return result;
}

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
  auto decoded = apimachinery::decode_json(text);
  if (!decoded) {
    error = "request." + std::string(field) + " is not valid JSON: " + decoded.error();
    return false;
  }
  out = std::move(decoded).value();
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

RequestDecodeResult decode_request(std::string_view body, const DecodeOptions& options) {
  return decode(body, false, options);
}

RequestDecodeResult decode_request_object(std::string_view request_json) {
  return decode(request_json, true, DecodeOptions{});
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
