#pragma once
// Errors from the Kubernetes API, typed by what a controller does about them
// (client-go's apierrors.IsNotFound, IsConflict, ...), and the Result type
// every client call returns. The message is the server's Status message when
// there is one, so users see what kube-apiserver said.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace dynop::kube {

enum class ErrorKind {
  kTransport,             // connect/TLS/read failure, no HTTP response
  kBadRequest,            // 400
  kUnauthorized,          // 401
  kForbidden,             // 403
  kNotFound,              // 404
  kMethodNotAllowed,      // 405
  kConflict,              // 409: stale resourceVersion, or AlreadyExists on create
  kGone,                  // 410: resourceVersion too old (relist)
  kUnsupportedMediaType,  // 415
  kInvalid,               // 422: validation failed
  kTooManyRequests,       // 429: retry after `retry_after`
  kServerError,           // 5xx
  kDecode,                // the response could not be understood
  kConfig,                // kubeconfig / in-cluster settings unusable
  kOther,                 // any other status
};

const char* to_string(ErrorKind kind);

struct Error {
  ErrorKind kind = ErrorKind::kOther;
  int http_status = 0;  // 0 for transport and decode errors
  std::string reason;   // Status.reason: "NotFound", "AlreadyExists", "Conflict", "Expired"...
  std::string message;  // Status.message, or a description of the failure
  // From the Retry-After header (429, 503) or Status.details.retryAfterSeconds.
  std::optional<std::chrono::seconds> retry_after;

  bool not_found() const { return kind == ErrorKind::kNotFound; }
  bool conflict() const { return kind == ErrorKind::kConflict && reason != "AlreadyExists"; }
  bool already_exists() const { return reason == "AlreadyExists"; }
  bool gone() const { return kind == ErrorKind::kGone || reason == "Expired"; }
  // Worth retrying the same request later (after retry_after when set).
  bool retryable() const {
    return kind == ErrorKind::kTransport || kind == ErrorKind::kTooManyRequests ||
           kind == ErrorKind::kServerError;
  }
  // "409 Conflict: Operation cannot be fulfilled on leases...".
  std::string describe() const;
};

Error transport_error(std::string message);
Error decode_error(std::string message);
Error config_error(std::string message);

// Builds the error for a non-2xx response: parses a Status body when there is
// one (falls back to the raw body), and reads Retry-After (seconds form).
// `http_status` 0: take it from the Status's code (watch ERROR events).
Error error_from_response(int http_status, std::string_view body,
                          std::string_view retry_after_header = {});

struct Ok {};

template <typename T>
class Result {
 public:
  Result(T value) : data_(std::move(value)) {}      // NOLINT: implicit by design
  Result(Error error) : data_(std::move(error)) {}  // NOLINT: implicit by design

  bool ok() const { return data_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(data_); }
  const T& value() const& { return std::get<0>(data_); }
  T&& value() && { return std::get<0>(std::move(data_)); }
  T* operator->() { return &std::get<0>(data_); }
  const T* operator->() const { return &std::get<0>(data_); }
  T& operator*() & { return std::get<0>(data_); }
  const Error& error() const& { return std::get<1>(data_); }
  Error&& error() && { return std::get<1>(std::move(data_)); }

 private:
  std::variant<T, Error> data_;
};

using Status = Result<Ok>;

}  // namespace dynop::kube
