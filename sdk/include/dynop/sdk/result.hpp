#pragma once
// A value or a status: what the host calls of the C++ layer return.

#include <string>

#include "dynop/abi.h"
#include "dynop/sdk/status.hpp"

namespace dynop::sdk {

template <class T>
struct Result {
  Status status;
  T value{};
  bool is_ok() const { return status.is_ok(); }
};

namespace detail {
// What a call answers when the host's table lacks its slot (a host of an
// older minor, see DYNOP_HOST_HAS in abi.h).
inline Status missing_slot(const dynop_host* host, const char* slot) {
  return Status(StatusCode::kNotImplemented,
                std::string("this host (plugin ABI ") + std::to_string(host->abi_major) + "." +
                    std::to_string(host->abi_minor) + ") has no " + slot + " callback");
}
}  // namespace detail

}  // namespace dynop::sdk
