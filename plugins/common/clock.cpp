#include "plugins/common/clock.hpp"

#include <fmt/chrono.h>

#include <chrono>

namespace dynop::plugins::common {

std::string rfc3339_now() {
  auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  return fmt::format("{:%Y-%m-%dT%H:%M:%SZ}", now);
}

}  // namespace dynop::plugins::common
