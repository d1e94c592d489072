// libFuzzer entry point for the webhook as `make run` serves it: the bytes are
// the body of a POST to one of the host's admission paths (picked by the first
// byte), answered by the host's AdmissionDispatcher with webhook.so loaded
// through the plugin loader and the SDK's export layer (tests/support/
// loaded_webhook.hpp). Every answer must be a well-formed AdmissionReview
// response kube-apiserver accepts (the request's uid, no patch), a request
// that cannot be read is never allowed (fail closed), and nothing crashes.
#include <spdlog/spdlog.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "lib/admission/admission_request.hpp"
#include "lib/admission/admission_response.hpp"
#include "lib/net/message.hpp"
#include "tests/support/loaded_webhook.hpp"

namespace {

// The DGD every lookup finds: one service with an enabled adapter, one without.
const char kDgd[] = R"({"apiVersion":"nvidia.com/v1alpha1","kind":"DynamoGraphDeployment",)"
                    R"("metadata":{"name":"sglang-agg","namespace":"default"},)"
                    R"("spec":{"services":{"decode":{"replicas":2},)"
                    R"("Frontend":{"replicas":1,"scalingAdapter":{"disable":true}}}}})";

dynop::test::LoadedWebhook& webhook() {
  static auto* instance = [] {
    spdlog::set_level(spdlog::level::off);  // a log line per input would be most of the work
    auto* loaded = new dynop::test::LoadedWebhook(DYNOP_PLUGIN_DIR, {{"default/sglang-agg", kDgd}});
    if (!loaded->ok()) {
      std::fprintf(stderr, "webhook_fuzz: %s\n", loaded->error().c_str());
      std::abort();
    }
    return loaded;
  }();
  return *instance;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const std::vector<std::string> paths = webhook().dispatcher().paths();
  const std::string& path = paths[size == 0 ? 0 : data[0] % paths.size()];
  const std::string body(reinterpret_cast<const char*>(data), size);
  const auto response = webhook().dispatcher().handle(dynop::net::Request::make(
      "POST", path + "?timeout=10s", {{"Content-Type", "application/json"}}, body));
  if (response.status != 200 && response.status != 400 && response.status != 500) std::abort();

  const auto request = dynop::admission::decode_request(body);
  const auto answer = dynop::admission::decode_response(response.body, request.uid);
  if (!answer.ok()) std::abort();
  if (!request.ok() && answer.response->allowed) std::abort();  // fail closed
  return 0;
}
