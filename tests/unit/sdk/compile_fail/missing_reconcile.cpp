// Must NOT compile: declares the reconciler capability without reconcile().
#include <string_view>

#include "dynop/sdk/export.hpp"
#include "dynop/sdk/plugin.hpp"

class NoReconcile : public dynop::sdk::Plugin {
 public:
  static constexpr const char* kName = "no-reconcile";
  static constexpr const char* kVersion = "0.0.1";
  static constexpr dynop::sdk::Capabilities kCapabilities = dynop::sdk::kReconciler;
  NoReconcile(dynop::sdk::Host& host, std::string_view) : Plugin(host) {}
  dynop::sdk::ReconcilerSpec reconciler_spec() { return {}; }
};

DYNOP_PLUGIN(NoReconcile)
