// Must NOT compile: evaluate() returns the wrong type.
#include <string_view>

#include "dynop/sdk/export.hpp"
#include "dynop/sdk/plugin.hpp"

class WrongEvaluate : public dynop::sdk::Plugin {
 public:
  static constexpr const char* kName = "wrong-evaluate";
  static constexpr const char* kVersion = "0.0.1";
  static constexpr dynop::sdk::Capabilities kCapabilities = dynop::sdk::kAutoscaler;
  WrongEvaluate(dynop::sdk::Host& host, std::string_view) : Plugin(host) {}
  dynop::sdk::AutoscalerSpec autoscaler_spec() { return {}; }
  int evaluate() { return 3; }
};

DYNOP_PLUGIN(WrongEvaluate)
