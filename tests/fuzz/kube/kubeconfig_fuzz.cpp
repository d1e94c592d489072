// libFuzzer entry point for kubeconfig files (lib/kube/client/kubeconfig.hpp): any
// bytes give a config or an error, never an exception or a crash. Invariant:
// groups, uid and extra are never impersonated without a user.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "lib/kube/client/kubeconfig.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string yaml(reinterpret_cast<const char*>(data), size);
  // A base folder that does not exist: file references fail to read rather
  // than pick up whatever is on the machine.
  auto config = dynop::kube::parse_kubeconfig(yaml, "/nonexistent-dynop-fuzz");
  if (config) {
    const auto& who = config->impersonate;
    if (who.user.empty() && (!who.uid.empty() || !who.groups.empty() || !who.extra.empty()))
      std::abort();
    if (config->server.empty()) std::abort();
  }
  return 0;
}
