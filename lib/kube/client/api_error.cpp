#include "lib/kube/client/api_error.hpp"

#include <charconv>

#include "lib/apimachinery/status.hpp"

namespace dynop::kube {

const char* to_string(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kTransport:
      return "Transport";
    case ErrorKind::kBadRequest:
      return "BadRequest";
    case ErrorKind::kUnauthorized:
      return "Unauthorized";
    case ErrorKind::kForbidden:
      return "Forbidden";
    case ErrorKind::kNotFound:
      return "NotFound";
    case ErrorKind::kMethodNotAllowed:
      return "MethodNotAllowed";
    case ErrorKind::kConflict:
      return "Conflict";
    case ErrorKind::kGone:
      return "Gone";
    case ErrorKind::kUnsupportedMediaType:
      return "UnsupportedMediaType";
    case ErrorKind::kInvalid:
      return "Invalid";
    case ErrorKind::kTooManyRequests:
      return "TooManyRequests";
    case ErrorKind::kServerError:
      return "ServerError";
    case ErrorKind::kDecode:
      return "Decode";
    case ErrorKind::kConfig:
      return "Config";
    case ErrorKind::kOther:
      return "Other";
  }
  return "Other";
}

std::string Error::describe() const {
  std::string out;
  if (http_status != 0) out = std::to_string(http_status) + " ";
  out += reason.empty() ? to_string(kind) : reason;
  if (!message.empty()) out += ": " + message;
  return out;
}

Error transport_error(std::string message) {
  return Error{ErrorKind::kTransport, 0, "", std::move(message), std::nullopt};
}

Error decode_error(std::string message) {
  return Error{ErrorKind::kDecode, 0, "", std::move(message), std::nullopt};
}

Error config_error(std::string message) {
  return Error{ErrorKind::kConfig, 0, "", std::move(message), std::nullopt};
}

namespace {

ErrorKind kind_for(int status) {
  switch (status) {
    case 400:
      return ErrorKind::kBadRequest;
    case 401:
      return ErrorKind::kUnauthorized;
    case 403:
      return ErrorKind::kForbidden;
    case 404:
      return ErrorKind::kNotFound;
    case 405:
      return ErrorKind::kMethodNotAllowed;
    case 409:
      return ErrorKind::kConflict;
    case 410:
      return ErrorKind::kGone;
    case 415:
      return ErrorKind::kUnsupportedMediaType;
    case 422:
      return ErrorKind::kInvalid;
    case 429:
      return ErrorKind::kTooManyRequests;
    default:
      return status >= 500 && status < 600 ? ErrorKind::kServerError : ErrorKind::kOther;
  }
}

}  // namespace

Error error_from_response(int http_status, std::string_view body,
                          std::string_view retry_after_header) {
  Error error;
  error.http_status = http_status;
  error.kind = kind_for(http_status);
  if (std::optional<apimachinery::Status> status = apimachinery::parse_status_body(body)) {
    error.reason = std::move(status->reason);
    error.message = std::move(status->message);
    // Watch ERROR events carry the status only inside the Status object.
    if (http_status == 0 && status->code != 0) {
      error.http_status = status->code;
      error.kind = kind_for(error.http_status);
    }
    if (status->details && status->details->retry_after_seconds > 0) {
      error.retry_after = std::chrono::seconds(status->details->retry_after_seconds);
    }
  } else {
    error.message = std::string(body.substr(0, 512));
  }
  if (!retry_after_header.empty()) {
    long long seconds = 0;
    auto [end, errc] = std::from_chars(
        retry_after_header.data(), retry_after_header.data() + retry_after_header.size(), seconds);
    if (errc == std::errc() && seconds >= 0) error.retry_after = std::chrono::seconds(seconds);
  }
  return error;
}

}  // namespace dynop::kube
