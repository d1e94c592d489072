// libFuzzer entry point for the host's YAML config file (host/config): any
// bytes as a config file either read into a Config or fail with one message
// that names the file, never a crash, a hang or an exception.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "host/config/config_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  dynop::host::Config config;
  std::string error;
  const bool ok = dynop::host::parse_config_text(text, "dynop.yaml", "/etc/dynop", config, error);
  if (!ok && !error.starts_with("dynop.yaml")) std::abort();  // errors say where
  if (ok && !error.empty()) std::abort();
  return 0;
}
