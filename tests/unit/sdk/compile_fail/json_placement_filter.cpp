// A placement plugin written against SDK 1.1's JSON filter: SDK 1.2 replaced
// it with a typed batch hook, and DYNOP_PLUGIN must say so.
#include <dynop/sdk/export.hpp>
#include <dynop/sdk/plugin.hpp>

class OldScheduler : public dynop::sdk::Plugin {
 public:
  static constexpr const char* kName = "old-scheduler";
  static constexpr const char* kVersion = "0.1.0";
  static constexpr dynop::sdk::Capabilities kCapabilities = dynop::sdk::kPlacement;
  OldScheduler(dynop::sdk::Host& host, std::string_view) : Plugin(host) {}
  dynop::sdk::PlacementSpec placement_spec() { return {"old"}; }
  dynop::sdk::Status filter(std::string_view, std::string_view) { return dynop::sdk::Status::ok(); }
  int64_t score(std::string_view, std::string_view) { return 0; }
};

DYNOP_PLUGIN(OldScheduler)
