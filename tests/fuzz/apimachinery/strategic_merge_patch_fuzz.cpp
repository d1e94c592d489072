// libFuzzer entry point for strategic merge patch (PATCH with
// application/strategic-merge-patch+json on built-in kinds).
// Input: a JSON array [original, patch]; applied as a Pod, a Deployment, a
// ValidatingWebhookConfiguration (nested merge lists) and a
// PodDisruptionBudget (a replaced map).
#include <boost/json/parse.hpp>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "lib/apimachinery/strategic_merge_patch.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace dynop::apimachinery;
  boost::system::error_code ec;
  boost::json::value input =
      boost::json::parse(std::string_view(reinterpret_cast<const char*>(data), size), ec);
  if (ec || !input.is_array() || input.get_array().size() != 2) return 0;
  const auto& original = input.get_array()[0];
  const auto& patch = input.get_array()[1];
  (void)strategic_merge_patch(original, patch, "Pod");
  (void)strategic_merge_patch(original, patch, "Deployment");
  (void)strategic_merge_patch(original, patch, "ValidatingWebhookConfiguration");
  (void)strategic_merge_patch(original, patch, "PodDisruptionBudget");
  return 0;
}
