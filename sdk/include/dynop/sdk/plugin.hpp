#pragma once
// The base class plugin authors derive from. A plugin class declares
//
//   static constexpr const char* kName = "my-scaler";     // config key, [a-z0-9-]+
//   static constexpr const char* kVersion = "0.1.0";
//   static constexpr dynop::sdk::Capabilities kCapabilities = dynop::sdk::kAutoscaler;
//   MyScaler(dynop::sdk::Host& host, std::string_view config_yaml);
//
// plus the hooks its capabilities need (see capabilities.hpp), and is exported
// with DYNOP_PLUGIN(MyScaler) from <dynop/sdk/export.hpp>.
//
// Any exception a hook or the constructor throws becomes an error status with
// the exception's message; it never reaches the host.

#include <cstdint>
#include <string_view>

#include "dynop/abi.h"
#include "dynop/sdk/host.hpp"
#include "dynop/sdk/status.hpp"
#include "dynop/sdk/types.hpp"

namespace dynop::sdk {

using Capabilities = uint64_t;
inline constexpr Capabilities kReconciler = DYNOP_CAP_RECONCILER;
inline constexpr Capabilities kAdmission = DYNOP_CAP_ADMISSION;
inline constexpr Capabilities kPlacement = DYNOP_CAP_PLACEMENT;
inline constexpr Capabilities kAutoscaler = DYNOP_CAP_AUTOSCALER;

class Plugin {
 public:
  explicit Plugin(Host& host) : host_(host) {}
  virtual ~Plugin() = default;
  Plugin(const Plugin&) = delete;
  Plugin& operator=(const Plugin&) = delete;

  // Lifecycle, called by the host's main thread. start: begin background
  // work; stop: end it (no plugin thread may run after stop returns).
  // Returning a non-OK status or throwing is reported by the host.
  virtual Status start() { return Status::ok(); }
  virtual Status stop() { return Status::ok(); }

 protected:
  Host& host() const { return host_; }
  const Logger& logger() const { return host_.logger(); }
  const Metrics& metrics() const { return host_.metrics(); }
  const Client& client() const { return host_.client(); }

 private:
  Host& host_;
};

}  // namespace dynop::sdk
