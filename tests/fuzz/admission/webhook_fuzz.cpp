// libFuzzer entry point for the whole webhook: any bytes as an AdmissionReview
// body get an answer, and that answer is always a well-formed AdmissionReview
// response kube-apiserver accepts (right uid, no patch), never a crash.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "lib/admission/admission_request.hpp"
#include "lib/admission/admission_response.hpp"
#include "plugins/webhook/webhook.hpp"

namespace {

using dynop::plugins::webhook::DgdLookupResult;
using dynop::plugins::webhook::Webhook;
using dynop::plugins::webhook::WebhookConfig;

const Webhook& webhook() {
  // Every DGD the rules look up exists, with one enabled and one disabled adapter.
  static const Webhook instance(WebhookConfig{}, [](std::string_view, std::string_view name) {
    if (name.empty()) return DgdLookupResult{};
    return DgdLookupResult{
        DgdLookupResult::State::kFound,
        R"({"metadata":{"name":"sglang-agg"},"spec":{"services":{"decode":{"replicas":2},)"
        R"("Frontend":{"scalingAdapter":{"disable":true}}}}})",
        ""};
  });
  return instance;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  using namespace dynop::admission;

  const std::string answer = webhook().handle(body);
  const auto request = decode_request(body);
  const auto response = decode_response(answer, request.uid);
  if (!response.ok()) std::abort();
  if (!request.ok() && response.response->allowed) std::abort();  // fail closed

  (void)webhook().review_request_object(body);
  return 0;
}
