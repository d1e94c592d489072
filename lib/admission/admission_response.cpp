#include "lib/admission/admission_response.hpp"

#include <boost/json.hpp>
#include <utility>

#include "lib/admission/admission_request.hpp"
#include "lib/apimachinery/json_decode.hpp"

namespace dynop::admission {
namespace {

std::string_view kind_name(const boost::json::value& value) {
  switch (value.kind()) {
    case boost::json::kind::object:
      return "object";
    case boost::json::kind::array:
      return "array";
    case boost::json::kind::string:
      return "string";
    case boost::json::kind::bool_:
      return "boolean";
    case boost::json::kind::null:
      return "null";
    default:
      return "number";
  }
}

std::string type_error(std::string_view path, std::string_view expected,
                       const boost::json::value& got) {
  return "webhook response " + std::string(path) + ": expected " + std::string(expected) +
         ", got " + std::string(kind_name(got));
}

// Go's GroupVersionKind.String(): "group/version, Kind=kind".
std::string gvk_string(std::string_view api_version, std::string_view kind) {
  std::string group;
  std::string version(api_version);
  if (auto slash = api_version.find('/'); slash != std::string_view::npos) {
    group = api_version.substr(0, slash);
    version = api_version.substr(slash + 1);
  }
  return group + "/" + version + ", Kind=" + std::string(kind);
}

const boost::json::value* field(const boost::json::object& object, std::string_view key) {
  auto it = object.find(key);
  if (it == object.end() || it->value().is_null()) return nullptr;
  return &it->value();
}

bool read_string(const boost::json::object& object, std::string_view key, std::string_view path,
                 std::string& out, std::string& error) {
  const auto* value = field(object, key);
  if (value == nullptr) return true;
  if (!value->is_string()) {
    error = type_error(path, "a string", *value);
    return false;
  }
  out.assign(value->get_string().data(), value->get_string().size());
  return true;
}

}  // namespace

AdmissionResponse allow(std::string uid, std::vector<std::string> warnings) {
  AdmissionResponse response;
  response.uid = std::move(uid);
  response.allowed = true;
  response.warnings = std::move(warnings);
  return response;
}

AdmissionResponse deny(std::string uid, std::string message, std::vector<std::string> warnings) {
  AdmissionResponse response;
  response.uid = std::move(uid);
  response.allowed = false;
  response.status = ResponseStatus{403, std::move(message), "Forbidden"};
  response.warnings = std::move(warnings);
  return response;
}

AdmissionResponse reject_malformed(std::string uid, std::string message) {
  AdmissionResponse response;
  response.uid = std::move(uid);
  response.allowed = false;
  response.status = ResponseStatus{400, std::move(message), "BadRequest"};
  return response;
}

std::string encode_response(const AdmissionResponse& response) {
  // The answer is built and serialized once, on every review: its few nodes
  // come from a stack buffer instead of one heap allocation each.
  unsigned char buffer[2048];
  boost::json::monotonic_resource resource(buffer, sizeof(buffer));
  boost::json::storage_ptr sp(&resource);
  boost::json::object body(sp);
  body["uid"] = response.uid;
  body["allowed"] = response.allowed;
  if (response.status) {
    boost::json::object status(sp);
    if (response.status->code != 0) status["code"] = response.status->code;
    if (!response.status->message.empty()) status["message"] = response.status->message;
    if (!response.status->reason.empty()) status["reason"] = response.status->reason;
    body["status"] = std::move(status);
  }
  if (!response.warnings.empty()) {
    boost::json::array warnings(sp);
    for (const auto& warning : response.warnings) warnings.emplace_back(warning);
    body["warnings"] = std::move(warnings);
  }
  boost::json::object review(sp);
  review["apiVersion"] = kApiVersion;
  review["kind"] = kKind;
  review["response"] = std::move(body);
  return boost::json::serialize(review);
}

ResponseDecodeResult decode_response(std::string_view body, std::string_view expected_uid) {
  ResponseDecodeResult result;
  auto decoded = apimachinery::decode_json(body);
  if (!decoded) {
    result.error = "webhook response is not valid JSON: " + decoded.error();
    return result;
  }
  const boost::json::value& parsed = *decoded;
  if (!parsed.is_object()) {
    result.error = "webhook response must be a JSON object (an AdmissionReview), got " +
                   std::string(kind_name(parsed));
    return result;
  }
  const auto& review = parsed.get_object();
  std::string api_version;
  std::string kind;
  if (!read_string(review, "apiVersion", "apiVersion", api_version, result.error) ||
      !read_string(review, "kind", "kind", kind, result.error)) {
    return result;
  }

  // The checks and their wording follow kube-apiserver's
  // VerifyAdmissionResponse, in its order.
  const auto* response_value = field(review, "response");
  if (response_value == nullptr) {
    result.error = "webhook response was absent";
    return result;
  }
  if (!response_value->is_object()) {
    result.error = type_error("response", "an object", *response_value);
    return result;
  }
  const auto& response = response_value->get_object();
  AdmissionResponse out;
  if (!read_string(response, "uid", "response.uid", out.uid, result.error)) return result;
  if (out.uid != expected_uid) {
    result.error =
        "expected response.uid=\"" + std::string(expected_uid) + "\", got \"" + out.uid + "\"";
    return result;
  }
  if (api_version != kApiVersion || kind != kKind) {
    result.error = "expected webhook response of " + gvk_string(kApiVersion, kKind) + ", got " +
                   gvk_string(api_version, kind);
    return result;
  }
  if (const auto* allowed = field(response, "allowed"); allowed != nullptr) {
    if (!allowed->is_bool()) {
      result.error = type_error("response.allowed", "a boolean", *allowed);
      return result;
    }
    out.allowed = allowed->get_bool();
  }
  if (const auto* patch = field(response, "patch");
      patch != nullptr && !(patch->is_string() && patch->get_string().empty())) {
    result.error = "validating webhook may not return response.patch";
    return result;
  }
  if (field(response, "patchType") != nullptr) {
    result.error = "validating webhook may not return response.patchType";
    return result;
  }
  if (const auto* status_value = field(response, "status"); status_value != nullptr) {
    if (!status_value->is_object()) {
      result.error = type_error("response.status", "an object", *status_value);
      return result;
    }
    const auto& status = status_value->get_object();
    ResponseStatus parsed_status;
    if (const auto* status_code = field(status, "code"); status_code != nullptr) {
      if (!status_code->is_int64() && !status_code->is_uint64()) {
        result.error = type_error("response.status.code", "an integer", *status_code);
        return result;
      }
      boost::system::error_code range;
      auto value = status_code->to_number<std::int32_t>(range);
      if (range) {
        result.error =
            "webhook response response.status.code: " + boost::json::serialize(*status_code) +
            " is out of range";
        return result;
      }
      parsed_status.code = value;
    }
    if (!read_string(status, "message", "response.status.message", parsed_status.message,
                     result.error) ||
        !read_string(status, "reason", "response.status.reason", parsed_status.reason,
                     result.error)) {
      return result;
    }
    out.status = std::move(parsed_status);
  }
  if (const auto* warnings = field(response, "warnings"); warnings != nullptr) {
    if (!warnings->is_array()) {
      result.error = type_error("response.warnings", "an array of strings", *warnings);
      return result;
    }
    std::size_t index = 0;
    for (const auto& warning : warnings->get_array()) {
      if (!warning.is_string()) {
        result.error =
            type_error("response.warnings[" + std::to_string(index) + "]", "a string", warning);
        return result;
      }
      out.warnings.emplace_back(warning.get_string().data(), warning.get_string().size());
      ++index;
    }
  }
  result.response = std::move(out);
  return result;
}

}  // namespace dynop::admission
