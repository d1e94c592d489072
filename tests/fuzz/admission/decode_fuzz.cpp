// libFuzzer entry point for the AdmissionReview decoders: whatever bytes
// arrive, each decoder returns a value or an error and never crashes, and a
// decoded request survives an encode/decode round trip.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "lib/admission/admission_request.hpp"
#include "lib/admission/admission_response.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  using namespace dynop::admission;

  auto review = decode_request(body);
  if (review.ok() == !review.error.empty()) std::abort();
  if (review.ok()) {
    auto encoded = encode_request(*review.request);
    if (encoded.ok()) {
      auto again = decode_request(encoded.body);
      if (!again.ok() || again.request->uid != review.request->uid ||
          again.request->operation != review.request->operation ||
          again.request->user_info != review.request->user_info) {
        std::abort();
      }
    }
    if (!decode_request_object(review.request_json).ok()) std::abort();
  }
  (void)decode_request_object(body);
  auto response = decode_response(body, review.uid);
  if (response.ok() == !response.error.empty()) std::abort();
  return 0;
}
