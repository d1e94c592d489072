#pragma once
// The C++ face of dynop_status: one status type for every hook.

#include <string>
#include <string_view>
#include <utility>

#include "dynop/abi.h"

namespace dynop::sdk {

enum class StatusCode : int32_t {
  kOk = DYNOP_OK,
  kError = DYNOP_ERROR,
  kTerminalError = DYNOP_TERMINAL_ERROR,
  kInvalidArgument = DYNOP_INVALID_ARGUMENT,
  kNotFound = DYNOP_NOT_FOUND,
  kConflict = DYNOP_CONFLICT,
  kUnavailable = DYNOP_UNAVAILABLE,
  kNotImplemented = DYNOP_NOT_IMPLEMENTED,
  kUnschedulable = DYNOP_UNSCHEDULABLE,
  kUnschedulableAndUnresolvable = DYNOP_UNSCHEDULABLE_AND_UNRESOLVABLE,
  kSkip = DYNOP_SKIP,
};

class Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status ok() { return {}; }
  static Status error(std::string message) { return {StatusCode::kError, std::move(message)}; }
  static Status terminal_error(std::string message) {
    return {StatusCode::kTerminalError, std::move(message)};
  }
  static Status unschedulable(std::string message) {
    return {StatusCode::kUnschedulable, std::move(message)};
  }
  static Status unschedulable_and_unresolvable(std::string message) {
    return {StatusCode::kUnschedulableAndUnresolvable, std::move(message)};
  }
  static Status skip() { return {StatusCode::kSkip, {}}; }

  // Copies a status a host callback returned (its message is only valid briefly).
  static Status from_c(const dynop_status& s) {
    return {static_cast<StatusCode>(s.code),
            s.message.size ? std::string(s.message.data, s.message.size) : std::string()};
  }

  bool is_ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

inline std::string_view to_string_view(dynop_str s) {
  return s.size ? std::string_view(s.data, s.size) : std::string_view();
}
inline dynop_str to_c(std::string_view s) { return dynop_str{s.data(), s.size()}; }

}  // namespace dynop::sdk
