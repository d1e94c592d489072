#pragma once
// Wall-clock time as Kubernetes writes it in status fields (RFC 3339, UTC,
// seconds). Injected into the reconcilers so tests control it.

#include <functional>
#include <string>

namespace dynop::plugins::common {

using Clock = std::function<std::string()>;

// "2026-01-01T00:00:00Z" for the current time.
std::string rfc3339_now();

}  // namespace dynop::plugins::common
