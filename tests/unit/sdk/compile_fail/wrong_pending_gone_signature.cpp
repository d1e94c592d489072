// ABI 1.3's on_pending_gone takes no node (the pod is on none): a class that
// declares one, copying on_pod, is told so rather than never called.
#include <dynop/sdk/export.hpp>
#include <dynop/sdk/plugin.hpp>

class Scheduler : public dynop::sdk::Plugin {
 public:
  static constexpr const char* kName = "scheduler";
  static constexpr const char* kVersion = "0.1.0";
  static constexpr dynop::sdk::Capabilities kCapabilities = dynop::sdk::kPlacement;
  Scheduler(dynop::sdk::Host& host, std::string_view) : Plugin(host) {}
  dynop::sdk::PlacementSpec placement_spec() { return {"s"}; }
  dynop::sdk::Status filter(const dynop::sdk::ClusterView&, const dynop::sdk::PodView&,
                            std::span<const dynop::sdk::NodeIndex>, dynop::sdk::FilterResults&) {
    return dynop::sdk::Status::ok();
  }
  dynop::sdk::Status score(const dynop::sdk::ClusterView&, const dynop::sdk::PodView&,
                           std::span<const dynop::sdk::NodeIndex>, std::span<int64_t>) {
    return dynop::sdk::Status::ok();
  }
  void on_pending_gone(const dynop::sdk::ClusterView&, const dynop::sdk::PodView&,
                       dynop::sdk::NodeIndex) {}
};

DYNOP_PLUGIN(Scheduler)
