#pragma once
// What the admission server needs from a plugin: the resources and operations
// it validates, and a review. The server only sees this interface, so that
// unit tests drive it with fakes and the C ABI stays in abi_admission_plugin.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dynop::host::admission {

// One rule, as in a ValidatingWebhookConfiguration. `resource` is the plural
// ("dynamographdeployments"), optionally with a subresource
// ("dynamographdeployments/scale"); "*" matches any group, version or
// resource, "*/*" every resource and subresource, "x/*" every subresource of
// x, "*/scale" that subresource of every resource.
struct AdmissionRule {
  std::string group;  // "" for the core group
  std::string version;
  std::string resource;
  std::uint32_t operations = 0;  // DYNOP_OP_* bits of dynop/abi.h
};

// A plugin's answer to one review.
struct PluginVerdict {
  // false: the plugin failed to review (not a denial); `error` says why.
  bool ok = true;
  std::string error;
  bool allowed = false;
  std::int32_t code = 0;  // HTTP code of a denial; 0 means 403
  std::string message;    // the denial's message, shown by kubectl
  std::vector<std::string> warnings;

  static PluginVerdict failure(std::string why) {
    PluginVerdict v;
    v.ok = false;
    v.error = std::move(why);
    return v;
  }
};

class AdmissionPlugin {
 public:
  virtual ~AdmissionPlugin() = default;
  virtual const std::string& name() const = 0;
  virtual const std::vector<AdmissionRule>& rules() const = 0;
  // Called by the server's threads, concurrently. `request_json` is the
  // AdmissionReview's `request` object; valid only during the call.
  virtual PluginVerdict review(std::string_view request_json) = 0;
};

}  // namespace dynop::host::admission
